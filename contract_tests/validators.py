"""Validators that explain in one line what a payload breaks (``None`` when it breaks nothing).

For a client's own tests: ``assert explain_make(body) is None, explain_make(body)``.
Shapes come from ``schemas/``; the cross-field rules from :mod:`.model`.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from mockserver.validation import validator
from mockserver.webhooks import signing

from . import model
from .webhook_requests import BadSecret, parse_body, secret_key


def explain(schema: str, payload: Any) -> str | None:
    """The first rule of ``schemas/<schema>.json`` that ``payload`` breaks, naming the field."""
    errors = validator(schema).errors(payload)
    if not errors:
        return None
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{schema}: {errors[0]}{more}"


def explain_make(body: Any) -> str | None:
    """A make body: the envelope, then each row with inherited times; all rows must be valid."""
    found = explain("make.envelope", body)
    if found:
        return found
    for verdict in model.judge_rows(body["query"]["data"]):
        if not verdict.valid:
            return f"make.row: {verdict.reason}"
    return None


def explain_newcall(fields: Any) -> str | None:
    found = explain("newcall.request", fields)
    if found or not isinstance(fields, dict):
        return found
    start, stop = fields.get("timestart"), fields.get("timestop")
    if model.given(start) or model.given(stop):
        low = model.seconds(start) if model.given(start) else model.DEFAULT_START
        high = model.seconds(stop) if model.given(stop) else model.DEFAULT_STOP
        if low >= high:
            return f"newcall: timestart {model.hms(low)} is not before timestop {model.hms(high)}"
    return None


def explain_cdr(fields: Any) -> str | None:
    found = explain("cdr.request", fields)
    if found or not isinstance(fields, dict):
        return found
    try:
        first = _date(fields.get("date_from"))
        last = _date(fields.get("date_to"))
    except ValueError as exc:
        return f"cdr: {exc}"
    if first and last and first > last:
        return f"cdr: date_from {first} is after date_to {last}"
    return None


def _date(value: Any) -> datetime.date | None:
    if not model.given(value):
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None


def explain_response(operation: str, status: int, body: Any) -> str | None:
    """What an answer breaks: the schema its operation and status call for."""
    if operation == "make":
        return explain("make.response", body)
    if status == 200:
        return explain(f"{operation}.response", body)
    return explain("error", body)


def explain_webhook(event: Any) -> str | None:
    """A webhook body (default field names): its schema, then what goes with the status:
    talk time, a recording and an answer only for an answered call."""
    found = explain("webhook.event", event)
    if found:
        return found
    if event["code"].split("/", 1)[0] != "ANSWER":
        for name in ("duration", "record", "answer"):
            if event[name]:
                return (
                    f"webhook.event: {name}: must be empty or 0 unless answered "
                    f"(got {event[name]!r} with code {event['code']})"
                )
    return None


def explain_webhook_request(
    headers: Any, body: bytes, secret: str | None = None, tolerance: float | None = 300
) -> str | None:
    """A whole delivery: the Standard Webhooks headers (the signature with ``secret``; the
    timestamp within ``tolerance`` seconds of now unless None), then the body."""
    lower = {str(k).lower(): str(v) for k, v in dict(headers).items()}
    msg_id, stamp = lower.get("webhook-id", ""), lower.get("webhook-timestamp", "")
    if not msg_id:
        return "webhook: the webhook-id header is missing"
    if not stamp.isdigit():
        return f"webhook: webhook-timestamp must be Unix seconds (got {stamp!r})"
    if tolerance is not None and abs(time.time() - int(stamp)) > tolerance:
        return f"webhook: webhook-timestamp {stamp} is more than {tolerance:g} s from now"
    if secret is not None:
        try:
            expected = signing.sign(secret_key(secret), msg_id, int(stamp), body)
        except BadSecret as exc:
            return f"webhook: {exc}"
        given = lower.get("webhook-signature", "").split()
        if expected not in given:
            return (
                "webhook: webhook-signature does not verify with the secret "
                "(v1,<base64 HMAC-SHA256 of id.timestamp.body>)"
            )
    try:
        event = parse_body(body, lower.get("content-type", "application/json"))
    except ValueError as exc:
        return f"webhook: the body is not JSON: {exc}"
    if isinstance(event, dict) and event.get("event_id") != msg_id:
        return (
            f"webhook: webhook-id {msg_id!r} is not the body's event_id {event.get('event_id')!r}"
        )
    if lower.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None  # form values are all strings: the JSON schema's types do not apply
    return explain_webhook(event)


def would_place_call(operation: str, payload: Any) -> bool:
    """Whether a correct server would queue a call for this request (the real-calls guard)."""
    if operation == "newcall":
        return explain_newcall(payload) is None
    if operation == "make":
        # Judged whatever the size or token: a faulty server might accept what it should refuse.
        query = payload.get("query") if isinstance(payload, dict) else None
        data = query.get("data") if isinstance(query, dict) else None
        return isinstance(data, list) and any(v.valid for v in model.judge_rows(data))
    return False
