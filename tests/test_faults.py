"""Fault injection on the vendor's methods: errors, dropped connections, latency, all journalled."""

from __future__ import annotations

import time

import aiohttp
import pytest

from .support import Emulator

PHONE = "89001112233"


async def newcall(emulator: Emulator, phone: str = PHONE) -> aiohttp.ClientResponse:
    return await emulator.client.post(
        "/apikey/newcall", data={"name": "Пётр", "phone": phone, "UUID": "u1"}
    )


async def test_pattern_answers_each_step_in_turn(emulator) -> None:
    await emulator.configure(faults={"vendor": {"pattern": ["503", "ok"]}})
    statuses = [(await newcall(emulator, f"8900111000{i}")).status for i in range(4)]
    assert statuses == [503, 200, 503, 200]


async def test_injected_error_has_the_error_body_and_is_not_processed(emulator) -> None:
    await emulator.configure(faults={"vendor": {"pattern": ["500"]}})
    response = await newcall(emulator)
    assert (await response.json())["error"]["code"] == "injected_fault"
    assert await emulator.calls() == []


async def test_injected_error_is_journalled(emulator) -> None:
    await emulator.configure(faults={"vendor": {"pattern": ["502"]}})
    await newcall(emulator)
    (entry,) = await emulator.journal()
    assert entry["status"] == 502
    assert [w["code"] for w in entry["warnings"]] == ["fault_injected"]


async def test_error_rate_repeats_for_the_same_seed(emulator) -> None:
    await emulator.configure(faults={"vendor": {"error_rate": 0.5}})

    async def run() -> list[int]:
        return [(await newcall(emulator, f"8900222000{i}")).status for i in range(10)]

    first = await run()
    await emulator.client.post("/_mock/reset")
    assert await run() == first
    assert {200, 500} == set(first)


async def test_dropped_connection_gets_no_answer_and_is_journalled(emulator) -> None:
    await emulator.configure(faults={"vendor": {"pattern": ["drop"]}})
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await newcall(emulator)
    (entry,) = await emulator.journal()
    assert "connection dropped" in entry["warnings"][0]["message"]


async def test_latency_is_added_and_journalled(emulator) -> None:
    await emulator.configure(faults={"vendor": {"latency": 0.05}})
    started = time.perf_counter()
    response = await newcall(emulator)
    assert response.status == 200
    assert time.perf_counter() - started >= 0.05
    (entry,) = await emulator.journal()
    assert "fault_injected" in [w["code"] for w in entry["warnings"]]


async def test_faults_touch_only_the_methods_named(emulator) -> None:
    await emulator.configure(faults={"vendor": {"methods": ["cdr"], "pattern": ["500"]}})
    assert (await newcall(emulator)).status == 200
    status, _ = await emulator.cdr()
    assert status == 500


async def test_control_api_is_never_faulted(emulator) -> None:
    await emulator.configure(faults={"vendor": {"pattern": ["500"]}})
    assert (await emulator.client.get("/_mock/clock")).status == 200


@pytest.mark.parametrize(
    ("faults", "named"),
    [
        ({"vendor": {"error_rate": 0.8, "drop_rate": 0.5}}, "faults.vendor.drop_rate"),
        ({"vendor": {"pattern": ["boom"]}}, "faults.vendor.pattern[0]"),
        ({"vendor": {"methods": ["dial"]}}, "faults.vendor.methods[0]"),
        ({"webhooks": {"duplicate_rate": 2}}, "faults.webhooks.duplicate_rate"),
    ],
)
async def test_bad_faults_are_refused_naming_the_key(client, faults, named) -> None:
    response = await client.put("/_mock/config", json={"faults": faults})
    assert response.status == 400
    assert named in (await response.json())["error"]["message"]
