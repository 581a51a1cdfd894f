"""How jobs, records and cdr rows look to the outside (JSON-ready dicts)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from . import daytime
from .models import Job, Record


def cdr_row(record: Record, zone: ZoneInfo) -> dict[str, Any]:
    dial = record.dial  # directly, not through the record's properties: a day has 30,000 rows
    assert dial is not None and dial.last_time is not None
    text = dial.time_text
    if text is None:  # clients poll the cdr: a row's TIME is formatted once per attempt
        text = dial.time_text = daytime.cdr_time(dial.last_time, zone)
    return {
        "QUERY_ID": record.job.id,
        "DST": record.phone,
        "TIME": text,
        "CODE": dial.code,
        "SEC": dial.sec,
    }


def _when(epoch: float | None, zone: ZoneInfo) -> str | None:
    return None if epoch is None else daytime.iso(epoch, zone)


def record_view(record: Record, zone: ZoneInfo) -> dict[str, Any]:
    window = None
    if record.start is not None and record.stop is not None:
        window = {
            "start": daytime.format_hms(record.start),
            "stop": daytime.format_hms(record.stop),
        }
    return {
        "record": record.seq,
        "job": record.job.id,
        "api_key": record.job.api_key,
        "id": record.row_id,
        "name": record.name,
        "phone": record.phone,
        "number": record.number,
        "UUID": record.uuid,
        "var1": record.var1,
        "var2": record.var2,
        "var3": record.var3,
        "generationtype": record.scenario,
        "window": window,
        "maxcount": record.maxcount,
        "state": record.state,
        "attempts": record.attempts,
        "next_attempt_at": _when(record.next_at, zone),
        "dialing_since": _when(record.dialing_since, zone),
        "last_time": _when(record.last_time, zone),
        "code": record.code,
        "sec": record.sec,
        "answer": record.answer,
        "history": [
            {
                "started": daytime.iso(a.started, zone),
                "ended": daytime.iso(a.ended, zone),
                "code": a.code,
                "sec": a.sec,
                "answer": a.answer,
            }
            for a in record.history or ()
        ],
    }


def job_view(job: Job, zone: ZoneInfo) -> dict[str, Any]:
    states: dict[str, int] = {}
    for record in job.records:
        states[record.state] = states.get(record.state, 0) + 1
    return {
        "job": job.id,
        "api_key": job.api_key,
        "kind": job.kind,
        "created": daytime.iso(job.created, zone),
        "lines": job.lines,
        "ok": job.ok,
        "inserted": job.inserted,
        "errorcode": job.errorcode,
        "states": states,
    }
