"""The default retry schedule (Standard Webhooks'): a failed first attempt is sent again
5 s later, on the manual clock."""

from __future__ import annotations

from mockserver.clock import parse_iso

from .receiver import Receiver
from .support import Emulator

BUSY = "89001110001"  # forced BUSY by its last digits: one attempt, done in seconds
DEFAULT_FIRST_RETRY = 5


async def now(emulator: Emulator) -> float:
    return parse_iso((await emulator.advance(0))["now"])


async def test_a_failed_first_attempt_is_retried_5_s_later_by_default(
    emulator: Emulator, receiver: Receiver
) -> None:
    receiver.script = [500]
    await emulator.subscribe(receiver.url)  # no schedule given: the default one
    status, body = await emulator.newcall(name="N", phone=BUSY, UUID="u", maxcount="1")
    assert status == 200, body
    for _ in range(60):  # one second at a time until the first attempt: bounded
        if receiver.requests:
            break
        await emulator.advance(1)
    (delivery,) = await emulator.deliveries()
    first = parse_iso(delivery["attempts"][0]["at"])
    assert parse_iso(delivery["next_attempt_at"]) == first + DEFAULT_FIRST_RETRY
    await emulator.advance(first + DEFAULT_FIRST_RETRY - 0.5 - await now(emulator))
    assert len(receiver.requests) == 1
    await emulator.advance(0.5)
    assert len(receiver.requests) == 2
