"""A duplicate is one number under one scenario while a call of it is still waiting or
dialling: the same number under another scenario of the account is a call of its own."""

from __future__ import annotations

import pytest

from mockserver.config import Config, Scenario

from .support import Emulator, manual_config

PHONE = "89001112233"


@pytest.fixture
def config() -> Config:
    config = manual_config()
    config.accounts[0].scenarios = [Scenario(id="1", name="Demo"), Scenario(id="2", name="Survey")]
    return config


def row(i: int, scenario: str) -> dict[str, str]:
    return {"id": str(i), "phone": PHONE, "generationtype": scenario}


async def test_one_number_under_two_scenarios_in_one_batch_is_not_a_duplicate(
    emulator: Emulator,
) -> None:
    _, report = await emulator.make([row(1, "1"), row(2, "2")])
    assert (report["ok"], report["inserted"], report["errorcode"]) == ("2", "2", "0")


async def test_one_number_under_one_scenario_in_one_batch_is_a_duplicate(
    emulator: Emulator,
) -> None:
    _, report = await emulator.make([row(1, "2"), row(2, "2")])
    assert (report["ok"], report["inserted"], report["errorcode"]) == ("2", "1", "2")


async def test_a_pending_call_under_another_scenario_does_not_make_a_duplicate(
    emulator: Emulator,
) -> None:
    await emulator.make([row(1, "1")])
    _, report = await emulator.make([row(2, "2")])
    assert (report["inserted"], report["errorcode"]) == ("1", "0")
    assert len(await emulator.calls()) == 2


async def test_a_pending_call_under_the_same_scenario_makes_a_duplicate(
    emulator: Emulator,
) -> None:
    await emulator.make([row(1, "2")])
    _, report = await emulator.make([row(2, "2")])
    assert (report["inserted"], report["errorcode"]) == ("0", "2")


async def test_newcall_under_another_scenario_than_a_pending_call_is_taken(
    emulator: Emulator,
) -> None:
    await emulator.make([row(1, "1")])
    status, body = await emulator.newcall(name="N", phone=PHONE, UUID="u", generationtype="2")
    assert (status, body["QUERY_COUNT"]) == (200, 1)


async def test_newcall_under_the_scenario_of_a_pending_call_is_a_duplicate(
    emulator: Emulator,
) -> None:
    await emulator.make([row(1, "2")])
    status, body = await emulator.newcall(name="N", phone=PHONE, UUID="u", generationtype="2")
    assert (status, body["QUERY_COUNT"]) == (200, 0)
