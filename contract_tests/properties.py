"""The registry of semantic properties: the invariants of docs/contract.md that the kit proves.

A property is a plain function ``(ctx, case)`` registered with :func:`prop`,
with the rule it proves, the strategy of its cases (None: one fixed case) and
what it needs from the target. The runner skips, with the reason, what the
target cannot support.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

if TYPE_CHECKING:
    from .context import Context

NEEDS_CONTROL = "control"  # the clock or the call list: the emulator's /_mock/ API
NEEDS_TWO_KEYS = "two_keys"  # a second account


@dataclass(frozen=True)
class Property:
    name: str
    rule: str  # the sentence of the contract it proves
    fn: Callable[[Context, Any], None]
    strategy: st.SearchStrategy[Any] | None
    needs: frozenset[str]
    places_calls: bool
    examples: int | None  # a cap below the run's max_examples (slow cases)
    blackbox: str = ""  # what of the rule is still checked without the control API


PROPERTIES: dict[str, Property] = {}


def prop(
    name: str,
    rule: str,
    *,
    strategy: st.SearchStrategy[Any] | None = None,
    needs: tuple[str, ...] = (),
    places_calls: bool = True,
    examples: int | None = None,
    blackbox: str = "",
) -> Callable[[Callable[[Context, Any], None]], Callable[[Context, Any], None]]:
    def register(fn: Callable[[Context, Any], None]) -> Callable[[Context, Any], None]:
        PROPERTIES[name] = Property(
            name, rule, fn, strategy, frozenset(needs), places_calls, examples, blackbox
        )
        return fn

    return register


def needs_text(prop: Property) -> str:
    """What a rule needs of the target, for ``autodialer-contract rules``."""
    said = []
    if NEEDS_CONTROL in prop.needs:
        said.append("needs the emulator's control API")
    elif prop.blackbox:
        said.append(f"with the emulator's control API in full; without it, {prop.blackbox}")
    if NEEDS_TWO_KEYS in prop.needs:
        said.append("needs a second account (--other-api-key)")
    return "; ".join(said)


def load() -> dict[str, Property]:
    """Every property (importing the modules that register them)."""
    from . import props_calls, props_make, stateful  # noqa: F401 - registration by import

    return PROPERTIES
