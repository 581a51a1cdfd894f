"""What one property run holds: the target, the current example, and the failures found."""

from __future__ import annotations

import itertools
import random
from typing import Any

from . import model
from .checks import CHECKS
from .failures import ContractFailure, ContractFailures
from .target import Exchange, Target


class Context:
    def __init__(self, target: Target) -> None:
        self.target = target
        self.failures: list[ContractFailure] = []
        self.exchanges: list[Exchange] = []
        self.case: Any = None
        #: Rows of the example worth a reader's eye, by index: why (shown beside the row).
        self.marks: dict[int, str] = {}
        self.settings: Any = None  # the run's hypothesis settings (the stateful test reads them)
        # Fresh numbers per example, so that runs never collide with each other's pending calls.
        self._blocks = itertools.count(random.Random().randrange(10**5))
        target.listeners.append(self.observe)

    def close(self) -> None:
        self.target.listeners.remove(self.observe)

    def begin(self, case: Any) -> None:
        """A new example: a clean emulator when the target has one, no failures yet."""
        self.case = case
        self.failures = []
        self.exchanges = []
        self.marks = {}
        if self.target.has_control:
            self.target.reset()

    def observe(self, exchange: Exchange) -> None:
        """Runs every registered response check on one answer, into the run's check log."""
        self.exchanges.append(exchange)
        self.target.check_log.answers += 1
        for check in CHECKS.values():
            try:
                check(self, exchange, self.case)
            except ContractFailure as failure:
                failure.exchange = exchange
                self.target.check_log.add(failure, exchange)

    def expect(self, condition: bool, failure: type[ContractFailure], message: str) -> bool:
        if not condition:
            self.failures.append(failure(message, self.exchanges[-1] if self.exchanges else None))
        return condition

    def end(self, shown: str) -> None:
        if self.failures:
            raise ContractFailures(list(self.failures), shown)

    # -- numbers ------------------------------------------------------------------------------

    def renumber(self, rows: list[Any], field: str = "phone") -> list[Any]:
        """The same rows with fresh numbers: one subscriber stays one, spellings are kept."""
        block = next(self._blocks) % 10**5
        fresh: dict[str, str] = {}
        out = []
        for row in rows:
            if not isinstance(row, dict) or field not in row or not _russian(row[field]):
                out.append(row)
                continue
            number = model.normalise(row[field])
            if number not in fresh:
                fresh[number] = f"79{block:05d}{len(fresh):04d}"
            out.append({**row, field: spell_like(row[field], fresh[number])})
        return out

    def fresh_numbers(self, count: int, suffixes: bool = False) -> list[str]:
        """``count`` new normalised numbers; with ``suffixes`` the last four digits are 0000..."""
        block = next(self._blocks) % 10**5
        return [f"79{block:05d}{i:04d}" for i in range(count)]


def _russian(phone: Any) -> bool:
    return len(model.normalise(phone)) == 11 and model.normalise(phone).startswith("7")


def spell_like(original: Any, number: str) -> str:
    """``number`` (7XXXXXXXXXX) in the spelling of ``original``: 8…, +7… or 7…."""
    text = str(original).strip()
    rest = number[1:]
    if text.startswith("+"):
        return "+7" + rest
    digits = "".join(c for c in text if c.isdigit())
    return ("8" if digits.startswith("8") else "7") + rest


def respell(phone: Any) -> str:
    """Another documented spelling of the same Russian number (8… -> +7… -> 7… -> 8…)."""
    number = model.normalise(phone)
    text = str(phone).strip()
    if text.startswith("+"):
        return number
    if "".join(c for c in text if c.isdigit()).startswith("8"):
        return "+" + number
    return "8" + number[1:]
