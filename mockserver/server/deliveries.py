"""The webhook delivery log under /_mock/deliveries: list with filters, replay one or all failed."""

from __future__ import annotations

from aiohttp import web

from ..backend import Backend
from ..errors import InvalidField
from ..webhooks.models import STATES
from . import render
from .control import page_of, query_int
from .keys import SENDER


async def deliveries(request: web.Request, backend: Backend) -> web.Response:
    query = request.query
    outcome = query.get("outcome") or None
    if outcome is not None and outcome not in STATES:
        raise InvalidField(f"outcome: must be one of {', '.join(STATES)} (got {outcome!r})")
    found = backend.outbox.find(
        api_key=query.get("api_key") or None,
        subscription=query.get("subscription") or None,
        event=query.get("event") or None,
        outcome=outcome,
        record=query_int(request, "record", None),
    )
    page = page_of(request, found)
    page["items"] = [d.to_dict(backend.iso) for d in page["items"]]
    return render.ok(page)


async def replay(request: web.Request, backend: Backend) -> web.Response:
    """Sends one delivery again and answers once the attempt is logged."""
    delivery = backend.outbox.replay(int(request.match_info["id"]))
    await request.app[SENDER].settle()
    return render.ok(delivery.to_dict(backend.iso))


async def replay_failed(request: web.Request, backend: Backend) -> web.Response:
    """Sends every failed delivery again (filters ``api_key``, ``subscription``)."""
    query = request.query
    replayed = backend.outbox.replay_failed(
        query.get("api_key") or None, query.get("subscription") or None
    )
    await request.app[SENDER].settle()
    return render.ok(
        {"replayed": len(replayed), "items": [d.to_dict(backend.iso) for d in replayed]}
    )
