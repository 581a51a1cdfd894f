"""Standard Webhooks headers: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``."""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.utils import parsedate_to_datetime

MAX_RETRY_AFTER = 86400.0  # seconds: a receiver cannot park a delivery for longer than a day


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(
    msg_id: str, timestamp: int, body: bytes, content_type: str, key: bytes | None
) -> dict[str, str]:
    """The request's headers; signed only when the subscription has a secret."""
    found = {
        "Content-Type": content_type + "; charset=utf-8",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
    }
    if key is not None:
        found["webhook-signature"] = sign(key, msg_id, timestamp, body)
    return found


def retry_after(value: str | None, at: float) -> float | None:
    """Emulator seconds a ``Retry-After`` header asks for, counted from the attempt's time
    ``at`` (an emulator time), capped at :data:`MAX_RETRY_AFTER`; None when it asks nothing
    readable, and the schedule decides.

    Delta seconds are emulator seconds. An HTTP date is read against the emulator's clock:
    the delay is the date minus ``at`` (the request's ``Date`` header), none if it passed.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return min(max(0.0, moment.timestamp() - at), MAX_RETRY_AFTER)
