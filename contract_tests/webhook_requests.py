"""A webhook request as the emulator sends it: the body rendered by ``mockserver.webhooks.payload``
and the Standard Webhooks headers made by ``mockserver.webhooks.signing`` (one HMAC, not two)."""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from mockserver.webhooks import payload, signing
from mockserver.webhooks.settings import SECRET_PREFIX, Subscription


class BadSecret(ValueError):
    """A secret that is not ``whsec_`` + base64."""


def secret_key(secret: str) -> bytes:
    """The key bytes of a ``whsec_…`` secret, read as the emulator (and the reference library)
    reads it."""
    try:
        base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise BadSecret("the secret must be 'whsec_' followed by base64") from None
    return Subscription(url="", secret=secret).key()


@dataclass(frozen=True)
class WebhookRequest:
    headers: dict[str, str]
    body: bytes
    event: Any  # what was rendered (the event dict, or any payload for negative tests)

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    def brief(self, limit: int = 300) -> str:
        shown = {k: v for k, v in self.headers.items() if k.startswith("webhook-")}
        text = self.body.decode("utf-8", "replace")
        if len(text) > limit:
            text = text[: limit - 3] + "..."
        return f"{json.dumps(shown)} {text}"


def render(event: Any, format: str = "json") -> tuple[bytes, str]:
    """The body of an event, as a subscription of that format gets it."""
    if isinstance(event, dict):
        return payload.render(event, Subscription(url="", format=format))
    return json.dumps(event, ensure_ascii=False).encode(), payload.JSON


def build_request(
    event: Any,
    *,
    secret: str | None = None,
    format: str = "json",
    msg_id: str | None = None,
    timestamp: int | None = None,
    body: bytes | None = None,
) -> WebhookRequest:
    """Headers and body for ``event``; ``msg_id`` defaults to its ``event_id``.

    ``body`` replaces the rendered body after signing (a tampered request).
    """
    rendered, content_type = render(event, format)
    if msg_id is None:
        msg_id = str(event.get("event_id", "")) if isinstance(event, dict) else ""
    stamp = int(time.time()) if timestamp is None else timestamp
    key = secret_key(secret) if secret else None
    headers = signing.headers(msg_id, stamp, rendered, content_type, key)
    return WebhookRequest(headers, rendered if body is None else body, event)


def parse_body(body: bytes | str, content_type: str = payload.JSON) -> Any:
    """A delivered body back as fields: JSON, or form fields (every value a string)."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    if content_type.startswith(payload.FORM):
        return dict(parse_qsl(text, keep_blank_values=True))
    return json.loads(text)
