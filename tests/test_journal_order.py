"""``GET /_mock/journal?order=desc``: newest first, so ``limit=1`` is the last request."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from .support import Emulator


async def three_requests(emulator: Emulator) -> None:
    await emulator.client.post("/apikey/newcall", data={"name": "A", "phone": "89001110000"})
    await emulator.cdr()
    await emulator.client.get("/apikey/cdr", params={"date_from": "bad"})


async def test_journal_lists_oldest_first_by_default(emulator: Emulator) -> None:
    await three_requests(emulator)
    ids = [e["id"] for e in await emulator.journal()]
    assert ids == sorted(ids) and len(ids) == 3


async def test_journal_order_desc_lists_newest_first(emulator: Emulator) -> None:
    await three_requests(emulator)
    oldest_first = [e["id"] for e in await emulator.journal()]
    assert [e["id"] for e in await emulator.journal(order="desc")] == oldest_first[::-1]


async def test_journal_order_desc_with_limit_1_is_the_newest_request(emulator: Emulator) -> None:
    await three_requests(emulator)
    (newest,) = await emulator.journal(order="desc", limit=1)
    assert newest["query"] == {"date_from": "bad"}


async def test_journal_refuses_an_unknown_order_naming_it(client: TestClient) -> None:
    response = await client.get("/_mock/journal", params={"order": "newest"})
    assert response.status == 400
    assert (await response.json())["error"]["message"].startswith("order: must be 'asc' or 'desc'")
