"""The application factory and its route table."""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypedDict

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

from ..backend import Backend
from ..clock import Clock, parse_iso
from ..config import Config
from ..errors import ApiError, MalformedBody
from ..gc_control import StateFreezer
from . import control, dashboard, deliveries, overview, render, upload, vendor
from .driver import ClockDriver
from .faults import inject_faults
from .keys import BACKEND, DRIVER, FAILURES, SENDER, Handler
from .loglimit import RateLimitedLog
from .parsing import check_head
from .protocol import EmulatorApp
from .security import control_refusal
from .sender import Sender

log = logging.getLogger(__name__)


#: aiohttp's HTTP parser limits, for every runner of the app. A newcall may come as a GET
#: with every field in its query string: ten texts of up to 1000 characters, at up to 12
#: bytes a character once percent-encoded, overrun aiohttp's default 8190-byte request
#: line, and the parser would answer a plain-text 400 before the handler could name the field.
class ParserLimits(TypedDict):
    max_line_size: int
    max_field_size: int


PARSER_LIMITS: ParserLimits = {"max_line_size": 128 * 1024, "max_field_size": 16 * 1024}


def clock_for(config: Config) -> Clock:
    start = parse_iso(config.clock.start) if config.clock.start else None
    return Clock(config.clock.mode, config.clock.speed, start)


def guarded(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """``handler`` behind what every request passes: the control token, injected faults,
    and error bodies for every refusal, ours or aiohttp's (a bug answers 500, never a crash).

    A wrapper per route rather than a middleware: with any middleware at all, aiohttp
    builds a chain of two more coroutines for every request, a tenth of what a newcall
    costs (callgrind: 29,000 instructions a request). Routes nobody registered reach
    :func:`no_route`, behind the same guard, so they answer the same error bodies. The
    handler is given the backend looked up here, rather than looking it up again.
    """

    async def guard(request: web.Request) -> web.StreamResponse:
        try:
            backend = request.app[BACKEND]
            check_head(request)
            refused = control_refusal(request, backend.config)
            if refused is not None:
                return refused
            if not backend.faults.active:  # the usual run: straight to the handler
                return await handler(request, backend)
            return await inject_faults(request, handler, backend)
        except ApiError as exc:
            return render.error(exc)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return render.http_error(exc, request)
        except (RequestPayloadError, HttpProcessingError) as exc:  # gzip that is not, say
            response = render.error(unreadable_body(exc))
            response.force_close()  # the rest of the body cannot be read either
            return response
        except ConnectionError:  # the client went away mid-body: no answer can reach it
            log.debug("client left during %s %s", request.method, request.path)
            return render.ok(render.error_body("client_disconnected", "the client left"), 400)
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.path)
            failures = request.app[FAILURES]
            if len(failures) < 100:  # kept for a test harness to re-raise; bounded all the same
                failures.append((f"{request.method} {request.path}", traceback.format_exc()))
            return render.ok(
                render.error_body("internal_error", "the emulator failed; see its log"), 500
            )

    return guard


def unreadable_body(exc: Exception) -> MalformedBody:
    """aiohttp's reason a body could not be read (a ``Content-Encoding`` it cannot undo, a
    broken chunk), as the error body names it: the first line, not the bytes it quotes."""
    cause = exc.__cause__ if isinstance(exc.__cause__, HttpProcessingError) else exc
    reason = cause.message if isinstance(cause, HttpProcessingError) else str(cause)
    return MalformedBody(f"body: cannot be read ({reason.splitlines()[0] if reason else ''})")


async def no_route(request: web.Request, backend: Backend) -> web.StreamResponse:
    """The last route, matching any path and method: 405 naming the methods of the routes
    that match the path, else 404 (aiohttp's own answers would be plain text)."""
    allowed: set[str] = set()
    for resource in request.app.router.resources():
        if resource is not request.match_info.route.resource:
            _, methods = await resource.resolve(request)
            allowed |= methods
    if allowed:
        raise web.HTTPMethodNotAllowed(request.method, allowed)
    raise web.HTTPNotFound()


async def _driver(app: web.Application) -> AsyncIterator[None]:
    app[DRIVER].start()
    yield
    await app[DRIVER].stop()


async def _sender(app: web.Application) -> AsyncIterator[None]:
    await app[SENDER].start()
    yield
    await app[SENDER].stop()


async def _quiet_loop(_app: web.Application) -> AsyncIterator[None]:
    """The loop's error log at most once per message every RATE_LIMIT seconds: out of file
    descriptors, asyncio logs its traceback on every failed accept (300 MB in 100 s)."""
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(RateLimitedLog(previous))
    yield
    loop.set_exception_handler(previous)


#: The vendor's methods and the HTTP methods each answers, the busiest first.
VENDOR_ROUTES = (
    ("newcall", vendor.newcall, ("GET", "POST")),
    ("cdr", vendor.cdr, ("GET", "POST")),
    ("make", vendor.make, ("POST",)),
)
#: Keys whose paths need no escaping: their accounts get routes of their own.
PLAIN_KEY = re.compile(r"[A-Za-z0-9.~-][A-Za-z0-9._~-]*")


