"""A failed attempt is dialled again ``retry_interval`` seconds after it ended: the account's
own interval when it has one, else the emulator's."""

from __future__ import annotations

import pytest

from mockserver.clock import parse_iso
from mockserver.config import Config

from .support import Emulator, manual_config

BUSY = "89001110001"  # forced BUSY by its last digits: every attempt fails
EMULATOR_INTERVAL, ACCOUNT_INTERVAL = 300, 120


@pytest.fixture
def config() -> Config:
    config = manual_config(retry_interval=EMULATOR_INTERVAL)
    config.accounts[0].retry_interval = ACCOUNT_INTERVAL
    return config


async def gap_between_two_attempts(emulator: Emulator) -> float:
    """Seconds from the end of a busy call's first attempt to the start of its second."""
    status, body = await emulator.newcall(name="N", phone=BUSY, UUID="u", maxcount="2")
    assert status == 200, body
    await emulator.advance(EMULATOR_INTERVAL + 60)  # longer than either interval plus a ring
    (call,) = await emulator.calls()
    first, second = call["history"]
    return parse_iso(second["started"]) - parse_iso(first["ended"])


async def test_an_accounts_retry_interval_sets_when_a_failed_call_is_dialled_again(
    emulator: Emulator,
) -> None:
    assert await gap_between_two_attempts(emulator) == ACCOUNT_INTERVAL


async def test_an_account_without_one_retries_after_the_emulators_retry_interval(
    emulator: Emulator,
) -> None:
    await emulator.configure(
        accounts=[{"api_key": "apikey", "access_token": "client-key", "retry_interval": None}]
    )
    assert await gap_between_two_attempts(emulator) == EMULATOR_INTERVAL
