"""Webhook timing on the emulator's clock: every attempt at its due time, the answer applied
at that time, and the same delivery log however the clock is moved.

The partition property drives the domain with the sender's own code and a scripted
transport (answers decided by subscription, record and attempt; completion order
shuffled); the named cases use a real receiver on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import random
import time
import zlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from mockserver.backend import Backend
from mockserver.clock import parse_iso
from mockserver.config import Account
from mockserver.server.driver import advance
from mockserver.server.sender import Sender
from mockserver.webhooks.models import Result, Send
from mockserver.webhooks.settings import Subscription
from mockserver.webhooks.signing import MAX_RETRY_AFTER

from .receiver import HANG, Receiver
from .support import Emulator, manual_config, new_backend

BUSY_ONCE, NO_ANSWER_ONCE = "89001230001", "89001230002"  # forced: ring 1-4 s, 30-40 s

# -- the partition property --------------------------------------------------------------------

#: What a scripted receiver answers: a status, a status with Retry-After (seconds, or a date
#: that many seconds after the request's Date), a time-out or a refused connection.
answers = st.sampled_from(
    [200, 204, 500, 503, 410, ("503", "7"), ("503", "0"), ("503", "junk"), ("date", 20)]
)
answers = st.one_of(answers, st.sampled_from(["timeout", "error"]))


def answer_of(send: Send, script: list[Any]) -> Result:
    """The script's answer to this attempt: a pure function of the subscription, the record
    and how many attempts the delivery had, so both runs get the same answers."""
    delivery = send.delivery
    key = f"{delivery.subscription}/{delivery.record}/{len(delivery.attempts)}"
    answer = script[zlib.crc32(key.encode()) % len(script)]
    if answer == "timeout":
        return Result(None, 1.0, "no answer within 10 s", True)
    if answer == "error":
        return Result(None, 1.0, "ClientConnectorError: refused")
    if isinstance(answer, int):
        return Result(answer, 1.0)
    if answer[0] == "date":
        sent = parsedate_to_datetime(send.headers["Date"]).timestamp()
        return Result(503, 1.0, retry_after=_http_date(sent + answer[1]))
    return Result(int(answer[0]), 1.0, retry_after=answer[1])


def _http_date(epoch: float) -> str:
    return format_datetime(datetime.fromtimestamp(epoch, UTC), usegmt=True)


def timed_backend(seed: int, subscriptions: int, duplicates: float) -> Backend:
    config = manual_config(seed=seed)
    config.accounts = [
        Account(
            api_key=api_key,
            access_token="client-key",
            webhooks=[
                Subscription(
                    url="http://127.0.0.1:9/hook", id=f"s{i}", schedule=[0.0, 5.0, 30.0, 60.0]
                )
                for i in range(subscriptions)
            ],
        )
        for api_key in ("apikey", "other")
    ]
    config.faults.webhooks.duplicate_rate = duplicates
    config.webhook_concurrency = 4
    backend = new_backend(config)
    return backend


def history(backend: Backend) -> list[Any]:
    """The whole delivery log, the calls and the subscriptions' state."""
    deliveries = [
        (
            d.id,
            d.event_id,
            d.api_key,
            d.subscription,
            d.record,
            d.state,
            d.next_at,
            [(a.n, a.at, a.trigger, a.status, a.outcome, a.retry_after) for a in d.attempts],
        )
        for d in backend.outbox.deliveries.values()
    ]
    calls = [(r.seq, r.state, [(a.started, a.ended, a.code) for a in r.history]) for _, r in
             backend.find_records()]  # fmt: skip
    subs = [(a.config.api_key, s.id, s.enabled) for a in backend.accounts.values()
            for s in a.config.webhooks]  # fmt: skip
    return [deliveries, calls, subs]


async def run(
    phones: list[tuple[str, str]],
    steps: list[int],
    script: list[Any],
    shuffle: int,
    setup: tuple[int, int, float],
) -> list[Any]:
    backend = timed_backend(*setup)
    shuffled = random.Random(shuffle)
    headers_seen: list[tuple[str, str]] = []

    async def transport(send: Send) -> Result:
        headers_seen.append((send.headers["webhook-id"], send.delivery.event_id))
        for _ in range(shuffled.randrange(4)):  # answers come back in a shuffled order
            await asyncio.sleep(0)
        return answer_of(send, script)

    sender = Sender(backend.outbox, 4, transport)
    await sender.start()
    try:
        for api_key, phone in phones:
            fields = {"name": "A", "phone": phone, "UUID": "u"}
            backend.newcall(api_key, fields, Sink())  # type: ignore[arg-type]
        for seconds in steps:
            await advance(backend, sender, backend.clock.now() + seconds)
    finally:
        await sender.stop()
    assert all(sent == event for sent, event in headers_seen)  # webhook-id: the event's id
    return history(backend)


