"""The real (and sped-up) clock: the driver runs due events as wall time passes.

Wall time is a fake the test moves, so nothing sleeps.
"""

from __future__ import annotations

import asyncio

from mockserver.backend import Backend
from mockserver.clock import Clock, parse_iso
from mockserver.server.driver import ClockDriver

from .support import entry, manual_config

START = parse_iso("2026-11-27T09:00:00+03:00")


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_driver_dials_records_as_sped_up_time_reaches_their_window() -> None:
    wall = [0.0]
    backend = Backend(manual_config(), Clock("real", speed=60, start=START, wall=lambda: wall[0]))
    driver = ClockDriver(backend)
    driver.start()
    try:
        fields = {"name": "A", "phone": "89001110000", "UUID": "a", "timestart": "10:00"}
        backend.newcall("apikey", fields, entry(backend, "newcall"))
        await settle()
        assert [r.state for _, r in backend.find_records()] == ["pending"]
        wall[0] = 61.0  # 61 wall seconds at 60x: 10:01 on the emulator's clock
        driver.wake()
        await settle()
        assert [r.state for _, r in backend.find_records()] != ["pending"]
    finally:
        await driver.stop()


async def test_driver_is_idle_on_a_manual_clock() -> None:
    backend = Backend(manual_config(), Clock("manual", start=START))
    driver = ClockDriver(backend)
    driver.start()
    assert backend.scheduler.on_earlier is None
    await driver.stop()
