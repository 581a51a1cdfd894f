"""An in-process emulator on a free loopback port, served from a background thread.

Knows nothing of pytest (the plugin wraps it). The thread owns its own event
loop, so sync tests (``requests``, ``urllib``) and async tests alike can talk to
it over real HTTP while the test's own loop, if any, stays free.
"""

from __future__ import annotations

import asyncio
import copy
import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from aiohttp import web

from mockserver.config import Account, ClockConfig, Config
from mockserver.server.app import PARSER_LIMITS, clock_for, create_app
from mockserver.server.keys import BACKEND, FAILURES

from . import client_gate
from .client_gate import Coverage
from .webhook_log import Webhooks

AppFactory = Callable[[Config], web.Application]
DEFAULT_START = "2026-11-27T09:00:00+03:00"  # a Friday morning in Moscow, before the window


def manual_config(start: str = DEFAULT_START, seed: int = 7, **overrides: Any) -> Config:
    """The demo account on a manual clock: what tests want by default."""
    config = Config(seed=seed, clock=ClockConfig(mode="manual", start=start))
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


class ContractWarnings(AssertionError):
    """The client made contract slips the real service would swallow silently."""


class ServerError(AssertionError):
    """The emulator failed on a request of this test (it answered 500): a bug of ours, or of
    the client's request that the emulator should have refused with a 4xx."""


class MockServer:
    """One emulator for a whole session; :meth:`clear` gives each test a fresh one.

    ``app_factory`` builds the application (the emulator's by default). A route it adds
    answers with the emulator's error bodies, and reports a bug to :meth:`check`, when its
    handler (``async (request, backend)``) is wrapped in ``mockserver.server.app.guarded``,
    as every route of ours is.
    """

    def __init__(
        self,
        config: Config | None = None,
        app_factory: AppFactory = create_app,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.config = config or manual_config()
        self.app_factory = app_factory
        self.host = host
        self.port = port
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> MockServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start_site())
            except BaseException as exc:  # handed to the starting thread
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup() if self._runner else asyncio.sleep(0))
            loop.close()

        self._thread = threading.Thread(target=serve, name="autodialer-mock", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    async def _start_site(self) -> None:
        self.app = self.app_factory(copy.deepcopy(self.config))  # the original stays pristine
        limits: dict[str, Any] = dict(PARSER_LIMITS)  # keyword arguments of the request parser
        self._runner = web.AppRunner(self.app, access_log=None, **limits)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://{self.host}:{port}"

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop = self._thread = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def check(self) -> None:
        """Raises :class:`ServerError` with the traceback of every request the emulator failed
        on since the last check, as pytest-httpserver's ``check()`` does; the fixture calls it
        after each test."""
        failures = self.app[FAILURES]
        if failures:
            found, failures[:] = list(failures), []
            raise ServerError(
                "the emulator failed on "
                + "; ".join(line for line, _ in found)
                + "\n\n"
                + "\n".join(trace for _, trace in found)
            )

    def clear(self) -> None:
        """Forgets jobs, calls, cdr, journal and deliveries, takes back the configuration it
        started with (subscriptions a test added are gone), and puts a manual clock back at
        its start.

        ``POST /_mock/reset`` keeps the clock (it only moves forward over HTTP); a
        test's fresh start needs it rewound, which only the owner of the process can do.
        """

        def rewind() -> None:
            backend = self.app[BACKEND]
            backend.apply_config(copy.deepcopy(self.config))
            if self.config.seed is not None:
                backend.seed = self.config.seed
            backend.reset()
            if backend.clock.mode == "manual":  # in place: the outbox holds the same clock
                backend.clock.rewind(clock_for(self.config).now())

        self._call_in_loop(rewind)

    def _call_in_loop(self, fn: Callable[[], Any]) -> Any:
        assert self._loop is not None, "the server is not started"

        async def run() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=30)

    # -- the default account ---------------------------------------------------------------------

    @property
    def account(self) -> Account:
        return self.config.accounts[0]

    @property
    def api_key(self) -> str:
        return self.account.api_key

    @property
    def access_token(self) -> str:
        return self.account.access_token

    @property
    def base(self) -> str:
        """The vendor's base URL of the default account: ``{url}/{api_key}``."""
        return f"{self.url}/{self.api_key}"

    # -- the control API, over HTTP like any client --------------------------------------------

    def _http(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        url = self.url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return json.loads(exc.read())

    def advance(
        self, seconds: float | timedelta = 0, *, minutes: float = 0, hours: float = 0
    ) -> str:
        """Moves the manual clock forward, running every call event due; answers the new now."""
        if isinstance(seconds, timedelta):
            seconds = seconds.total_seconds()
        total = seconds + minutes * 60 + hours * 3600
        return cast(str, self._http("POST", "/_mock/clock/advance", {"seconds": total})["now"])

    async def aadvance(
        self, seconds: float | timedelta = 0, *, minutes: float = 0, hours: float = 0
    ) -> str:
        """:meth:`advance` for async tests: the test's loop stays free meanwhile, so a
        webhook receiver served on it gets the deliveries the advance waits for."""
        return await asyncio.to_thread(self.advance, seconds, minutes=minutes, hours=hours)

    @property
    def webhooks(self) -> Webhooks:
        """Subscribe receivers, read the delivery log and the events delivered."""
        return Webhooks(self._http, lambda: self.api_key)

    @property
    def now(self) -> str:
        return cast(str, self._http("GET", "/_mock/clock")["now"])

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Every record of every account, oldest first, with state, attempts and outcome."""
        return cast(list[dict[str, Any]], self._http("GET", "/_mock/calls", limit=10_000)["items"])

    @property
    def jobs(self) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self._http("GET", "/_mock/jobs", limit=10_000)["items"])

    @property
    def journal(self) -> list[dict[str, Any]]:
        """Every request to the vendor's methods with its contract warnings, oldest first."""
        return cast(
            list[dict[str, Any]], self._http("GET", "/_mock/journal", limit=10_000)["items"]
        )

    def cdr(self, api_key: str | None = None, **fields: str) -> list[dict[str, Any]]:
        """The cdr answer of an account (the default one unless given), as a client gets it."""
        return cast(
            list[dict[str, Any]], self._http("GET", f"/{api_key or self.api_key}/cdr", **fields)
        )

    def coverage(self, since: int = 0) -> Coverage:
        """What of the contract the requests after journal id ``since`` exercised (for this
        test, as the fixture clears the journal): ``.exercised("errorcode-2")``,
        ``.missing``, ``.table()``; the names are ``client_gate.CASES``."""
        fetch = lambda path, query: self._http("GET", path, **query)  # noqa: E731
        return client_gate.examine(client_gate.journal(fetch, since), since)[0]

    def assert_no_contract_warnings(self) -> None:
        """Fails naming every slip (unknown field, number for a string, id != 0, ...)."""
        slips = [
            f"{e['method']} {e['path']}: {w['field']}: {w['message']} [{w['code']}]"
            for e in self._http("GET", "/_mock/journal", limit=10_000, warnings="1")["items"]
            for w in e["warnings"]
        ]
        if slips:
            raise ContractWarnings("contract warnings:\n  " + "\n  ".join(slips))
