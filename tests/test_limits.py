"""What one request may spend: memory in the journal, CPU in explaining its slips, and the
limits it meets (body_limit at runtime, an empty body, a 405's Allow, a client that leaves)."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.errors import MalformedBody
from mockserver.journal import MAX_WARNINGS, TEXT_LIMIT, WARNINGS_LIMIT, Entry
from mockserver.make import batchfile
from mockserver.server.keys import FAILURES

from .live import LiveEmulator
from .support import Emulator, manual_config

JSON = {"Content-Type": "application/json"}


# -- body_limit, empty bodies, 405 ------------------------------------------------------------


async def test_a_changed_body_limit_applies_to_the_next_request(
    client: TestClient, emulator: Emulator
) -> None:
    config = await (await client.get("/_mock/config")).json()
    response = await client.put("/_mock/config", json={**config, "body_limit": 1024})
    assert response.status == 200
    status, _ = await emulator.newcall(name="x" * 2000, phone="89222220009", UUID="u")
    assert status == 413
    response = await client.put("/_mock/config", json=config)  # over 1024 bytes itself
    assert response.status == 413
    response = await client.put("/_mock/config", json={"body_limit": 4096})
    assert response.status == 200
    status, _ = await emulator.newcall(name="x" * 900, phone="89222220009", UUID="u")
    assert status == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/_mock/config"),
        ("POST", "/_mock/seed"),
        ("POST", "/_mock/clock/advance"),
        ("POST", "/_mock/clock/set"),
        ("POST", "/_mock/fire"),
    ],
)
@pytest.mark.parametrize("body", [b"", b"  \r\n"])
async def test_an_empty_body_is_not_an_empty_document(
    client: TestClient, method: str, path: str, body: bytes
) -> None:
    before = await (await client.get("/_mock/config")).json()
    response = await client.request(method, path, data=body, headers=JSON)
    assert response.status == 400
    assert (await response.json())["error"]["message"].startswith("body: empty")
    assert await (await client.get("/_mock/config")).json() == before


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/apikey/newcall", "GET, POST"),
        ("PUT", "/apikey/cdr", "GET, POST"),
        ("GET", "/apikey/make", "POST"),
        ("PATCH", "/apikey/make", "POST"),
        ("TRACE", "/apikey/newcall", "GET, POST"),
        ("OPTIONS", "/apikey/cdr", "GET, POST"),
        ("DELETE", "/_mock/clock", "GET"),
        ("GET", "/_mock/reset", "POST"),
    ],
)
async def test_a_405_names_the_allowed_methods(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = await client.request(method, path)
    assert response.status == 405
    given = {method.strip() for method in response.headers["Allow"].split(",")}
    assert given >= set(allow.split(", "))
    assert (await response.json())["error"]["code"] == "method_not_allowed"


def test_a_client_that_leaves_mid_body_is_not_a_server_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """On a real runner (the test client's cancels handlers instead): the body's read fails
    with ConnectionResetError, which is neither logged as an error nor kept in FAILURES,
    so the fixture's check() passes."""
    caplog.set_level(logging.DEBUG, logger="mockserver.server.app")
    live = LiveEmulator(manual_config()).start()
    try:
        for path in ("/apikey/newcall", "/apikey/make", "/_mock/seed"):
            with socket.create_connection(("127.0.0.1", live.port)) as sock:
                sock.sendall(
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{".encode()
                )
                deadline = time.monotonic() + 5  # until the handler is reading the body
                while live.run(_reading) == 0 and time.monotonic() < deadline:
                    pass
        deadline = time.monotonic() + 5  # until the server has seen all three leave
        while caplog.text.count("client left during") < 3 and time.monotonic() < deadline:
            live.request("GET", "/_mock/clock")
        assert caplog.text.count("client left during") == 3
        assert live.run(lambda: _failures(live)) == []
        assert "Error" not in "".join(r.levelname for r in caplog.records)
    finally:
        live.stop()


async def _reading() -> int:
    """Requests whose handlers are running now (the server's loop)."""
    return sum(1 for task in asyncio.all_tasks() if "_handle_request" in repr(task.get_coro()))


async def _failures(live: LiveEmulator) -> list[Any]:
    return list(live.app[FAILURES])


# -- memory: the journal --------------------------------------------------------------------


def entry_size(entry: Entry) -> int:
    """Characters an entry keeps (its texts); object overhead is measured in bench/."""
    data = entry.to_dict()
    texts = [data["path"], data["api_key"], data["body"], data["response"]]
    texts += [k + v for k, v in data["query"].items()]
    texts += [w["field"] + w["message"] for w in data["warnings"]]
    return sum(map(len, texts))


#: The most characters one entry keeps: body and answer, path and api key, the query's
#: parameters, and the warnings (with the summary warning).
LARGEST = (
    2 * (4096 + 40) + 2 * (TEXT_LIMIT + 40) + 33 * 2 * (TEXT_LIMIT + 40) + WARNINGS_LIMIT + 200
)


async def test_a_journal_entry_keeps_bounded_texts_whatever_the_request_sent(
    client: TestClient, emulator: Emulator
) -> None:
    key = "k" * 1_900_000
    path = "/apikey/" + "m" * 20_000
    await client.post("/apikey/newcall", json={key: 1, "name": "a", "phone": "89222220009"})
    await client.get(path)
    query = "&".join(f"{'q' * 300}{i}={'v' * 300}" for i in range(200))
    await client.get(f"/apikey/cdr?{query}")
    for entry in await emulator.journal():
        assert entry_size(Entry(0, 0, "", "", "", "", {}, b"")) <= entry_size_of(entry) <= LARGEST


def entry_size_of(data: dict[str, Any]) -> int:
    texts = [data["path"], data["api_key"], data["body"], data["response"]]
    texts += [k + v for k, v in data["query"].items()]
    texts += [w["field"] + w["message"] for w in data["warnings"]]
    return sum(map(len, texts))


async def test_warnings_past_the_cap_are_summed_up_in_one(
    client: TestClient, emulator: Emulator
) -> None:
    fields = {f"junk{i}": "1" for i in range(3 * MAX_WARNINGS)}
    await client.post("/apikey/newcall", json={**fields, "name": "a", "phone": "89222220009"})
    entry = (await emulator.journal(operation="newcall"))[-1]
    assert entry["warnings"][-1]["code"] == "warnings_truncated"
    assert [w["code"] for w in entry["warnings"]].count("warnings_truncated") == 1
    assert len(entry["warnings"]) - 1 + entry["dropped_warnings"] >= 3 * MAX_WARNINGS


def test_long_warnings_spend_the_entrys_character_budget() -> None:
    entry = Entry(1, 0, "POST", "/apikey/make", "apikey", "make", {})
    for i in range(MAX_WARNINGS):
        entry.warn("unknown_field", "f" * 10_000, f"message {i} " + "m" * 10_000)
    kept = entry.warnings[:-1]
    assert sum(len(w.field) + len(w.message) for w in kept) <= WARNINGS_LIMIT
    assert entry.dropped_warnings == MAX_WARNINGS - len(kept)


# -- CPU: linear in the request's size --------------------------------------------------------


def seconds(call: Any) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


async def test_did_you_mean_stops_at_the_warning_cap(client: TestClient) -> None:
    """190,000 unknown keys once cost 2.6 s a request: each got a did-you-mean."""
    import json as stdlib

    small = stdlib.dumps({**{f"nam{i}": 1 for i in range(2_000)}, "phone": "89222220009"})
    large = stdlib.dumps({**{f"nam{i}": 1 for i in range(100_000)}, "phone": "89222220009"})
    timings = []
    for body in (small, large):
        started = time.perf_counter()
        response = await client.post("/apikey/newcall", data=body, headers=JSON)
        timings.append(time.perf_counter() - started)
        assert response.status == 400
    assert timings[1] < 2.0
    assert timings[1] < 50 * 10 * max(timings[0], 0.005)  # 50 times the keys: linear-ish


def test_the_csv_header_check_is_linear() -> None:
    """32,000 columns once cost 8.8 s (a count per column)."""
    small = ",".join(f"c{i}" for i in range(2_000)) + "\n"
    large = ",".join(f"c{i}" for i in range(64_000)) + "\n"
    timings = [seconds(lambda text=text: batchfile.csv_rows(text)) for text in (small, large)]
    assert timings[1] < 1.0
    assert timings[1] < 32 * 5 * max(timings[0], 0.001)


def test_a_repeated_column_is_still_named() -> None:
    with pytest.raises(MalformedBody, match="the header names b, c more than once"):
        batchfile.csv_rows("a,b,c,b,c,d\n1,2,3,4,5,6\n")


def test_a_cell_over_the_csv_field_limit_names_its_line() -> None:
    with pytest.raises(MalformedBody, match="line 3: not readable as CSV"):
        batchfile.csv_rows("id,phone\n1,89222220009\n2," + "9" * 140_000)


@pytest.mark.parametrize("length", [40, 5000])
async def test_a_method_name_of_any_length_is_kept_short_or_refused(
    client: TestClient, emulator: Emulator, length: int
) -> None:
    response = await client.request("X" * length, "/apikey/newcall")
    assert response.status in (400, 405)  # aiohttp's parser refuses the longest ones
    assert (await response.json())["error"]["code"]
    assert all(len(entry["method"]) < 60 for entry in await emulator.journal())
