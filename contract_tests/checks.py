"""Response checks: plain functions ``(ctx, exchange, case)`` registered by :func:`check`.

Each runs on every answer the kit receives and raises a typed failure; the
context collects every failure of an example instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mockserver.drift import MAKE_STATUS

from .failures import ReportNotStrings, SchemaMismatch, WrongStatus
from .validators import explain_response

if TYPE_CHECKING:
    from .context import Context
    from .target import Exchange

Check = Callable[["Context", "Exchange", Any], None]
CHECKS: dict[str, Check] = {}
VENDOR = ("make", "newcall", "cdr")


#: The rules the checks prove, each a row of a report (see :class:`.target.CheckLog`).
CHECK_RULES = {
    SchemaMismatch.rule: "Every answer of make, newcall and cdr matches its schema in schemas/.",
    ReportNotStrings.rule: "Every value of a make report is a string.",
    WrongStatus.rule: "The HTTP status goes with the answer: errorcode, or an error body.",
}


def check(fn: Check) -> Check:
    """Registers a response check under its function's name."""
    CHECKS[fn.__name__] = fn
    return fn


@check
def conforms_to_schema(ctx: Context, exchange: Exchange, case: Any) -> None:
    if exchange.operation not in VENDOR:
        return
    if exchange.body is None:
        raise SchemaMismatch(
            f"{exchange.operation}: the answer is not JSON: {exchange.text[:80]!r}"
        )
    if (
        exchange.operation == "make"
        and isinstance(exchange.body, dict)
        and "error" in exchange.body
    ):
        found = explain_response("error", exchange.status, exchange.body)
    else:
        found = explain_response(exchange.operation, exchange.status, exchange.body)
    if found:
        raise SchemaMismatch(f"{exchange.operation} answered {exchange.status}: {found}")


@check
def report_values_are_strings(ctx: Context, exchange: Exchange, case: Any) -> None:
    report = _report(exchange)
    if report is None:
        return
    typed = {k: v for k, v in report.items() if not isinstance(v, str)}
    if typed:
        shown = ", ".join(f"{k}={v!r} ({type(v).__name__})" for k, v in typed.items())
        raise ReportNotStrings(f"make report values must be strings; got {shown}")


@check
def status_goes_with_answer(ctx: Context, exchange: Exchange, case: Any) -> None:
    if exchange.operation not in VENDOR:
        return
    report = _report(exchange)
    if report is not None:
        expected = MAKE_STATUS.get(str(report.get("errorcode")))
        if expected is not None and expected != exchange.status:
            raise WrongStatus(
                f"make errorcode {report.get('errorcode')} goes with HTTP {expected}, "
                f"got {exchange.status}"
            )
        return
    is_error = isinstance(exchange.body, dict) and "error" in exchange.body
    if is_error != (exchange.status >= 400):
        raise WrongStatus(
            f"{exchange.operation}: HTTP {exchange.status} with "
            f"{'an error body' if is_error else 'a non-error body'}"
        )


def _report(exchange: Exchange) -> dict[str, Any] | None:
    if exchange.operation != "make" or not isinstance(exchange.body, dict):
        return None
    report = exchange.body.get("report")
    return report if isinstance(report, dict) else None
