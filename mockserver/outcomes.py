"""How an attempt ends: forced rules by the number's last digits, else the scenario's seeded mix.

Draws are a pure function of (seed, api key, record, attempt): see :mod:`.draws`. A
record's outcome therefore does not depend on what other records or accounts did: the
same seed, requests and clock moves give the same cdr.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Mapping
from itertools import accumulate
from typing import TYPE_CHECKING

from .draws import ATTEMPT, Draws, integer, uniform

if TYPE_CHECKING:
    from .config import ForcedRule, Scenario

STATUSES = ("ANSWER", "BUSY", "NOANSWER", "CONGESTION", "CHANUNAVAIL", "CANCEL")

#: The fixed table (like payment providers' test cards): last four digits -> (status, answer).
FIXED_RULES: dict[str, tuple[str, str]] = {
    "0000": ("ANSWER", "да"),
    "0001": ("BUSY", ""),
    "0002": ("NOANSWER", ""),
    "0003": ("CONGESTION", ""),
    "0004": ("CHANUNAVAIL", ""),
    "0005": ("ANSWER", "нет"),
    "0006": ("ANSWER", ""),
    "0007": ("CANCEL", ""),
}


class WeightedChoice:
    """Picks a key of a weight table with a uniform number; zero weights are never picked."""

    def __init__(self, weights: Mapping[str, float]) -> None:
        items = [(k, w) for k, w in weights.items() if w > 0]
        total = sum(w for _, w in items)
        self.keys = [k for k, _ in items] or [""]
        # Cumulative shares; the last is 2, so any u < 1 lands, whatever the rounding.
        shares = [b / total for b in accumulate(w for _, w in items)]
        self.bounds = [*shares[:-1], 2.0]

    def pick(self, u: float) -> str:
        return self.keys[bisect_right(self.bounds, u)]


#: How one attempt ends: STATUS/cause as cdr shows it, ring and talk seconds, the answer
#: recognised. A plain tuple: a simulation makes one per attempt.
Outcome = tuple[str, int, int, str]


class ForcedTable:
    """The fixed four-digit table plus configured rules; the longest matching suffix wins."""

    def __init__(self, extra: list[ForcedRule]) -> None:
        rules = dict(FIXED_RULES)
        rules.update({r.suffix: (r.status, r.answer) for r in extra})
        self.rules = rules
        self.lengths = sorted({len(s) for s in rules}, reverse=True)
        #: The forced (status, answer) of a number, if any. The fixed table alone: one
        #: look-up (once per attempt).
        self.match: Callable[[str], tuple[str, str] | None] = (
            self._match_one if len(self.lengths) == 1 else self._match_longest
        )

    def _match_longest(self, number: str) -> tuple[str, str] | None:
        for length in self.lengths:
            found = self.rules.get(number[-length:])
            if found is not None:
                return found
        return None

    def _match_one(self, number: str) -> tuple[str, str] | None:
        return self.rules.get(number[-self.lengths[0] :])


class OutcomePicker:
    """Decides every attempt of one scenario (its tables made once: this runs per attempt)."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        statuses = WeightedChoice(scenario.outcomes)
        self.status_keys = [key or "NOANSWER" for key in statuses.keys]
        self.status_bounds = statuses.bounds
        self.answers = WeightedChoice(scenario.answers)
        #: status -> (STATUS/cause, shortest ring, longest ring), whole seconds
        self.rings = {
            s: (f"{s}/{scenario.causes[s]}", *whole_seconds(low, high))
            for s, (low, high) in scenario.ring_seconds.items()
        }
        self.talk_low, self.talk_high = whole_seconds(*scenario.talk_seconds)

    def decide(
        self, forced: tuple[str, str] | None, draws: Draws, job: int, row: int, attempt: int
    ) -> Outcome:
        """One hash gives the four draws: status, answer, ring and talk time."""
        w_status, w_answer, w_ring, w_talk = draws.words(ATTEMPT, job, row, attempt)
        if forced is None:
            status = self.status_keys[bisect_right(self.status_bounds, uniform(w_status))]
            answer = self.answers.pick(uniform(w_answer)) if status == "ANSWER" else ""
        else:
            status, answer = forced
        code, low, high = self.rings[status]
        ring = integer(w_ring, low, high)
        if status != "ANSWER":
            return code, ring, 0, answer
        return code, ring, integer(w_talk, self.talk_low, self.talk_high), answer


def whole_seconds(low: float, high: float) -> tuple[int, int]:
    """A configured [min, max] as the whole seconds it holds, each equally likely: [5, 90]
    is 5..90 inclusive, [0, 0] is 0; a range holding no whole second gives its lower
    bound rounded up."""
    first = math.ceil(low)
    return first, max(first, math.floor(high))
