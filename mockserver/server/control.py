"""The control API under /_mock/: the clock, reset, seed, jobs, calls, journal, configuration."""

from __future__ import annotations

from typing import Any

from aiohttp import web

import schemas
import schemas.openapi

from .. import config as config_module
from .. import jsonbody
from ..backend import Backend
from ..clock import parse_iso
from ..errors import InvalidField, MalformedBody
from ..models import STATES
from ..validation import validator
from ..views import job_view, record_view
from ..webhooks.settings import unmask
from . import render
from .keys import BACKEND, DRIVER, SENDER
from .parsing import refuse_oversized
from .security import HIDDEN

MAX_PAGE = 10_000
#: The farthest one move of the clock goes, from the advance schema (a year).
MAX_MOVE: float = schemas.load("control.advance")["properties"]["seconds"]["maximum"]


async def _json(request: web.Request, schema: str | None = None) -> Any:
    refuse_oversized(request)
    body = await request.read()
    parsed = jsonbody.loads(body) if body.strip() else jsonbody.Parsed({})
    if parsed.duplicates:  # which of two values was meant is a guess we do not make
        raise MalformedBody(f"body: key {parsed.duplicates[0]!r} appears twice in an object")
    data = parsed.data
    if schema is not None:
        errors = validator(schema).errors(data)
        if errors:
            raise InvalidField("; ".join(map(str, errors)))
    return data


def keep_control_token(data: Any, current: str | None) -> None:
    """The token is set at start: a PUT may omit it or send it back masked, not change it."""
    if not isinstance(data, dict):
        return
    given = data.get("control_token")
    if given not in (None, HIDDEN, current):
        raise InvalidField(
            "control_token: is set at start (--control-token or the config file), "
            "not through PUT /_mock/config"
        )
    data["control_token"] = current


def query_int(
    request: web.Request, name: str, default: int | None, low: int = 0, high: int | None = None
) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    # isascii: '²'.isdigit() is true but int('²') fails; 20 digits: int() refuses 4300.
    digits = raw.isascii() and raw.isdigit() and len(raw) <= 20
    if not digits or int(raw) < low or (high is not None and int(raw) > high):
        upper = f" to {high}" if high is not None else " or more"
        raise InvalidField(f"{name}: must be an integer from {low}{upper} (got {raw[:40]!r})")
    return int(raw)


def clock_view(backend: Backend, events: int | None = None) -> dict[str, Any]:
    clock = backend.clock
    view: dict[str, Any] = {"now": backend.now_iso(), "mode": clock.mode, "speed": clock.speed}
    if events is not None:
        view["events"] = events
    return view


async def get_clock(request: web.Request, backend: Backend) -> web.Response:
    return render.ok(clock_view(backend))


async def move_to(app: web.Application, when: float) -> int:
    """Runs every event due up to ``when``; the webhook attempts they make are awaited before
    time moves past what their answers could schedule, so retries due within the move run
    too, at their own times.

    Attempts whose answers cannot act before the next event are sent together: the clock
    stops for them only at the outbox's horizon (at most a second of emulator time), so a
    burst of completed calls is delivered concurrently, not one round trip at a time.
    """
    backend, sender = app[BACKEND], app[SENDER]
    horizon = backend.outbox.horizon()
    scheduler = backend.scheduler

    def must_wait() -> bool:
        if not sender.busy():
            return False
        due = scheduler.next_due()
        return due is None or due >= sender.first_at + horizon

    events = 0
    while True:
        events += backend.move_to(when, must_wait)
        if not sender.busy():
            app[DRIVER].wake()
            return events
        await sender.settle()


async def advance_clock(request: web.Request, backend: Backend) -> web.Response:
    data = await _json(request, "control.advance")
    events = await move_to(request.app, backend.clock.now() + data["seconds"])
    return render.ok(clock_view(backend, events))


