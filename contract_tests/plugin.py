"""pytest fixtures for a client's own tests (registered by the ``pytest11`` entry point).

Fixtures only; the server lives in :mod:`contract_tests.server`. One emulator per
session, cleared before every test. Override ``autodialer_mock_config`` (a
session fixture) in your ``conftest.py`` to change accounts, seed or start time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver.config import Config

from .server import MockServer, manual_config


@pytest.fixture(scope="session")
def autodialer_mock_config() -> Config:
    """The emulator's configuration: the demo account, a manual clock, seed 7."""
    return manual_config()


@pytest.fixture(scope="session")
def autodialer_mock_server(autodialer_mock_config: Config) -> Iterator[MockServer]:
    """The session's emulator, not cleared between tests (use ``autodialer_mock``)."""
    with MockServer(autodialer_mock_config) as server:
        yield server


@pytest.fixture
def autodialer_mock(autodialer_mock_server: MockServer) -> Iterator[MockServer]:
    """The session's emulator, cleared for this test: no jobs, calls or journal; clock at start.

    A request the emulator failed on (a 500) fails the test at its end, with the traceback."""
    autodialer_mock_server.clear()
    yield autodialer_mock_server
    autodialer_mock_server.check()
