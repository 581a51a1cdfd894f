"""One test per rule: ``pytest --pyargs contract_tests --autodialer-base-url URL``."""

from __future__ import annotations

from typing import Any

import pytest

from .checks import CHECK_RULES
from .properties import load
from .report import detail
from .runner import ERROR, FAILED, SKIPPED, check_outcomes, run_property
from .target import Target


@pytest.mark.parametrize("rule", list(load()))
def test_rule(
    rule: str,
    autodialer_contract_target: Target,
    autodialer_contract_settings: Any,
    request: pytest.FixtureRequest,
) -> None:
    seed = request.config.option.autodialer_seed
    outcome = run_property(
        load()[rule],
        autodialer_contract_target,
        autodialer_contract_settings,
        int(seed) if seed else None,
    )
    if outcome.status == SKIPPED:
        pytest.skip(outcome.reason)
    if outcome.status in (FAILED, ERROR):
        pytest.fail(detail(outcome), pytrace=False)


@pytest.mark.parametrize("rule", list(CHECK_RULES))
def test_answers_of_the_rules_above(rule: str, autodialer_contract_target: Target) -> None:
    """The response checks over every answer the rules above received (run after them)."""
    [outcome] = [o for o in check_outcomes(autodialer_contract_target) if o.name == rule]
    if outcome.status == FAILED:
        pytest.fail(detail(outcome), pytrace=False)
