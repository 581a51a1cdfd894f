"""Hypothesis strategies for the contract's requests: valid and invalid rows, batches,
newcall forms, cdr queries; webhook events and requests (signed as the emulator signs).
For a client's own property tests, and the kit's.

Every "valid" value passes :mod:`.validators`; every "invalid" one breaks exactly
one rule, so a failing client test points at one rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from mockserver.config import DEFAULT_CAUSES

from . import model
from .webhook_requests import WebhookRequest, build_request

SUBSCRIBER = st.integers(min_value=0, max_value=10**10 - 1).map(lambda n: f"{n:010d}")


@st.composite
def russian_phones(draw: st.DrawFn, subscriber: st.SearchStrategy[str] = SUBSCRIBER) -> str:
    """One Russian number in any of its documented spellings: 8…, 7…, +7…, with separators."""
    ten = draw(subscriber)
    style = draw(st.sampled_from(("8", "7", "+7", "+7 (", "8-")))
    if style == "+7 (":
        return f"+7 ({ten[:3]}) {ten[3:6]}-{ten[6:8]}-{ten[8:]}"
    if style == "8-":
        return f"8-{ten[:3]}-{ten[3:6]}-{ten[6:]}"
    return style + ten


def phones() -> st.SearchStrategy[str | int]:
    """Valid subscriber numbers: Russian spellings, bare 10-15 digits, or an integer."""
    return st.one_of(
        russian_phones(),
        st.from_regex(r"\A[1-9][0-9]{9,14}\Z"),
        st.integers(min_value=10**9, max_value=10**15 - 1),
    )


def invalid_phones() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.from_regex(r"\A[0-9]{1,9}\Z"),
        st.from_regex(r"\A[0-9]{16,20}\Z"),
        st.just("8900abc1234"),
        st.just(""),
        st.integers(min_value=0, max_value=10**9 - 1),
    )


def times_of_day(seconds: bool | None = None) -> st.SearchStrategy[str]:
    """``HH:MM`` or ``HH:MM:SS``."""
    hours, minutes = st.integers(0, 23), st.integers(0, 59)
    short = st.builds(lambda h, m: f"{h:02d}:{m:02d}", hours, minutes)
    long = st.builds(lambda h, m, s: f"{h:02d}:{m:02d}:{s:02d}", hours, minutes, st.integers(0, 59))
    return short if seconds is False else long if seconds else st.one_of(short, long)


def windows() -> st.SearchStrategy[tuple[str, str]]:
    """A valid daily window (start before stop)."""
    return (
        st.tuples(times_of_day(), times_of_day())
        .filter(lambda w: model.seconds(w[0]) != model.seconds(w[1]))
        .map(_in_order)
    )


def _in_order(window: tuple[str, str]) -> tuple[str, str]:
    start, stop = sorted(window, key=model.seconds)
    return start, stop


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)


@st.composite
def make_rows(
    draw: st.DrawFn, phone: st.SearchStrategy[Any] | None = None, times: bool = True
) -> dict[str, Any]:
    """One valid make row. Times, when drawn, are a valid window or absent (inherited)."""
    row: dict[str, Any] = {
        "id": str(draw(st.integers(1, 10**6))),
        "phone": draw(phone if phone is not None else phones()),
    }
    for name in ("name", "UUID", "var1", "var2", "var3"):
        if draw(st.booleans()):
            row[name] = draw(TEXT)
    if times and draw(st.booleans()):
        row["statdialertime"], row["stopdialertime"] = draw(windows())
    if draw(st.booleans()):
        row["maxcount"] = draw(st.one_of(st.integers(1, 10), st.integers(1, 10).map(str)))
    if draw(st.booleans()):
        row["generationtype"] = draw(st.sampled_from(("1", 1)))
    return row


#: How a valid row is broken, one rule at a time.
ROW_BREAKERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "missing id": lambda row: {k: v for k, v in row.items() if k != "id"},
    "missing phone": lambda row: {k: v for k, v in row.items() if k != "phone"},
    "short phone": lambda row: {**row, "phone": "12345"},
    "letters in phone": lambda row: {**row, "phone": "8900abc1234"},
    "bad time": lambda row: {**row, "statdialertime": "25:00"},
    "start after stop": lambda row: {**row, "statdialertime": "20:00", "stopdialertime": "09:00"},
    "maxcount 0": lambda row: {**row, "maxcount": "0"},
    "maxcount 11": lambda row: {**row, "maxcount": 11},
    "not an object": lambda row: [row],
}


@st.composite
def invalid_make_rows(draw: st.DrawFn) -> Any:
    """A make row broken in exactly one way (see ``ROW_BREAKERS``)."""
    how = draw(st.sampled_from(sorted(ROW_BREAKERS)))
    return ROW_BREAKERS[how](draw(make_rows(times=False)))


@st.composite
def batches(
    draw: st.DrawFn,
    min_size: int = 1,
    max_size: int = 12,
    invalid: bool = True,
    subscribers: int = 6,
) -> list[Any]:
    """A make batch mixing valid rows, invalid ones and duplicates in other spellings.

    Numbers come from a small pool of subscribers so that duplicates are common.
    """
    pool = draw(st.lists(SUBSCRIBER, min_size=1, max_size=subscribers, unique=True))
    phone = russian_phones(st.sampled_from(pool))
    valid = make_rows(phone=phone)
    row = st.one_of(valid, invalid_make_rows()) if invalid else valid
    return draw(st.lists(row, min_size=min_size, max_size=max_size))


def make_bodies(token: str = "client-key", **batch: Any) -> st.SearchStrategy[dict[str, Any]]:
    return batches(**batch).map(lambda rows: {"query": {"access_token": token, "data": rows}})


@st.composite
def newcall_forms(draw: st.DrawFn, phone: st.SearchStrategy[Any] | None = None) -> dict[str, Any]:
    """A valid newcall form: name, phone, UUID; maybe vars, a window (or half of one), maxcount."""
    form: dict[str, Any] = {
        "id": 0,
        "name": draw(st.text(st.characters(codec="utf-8", categories=["L"]), min_size=1)),
        "phone": draw(phone if phone is not None else russian_phones()),
        "UUID": draw(st.from_regex(r"\A[a-z0-9-]{1,36}\Z")),
    }
    for name in ("var1", "var2", "var3"):
        if draw(st.booleans()):
            form[name] = draw(TEXT)
    which = draw(st.sampled_from(("none", "both", "start", "stop")))
    start, stop = draw(windows())
    if which == "both":
        form["timestart"], form["timestop"] = start, stop
    elif which == "start":
        form["timestart"] = draw(times_of_day().filter(lambda t: model.seconds(t) < 19 * 3600))
    elif which == "stop":
        form["timestop"] = draw(times_of_day().filter(lambda t: model.seconds(t) > 10 * 3600))
    if draw(st.booleans()):
        form["maxcount"] = draw(st.integers(1, 10))
    return form


NEWCALL_BREAKERS = {
    "missing name": lambda f: {k: v for k, v in f.items() if k != "name"},
    "missing phone": lambda f: {k: v for k, v in f.items() if k != "phone"},
    "missing UUID": lambda f: {k: v for k, v in f.items() if k != "UUID"},
    "short phone": lambda f: {**f, "phone": "12345"},
    "bad timestart": lambda f: {**f, "timestart": "24:00"},
    "start after stop": lambda f: {**f, "timestart": "18:00", "timestop": "08:00"},
    "maxcount 0": lambda f: {**f, "maxcount": 0},
}


@st.composite
def invalid_newcall_forms(draw: st.DrawFn) -> dict[str, Any]:
    """A newcall form broken in exactly one way (see ``NEWCALL_BREAKERS``)."""
    how = draw(st.sampled_from(sorted(NEWCALL_BREAKERS)))
    return NEWCALL_BREAKERS[how](draw(newcall_forms()))


DATES = st.dates(datetime.date(2020, 1, 1), datetime.date(2035, 12, 31))


@st.composite
def cdr_queries(draw: st.DrawFn, around: datetime.date | None = None) -> dict[str, str]:
    """A valid cdr query: maybe a date range (from <= to), maybe a number in any spelling."""
    query: dict[str, str] = {}
    if around is not None:
        days = st.integers(-3, 3).map(lambda d: around + datetime.timedelta(days=d))
    else:
        days = DATES
    first, last = sorted((draw(days), draw(days)))
    if draw(st.booleans()):
        query["date_from"] = first.isoformat()
    if draw(st.booleans()):
        query["date_to"] = last.isoformat()
    if draw(st.booleans()):
        query["to"] = draw(russian_phones())
    return query


@st.composite
def invalid_cdr_queries(draw: st.DrawFn) -> dict[str, str]:
    """A cdr query with a bad date, a reversed range or a bad number."""
    first, last = sorted((draw(DATES), draw(DATES)))
    return draw(
        st.sampled_from(
            (
                {"date_from": first.strftime("%d.%m.%Y")},
                {"date_to": "2026-02-30"},
                {"date_from": "yesterday"},
                {
                    "date_from": (last + datetime.timedelta(days=1)).isoformat(),
                    "date_to": first.isoformat(),
                },
                {"to": "12345"},
            )
        )
    )


# -- webhook events (schemas/webhook.event.json), for a receiver's own tests -----------------

STATUS_CAUSES = DEFAULT_CAUSES  # the Q.850 cause of each status, as the emulator's default
EVENT_IDS = st.from_regex(r"\Aevt_[0-9a-f]{24}\Z")
WEBHOOK_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)


@st.composite
def cdr_times(draw: st.DrawFn) -> str:
    """cdr's ``TIME``: ``YYYY-MM-DD HH:MM:SS +HHMM``."""
    moment = draw(st.datetimes(datetime.datetime(2020, 1, 1), datetime.datetime(2035, 12, 31)))
    offset = draw(st.sampled_from(("+0300", "+0200", "+0500", "+1200", "-0100", "+0000")))
    return moment.strftime("%Y-%m-%d %H:%M:%S ") + offset


