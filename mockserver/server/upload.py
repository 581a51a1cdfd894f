"""The dashboard's actions: upload a CSV or JSON batch, fire synthetic webhook traffic."""

from __future__ import annotations

from aiohttp import web

from ..backend import Backend
from ..errors import ConfigError, InvalidField, MalformedBody
from ..make import batchfile
from ..make.report import NOT_A_BATCH, refused
from ..webhooks.settings import subscriptions
from . import render
from .control import _json
from .overview import account_of


async def upload(request: web.Request, backend: Backend) -> web.Response:
    """``POST /_mock/upload?api_key=K[&format=csv|json]``, the file as the body.

    The file becomes a make body and goes through make itself: the same
    validation, the same report, and a journal entry (operation ``make``) whose
    body is what make was given, so a CSV's reading can be checked there.
    """
    account = account_of(request)
    api_key = account.config.api_key
    data = await request.read()
    kind = batchfile.kind_of(request.content_type, request.query.get("format"), data)
    try:
        body, problem = batchfile.make_body(data, kind, account.config.access_token), None
    except MalformedBody as exc:
        body, problem = data, exc.message
    entry = backend.journal.start(
        at=backend.clock.now(),
        method=request.method,
        path=request.path,
        api_key=api_key,
        operation="make",
        query=dict(request.query),
        body=body,
    )
    if problem is None:
        report = backend.make(api_key, body, entry)
    else:
        entry.warn("malformed_body", "(file)", problem)
        report = refused(NOT_A_BATCH, 0)
    return render.journalled(entry, {**report.body(), "format": kind}, report.status)


async def fire_traffic(request: web.Request, backend: Backend) -> web.Response:
    """``POST /_mock/fire``: what ``autodialer-mock fire`` does, answered with its summary."""
    data = await _json(request, "control.fire")
    secret = data.get("secret") or None
    if secret:
        try:  # the same check as a subscription's secret in the config
            subscriptions([{"url": data["url"], "secret": secret}], "secret", "fire")
        except ConfigError as exc:
            raise InvalidField(exc.message) from None
    from ..loadgen.fire import Plan, fire  # the traffic generator loads only when traffic is fired

    plan = Plan(
        data["url"],
        data["count"],
        data.get("rate", 50.0),
        data.get("statuses") or [],
        secret,
        data.get("duplicates", 0.0),
        data.get("format", "json"),
        seed=data.get("seed", 1),
    )
    summary = await fire(plan)
    return render.ok(summary.to_dict())
