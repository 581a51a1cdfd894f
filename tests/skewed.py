"""Upstreams for the proxy's tests: the emulator as it is, and the emulator with one planted
difference from the contract, as the real service might have."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from contract_tests.server import MockServer, manual_config
from mockserver.config import Account, Config
from mockserver.server.app import create_app

#: An account whose key and token must never reach a redacted cassette.
SECRET_KEY, SECRET_TOKEN = "k3y-Secret-9931", "t0ken-Secret-5521"
Skew = Callable[[str, int, Any], tuple[int, Any]]


def integers(path: str, status: int, body: Any) -> tuple[int, Any]:
    """make's report values as integers rather than strings."""
    if path.endswith("/make") and isinstance(body, dict) and "report" in body:
        body["report"] = {k: int(v) for k, v in body["report"].items()}
    return status, body


def renamed(path: str, status: int, body: Any) -> tuple[int, Any]:
    """newcall's QUERY_ID named QUERYID."""
    if path.endswith("/newcall") and isinstance(body, dict) and "QUERY_ID" in body:
        body["QUERYID"] = body.pop("QUERY_ID")
    return status, body


def no_duplicates(path: str, status: int, body: Any) -> tuple[int, Any]:
    """Another duplicate rule: make queues every valid row, duplicates included."""
    report = body.get("report") if isinstance(body, dict) else None
    if path.endswith("/make") and report and report["errorcode"] == "2":
        report["inserted"], report["errorcode"] = report["ok"], "0"
    return status, body


def wrong_status(path: str, status: int, body: Any) -> tuple[int, Any]:
    """newcall's refusals answered with HTTP 200."""
    if path.endswith("/newcall") and status == 400:
        return 200, body
    return status, body


SKEWS: dict[str, Skew] = {
    "integers": integers,
    "renamed": renamed,
    "duplicates": no_duplicates,
    "status": wrong_status,
}


def skewed_app(skew: Skew) -> Callable[[Config], web.Application]:
    @web.middleware
    async def rewrite(request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        if not isinstance(response, web.Response) or response.content_type != "application/json":
            return response
        status, body = skew(request.path, response.status, json.loads(response.body))  # type: ignore[arg-type]
        return web.json_response(body, status=status)

    def build(config: Config) -> web.Application:
        app = create_app(config)
        app.middlewares.append(rewrite)
        return app

    return build


def upstream_config() -> Config:
    """A manual clock, and the account with the secret key as the only one."""
    return manual_config(accounts=[Account(SECRET_KEY, SECRET_TOKEN)])


@contextmanager
def upstream(skew: str | None = None) -> Iterator[MockServer]:
    """The emulator on loopback, as it is or with one of :data:`SKEWS`."""
    factory = skewed_app(SKEWS[skew]) if skew else create_app
    with MockServer(upstream_config(), app_factory=factory) as server:
        yield server
