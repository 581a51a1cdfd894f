"""Typed application state (aiohttp ``AppKey``): no module-level globals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from ..backend import Backend
from .driver import ClockDriver
from .sender import Sender

#: The one signature of every route's handler: the request and the backend, which
#: :func:`~.app.guarded` looks up once and passes on.
Handler = Callable[[web.Request, Backend], Awaitable[web.StreamResponse]]

BACKEND = web.AppKey("backend", Backend)
DRIVER = web.AppKey("driver", ClockDriver)
SENDER = web.AppKey("sender", Sender)
#: Unhandled errors, as (request line, traceback): a test harness re-raises them in the test.
FAILURES = web.AppKey("failures", list)
