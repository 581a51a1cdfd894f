"""Drift against the emulator itself (``autodialer-mock proxy --shadow``): where its answer to
the same request differs from the real service's, in status, shape, counts, errorcodes and
newcall's duplicate rule. Ids and times differ by nature and are not compared."""

from __future__ import annotations

from typing import Any

from .cassette import Exchange
from .drift import STATUSES, Finding, NotJson, View, is_error, kind, report_of


def compare(upstream: Exchange, shadow: Exchange) -> list[Finding]:
    """Where the emulator's answer to the same request differs from the upstream's: status,
    shape, counts, errorcodes, QUERY_COUNT; ids and times are not compared."""
    real, ours = View.of(upstream), View.of(shadow)
    if real.operation not in STATUSES or real.status == 401:
        return []  # the shadow does not know your accounts: its 401s and yours differ
    found = []
    if real.status != ours.status:
        found.append(
            Finding(
                "drift_shadow_status",
                "(status)",
                f"upstream answered {real.status}, the emulator {ours.status}",
            )
        )
    difference = _shape_difference(real.answer, ours.answer, "")
    if difference:
        found.append(Finding("drift_shadow_shape", difference[0], difference[1]))
    for name, a, b in _numbers(real, ours):
        if a != b:
            found.append(
                Finding(
                    SHADOW_CODES.get(name, "drift_shadow_count"),
                    name,
                    f"{name}: upstream {a!r}, the emulator {b!r}",
                )
            )
    return found


SHADOW_CODES = {"errorcode": "drift_shadow_errorcode", "QUERY_COUNT": "drift_shadow_query_count"}


def _numbers(real: View, ours: View) -> list[tuple[str, Any, Any]]:
    pairs: list[tuple[str, Any, Any]] = []
    a, b = report_of(real), report_of(ours)
    if a is not None and b is not None:
        for name in ("lines", "ok", "inserted", "errorcode"):
            pairs.append((name, _text(a.get(name)), _text(b.get(name))))
    if is_error(real.answer) and is_error(ours.answer):
        pairs.append(("errorcode", _error_code(real.answer), _error_code(ours.answer)))
    both = isinstance(real.answer, dict) and isinstance(ours.answer, dict)
    if real.operation == "newcall" and both and not is_error(real.answer):
        name = "QUERY_COUNT"
        pairs.append((name, real.answer.get(name), ours.answer.get(name)))
    if real.operation == "cdr" and isinstance(real.answer, list) and isinstance(ours.answer, list):
        pairs.append(("rows", len(real.answer), len(ours.answer)))
    return pairs


def _error_code(answer: dict[str, Any]) -> Any:
    error = answer["error"]
    return error.get("code") if isinstance(error, dict) else None


def _text(value: Any) -> Any:
    """A count as text: "3" and 3 are one count (the type is the shape's business)."""
    return None if value is None else str(value)


def _shape_difference(a: Any, b: Any, path: str) -> tuple[str, str] | None:
    """The first place where the two answers differ in keys or types, values aside."""
    where = path or "(body)"
    if isinstance(a, NotJson) or isinstance(b, NotJson):
        if isinstance(a, NotJson) != isinstance(b, NotJson):
            return where, "one answer is JSON, the other is not"
        return None
    if kind(a) != kind(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        return where, f"{where} is {kind(a)} upstream, {kind(b)} in the emulator"
    if isinstance(a, dict):
        only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
        if only_a or only_b:
            parts = []
            if only_a:
                parts.append("only upstream has " + ", ".join(only_a))
            if only_b:
                parts.append("only the emulator has " + ", ".join(only_b))
            return where, f"{where}: " + "; ".join(parts)
        for key in a:
            found = _shape_difference(a[key], b[key], f"{path}.{key}" if path else key)
            if found:
                return found
    if isinstance(a, list) and a and b:
        return _shape_difference(a[0], b[0], f"{path}[0]")
    return None
