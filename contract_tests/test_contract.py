"""One test per rule: ``pytest --pyargs contract_tests --autodialer-base-url URL``."""

from __future__ import annotations

from typing import Any

import pytest

from .properties import load
from .report import detail
from .runner import ERROR, FAILED, SKIPPED, run_property
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
