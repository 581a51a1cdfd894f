"""Receivers that misbehave: retries as documented, a complete delivery log, bounded memory,
and the emulator's own answers unaffected."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from mockserver.server.keys import BACKEND, SENDER

from .receiver import HANG, Receiver
from .support import Emulator

DONE = 200  # seconds: a demo call has rung and ended by then
ALL_DONE = 1000  # seconds: 40 calls on the demo account's 10 lines have all ended


async def calls(emulator: Emulator, count: int) -> None:
    """``count`` newcalls dialled at once, all forced to answer (…0000)."""
    for i in range(count):
        status, body = await emulator.newcall(name="a", phone=f"8900{i:03d}0000", UUID=str(i))
        assert status == 200, body


@pytest.fixture
async def cutter() -> AsyncIterator[tuple[str, list[bytes]]]:
    """A receiver that cuts the connection mid-answer: after the status line if told so."""
    answers: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answers.pop(0) if answers else b"HTTP/1.1 200 OK\r\nContent-Le")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/hook", answers
    server.close()
    await server.wait_closed()


async def test_connection_closed_mid_headers_is_an_error_and_retried(
    emulator: Emulator, cutter: tuple[str, list[bytes]]
) -> None:
    url, answers = cutter
    answers += [b"HTTP/1.1 200 OK\r\nContent-Le", b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"]
    await emulator.subscribe(url, schedule=[0, 5])
    await calls(emulator, 1)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    assert [a["outcome"] for a in delivery["attempts"]] == ["error", "success"]
    assert delivery["attempts"][0]["error"]
    assert delivery["state"] == "succeeded"


async def test_body_cut_after_a_2xx_status_line_counts_as_the_receivers_answer(
    emulator: Emulator, cutter: tuple[str, list[bytes]]
) -> None:
    url, answers = cutter
    answers.append(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
    await emulator.subscribe(url)
    await calls(emulator, 1)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    assert [(a["status"], a["outcome"]) for a in delivery["attempts"]] == [(200, "success")]


async def test_every_misbehaviour_in_turn_is_retried_and_logged_attempt_by_attempt(
    emulator: Emulator, receiver: Receiver
) -> None:
    receiver.script += [500, 502, (429, {"Retry-After": "7"}), HANG, 200]
    await emulator.subscribe(receiver.url, schedule=[0, 5, 5, 5, 5, 5], timeout=0.05)
    await calls(emulator, 1)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    attempts = delivery["attempts"]
    assert [a["outcome"] for a in attempts] == [
        "http_error",
        "http_error",
        "http_error",
        "timeout",
        "success",
    ]
    assert [a["status"] for a in attempts] == [500, 502, 429, None, 200]
    assert attempts[2]["retry_after"] == "7"
    assert [a["n"] for a in attempts] == [1, 2, 3, 4, 5]
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    assert delivery["state"] == "succeeded"


async def hanging_backlog(
    client: TestClient, emulator: Emulator, receiver: Receiver, count: int, bound: int
) -> asyncio.Task[object]:
    """``count`` failed deliveries replayed at once to a receiver that hangs on every one:
    answers the replay, blocked until the receiver is released."""
    receiver.script += [500] * count + [HANG] * count
    await emulator.configure(webhook_concurrency=bound)
    await emulator.subscribe(receiver.url, schedule=[0], timeout=30)
    await calls(emulator, count)
    await emulator.advance(ALL_DONE)
    assert len(await emulator.deliveries(outcome="failed")) == count
    replay = asyncio.create_task(client.post("/_mock/deliveries/replay"))

    async def hung() -> None:
        while receiver.in_flight < bound:
            await asyncio.sleep(0)

    await asyncio.wait_for(hung(), 5)
    return replay


async def test_emulator_answers_promptly_while_every_receiver_hangs(
    client: TestClient, emulator: Emulator, receiver: Receiver
) -> None:
    replay = await hanging_backlog(client, emulator, receiver, 30, 3)
    for ask in (
        lambda: emulator.newcall(name="b", phone="89009990000", UUID="x"),
        lambda: emulator.cdr(),
        lambda: client.get("/_mock/clock"),
        lambda: client.get("/_mock/deliveries"),
        lambda: client.get("/_mock/calls"),
    ):
        started = time.perf_counter()
        await ask()
        assert time.perf_counter() - started < 1.0
    assert not replay.done()
    receiver._release.set()  # the receiver answers at last
    await replay
    assert len(await emulator.deliveries(outcome="succeeded")) == 30


async def test_a_backlog_behind_a_hanging_receiver_holds_no_more_tasks_than_the_bound(
    client: TestClient, emulator: Emulator, receiver: Receiver
) -> None:
    replay = await hanging_backlog(client, emulator, receiver, 40, 4)
    sender = client.server.app[SENDER]
    assert len(sender._tasks) == 4
    assert len(sender.outbox.due) == 36  # the rest wait as queued requests, not as tasks
    receiver._release.set()
    await replay
    assert receiver.max_in_flight == 4
    assert len(await emulator.deliveries(outcome="succeeded")) == 40


async def test_delivery_log_keeps_the_newest_settled_deliveries_up_to_its_size(
    client: TestClient, emulator: Emulator, receiver: Receiver
) -> None:
    await emulator.configure(delivery_log_size=5)
    await emulator.subscribe(receiver.url)
    await calls(emulator, 12)
    await emulator.advance(ALL_DONE)
    kept = await emulator.deliveries()
    assert len(receiver.requests) == 12
    assert len(kept) == 5
    assert [d["id"] for d in kept] == sorted(d["id"] for d in kept)[-5:]
    assert len(client.server.app[BACKEND].outbox.deliveries) == 5


async def test_delivery_log_never_drops_a_delivery_still_owed(
    emulator: Emulator, receiver: Receiver
) -> None:
    receiver.script += [500] * 10
    await emulator.configure(delivery_log_size=3)
    await emulator.subscribe(receiver.url, schedule=[0, 3600])
    await calls(emulator, 10)
    await emulator.advance(ALL_DONE)
    owed = await emulator.deliveries()
    assert len(owed) == 10  # over the size: every one still owes a retry
    assert {d["state"] for d in owed} == {"pending"}
    await emulator.advance(3600)
    settled = await emulator.deliveries()
    assert len(settled) == 3
    assert {d["state"] for d in settled} == {"succeeded"}
