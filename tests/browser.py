"""Fixtures for the dashboard's end-to-end tests: the emulator on a real port, Debian's chromium.

The browser is the system's (``apt-get install chromium``, as ``.ci/run`` does):
only package registries are reachable here, so Playwright's own browser
download is never used. Without it these tests fail with a message saying how
to get it, unless ``AUTODIALER_SKIP_BROWSER=1`` says to skip them.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

from mockserver.backend import Backend
from mockserver.config import Config
from mockserver.server.keys import BACKEND

from .support import MISMATCHES, checked_app

CHROMIUM = os.environ.get("AUTODIALER_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium's own connections are refused by
# closed networks (CI sandboxes) and slow its start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000  # every wait for the page is bounded


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Live:
    """The emulator in process, on a real port of 127.0.0.1."""

    app: web.Application
    url: str

    @property
    def backend(self) -> Backend:
        return self.app[BACKEND]


@pytest.fixture(name="live")
async def live_fixture(config: Config) -> AsyncIterator[Live]:
    app = checked_app(config)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield Live(app, f"http://127.0.0.1:{port}")
    await runner.cleanup()
    assert not app[MISMATCHES], "answers that break schemas/:\n" + "\n".join(app[MISMATCHES])


@pytest.fixture(name="browser")
async def browser_fixture() -> AsyncIterator[Any]:
    if os.environ.get("AUTODIALER_SKIP_BROWSER") == "1":
        pytest.skip("AUTODIALER_SKIP_BROWSER=1: the dashboard's browser tests are skipped")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.fail(
            "playwright is not installed: pip install -e '.[test]' "
            "(or set AUTODIALER_SKIP_BROWSER=1 to skip the browser tests)"
        )
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"no chromium at {CHROMIUM}: run .ci/run as root, or apt-get install chromium "
            "(AUTODIALER_CHROMIUM names another binary; AUTODIALER_SKIP_BROWSER=1 skips "
            "the browser tests)"
        )
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture(name="page")
async def page_fixture(browser: Any) -> AsyncIterator[Any]:
    """A page that records script errors and CSP violations; the test fails on any."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = await context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    yield tab
    await context.close()
    assert not problems, "\n".join(problems)
