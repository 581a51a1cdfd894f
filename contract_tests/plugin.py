"""pytest fixtures for a client's own tests (registered by the ``pytest11`` entry point).

Fixtures only; the server lives in :mod:`contract_tests.server`. One emulator per
session, cleared before every test. Override ``autodialer_mock_config`` (a
session fixture) in your ``conftest.py`` to change accounts, seed or start time.

A test marked ``@pytest.mark.autodialer_cassette("cassettes/day.jsonl")`` gets instead a
replay of that cassette (a path relative to the test's file): recorded answers to
matching requests, as ``autodialer-mock replay`` serves them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


CASSETTE_MARKER = "autodialer_cassette"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{CASSETTE_MARKER}(path): autodialer_mock replays this cassette (relative to the test)",
    )


@pytest.fixture
def autodialer_mock(
    request: pytest.FixtureRequest, autodialer_mock_server: MockServer
) -> Iterator[MockServer]:
    """The session's emulator, cleared for this test: no jobs, calls or journal; clock at start.

    A request the emulator failed on (a 500) fails the test at its end, with the traceback.
    With the ``autodialer_cassette`` marker: a replay of that cassette, for this test only."""
    marker = request.node.get_closest_marker(CASSETTE_MARKER)
    if marker is not None:
        yield from _replay(Path(request.path).parent / marker.args[0])
        return
    autodialer_mock_server.clear()
    yield autodialer_mock_server
    autodialer_mock_server.check()


def _replay(cassette: Path) -> Iterator[MockServer]:
    from mockserver.proxy.replay import Tape, create_replay_app

    tape = Tape.load(cassette)
    with MockServer(app_factory=lambda _config: create_replay_app(tape)) as server:
        yield server
