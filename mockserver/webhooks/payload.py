"""The event of a completed record, and its body as a subscription wants it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from .. import daytime, jsonio
from ..accounts import AccountState
from ..models import Record
from .settings import Subscription

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def event(event_id: str, account: AccountState, record: Record, record_url: str) -> dict[str, Any]:
    """The contract's default fields, under their default names (``schemas/webhook.event.json``)."""
    when = record.last_time if record.last_time is not None else record.job.created
    return {
        "event_id": event_id,
        "query_id": record.job.id,
        "id": record.row_id,
        "UUID": record.uuid,
        "phone": record.phone,
        "duration": record.sec,
        "code": record.code,
        "time": daytime.cdr_time(when, account.zone),
        "attempts": record.attempts,
        "var1": record.var1,
        "var2": record.var2,
        "var3": record.var3,
        "record": record_url,
        "answer": record.answer,
    }


def render(fields: dict[str, Any], sub: Subscription) -> tuple[bytes, str]:
    """The body and its content type: renamed fields, as JSON or as form fields (UTF-8)."""
    renamed = {sub.fields.get(name, name): value for name, value in fields.items()}
    if sub.format == "form":
        return urlencode({k: str(v) for k, v in renamed.items()}).encode("ascii"), FORM
    # Cyrillic stays as it is, not \u-escaped: receivers that mishandle UTF-8 should see it.
    return jsonio.dumps(renamed), JSON