class AccountPath(web.PlainResource):
    """One account's path to one method (``/apikey/newcall``), for the accounts known at
    start: the router finds it with one dict lookup by the whole path, where the pattern
    route ``/{api_key}/newcall`` costs a walk up the path and a regular expression
    (callgrind: 11,000 instructions, 3 % of a newcall). It matches with the same
    ``api_key`` as the pattern would, so the handlers cannot tell them apart; an account
    added later is served by the pattern routes, and one removed gets the same error from
    either. ``_match`` is the hook aiohttp's ``Resource.resolve`` calls (3.9 to 3.14);
    tests/test_account_routes.py fails if a release stops calling it.
    """

    def __init__(self, path: str, api_key: str) -> None:
        super().__init__(path)
        self._whole = path
        self._api_key = api_key

    def _match(self, path: str) -> dict[str, str] | None:  # what Resource.resolve asks
        return {"api_key": self._api_key} if path == self._whole else None


def add_routes(app: web.Application) -> None:
    # Control routes come first: an api key never starts with '_', so they never clash.
    router = app.router
    router.add_get("/_mock/clock", guarded(control.get_clock))
    router.add_post("/_mock/clock/advance", guarded(control.advance_clock))
    router.add_post("/_mock/clock/set", guarded(control.set_clock))
    router.add_post("/_mock/reset", guarded(control.reset))
    router.add_post("/_mock/seed", guarded(control.seed))
    router.add_get("/_mock/jobs", guarded(control.jobs))
    router.add_get("/_mock/calls", guarded(control.calls))
    router.add_get("/_mock/journal", guarded(control.journal))
    router.add_get("/_mock/config", guarded(control.get_config))
    router.add_put("/_mock/config", guarded(control.put_config))
    router.add_get("/_mock/deliveries", guarded(deliveries.deliveries))
    router.add_post("/_mock/deliveries/replay", guarded(deliveries.replay_failed))
    router.add_post("/_mock/deliveries/{id:[0-9]+}/replay", guarded(deliveries.replay))
    router.add_get("/_mock/openapi.json", guarded(control.openapi))
    router.add_get("/_mock/ui", guarded(dashboard.page))
    router.add_get("/_mock/ui/{name:[a-z]+\\.(?:js|css)}", guarded(dashboard.asset))
    router.add_get("/_mock/summary", guarded(overview.summary))
    router.add_get("/_mock/outcomes", guarded(overview.outcomes))
    router.add_get("/_mock/cdr", guarded(overview.cdr))
    router.add_post("/_mock/upload", guarded(upload.upload))
    router.add_post("/_mock/fire", guarded(upload.fire_traffic))
    methods = [(name, guarded(handler), verbs) for name, handler, verbs in VENDOR_ROUTES]
    for account in app[BACKEND].config.accounts:  # the accounts known at start
        if PLAIN_KEY.fullmatch(account.api_key):
            for slash in ("", "/"):
                for name, handler, verbs in methods:
                    resource = AccountPath(f"/{account.api_key}/{name}{slash}", account.api_key)
                    router.register_resource(resource)
                    for verb in verbs:
                        resource.add_route(verb, handler)
    key = "/{api_key:[^/_][^/]*}"
    # Any account's key, one added later included. aiohttp tries the routes under "/" in
    # this order: the busiest first.
    for slash in ("", "/"):
        for name, handler, verbs in methods:
            for verb in verbs:
                router.add_route(verb, f"{key}/{name}{slash}", handler)
    recording = key + "/recordings/{token:[0-9]+-[0-9]+-[0-9a-f]+}.wav"  # <job>-<row>-<hmac>
    router.add_get(recording, guarded(vendor.recording))
    router.add_route("*", key + "/{method:[^/]+}{slash:/?}", guarded(vendor.unknown_method))
    router.add_route("*", "/{path:.*}", guarded(no_route))  # last: what nothing else matched


def create_app(
    config: Config | None = None,
    clock: Clock | None = None,
    db: str | None = None,
    freezer: StateFreezer | None = None,
) -> web.Application:
    """The emulator; with ``db``, its state is restored from and kept in that SQLite file;
    with ``freezer`` (the standalone server's), stored state leaves the collector's walks."""
    config = config or Config()
    backend = Backend(config, clock or clock_for(config))
    if freezer is not None:
        backend.on_stored.append(freezer.stored)
        backend.on_dropped.append(freezer.thaw)
    app = EmulatorApp(client_max_size=config.body_limit)
    app.cleanup_ctx.append(_quiet_loop)
    if db is not None:
        from ..store import attach  # sqlite3 loads only for --db

        store = attach(backend, db)

        async def close_store(app: web.Application) -> AsyncIterator[None]:
            yield
            # Last out (cleanup runs in reverse): the driver and the sender have stopped, so
            # this flush writes the final state and nothing changes after it.
            store.close()

        app.cleanup_ctx.append(close_store)
    app[BACKEND] = backend
    app[DRIVER] = ClockDriver(backend)
    app[SENDER] = Sender(backend.outbox, config.webhook_concurrency)
    app[FAILURES] = []
    app.cleanup_ctx.append(_driver)
    app.cleanup_ctx.append(_sender)
    add_routes(app)
    return app
