"""What the dashboard reads besides the control API: counts, outcomes over time, the cdr.

Unlike ``/<apikey>/cdr`` these are not journalled: the dashboard polling must
not fill the journal a client's test asserts on.
"""

from __future__ import annotations

from collections import Counter

from aiohttp import web

from .. import overview
from ..accounts import AccountState
from ..backend import Backend
from ..listings import MAX_PAGE
from ..webhooks.models import STATES as DELIVERY_STATES
from . import render
from .control import query_int
from .keys import BACKEND


def account_of(request: web.Request) -> AccountState:
    """The account named by ``api_key``, else the first one (the demo account out of the box)."""
    backend: Backend = request.app[BACKEND]
    api_key = request.query.get("api_key")
    return backend.account(api_key) if api_key else next(iter(backend.accounts.values()))


async def summary(request: web.Request, backend: Backend) -> web.Response:
    account = account_of(request)
    api_key = account.config.api_key
    found = backend.outbox.find(api_key=api_key)
    deliveries = Counter(d.state for d in found)
    journal = backend.journal.entries(api_key=api_key)
    return render.ok(
        {
            "api_key": api_key,
            "jobs": len(account.jobs),
            "records": overview.state_counts(account),
            "cdr": len(account.cdr),
            "deliveries": {state: deliveries.get(state, 0) for state in DELIVERY_STATES},
            "webhooks": overview.webhook_counts(found, backend.iso),
            "journal": {
                "entries": len(journal),
                "warnings": sum(1 for entry in journal if entry.warnings),
            },
        }
    )


async def outcomes(request: web.Request, backend: Backend) -> web.Response:
    account = account_of(request)
    series = overview.outcome_series(account)
    for bucket in series["buckets"]:
        bucket["start"] = backend.iso(bucket["start"])
    return render.ok({"api_key": account.config.api_key, **series})


async def cdr(request: web.Request, backend: Backend) -> web.Response:
    account = account_of(request)
    limit = query_int(request, "limit", 100, 1, MAX_PAGE)
    offset = query_int(request, "offset", 0)
    assert limit is not None and offset is not None
    total, items = overview.cdr_page(account, offset, limit)
    return render.ok(
        {
            "api_key": account.config.api_key,
            "total": total,
            "offset": offset,
            "limit": limit,
            "items": items,
        }
    )
