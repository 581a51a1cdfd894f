"""Properties over real HTTP: fuzzed bodies never get a 5xx, concurrent uploads queue every
accepted row exactly once, and accounts never see each other's data."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import phones
from mockserver.config import Account
from mockserver.server.keys import BACKEND

from .live import LiveEmulator
from .support import manual_config

ACCOUNTS = {"apikey": "client-key", "acc-b": "token-b", "acc-c": "token-c"}
POOL = [f"8900555{n:04d}" for n in range(40)]  # numbers; some end in forced outcomes
FUZZ_ROUTES = [
    ("POST", "/apikey/make"),
    ("POST", "/apikey/newcall"),
    ("GET", "/apikey/newcall"),
    ("POST", "/apikey/cdr"),
    ("POST", "/_mock/clock/advance"),
    ("POST", "/_mock/clock/set"),
    ("POST", "/_mock/seed"),
    ("POST", "/_mock/deliveries/replay"),
]
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xx",
    "multipart/form-data",
    "text/plain",
    None,
]
LIVE: list[LiveEmulator] = []  # the module's server, for code run on its thread
shared = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def live() -> Iterator[LiveEmulator]:
    config = manual_config(
        accounts=[Account(api_key=k, access_token=t) for k, t in ACCOUNTS.items()]
    )
    server = LiveEmulator(config).start()
    LIVE[:] = [server]
    yield server
    server.stop()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@st.composite
def bodies(draw: Any) -> bytes:
    """Raw bytes, JSON values, make-shaped envelopes, each possibly truncated."""
    kind = draw(st.sampled_from(["bytes", "json", "envelope"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    value = draw(json_values)
    if kind == "envelope":
        token = draw(st.sampled_from(["client-key", 1, None]))
        value = {"query": {"access_token": token, "data": value}}
    text = json.dumps(value).encode()
    cut = draw(st.integers(0, len(text)))
    return text if draw(st.booleans()) else text[:cut]


@pytest.fixture
def kept_records(live: LiveEmulator) -> Iterator[None]:
    """Records accepted before the fuzzing, checked to be all there after it."""
    live.json("POST", "/_mock/reset")
    _, answer = live.json("POST", "/apikey/make", make_request("apikey", POOL[:20], 0)[2])
    assert answer["report"]["inserted"] == "20"
    yield
    status, page = live.json("GET", "/_mock/calls?api_key=apikey&limit=10000")
    assert status == 200
    assert {c["phone"] for c in page["items"]} >= set(POOL[:20])


@shared
@given(route=st.sampled_from(FUZZ_ROUTES), ctype=st.sampled_from(CONTENT_TYPES), body=bodies())
def test_fuzzed_bodies_never_get_a_5xx_and_every_refusal_names_its_problem(
    live: LiveEmulator, kept_records: None, route: tuple[str, str], ctype: str | None, body: bytes
) -> None:
    method, path = route
    headers = {"Content-Type": ctype} if ctype else {}
    status, raw = live.request(method, path, body, headers)
    assert status < 500, raw
    answer = json.loads(raw)
    if status >= 400:
        if "report" in answer:
            assert answer["report"]["errorcode"] != "0"
        else:
            assert answer["error"]["message"]


async def send_all(url: str, requests: list[tuple[str, str, Any]]) -> list[tuple[int, Any]]:
    """Every request at once, on as many connections."""
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(url, connector=connector) as session:

        async def one(method: str, path: str, payload: Any) -> tuple[int, Any]:
            kwargs = {"json": payload} if path.endswith("make") else {"data": payload}
            async with session.request(method, path, **kwargs) as response:
                return response.status, await response.json()

        return await asyncio.gather(*(one(*r) for r in requests))


def make_request(api_key: str, numbers: list[str], salt: int) -> tuple[str, str, Any]:
    rows = [{"id": f"{salt}-{i}", "phone": n} for i, n in enumerate(numbers)]
    return "POST", f"/{api_key}/make", {"query": {"access_token": ACCOUNTS[api_key], "data": rows}}


def newcall_request(api_key: str, number: str) -> tuple[str, str, Any]:
    return "POST", f"/{api_key}/newcall", {"name": "n", "phone": number, "UUID": "u"}


batches = st.lists(st.lists(st.sampled_from(POOL), min_size=1, max_size=15), max_size=12)
singles = st.lists(st.sampled_from(POOL), max_size=20)


@shared
@given(batches=batches, singles=singles)
def test_concurrent_uploads_and_newcalls_queue_every_accepted_row_exactly_once(
    live: LiveEmulator, batches: list[list[str]], singles: list[str]
) -> None:
    live.json("POST", "/_mock/reset")
    requests = [make_request("apikey", b, i) for i, b in enumerate(batches)]
    requests += [newcall_request("apikey", n) for n in singles]
    answers = asyncio.run(send_all(live.url, requests))
    assert all(status == 200 for status, _ in answers), answers
    _, page = live.json("GET", "/_mock/calls?limit=10000")
    calls = page["items"]
    reports = [a["report"] for _, a in answers if "report" in a]
    singles_in = [a for _, a in answers if "QUERY_COUNT" in a]
    accepted = sum(int(r["inserted"]) for r in reports) + sum(a["QUERY_COUNT"] for a in singles_in)
    assert accepted == len(calls)
    sent = {phones.normalise(n) for n in [*(n for b in batches for n in b), *singles]}
    assert Counter(c["number"] for c in calls) == Counter(sent)  # each number queued once
    assert sum(int(r["ok"]) for r in reports) == sum(map(len, batches))
    ids = [int(r["id"]) for r in reports] + [a["QUERY_ID"] for a in singles_in if a["QUERY_COUNT"]]
    assert len(ids) == len(set(ids))
    jobs = {c["job"] for c in calls}
    assert all(a["QUERY_ID"] in jobs for a in singles_in)


def test_hundreds_of_concurrent_requests_add_up(live: LiveEmulator) -> None:
    live.json("POST", "/_mock/reset")
    numbers = [f"8911{n:07d}" for n in range(2000)]
    requests = [make_request("apikey", numbers[i * 10 : i * 10 + 10], i) for i in range(150)]
    requests += [newcall_request("apikey", n) for n in numbers[1500:1800]]
    requests += [newcall_request("apikey", n) for n in numbers[:100]]  # duplicates of uploads
    answers = asyncio.run(send_all(live.url, requests))
    assert len(answers) == 550
    assert all(status == 200 for status, _ in answers)
    _, page = live.json("GET", "/_mock/calls?limit=10000")
    assert len(page["items"]) == 1800
    assert len({c["number"] for c in page["items"]}) == 1800
    _, jobs = live.json("GET", "/_mock/jobs?limit=10000")
    assert jobs["total"] == 450  # 150 uploads, 300 new calls; the 100 duplicates made none
    assert len({j["job"] for j in jobs["items"]}) == 450


operations = st.lists(
    st.tuples(st.sampled_from(sorted(ACCOUNTS)), st.sampled_from(POOL[:12]), st.booleans()),
    min_size=1,
    max_size=25,
)


@shared
@given(ops=operations)
def test_accounts_never_see_each_others_jobs_calls_cdr_journal_or_recordings(
    live: LiveEmulator, ops: list[tuple[str, str, bool]]
) -> None:
    live.json("POST", "/_mock/reset")
    requests = [
        make_request(key, [number], i) if upload else newcall_request(key, number)
        for i, (key, number, upload) in enumerate(ops)
    ]
    asyncio.run(send_all(live.url, requests))
    live.json("POST", "/_mock/clock/advance", {"seconds": 3 * 3600})
    for key in ACCOUNTS:
        sent = {phones.normalise(n) for k, n, _ in ops if k == key}
        _, calls = live.json("GET", f"/_mock/calls?api_key={key}&limit=10000")
        assert {c["api_key"] for c in calls["items"]} <= {key}
        assert {c["number"] for c in calls["items"]} == sent  # same numbers elsewhere: no matter
        _, jobs = live.json("GET", f"/_mock/jobs?api_key={key}&limit=10000")
        assert {j["api_key"] for j in jobs["items"]} <= {key}
        _, journal = live.json("GET", f"/_mock/journal?api_key={key}&limit=10000")
        assert {e["api_key"] for e in journal["items"]} <= {key}
        today = "2026-11-27"
        _, rows = live.json("GET", f"/{key}/cdr?date_from={today}&date_to=2026-11-28")
        assert {phones.normalise(r["DST"]) for r in rows} <= sent
        others = [k for k in ACCOUNTS if k != key]
        for call in calls["items"]:
            for other in others:  # another account's job id or record finds nothing
                _, found = live.json("GET", f"/_mock/calls?api_key={other}&job={call['job']}")
                assert found["items"] == []
    for key, path in live.run(recording_paths):  # another account's key opens nothing
        assert live.request("GET", path)[0] == 200
        for other in ACCOUNTS:
            if other != key:
                assert live.request("GET", path.replace(f"/{key}/", f"/{other}/", 1))[0] == 404


async def recording_paths() -> list[tuple[str, str]]:
    """(api key, path) of every recording (run on the server's thread)."""
    backend = LIVE[0].app[BACKEND]
    found = []
    for account in backend.accounts.values():
        for record in account.records():
            url = backend.recordings.url(account, record)
            if url:
                found.append((account.config.api_key, "/" + url.split("/", 3)[3]))
    return found
