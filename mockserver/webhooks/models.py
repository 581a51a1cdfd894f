"""Deliveries and their attempts: the delivery log's rows, free of any transport."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PENDING = "pending"  # waiting for its first attempt or a retry
SENDING = "sending"  # an attempt is in flight
SUCCEEDED = "succeeded"  # an attempt got a 2xx
FAILED = "failed"  # the schedule is used up (or a replay failed)
DISABLED = "disabled"  # its subscription was disabled (410 Gone) or removed
STATES = (PENDING, SENDING, SUCCEEDED, FAILED, DISABLED)

# Why an attempt was made.
FIRST, RETRY, REPLAY, DUPLICATE = "first", "retry", "replay", "duplicate"


@dataclass(slots=True)
class Result:
    """What the sender saw: a status, or an error (``timed_out`` for a time-out)."""

    status: int | None
    latency_ms: float
    error: str = ""
    timed_out: bool = False
    retry_after: str | None = None

    @property
    def outcome(self) -> str:
        if self.status is None:
            return "timeout" if self.timed_out else "error"
        if 200 <= self.status < 300:
            return "success"
        return "gone" if self.status == 410 else "http_error"


@dataclass(slots=True, eq=False)
class AttemptLog:
    n: int
    at: float  # emulator time the request was prepared
    trigger: str
    url: str
    status: int | None
    latency_ms: float
    outcome: str
    error: str = ""
    retry_after: str | None = None


@dataclass(slots=True, eq=False)
class Delivery:
    """One event for one subscription: every attempt at getting it accepted."""

    id: int
    event_id: str
    api_key: str
    subscription: str
    record: int
    query_id: int
    created: float
    body: bytes
    content_type: str
    faults: tuple[str, ...] = ()
    duplicate: bool = False  # the first attempt is to be sent twice (fault injection)
    state: str = PENDING
    next_at: float | None = None
    scheduled: int = 0  # attempts made on the schedule (first and retries)
    attempts: list[AttemptLog] = field(default_factory=list)

    def to_dict(self, iso: Callable[[float], str]) -> dict[str, Any]:
        return {
            "id": self.id,
            "event_id": self.event_id,
            "api_key": self.api_key,
            "subscription": self.subscription,
            "record": self.record,
            "query_id": self.query_id,
            "created": iso(self.created),
            "state": self.state,
            "next_attempt_at": None if self.next_at is None else iso(self.next_at),
            "faults": list(self.faults),
            "content_type": self.content_type,
            "body": self.body.decode("utf-8"),
            "attempts": [
                {
                    "n": a.n,
                    "at": iso(a.at),
                    "trigger": a.trigger,
                    "url": a.url,
                    "status": a.status,
                    "latency_ms": round(a.latency_ms, 3),
                    "outcome": a.outcome,
                    "error": a.error,
                    "retry_after": a.retry_after,
                }
                for a in self.attempts
            ],
        }


@dataclass(frozen=True, slots=True)
class Send:
    """A request ready to go: the sender only transmits it and reports a :class:`Result`."""

    delivery: Delivery
    trigger: str
    url: str
    headers: dict[str, str]
    body: bytes
    timeout: float
    at: float
