"""Fixtures: an emulator on a manual clock; hypothesis profiles (``ci`` when CI is set)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, settings

from mockserver.config import Config

from .receiver import Receiver
from .support import MISMATCHES, Emulator, checked_app, manual_config

settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def config() -> Config:
    return manual_config()


@pytest.fixture
async def client(aiohttp_client: Any, config: Config) -> Any:
    app = checked_app(config)
    test_client = await aiohttp_client(app)
    yield test_client
    assert not app[MISMATCHES], "answers that break schemas/:\n" + "\n".join(app[MISMATCHES])


@pytest.fixture
def emulator(client: TestClient) -> Emulator:
    return Emulator(client)


@pytest.fixture
async def receiver() -> Any:
    """A real webhook receiver on 127.0.0.1, answering 200 unless scripted otherwise."""
    server = await Receiver().start()
    yield server
    await server.stop()
