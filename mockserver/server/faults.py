"""Injects the configured faults into the vendor's methods: errors, latency, dropped connections.

Each injected fault is journalled, so a client's test can tell an injected
500 from a bug of its own.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from ..backend import Backend
from ..faults import VENDOR_METHODS, Fault
from ..journal import Entry
from . import render
from .keys import Handler
from .vendor import start_entry


def _method(request: web.Request) -> str | None:
    api_key = request.match_info.get("api_key")
    name = request.path.rstrip("/").rsplit("/", 1)[-1]
    return name if api_key and name in VENDOR_METHODS else None


async def inject_faults(
    request: web.Request, handler: Handler, backend: Backend
) -> web.StreamResponse:
    """Runs ``handler``, or in its place (or around it) the fault planned for this request."""
    method = _method(request)
    fault = backend.faults.decide(method) if method else None
    if fault is None:
        return await handler(request, backend)
    if fault.latency:
        await asyncio.sleep(fault.latency)  # wall clock on purpose: the client's time-out is
    if not fault.status and not fault.drop:
        response = await handler(request, backend)
        entry = _journalled(backend, response)
        if entry is None:  # answered before journalling (a 404): keep the fault visible anyway
            entry = _entry(request, backend, method or "", fault)
            entry.finish(response.status, b"")
        else:
            entry.warn("fault_injected", "(transport)", fault.describe())
        return response
    entry = _entry(request, backend, method or "", fault)
    if fault.drop:
        assert request.transport is not None
        request.transport.close()
        entry.finish(0, b"")
        raise asyncio.CancelledError  # nothing is written to a closed connection
    body = render.error_body("injected_fault", f"{fault.describe()} (faults.vendor)")
    return render.journalled(entry, body, fault.status)


def _entry(request: web.Request, backend: Backend, method: str, fault: Fault) -> Entry:
    """A journal entry of its own: the request never reached the method."""
    entry = start_entry(request, backend, method, b"")
    entry.warn("fault_injected", "(transport)", fault.describe())
    return entry


def _journalled(backend: Backend, response: web.StreamResponse) -> Entry | None:
    """The entry the method's handler wrote, found by the id it put in the answer."""
    entry_id = response.headers.get("X-Mock-Journal-Id", "")
    return backend.journal.find(int(entry_id)) if entry_id.isdigit() else None
