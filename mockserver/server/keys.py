"""Typed application state (aiohttp ``AppKey``): no module-level globals."""

from __future__ import annotations

from aiohttp import web

from ..backend import Backend
from .driver import ClockDriver
from .sender import Sender

BACKEND = web.AppKey("backend", Backend)
DRIVER = web.AppKey("driver", ClockDriver)
SENDER = web.AppKey("sender", Sender)
#: Unhandled errors, as (request line, traceback): a test harness re-raises them in the test.
FAILURES = web.AppKey("failures", list)