class Sink:
    def warn(self, *_: Any) -> None:
        pass


def partition(span: int, cuts: list[int]) -> list[int]:
    points = sorted({c % span for c in cuts} - {0})
    return [b - a for a, b in zip([0, *points], [*points, span], strict=True)]


@given(
    phones=st.lists(
        st.tuples(st.sampled_from(["apikey", "other"]), st.integers(0, 99_999)),
        min_size=1,
        max_size=6,
        unique_by=lambda p: p[1],
    ),
    span=st.integers(1, 1500),
    cuts=st.lists(st.integers(1, 10**6), max_size=8),
    script=st.lists(answers, min_size=1, max_size=6),
    setup=st.tuples(st.integers(0, 2**31), st.integers(1, 3), st.sampled_from([0.0, 0.5])),
)
def test_any_partition_of_an_advance_gives_the_same_history(
    phones: list[tuple[str, int]],
    span: int,
    cuts: list[int],
    script: list[Any],
    setup: tuple[int, int, float],
) -> None:
    numbers = [(api_key, f"89{n:09d}") for api_key, n in phones]  # some end in forced digits
    whole = asyncio.run(run(numbers, [span], script, 1, setup))
    parts = asyncio.run(run(numbers, partition(span, cuts), script, 2, setup))
    assert parts == whole


def event_ids(history: list[Any]) -> list[str]:
    return [delivery[1] for delivery in history[0]]


def test_event_ids_repeat_in_a_new_emulator_given_the_same_seed_and_requests() -> None:
    calls, setup = [("apikey", "89001230000"), ("other", "89001230001")], (7, 2, 0.0)
    first = asyncio.run(run(calls, [300], [200], 1, setup))
    again = asyncio.run(run(calls, [300], [200], 1, setup))
    assert event_ids(first) and event_ids(first) == event_ids(again)


def test_event_ids_after_a_reset_are_ones_the_run_before_never_used() -> None:
    backend = timed_backend(7, 1, 0.0)
    seen: set[str] = set()
    for _ in range(3):
        fields = {"name": "A", "phone": "89001230000", "UUID": "u"}
        backend.newcall("apikey", fields, Sink())  # type: ignore[arg-type]
        [(_, record)] = backend.find_records(api_key="apikey")
        seen.add(backend.outbox._event_id(record))
        backend.reset()
    assert len(seen) == 3


# -- named cases, with a real receiver ----------------------------------------------------------


async def one_attempt_calls(emulator: Emulator, *phones: str) -> None:
    rows = [{"id": str(i), "phone": p, "maxcount": "1"} for i, p in enumerate(phones)]
    status, report = await emulator.make(rows)
    assert status == 200 and report["inserted"] == str(len(phones)), report


async def attempt_times(emulator: Emulator) -> list[list[float]]:
    return [
        [parse_iso(a["at"]) for a in d["attempts"]]
        for d in sorted(await emulator.deliveries(), key=lambda d: d["id"])
    ]


