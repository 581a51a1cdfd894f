"""Typed failures: one class per rule of the contract, each with a one-line docstring.

A report names a failure by its ``rule`` and explains it with the docstring, so
adding a rule means adding a class here and a check or property that raises it.
"""

from __future__ import annotations

from typing import Any


class ContractFailure(AssertionError):
    """A rule of the contract is broken."""

    rule = "contract"

    def __init__(self, message: str, exchange: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.exchange = exchange

    @classmethod
    def explanation(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


class SchemaMismatch(ContractFailure):
    """An answer does not match its schema in schemas/."""

    rule = "schema"


class ReportNotStrings(ContractFailure):
    """A make report value is not a string (the vendor's page: every value is a string)."""

    rule = "make.report-strings"


class WrongStatus(ContractFailure):
    """The HTTP status does not go with the answer (errorcode or error body)."""

    rule = "status"


class VendorExampleBroken(ContractFailure):
    """The vendor's own make example did not give lines 3, ok 3, inserted 2, errorcode 2."""

    rule = "make.vendor-example"


class WrongCounts(ContractFailure):
    """lines/ok/inserted/errorcode differ from the contract's reckoning of the batch."""

    rule = "make.counts"


class RowLimit(ContractFailure):
    """The row limit is off: 1000 rows must be processed, 1001 refused whole (413, errorcode 4)."""

    rule = "make.row-limit"


class LostInheritance(ContractFailure):
    """A row without statdialertime/stopdialertime did not get the previous row's window
    (seen black-box when the inherited window decides whether the row is valid)."""

    rule = "make.inheritance"


class DuplicateNotCollapsed(ContractFailure):
    """A duplicate (same normalised number and scenario, pending) was inserted, or a new row not."""

    rule = "make.duplicates"


class WrongRefusal(ContractFailure):
    """A refused request got the wrong status, errorcode, body, or still queued calls."""

    rule = "refusals"


class NewcallBroken(ContractFailure):
    """newcall did not make one job of a valid form, or did not collapse a pending duplicate."""

    rule = "newcall.accepts"


class NewcallNotRefused(ContractFailure):
    """An invalid newcall form was not refused with HTTP 400 and an error naming the field."""

    rule = "newcall.rejects"


class CdrNotRefused(ContractFailure):
    """A bad cdr query (date, range, number) was not refused with HTTP 400 and an error body."""

    rule = "cdr.rejects"


class CdrFilter(ContractFailure):
    """cdr rows do not match the inclusive date range or the number asked for."""

    rule = "cdr.filters"


class CdrOrder(ContractFailure):
    """cdr rows are not ordered by TIME, then QUERY_ID."""

    rule = "cdr.order"


class WrongOutcome(ContractFailure):
    """A forced number (last four digits 0000-0007) did not end with its fixed outcome."""

    rule = "cdr.forced-outcomes"


class AccountLeak(ContractFailure):
    """One account saw another account's jobs, duplicates, calls or cdr."""

    rule = "isolation"


class ModelMismatch(ContractFailure):
    """Over a sequence of calls the server drifted from the reference model of the contract."""

    rule = "model"


class ReceiverRefused(ContractFailure):
    """A webhook receiver did not answer a valid delivery with a 2xx, so the sender retries it."""

    rule = "receiver.accepts"


class ReceiverTooSlow(ContractFailure):
    """A webhook receiver did not answer within the delivery timeout, so the sender retries it."""

    rule = "receiver.in-time"


class DuplicateRefused(ContractFailure):
    """The same webhook-id again (a retry or a duplicate) did not get a 2xx: it must be acked."""

    rule = "receiver.idempotent"


class ForgeryAccepted(ContractFailure):
    """A webhook receiver accepted a request whose signature or timestamp does not verify."""

    rule = "receiver.signature"


class ClientSlip(ContractFailure):
    """A client's request broke or risked the contract (a journal warning, or a 4xx it caused)."""

    rule = "client.slip"


class NotExercised(ContractFailure):
    """A part of the contract the client's run was required to exercise was never exercised."""

    rule = "client.coverage"


class ContractFailures(AssertionError):
    """Every failure of one example, raised at its end so that hypothesis shrinks the example."""

    def __init__(self, failures: list[ContractFailure], case: str) -> None:
        super().__init__("; ".join(str(f) for f in failures))
        self.failures = failures
        self.case = case
