"""The kit can fail: each deliberately broken emulator is caught, naming the rule it breaks and
showing a minimal failing example."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from aiohttp import web

from contract_tests.properties import load
from contract_tests.report import summary
from contract_tests.runner import FAILED, PASSED, check_outcomes, kit_settings, run_property
from contract_tests.server import MockServer, manual_config
from contract_tests.target import Target
from mockserver.config import Account, Config
from mockserver.server.app import create_app

from . import broken


def two_accounts() -> Config:
    config = manual_config()
    config.accounts = [Account("apikey", "client-key"), Account("other", "other-token")]
    return config


def target_of(server: MockServer) -> Target:
    return Target(server.url, "apikey", "client-key", "other", "other-token")


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[Config], web.Application]], Target]]:
    servers: list[MockServer] = []

    def start(factory: Callable[[Config], web.Application]) -> Target:
        servers.append(MockServer(two_accounts(), factory).start())
        return target_of(servers[-1])

    yield start
    for server in servers:
        server.stop()


def check(target: Target, name: str) -> tuple[object, str]:
    outcome = run_property(load()[name], target, kit_settings(max_examples=15))
    return outcome, summary([outcome])


def test_off_by_one_at_1000_rows_is_caught(serve) -> None:
    outcome, text = check(serve(broken.with_backend(broken.OffByOneAtTheLimit)), "make.row-limit")
    assert outcome.status == FAILED
    assert [f.rule for f in outcome.failures] == ["make.row-limit"]
    assert "1000 rows: expected HTTP 200" in text and "got HTTP 413" in text


def test_lost_inheritance_is_caught_with_a_two_row_example(serve) -> None:
    outcome, text = check(serve(broken.with_backend(broken.LostInheritance)), "make.inheritance")
    assert outcome.status == FAILED
    assert {f.rule for f in outcome.failures} == {"make.inheritance"}
    assert "broken rule make.inheritance" in text and "Minimal example:" in text
    # Shrunk to the least that shows it: one row that gives a time, one that should inherit it.
    assert outcome.example.count('"id"') == 2


def test_integer_report_values_are_caught_once_under_their_own_rule(serve) -> None:
    target = serve(broken.with_middleware(broken.integer_report))
    outcome, _ = check(target, "make.vendor-example")
    assert outcome.status == PASSED  # the counts are right; their JSON type is another rule
    found = {o.name: o for o in check_outcomes(target)}["make.report-strings"]
    assert found.status == FAILED and "lines=3 (int)" in summary([found])
    assert found.example.count('"id"') == 3  # the request that showed it, in full


def test_cdr_filter_that_drops_the_last_day_is_caught(serve) -> None:
    outcome, text = check(serve(broken.with_backend(broken.CdrDropsTheLastDay)), "cdr.filters")
    assert outcome.status == FAILED
    assert {f.rule for f in outcome.failures} == {"cdr.filters"}
    assert "missing" in text and "Minimal example:" in text


def test_leak_between_accounts_is_caught(serve) -> None:
    outcome, text = check(serve(broken.with_backend(broken.CdrLeaksAccounts)), "isolation")
    assert outcome.status == FAILED
    assert {f.rule for f in outcome.failures} == {"isolation"}
    assert "shows job" in text


def test_the_stateful_model_catches_the_dropped_last_day(serve) -> None:
    outcome, _ = check(serve(broken.with_backend(broken.CdrDropsTheLastDay)), "model")
    assert outcome.status == FAILED
    assert {f.rule for f in outcome.failures} == {"model"}
    assert "state.cdr(" in outcome.example  # the shrunk steps, as hypothesis prints them


def test_the_emulator_passes_every_property(serve) -> None:
    target = serve(create_app)
    outcomes = [run_property(p, target, kit_settings(max_examples=10)) for p in load().values()]
    assert all(o.status == PASSED for o in outcomes), summary(outcomes)