@st.composite
def webhook_events(
    draw: st.DrawFn,
    statuses: tuple[str, ...] = tuple(STATUS_CAUSES),
    text: st.SearchStrategy[str] = WEBHOOK_TEXT,
) -> dict[str, Any]:
    """A schema-valid event under the default field names, consistent as the emulator sends it:
    talk time, a recording and an answer only for answered calls."""
    status = draw(st.sampled_from(statuses))
    answered = status == "ANSWER"
    recorded = answered and draw(st.booleans())
    return {
        "event_id": draw(EVENT_IDS),
        "query_id": draw(st.integers(1, 10**17 - 1)),
        "id": draw(st.one_of(st.integers(0, 10**6).map(str), text)),
        "UUID": draw(text),
        "phone": str(draw(phones())),
        "duration": draw(st.integers(0, 3600)) if answered else 0,
        "code": f"{status}/{STATUS_CAUSES[status]}",
        "time": draw(cdr_times()),
        "attempts": draw(st.integers(1, 10)),
        "var1": draw(text),
        "var2": draw(text),
        "var3": draw(text),
        "record": (
            draw(
                st.from_regex(
                    r"\Ahttps?://127\.0\.0\.1:8080/apikey/recordings/[0-9]+-[0-9a-f]{8}\Z"
                )
            )
            + ".wav"
            if recorded
            else ""
        ),
        "answer": draw(st.one_of(st.sampled_from(("да", "нет", "")), text)) if answered else "",
    }


