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

from .checks import CHECK_RULES
from .context import Context
from .failures import ContractFailure, ContractFailures
from .properties import NEEDS_CONTROL, NEEDS_TWO_KEYS, Property, load
from .target import ControlFailed, RealCallsRefused, Target

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
        return f"needs the emulator's control API (clock, call list): {target.control_problem}"
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
    tried: list[Any] = []  # the cases run: hypothesis replays the minimal failing one last

    def one(case: Any) -> None:
        outcome.examples += 1
        tried[:] = [case]
        ctx.begin(case)
        prop.fn(ctx, case)
        ctx.end(example_text(ctx.case, ctx.marks))

    try:
        if prop.strategy is None:
            one(None)
        else:
            limit = min(settings.max_examples, prop.examples or settings.max_examples)
            test = given(prop.strategy)(Settings(settings, max_examples=limit)(one))
            (with_seed(seed)(test) if seed is not None else test)()
    except ContractFailures as exc:
        found, requests = fewer_items(one, tried[0] if tried else None, exc, ctx)
        outcome.status, outcome.failures, outcome.example = FAILED, found.failures, found.case
        outcome.exchanges = requests
    except FlakyFailure as exc:
        outcome.status, outcome.reason = FAILED, f"flaky: the failure did not repeat ({exc})"
    except RealCallsRefused as exc:
        outcome.status, outcome.reason = SKIPPED, str(exc)
    except ControlFailed as exc:
        # The kit's assumption broke, not a rule: run black-box, or say why the rule cannot run.
        target.lose_control(str(exc))
        if NEEDS_CONTROL not in prop.needs:
            return run_property(prop, target, settings, seed)
        outcome.status, outcome.reason = SKIPPED, skip_reason(prop, target)
    except Exception as exc:  # a bug of the kit or a dead target: shown, never hidden
        outcome.status, outcome.reason = ERROR, f"{type(exc).__name__}: {exc}"
    finally:
        ctx.close()
        outcome.seconds = time.monotonic() - started
    return outcome


def fewer_items(
    one: Any, case: Any, found: ContractFailures, ctx: Context
) -> tuple[ContractFailures, list[str]]:
    """Hypothesis's shrinking, finished for list cases: drops items one at a time while the
    same rules stay broken (its shrinker can stop early on rows drawn from a mixed strategy).
    Bounded: at most n passes of n tries for n items. Answers the failure and its requests."""
    requests = [e.brief() for e in ctx.exchanges[-6:]]
    if not isinstance(case, list):
        return found, requests
    rules = {f.rule for f in found.failures}
    shrunk = True
    while shrunk and len(case) > 1:
        shrunk = False
        for index in range(len(case)):
            smaller = case[:index] + case[index + 1 :]
            try:
                one(smaller)
            except ContractFailures as again:
                if {f.rule for f in again.failures} == rules:
                    case, found, shrunk = smaller, again, True
                    requests = [e.brief() for e in ctx.exchanges[-6:]]
                    break
            except Exception:
                continue
    return found, requests


def run(
    target: Target,
    settings: Settings | None = None,
    only: list[str] | None = None,
    seed: int | None = None,
) -> list[Outcome]:
    """Every property (or those named in ``only``), in registration order."""
    settings = settings or kit_settings()
    props = [p for name, p in load().items() if not only or name in only]
    target.has_control  # noqa: B018 - probed before the rules, so no rule's report shows it
    outcomes = [run_property(p, target, settings, seed) for p in props]
    return outcomes + check_outcomes(target)


def check_outcomes(target: Target) -> list[Outcome]:
    """One row per response check: failed with the smallest request that broke it, else
    passed over every answer of the run."""
    outcomes = []
    log = target.check_log
    for name, rule in CHECK_RULES.items():
        outcome = Outcome(name, rule, examples=log.answers)
        if name in log.found:
            failure, exchange = log.found[name]
            outcome.status, outcome.failures = FAILED, [failure]
            outcome.example = example_text(exchange.sent)
            outcome.exchanges = [exchange.brief()]
        outcomes.append(outcome)
    return outcomes


def example_text(case: Any, marks: dict[int, str] | None = None) -> str:
    """A case in full as JSON; a list one item a line, ``→`` before the marked ones and why
    after them (a shrunk example is short: nothing is cut)."""
    if case is None:
        return "(a fixed case)"
    if isinstance(case, str):
        return case
    if not isinstance(case, list):
        return json.dumps(case, ensure_ascii=False, default=str)
    marks = marks or {}
    lines = ["["]
    for index, item in enumerate(case):
        text = json.dumps(item, ensure_ascii=False, default=str)
        comma = "," if index < len(case) - 1 else ""
        why = f"   ← row {index + 1}: {marks[index]}" if index in marks else ""
        lines.append(f"{'→' if index in marks else ' '} {text}{comma}{why}")
    return "\n".join([*lines, "]"])
