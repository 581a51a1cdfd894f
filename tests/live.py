"""A live emulator on 127.0.0.1 (port 0) in a thread of its own, for hypothesis tests.

Hypothesis drives synchronous tests; the emulator runs its own event loop in a
thread, like pytest-httpserver's server, so one server serves every example
(``POST /_mock/reset`` between them) and a test talks to it over real HTTP:
raw bytes with ``http.client``, or many requests at once with aiohttp on a loop
of the test's own. Only the server's thread touches the backend.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

from mockserver.config import Config
from mockserver.server.app import PARSER_LIMITS, create_app

T = TypeVar("T")


class LiveEmulator:
    def __init__(self, config: Config) -> None:
        self.app = create_app(config)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._runner = web.AppRunner(
            self.app, handle_signals=False, shutdown_timeout=1, **PARSER_LIMITS
        )
        self.port = 0

    def start(self) -> LiveEmulator:
        self._thread.start()
        self.run(self._start)
        return self

    async def _start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        self.run(self._runner.cleanup)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, coroutine: Callable[[], Awaitable[T]], timeout: float = 30) -> T:
        """Runs ``coroutine()`` on the server's loop (where the backend may be touched)."""
        future = asyncio.run_coroutine_threadsafe(_call(coroutine), self.loop)
        return future.result(timeout)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """One raw request: the body and headers go out exactly as given."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def json(self, method: str, path: str, data: Any = None) -> tuple[int, Any]:
        body = None if data is None else json.dumps(data).encode()
        status, raw = self.request(method, path, body, {"Content-Type": "application/json"})
        return status, json.loads(raw)


async def _call(coroutine: Callable[[], Awaitable[T]]) -> T:
    return await coroutine()