#: How a valid event is broken, one schema rule at a time.
EVENT_BREAKERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "missing event_id": lambda e: {k: v for k, v in e.items() if k != "event_id"},
    "empty event_id": lambda e: {**e, "event_id": ""},
    "query_id as a string": lambda e: {**e, "query_id": str(e["query_id"])},
    "query_id as a float": lambda e: {**e, "query_id": e["query_id"] % 1000 + 0.5},
    "negative duration": lambda e: {**e, "duration": -1},
    "duration as a string": lambda e: {**e, "duration": str(e["duration"])},
    "code without cause": lambda e: {**e, "code": e["code"].split("/")[0]},
    "unknown status": lambda e: {**e, "code": "HANGUP/16"},
    "time without offset": lambda e: {**e, "time": e["time"][:19]},
    "attempts 0": lambda e: {**e, "attempts": 0},
    "record not a wav URL": lambda e: {**e, "record": "recording.mp3"},
    "empty phone": lambda e: {**e, "phone": ""},
    "unknown field": lambda e: {**e, "status": "ok"},
    "not an object": lambda e: [e],
}


@st.composite
def invalid_webhook_events(draw: st.DrawFn) -> Any:
    """An event broken in exactly one way (see ``EVENT_BREAKERS``): for a receiver's
    negative tests (it should refuse it with a 4xx, or at least not crash)."""
    how = draw(st.sampled_from(sorted(EVENT_BREAKERS)))
    return EVENT_BREAKERS[how](draw(webhook_events()))


@st.composite
def webhook_requests(
    draw: st.DrawFn,
    secret: str | None = None,
    format: str = "json",
    events: st.SearchStrategy[Any] | None = None,
) -> WebhookRequest:
    """A whole delivery: headers (``webhook-id`` = the event's id, ``webhook-timestamp`` now,
    ``webhook-signature`` with ``secret``) and body, as the emulator sends it."""
    event = draw(events if events is not None else webhook_events())
    return build_request(event, secret=secret, format=format)
