"""How many times a call is dialled: ``maxcount`` attempts at most (one when not given), and
none after an answer."""

from __future__ import annotations

from .support import Emulator

BUSY, ANSWERED = "89001110001", "89001110000"  # forced outcomes by the last digits
LONG = 6 * 3600  # seconds: more than enough for ten attempts 600 s apart


async def attempts_of(emulator: Emulator, phone: str, **fields: str) -> int:
    status, body = await emulator.newcall(name="N", phone=phone, UUID="u", **fields)
    assert status == 200, body
    await emulator.advance(LONG)
    (call,) = await emulator.calls()
    assert call["state"] == "completed"
    return len(call["history"])


async def test_a_busy_call_without_maxcount_is_dialled_once(emulator: Emulator) -> None:
    assert await attempts_of(emulator, BUSY) == 1


async def test_a_busy_call_is_dialled_maxcount_times(emulator: Emulator) -> None:
    assert await attempts_of(emulator, BUSY, maxcount="3") == 3


async def test_an_answered_call_is_not_dialled_again(emulator: Emulator) -> None:
    assert await attempts_of(emulator, ANSWERED, maxcount="3") == 1
