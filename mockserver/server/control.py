"""The control API under /_mock/: the clock, reset, seed, jobs, calls, journal, configuration."""

from __future__ import annotations

from typing import Any

from aiohttp import web

import schemas.openapi

from .. import jsonbody, listings
from ..backend import Backend
from ..errors import InvalidField, MalformedBody
from ..listings import DEFAULT_PAGE, MAX_PAGE, Page
from ..validation import validator
from ..views import job_view, record_view
from . import render
from .driver import advance
from .keys import BACKEND, DRIVER, SENDER
from .parsing import refuse_oversized, set_body_limit


async def _json(request: web.Request, schema: str | None = None) -> Any:
    refuse_oversized(request)
    body = await request.read()
    if not body.strip():  # not an empty document: PUT config would reset everything
        raise MalformedBody("body: empty; this route takes a JSON document")
    parsed = jsonbody.loads(body)
    if parsed.duplicates:  # which of two values was meant is a guess we do not make
        raise MalformedBody(f"body: key {parsed.duplicates[0]!r} appears twice in an object")
    data = parsed.data
    if schema is not None:
        errors = validator(schema).errors(data)
        if errors:
            raise InvalidField("; ".join(map(str, errors)))
    return data


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


#: ``order`` of a listing: ``asc`` oldest first (the default), ``desc`` newest first.
ORDERS = ("asc", "desc")


def query_choice(request: web.Request, name: str, choices: tuple[str, ...]) -> str:
    """A query parameter among ``choices``; the first is the default."""
    raw = request.query.get(name) or choices[0]
    if raw not in choices:
        allowed = " or ".join(repr(c) for c in choices)
        raise InvalidField(f"{name}: must be {allowed} (got {raw[:40]!r})")
    return raw


def clock_view(backend: Backend, events: int | None = None) -> dict[str, Any]:
    clock = backend.clock
    view: dict[str, Any] = {"now": backend.now_iso(), "mode": clock.mode, "speed": clock.speed}
    if events is not None:
        view["events"] = events
    return view


async def get_clock(request: web.Request, backend: Backend) -> web.Response:
    return render.ok(clock_view(backend))


async def move_to(app: web.Application, when: float) -> int:
    """Moves the clock to ``when`` (see :func:`.driver.advance`), then lets the real-time
    driver look at what is due next."""
    events = await advance(app[BACKEND], app[SENDER], when)
    app[DRIVER].wake()
    return events


async def advance_clock(request: web.Request, backend: Backend) -> web.Response:
    data = await _json(request, "control.advance")
    events = await move_to(request.app, backend.advance_target(data["seconds"]))
    return render.ok(clock_view(backend, events))


async def set_clock(request: web.Request, backend: Backend) -> web.Response:
    data = await _json(request, "control.set")
    events = await move_to(request.app, backend.set_target(data["now"]))
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
    limit = query_int(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE)
    offset = query_int(request, "offset", 0)
    assert limit is not None and offset is not None
    return offset, limit


def page_view(page: Page[Any], items: list[Any]) -> dict[str, Any]:
    """A page of a listing as the control API answers it, ``items`` rendered."""
    return {"total": page.total, "offset": page.offset, "limit": page.limit, "items": items}


def page_of(request: web.Request, items: list[Any]) -> dict[str, Any]:
    page = listings.page_of(items, *page_bounds(request))
    return page_view(page, page.items)


async def jobs(request: web.Request, backend: Backend) -> web.Response:
    page = backend.jobs_page(*page_bounds(request), api_key=request.query.get("api_key"))
    return render.ok(page_view(page, [job_view(j, a.zone) for a, j in page.items]))


async def calls(request: web.Request, backend: Backend) -> web.Response:
    query = request.query
    page = backend.calls_page(
        *page_bounds(request),
        api_key=query.get("api_key") or None,
        state=query.get("state") or None,
        phone=query.get("phone") or None,
        job=query_int(request, "job", None),
    )
    return render.ok(page_view(page, [record_view(r, a.zone) for a, r in page.items]))


async def journal(request: web.Request, backend: Backend) -> web.Response:
    query = request.query
    page = backend.journal_page(
        *page_bounds(request),
        api_key=query.get("api_key") or None,
        operation=query.get("operation") or None,
        warnings_only=query.get("warnings") in ("1", "true", "yes"),
        newest_first=query_choice(request, "order", ORDERS) == "desc",
    )
    items = [{**e.to_dict(), "at": backend.iso(e.at)} for e in page.items]
    return render.ok(page_view(page, items))


async def get_config(request: web.Request, backend: Backend) -> web.Response:
    return render.ok(backend.config.to_dict())


async def put_config(request: web.Request, backend: Backend) -> web.Response:
    new = backend.put_config(await _json(request))
    set_body_limit(request.app, new.body_limit)
    request.app[SENDER].resize(new.webhook_concurrency)
    return render.ok(backend.config.to_dict())


async def openapi(request: web.Request, backend: Backend) -> web.Response:
    return render.ok(schemas.openapi.build())
