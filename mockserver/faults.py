"""Faults injected on purpose, for QA: decisions only, applied by the HTTP layer and the outbox.

Every decision comes from the seed (the vendor's from a seeded generator, the
webhooks' from a pure draw per record of an account), so a run with faults repeats too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .draws import WEBHOOK_FAULTS, Draws, uniform
from .errors import ConfigError

VENDOR_METHODS = ("make", "newcall", "cdr")


@dataclass
class WebhookFaults:
    duplicate_rate: float = 0.0
    delay: float = 0.0
    out_of_order_rate: float = 0.0
    out_of_order_delay: float = 60.0


@dataclass
class VendorFaults:
    methods: list[str] = field(default_factory=list)  # empty: every method
    pattern: list[str] = field(default_factory=list)
    error_rate: float = 0.0
    error_status: int = 500
    drop_rate: float = 0.0
    latency: float = 0.0


@dataclass
class Faults:
    webhooks: WebhookFaults = field(default_factory=WebhookFaults)
    vendor: VendorFaults = field(default_factory=VendorFaults)


def from_dict(data: dict[str, Any], source: str) -> Faults:
    """Schema-checked data; refuses what the schema cannot say, naming the key."""
    vendor = VendorFaults(**data.get("vendor", {}))
    if vendor.error_rate + vendor.drop_rate > 1:
        raise ConfigError(
            f"{source}: faults.vendor.drop_rate: error_rate + drop_rate must be at most 1"
        )
    return Faults(WebhookFaults(**data.get("webhooks", {})), vendor)


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do to one request: answer ``status`` unprocessed, or drop it, after ``latency``."""

    status: int = 0
    drop: bool = False
    latency: float = 0.0

    def describe(self) -> str:
        parts = [f"{self.latency:g} s of latency added"] if self.latency else []
        if self.drop:
            parts.append("connection dropped without an answer")
        elif self.status:
            parts.append(f"answered {self.status} without processing the request")
        return "injected fault: " + ", ".join(parts)


class VendorFaultPlan:
    """Decides, request by request, which fault the vendor's methods suffer."""

    def __init__(self, config: VendorFaults, seed: int) -> None:
        self.config = config
        self._random = random.Random(seed)
        self._step = 0
        #: Whether any request can suffer a fault; the plan is rebuilt when the config changes.
        c = config
        self.active = bool(c.pattern or c.error_rate or c.drop_rate or c.latency)

    def decide(self, method: str) -> Fault | None:
        """The fault for one request to ``method``, None to let it through untouched."""
        c = self.config
        if not self.active or (c.methods and method not in c.methods):
            return None
        if c.pattern:
            step = c.pattern[self._step % len(c.pattern)]
            self._step += 1
            if step == "ok":
                return None
            if step == "slow":
                return Fault(latency=c.latency)
            return Fault(drop=True) if step == "drop" else Fault(status=int(step))
        u = self._random.random()
        if u < c.error_rate:
            return Fault(status=c.error_status, latency=c.latency)
        if u < c.error_rate + c.drop_rate:
            return Fault(drop=True, latency=c.latency)
        return Fault(latency=c.latency) if c.latency else None


@dataclass(frozen=True, slots=True)
class DeliveryFaults:
    """What the webhook faults do to one delivery: extra delay, a duplicate, and why."""

    delay: float = 0.0
    duplicate: bool = False
    notes: tuple[str, ...] = ()


def plan_delivery(
    config: WebhookFaults, draws: Draws, record: tuple[int, int], index: int
) -> DeliveryFaults:
    """The faults of subscription ``index``'s delivery of the event of ``record`` (its job
    and row, drawn from its account's ``draws``)."""
    u_order, u_duplicate, _, _ = draws.words(WEBHOOK_FAULTS, *record, index)
    delay, notes = config.delay, []
    if config.delay:
        notes.append(f"delayed {config.delay:g} s")
    if config.out_of_order_rate and uniform(u_order) < (config.out_of_order_rate):
        delay += config.out_of_order_delay
        notes.append(f"out of order: held back {config.out_of_order_delay:g} s")
    duplicate = bool(config.duplicate_rate) and (uniform(u_duplicate) < config.duplicate_rate)
    if duplicate:
        notes.append("duplicate: the first attempt is sent twice")
    return DeliveryFaults(delay, duplicate, tuple(notes))
