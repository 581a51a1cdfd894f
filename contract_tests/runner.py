"""Runs the registered properties against a target and keeps, per rule, the outcome and the
minimal failing example (hypothesis shrinks it, then replays it last: that replay is kept)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given
from hypothesis import seed as with_seed
from hypothesis import settings as Settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import FlakyFailure

from .context import Context
from .failures import ContractFailure, ContractFailures
from .properties import NEEDS_CONTROL, NEEDS_TWO_KEYS, Property, load
from .target import RealCallsRefused, Target

PASSED, FAILED, SKIPPED, ERROR = "passed", "failed", "skipped", "error"


@dataclass
class Outcome:
    name: str
    rule: str
    status: str = PASSED
    reason: str = ""  # why skipped, or the error
    failures: list[ContractFailure] = field(default_factory=list)
    example: str = ""  # the minimal failing example
    exchanges: list[str] = field(default_factory=list)  # of the minimal example
    examples: int = 0
    seconds: float = 0.0


def kit_settings(max_examples: int = 20, seed: int | None = None) -> Settings:
    """Bounded runs without a database: a CI's run must not depend on an earlier one."""
    return Settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=seed is None,
        report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def cache_home() -> Path:
    """Where hypothesis may keep files (its Unicode tables) for the kit's commands: the user's
    cache folder (``$XDG_CACHE_HOME``, else ``~/.cache``), never the working directory."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "autodialer-contract" / "hypothesis"


def keep_hypothesis_files_in_cache() -> None:
    """The kit runs without a database (:func:`kit_settings`); this moves the rest of
    hypothesis's files out of the user's working directory."""
    set_hypothesis_home_dir(cache_home())


def skip_reason(prop: Property, target: Target) -> str:
    if NEEDS_CONTROL in prop.needs and not target.has_control:
        return "needs the clock or the call list: the target has no control API (GET /_mock/clock)"
    if NEEDS_TWO_KEYS in prop.needs and not target.other_api_key:
        return "needs a second account: give --other-api-key and --other-access-token"
    if prop.places_calls and not target.calls_allowed:
        return f"would place calls on {target.host}, which is not loopback: pass --allow-real-calls"
    return ""


def run_property(
    prop: Property, target: Target, settings: Settings, seed: int | None = None
) -> Outcome:
    outcome = Outcome(prop.name, prop.rule)
    reason = skip_reason(prop, target)
    if reason:
        outcome.status, outcome.reason = SKIPPED, reason
        return outcome
    ctx = Context(target)
    ctx.settings = settings
    started = time.monotonic()

    def one(case: Any) -> None:
        outcome.examples += 1
        ctx.begin(case)
        prop.fn(ctx, case)
        ctx.end(shorten(ctx.case))

    try:
        if prop.strategy is None:
            one(None)
        else:
            limit = min(settings.max_examples, prop.examples or settings.max_examples)
            test = given(prop.strategy)(Settings(settings, max_examples=limit)(one))
            (with_seed(seed)(test) if seed is not None else test)()
    except ContractFailures as exc:
        outcome.status, outcome.failures, outcome.example = FAILED, exc.failures, exc.case
        outcome.exchanges = [e.brief() for e in ctx.exchanges[-6:]]
    except FlakyFailure as exc:
        outcome.status, outcome.reason = FAILED, f"flaky: the failure did not repeat ({exc})"
    except RealCallsRefused as exc:
        outcome.status, outcome.reason = SKIPPED, str(exc)
    except Exception as exc:  # a bug of the kit or a dead target: shown, never hidden
        outcome.status, outcome.reason = ERROR, f"{type(exc).__name__}: {exc}"
    finally:
        ctx.close()
        outcome.seconds = time.monotonic() - started
    return outcome


def run(
    target: Target,
    settings: Settings | None = None,
    only: list[str] | None = None,
    seed: int | None = None,
) -> list[Outcome]:
    """Every property (or those named in ``only``), in registration order."""
    settings = settings or kit_settings()
    props = [p for name, p in load().items() if not only or name in only]
    return [run_property(p, target, settings, seed) for p in props]


def shorten(case: Any, limit: int = 1500) -> str:
    """A case as JSON, long lists cut: a 1000-row batch shows its first rows and its size."""
    if case is None:
        return "(a fixed case)"
    if isinstance(case, str):
        return case
    if isinstance(case, list) and len(case) > 5:
        head = json.dumps(case[:3], ensure_ascii=False, default=str)
        return f"{len(case)} items, starting {head}"
    text = json.dumps(case, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
