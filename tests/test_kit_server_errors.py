"""The fixture's server re-raises, in the test, an error the emulator hit on a request."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from aiohttp import web

from contract_tests.server import MockServer, ServerError, manual_config
from mockserver.backend import Backend
from mockserver.server.app import create_app, guarded


def broken_app(config):  # type: ignore[no-untyped-def]
    async def boom(request: web.Request, backend: Backend) -> web.Response:
        raise ZeroDivisionError("a bug in a handler")

    app = create_app(config)
    app.router.add_get("/_mock/boom", guarded(boom))  # as every route of the emulator is
    return app


def test_every_route_of_the_emulator_is_guarded() -> None:
    guard = guarded(boom_free).__qualname__
    routes = list(create_app(manual_config()).router.routes())
    assert routes and all(route.handler.__qualname__ == guard for route in routes)


async def boom_free(request: web.Request, backend: Backend) -> web.Response:
    return web.Response()


def test_check_raises_the_servers_error_with_its_traceback() -> None:
    with MockServer(manual_config(), app_factory=broken_app) as server:
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{server.url}/_mock/boom")
        with pytest.raises(ServerError, match=r"GET /_mock/boom(.|\n)*ZeroDivisionError"):
            server.check()
        server.check()  # reported once: the next test starts clean