async def set_clock(request: web.Request, backend: Backend) -> web.Response:
    data = await _json(request, "control.set")
    try:
        when = parse_iso(data["now"])
    except (ValueError, OverflowError) as exc:
        raise InvalidField(f"now: not a date-time the emulator can hold ({exc})") from None
    if when - backend.clock.now() > MAX_MOVE:
        # As far as one advance goes: a clock near year 9999 could no longer show its time.
        raise InvalidField(
            f"now: {data['now']} is more than {MAX_MOVE:.0f} seconds (a year) after the "
            f"emulator's now {backend.now_iso()}; move in steps"
        )
    if when < backend.clock.now():
        raise InvalidField(
            f"now: {data['now']} is before the emulator's now {backend.now_iso()}; "
            "the clock only moves forward"
        )
    events = await move_to(request.app, when)
    return render.ok(clock_view(backend, events))


async def reset(request: web.Request, backend: Backend) -> web.Response:
    backend.reset()
    return render.ok({"reset": True, "seed": backend.seed})


async def seed(request: web.Request, backend: Backend) -> web.Response:
    data = await _json(request, "control.seed")
    backend.reseed(data["seed"])
    return render.ok({"seed": data["seed"]})


def page_bounds(request: web.Request) -> tuple[int, int]:
    """``offset`` and ``limit`` of a paged listing, checked."""
    limit = query_int(request, "limit", 100, 1, MAX_PAGE)
    offset = query_int(request, "offset", 0)
    assert limit is not None and offset is not None
    return offset, limit


def page_of(request: web.Request, items: list[Any]) -> dict[str, Any]:
    offset, limit = page_bounds(request)
    return {
        "total": len(items),
        "offset": offset,
        "limit": limit,
        "items": items[offset : offset + limit],
    }


async def jobs(request: web.Request, backend: Backend) -> web.Response:
    api_key = request.query.get("api_key")
    accounts = [backend.account(api_key)] if api_key else list(backend.accounts.values())
    found = sorted(
        ((a, j) for a in accounts for j in a.jobs.values()),
        key=lambda pair: (pair[1].created, pair[1].id),
    )
    page = page_of(request, found)
    page["items"] = [job_view(j, a.zone) for a, j in page["items"]]
    return render.ok(page)


async def calls(request: web.Request, backend: Backend) -> web.Response:
    query = request.query
    state = query.get("state") or None
    if state is not None and state not in STATES:
        raise InvalidField(f"state: must be one of {', '.join(STATES)} (got {state!r})")
    offset, limit = page_bounds(request)
    total, found = backend.page_records(
        offset,
        limit,
        api_key=query.get("api_key") or None,
        state=state,
        phone=query.get("phone") or None,
        job=query_int(request, "job", None),
    )
    items = [record_view(r, a.zone) for a, r in found]
    return render.ok({"total": total, "offset": offset, "limit": limit, "items": items})


async def journal(request: web.Request, backend: Backend) -> web.Response:
    query = request.query
    entries = backend.journal.entries(
        api_key=query.get("api_key") or None,
        operation=query.get("operation") or None,
        warnings_only=query.get("warnings") in ("1", "true", "yes"),
    )
    page = page_of(request, entries)
    page["items"] = [{**e.to_dict(), "at": backend.iso(e.at)} for e in page["items"]]
    return render.ok(page)


async def get_config(request: web.Request, backend: Backend) -> web.Response:
    return render.ok(backend.config.to_dict())


async def put_config(request: web.Request, backend: Backend) -> web.Response:
    data = await _json(request)
    unmask(data, backend.config.secrets())
    keep_control_token(data, backend.config.control_token)
    new = config_module.from_dict(data, "config")
    old = backend.config.clock
    if isinstance(data, dict) and "clock" not in data:
        new.clock = old
    if (new.clock.mode, new.clock.speed) != (old.mode, old.speed):
        raise InvalidField(
            "clock: mode and speed are set at start (--clock, --speed); "
            "move the clock with /_mock/clock/advance or /_mock/clock/set"
        )
    backend.apply_config(new)
    request.app[SENDER].resize(new.webhook_concurrency)
    if new.seed is not None and new.seed != backend.seed:
        backend.reseed(new.seed)
    return render.ok(backend.config.to_dict())


async def openapi(request: web.Request, backend: Backend) -> web.Response:
    return render.ok(schemas.openapi.build())
