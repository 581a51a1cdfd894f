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

from . import broken

#: An account whose key and token must never reach a redacted cassette.
SECRET_KEY, SECRET_TOKEN = "k3y-Secret-9931", "t0ken-Secret-5521"
Skew = Callable[[str, int, Any], tuple[int, Any]]


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


def newcall_accepts_duplicates(path: str, status: int, body: Any) -> tuple[int, Any]:
    """newcall's duplicate rule off: a pending call's duplicate is counted as accepted."""
    if path.endswith("/newcall") and isinstance(body, dict) and body.get("QUERY_COUNT") == 0:
        body["QUERY_COUNT"] = 1
    return status, body


def wrong_status(path: str, status: int, body: Any) -> tuple[int, Any]:
    """newcall's refusals answered with HTTP 200."""
    if path.endswith("/newcall") and status == 400:
        return 200, body
    return status, body


def rewriting(skew: Skew) -> Any:
    """A middleware giving the emulator's JSON answers through ``skew``."""

    @web.middleware
    async def rewrite(request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        if not isinstance(response, web.Response) or response.content_type != "application/json":
            return response
        status, body = skew(request.path, response.status, json.loads(response.text or "null"))
        return web.json_response(body, status=status)

    return rewrite


#: The planted differences: make's report values as integers (the kit's own broken
#: emulator), a renamed field, another duplicate rule, a wrong status.
SKEWS: dict[str, Callable[[Config], web.Application]] = {
    "integers": broken.with_middleware(broken.integer_report),
    "renamed": broken.with_middleware(rewriting(renamed)),
    "duplicates": broken.with_middleware(rewriting(no_duplicates)),
    "status": broken.with_middleware(rewriting(wrong_status)),
    "newcall_duplicates": broken.with_middleware(rewriting(newcall_accepts_duplicates)),
}


def upstream_config() -> Config:
    """A manual clock, and the account with the secret key as the only one."""
    return manual_config(accounts=[Account(SECRET_KEY, SECRET_TOKEN)])


@contextmanager
def upstream(skew: str | None = None) -> Iterator[MockServer]:
    """The emulator on loopback, as it is or with one of :data:`SKEWS`."""
    factory = SKEWS[skew] if skew else create_app
    with MockServer(upstream_config(), app_factory=factory) as server:
        yield server
