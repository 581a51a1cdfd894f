"""The dashboard in a real headless chromium: what a QA engineer does, end to end.

Nothing waits on wall time: the page's clock buttons drive the emulator's manual
clock, and every check is one of Playwright's auto-waiting expectations, bounded
by ``TIMEOUT_MS``.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

import aiohttp
import pytest

from .browser import Live, browser_fixture, free_port, live_fixture, page_fixture  # noqa: F401
from .receiver import Receiver
from .support import ROOT, entry, make_body

try:
    from playwright.async_api import expect
except ImportError:  # the browser fixture fails (or skips) saying what is missing
    expect = None

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "artifacts"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


async def subscribe(live: Live, url: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{live.url}/_mock/config") as response:
            config = await response.json()
        config["accounts"][0]["webhooks"] = [{"url": url}]
        async with session.put(f"{live.url}/_mock/config", json=config) as response:
            assert response.status == 200, await response.text()


async def test_upload_advance_fail_and_replay_from_the_page(live: Live, page: Any) -> None:
    down = free_port()  # nobody listens here: the receiver is down
    await subscribe(live, f"http://127.0.0.1:{down}/hook")
    await page.goto(f"{live.url}/_mock/ui")
    await expect(page.locator("#clock-now")).to_have_text("2026-11-27 09:00:00")

    await page.set_input_files("#upload-file", ROOT / "examples" / "vendor-make.json")
    await page.click("#upload")
    await expect(page.locator("#upload-result")).to_contain_text(
        "lines 3 · ok 3 · inserted 2 · errorcode 2"
    )
    records = page.locator("#records-table tbody tr")
    await expect(records).to_have_count(2)
    await expect(page.locator("#records-table tr[data-state=pending]")).to_have_count(2)
    # The rows' duplicate is a contract warning: its journal row is highlighted.
    await expect(page.locator("#journal-table tbody tr.warn")).to_have_count(1)
    await expect(page.locator("#journal-table tr.warn .warnings")).to_contain_text(
        "duplicate_skipped"
    )

    await page.click("button.advance[data-seconds='3600']")  # 10:00, the window opens
    await expect(page.locator("#clock-now")).to_have_text("2026-11-27 10:00:00")
    await page.click("button.advance[data-seconds='600']")
    await expect(page.locator("#records-table tr[data-state=completed]")).to_have_count(2)
    await expect(records.first.locator("td.code")).to_have_text("ANSWER/16")
    await expect(page.locator("#cdr-table tbody tr")).to_have_count(2)
    await expect(page.locator("#chart rect.bar")).to_have_count(2)  # answered, no answer
    await expect(page.locator("#legend")).to_contain_text("answered 1")
    # Retries are still due, yet both deliveries have failed: the card says so, and why.
    await expect(page.locator("[data-card='webhooks failed'] b")).to_have_text("2")
    await expect(page.locator("[data-card='webhooks waiting'] b")).to_have_text("0")
    await expect(page.locator("#last-error")).to_contain_text(f"127.0.0.1:{down}/hook")

    # Two days of the back-off schedule against a receiver that is down: both fail.
    deliveries = page.locator("#deliveries-table tbody tr")
    for _ in range(2):
        await page.click("button.advance[data-seconds='86400']")
    await expect(page.locator("#deliveries-table tr[data-state=failed]")).to_have_count(2)
    await expect(deliveries.first.locator(".attempt-count")).to_have_text("8")

    receiver = await Receiver(port=down).start()  # the receiver comes back
    try:
        row = page.locator("#deliveries-table tr[data-delivery='1']")
        await row.locator("button.replay").click()
        await expect(row).to_have_attribute("data-state", "succeeded")
        await expect(row.locator("td.status-cell")).to_have_text("200")
        assert len(receiver.requests) == 1
        # The unanswered call ends first (no talk time), so its delivery is number 1.
        assert receiver.requests[0].json()["code"] == "NOANSWER/19"

        await page.fill("#fire-url", receiver.url)
        await page.fill("#fire-count", "5")
        await page.click("#fire")
        await expect(page.locator("#fire-result")).to_contain_text("sent 5 · 2xx 5")
    finally:
        await receiver.stop()

    await page.fill("#set-now", "2026-11-30 09:00")  # ISO in every locale; the emulator's zone
    await page.click("#set")
    await expect(page.locator("#clock-now")).to_have_text("2026-11-30 09:00:00")

    await page.evaluate("window.scrollTo(0, 0)")  # the sticky header at the top of the picture
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    if os.environ.get("AUTODIALER_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(ARTIFACTS / "dashboard.png", ROOT / "docs" / "dashboard.png")


async def test_the_clock_input_takes_iso_text_whatever_the_locale(live: Live, page: Any) -> None:
    await page.goto(f"{live.url}/_mock/ui")
    field = page.locator("#set-now")
    await expect(field).to_have_attribute("type", "text")  # no mm/dd/yyyy picker
    await expect(field).to_have_attribute("placeholder", "2026-11-27 09:00:00")
    await field.fill("27.11.2026 10:00")
    await page.click("#set")
    await expect(page.locator("#status")).to_contain_text("YYYY-MM-DD HH:MM")
    await field.fill("2026-11-27T12:30:15+03:00")
    await page.click("#set")
    await expect(page.locator("#clock-now")).to_have_text("2026-11-27 12:30:15")


async def test_the_records_table_pages_through_100000_records(live: Live, page: Any) -> None:
    backend = live.backend
    for batch in range(100):  # straight into the domain: make's own path, without HTTP
        rows = [{"id": str(i), "phone": f"79{batch:03d}{i:06d}"} for i in range(1000)]
        report = backend.make("apikey", make_body(rows), entry(backend, "make"))
        assert report.inserted == 1000
    await page.goto(f"{live.url}/_mock/ui")
    pager = page.locator("#records-pager .pg-label")
    await expect(pager).to_have_text("page 1 of 2000 · 100000 rows")
    await expect(page.locator("#records-table tbody tr")).to_have_count(50)
    await expect(page.locator("[data-card=pending] b")).to_have_text("100000")
    await expect(page.locator("#jobs-pager .pg-label")).to_have_text("page 1 of 10 · 100 rows")

    await page.click("#records-pager .pg-last")
    await expect(pager).to_have_text("page 2000 of 2000 · 100000 rows")
    await expect(page.locator("#records-table tbody tr").last.locator("td").first).to_have_text(
        "100000"
    )
    await page.fill("#records-phone", "+7 (904) 200-00-07")
    await expect(pager).to_have_text("page 1 of 1 · 1 rows")
    await expect(page.locator("#records-table tbody td.name")).to_have_count(1)


async def test_user_input_is_shown_as_text_never_run(live: Live, page: Any) -> None:
    async with aiohttp.ClientSession() as session:
        fields = {"name": HOSTILE, "phone": "89222220000", "UUID": "x", "var1": "<b>bold</b>"}
        async with session.post(f"{live.url}/apikey/newcall", data=fields) as response:
            assert response.status == 200
    await page.goto(f"{live.url}/_mock/ui")
    await expect(page.locator("#records-table td.name")).to_have_text(HOSTILE)
    await expect(page.locator("#records-table td.vars")).to_have_text("<b>bold</b>")
    body = page.locator("#journal-table pre.body").first
    await expect(body).to_contain_text("onerror")
    assert await page.locator("main img, main b:not(.card b)").count() == 0
    assert await page.title() != "pwned"
    assert json.loads(await page.evaluate("JSON.stringify(document.title)")) != "pwned"