async def test_a_retry_is_due_from_its_failed_attempt_whatever_else_ends_meanwhile(
    emulator: Emulator, aiohttp_server: Any
) -> None:
    seen: set[str] = set()

    async def hook(request: web.Request) -> web.Response:  # 500 to each event's first attempt
        first = request.headers["webhook-id"] not in seen
        seen.add(request.headers["webhook-id"])
        return web.Response(status=500 if first else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = await aiohttp_server(app)
    await emulator.subscribe(str(server.make_url("/hook")))
    for i in range(10):
        await emulator.newcall(name="A", phone=f"8900123{i:03d}9", UUID="u")
    await emulator.advance(3600)
    gaps = [retry - first for first, retry in await attempt_times(emulator)]
    assert gaps == [5.0] * 10


async def test_a_410_disables_every_attempt_due_after_it(
    emulator: Emulator, receiver: Receiver
) -> None:
    receiver.script = [500, 500, 410]
    await emulator.subscribe(receiver.url, schedule=[0, 60])
    await one_attempt_calls(emulator, BUSY_ONCE, NO_ANSWER_ONCE)  # A ends first, then B
    await emulator.advance(7200)
    a, b = sorted(await emulator.deliveries(), key=lambda d: d["id"])
    assert [x["outcome"] for x in a["attempts"]] == ["http_error", "gone"]
    assert [x["outcome"] for x in b["attempts"]] == ["http_error"]  # its retry never went
    assert (a["state"], b["state"]) == ("disabled", "disabled")
    assert len(receiver.requests) == 3


async def test_a_410_ends_later_deliveries_disabled_in_one_advance_as_in_many(
    emulator: Emulator, receiver: Receiver
) -> None:
    receiver.script = [500, 500, 410]
    await emulator.subscribe(receiver.url, schedule=[0, 60])
    await one_attempt_calls(emulator, BUSY_ONCE, NO_ANSWER_ONCE)
    for _ in range(7200):
        await emulator.advance(1)
    stepped = await attempt_times(emulator)
    assert [len(times) for times in stepped] == [2, 1]
    assert len(receiver.requests) == 3


async def retried_after(emulator: Emulator, receiver: Receiver, retry_after: str) -> float:
    """The gap between a failed attempt answered with ``retry_after`` and its retry."""
    receiver.script = [(503, {"Retry-After": retry_after})]
    await emulator.subscribe(receiver.url, schedule=[0, 5])
    await one_attempt_calls(emulator, BUSY_ONCE)
    await emulator.advance(2 * MAX_RETRY_AFTER)
    ((first, retry),) = await attempt_times(emulator)
    return retry - first


async def test_retry_after_seconds_are_emulator_seconds(emulator, receiver) -> None:
    assert await retried_after(emulator, receiver, "42") == 42


async def test_retry_after_zero_retries_at_the_failed_attempts_time(emulator, receiver) -> None:
    assert await retried_after(emulator, receiver, "0") == 0


@pytest.mark.parametrize("junk", ["soon, please", "-5", "1.5", "Fri, 27 Nov 2026 06:02:00"])
async def test_retry_after_junk_is_ignored_for_the_schedule(emulator, receiver, junk) -> None:
    assert await retried_after(emulator, receiver, junk) == 5  # a date needs its zone


async def test_retry_after_over_the_cap_waits_the_cap(emulator, receiver) -> None:
    assert await retried_after(emulator, receiver, "99999999") == MAX_RETRY_AFTER


async def test_retry_after_date_is_read_against_the_emulators_clock(
    emulator: Emulator, aiohttp_server: Any
) -> None:
    answered: list[str] = []

    async def hook(request: web.Request) -> web.Response:  # "come back 90 s after your Date"
        if answered:
            return web.Response(status=200)
        sent = parsedate_to_datetime(request.headers["Date"]).timestamp()
        answered.append(request.headers["webhook-timestamp"])
        return web.Response(status=503, headers={"Retry-After": _http_date(sent + 90)})

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = await aiohttp_server(app)
    await emulator.subscribe(str(server.make_url("/hook")), schedule=[0, 5])
    await one_attempt_calls(emulator, BUSY_ONCE)  # dialled at 10:00, when the window opens
    await emulator.advance(7200)
    ((first, retry),) = await attempt_times(emulator)
    assert retry - first == 90
    assert abs(int(answered[0]) - time.time()) < 600  # webhook-timestamp stays wall time


async def test_retry_after_date_already_past_retries_at_once(emulator, receiver) -> None:
    assert await retried_after(emulator, receiver, "Thu, 01 Jan 2004 00:00:00 GMT") == 0


async def test_attempts_of_independent_subscriptions_hang_concurrently(
    emulator: Emulator,
) -> None:
    """40 subscriptions whose receivers never answer, due in 40 different seconds: one
    advance costs about one time-out, not forty."""
    timeout, count = 0.25, 40
    receiver = await Receiver(script=[HANG] * count).start()
    try:
        current = await (await emulator.client.get("/_mock/config")).json()
        current["webhook_concurrency"] = 64
        current["accounts"][0]["webhooks"] = [
            {"id": f"s{i}", "url": receiver.url, "timeout": timeout, "schedule": [float(i)]}
            for i in range(count)
        ]
        response = await emulator.client.put("/_mock/config", json=current)
        assert response.status == 200, await response.text()
        await one_attempt_calls(emulator, BUSY_ONCE)
        started = time.perf_counter()
        await emulator.advance(7200)
        wall = time.perf_counter() - started
    finally:
        await receiver.stop()
    outcomes = [a["outcome"] for d in await emulator.deliveries() for a in d["attempts"]]
    assert outcomes == ["timeout"] * count
    assert wall < 10 * timeout  # one time-out, with room for a loaded machine (was 20)


async def test_a_subscription_put_back_enabled_after_a_410_delivers_again(
    emulator: Emulator, receiver: Receiver
) -> None:
    receiver.script = [410]
    await emulator.subscribe(receiver.url, id="crm")
    await one_attempt_calls(emulator, BUSY_ONCE)
    await emulator.advance(7200)
    await emulator.subscribe(receiver.url, id="crm", enabled=True)
    await emulator.newcall(name="A", phone=NO_ANSWER_ONCE, UUID="u")
    await emulator.advance(7200)
    states = [d["state"] for d in sorted(await emulator.deliveries(), key=lambda d: d["id"])]
    assert states == ["disabled", "succeeded"]
    assert len(receiver.requests) == 2
