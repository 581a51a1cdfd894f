"""A subscription as configured: where, on which completed records, in which shape."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError

#: Standard Webhooks' schedule: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
DEFAULT_SCHEDULE = [0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0]
DEFAULT_TIMEOUT = 10.0
#: The event's fields in the order they are sent (docs/contract.md, "Webhooks").
FIELDS = (
    "event_id",
    "query_id",
    "id",
    "UUID",
    "phone",
    "duration",
    "code",
    "time",
    "attempts",
    "var1",
    "var2",
    "var3",
    "record",
    "answer",
)
#: What GET /_mock/config shows instead of a secret; PUT takes it back as "unchanged".
MASK = "whsec_(hidden)"
SECRET_PREFIX = "whsec_"


@dataclass
class Subscription:
    url: str
    id: str = ""
    statuses: list[str] = field(default_factory=list)  # empty: every completed record
    format: str = "json"
    fields: dict[str, str] = field(default_factory=dict)
    secret: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    schedule: list[float] = field(default_factory=lambda: list(DEFAULT_SCHEDULE))
    enabled: bool = True

    def matches(self, code: str) -> bool:
        return not self.statuses or code.split("/", 1)[0] in self.statuses

    def key(self) -> bytes:
        """The secret's bytes, read the way the Standard Webhooks libraries read it."""
        assert self.secret is not None
        return base64.b64decode(self.secret.removeprefix(SECRET_PREFIX) + "==")


def subscriptions(items: list[dict[str, Any]], where: str, source: str) -> list[Subscription]:
    """Checked subscriptions of one account (the schema has already checked each value)."""
    found = []
    for i, data in enumerate(items):
        sub = Subscription(**{"id": str(i + 1), **data})
        at = f"{source}: {where}[{i}]"
        sent = [sub.fields.get(name, name) for name in FIELDS]
        clash = sorted({n for n in sent if sent.count(n) > 1})
        if clash:
            raise ConfigError(f"{at}.fields: {clash[0]!r} would name two fields of the body")
        if sub.secret is not None:
            try:
                base64.b64decode(sub.secret.removeprefix(SECRET_PREFIX), validate=True)
            except (binascii.Error, ValueError):
                raise ConfigError(f"{at}.secret: the part after 'whsec_' is not base64") from None
        found.append(sub)
    ids = [s.id for s in found]
    for sub_id in ids:
        if ids.count(sub_id) > 1:
            raise ConfigError(f"{source}: {where}[].id: {sub_id!r} appears twice")
    return found


def mask(config: dict[str, Any]) -> dict[str, Any]:
    """A config dict (from ``asdict``) with every webhook secret hidden, in place."""
    for account in config.get("accounts", []):
        for sub in account.get("webhooks", []):
            if sub.get("secret"):
                sub["secret"] = MASK
    return config


def unmask(data: Any, secrets: dict[tuple[str, str], str | None]) -> None:
    """Puts back, in place, the secrets a client sent back masked (a GET /_mock/config round trip).

    ``secrets`` maps (api key, subscription id) to the current secret.
    """
    if not isinstance(data, dict) or not isinstance(data.get("accounts"), list):
        return
    for account in data["accounts"]:
        if not isinstance(account, dict) or not isinstance(account.get("webhooks"), list):
            continue
        for i, sub in enumerate(account["webhooks"]):
            if isinstance(sub, dict) and sub.get("secret") == MASK:
                # A key that is not a string finds no secret; the config's own check names it.
                key = (str(account.get("api_key")), str(sub.get("id", i + 1)))
                if secrets.get(key) is None:
                    raise ConfigError(
                        f"config: accounts[].webhooks[{i}].secret: {MASK!r} stands for a secret "
                        "this subscription does not have; give the secret itself"
                    )
                sub["secret"] = secrets[key]
