"""Deliberately broken emulators, built here (never in mockserver/), that the kit must catch."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from typing import Any

from aiohttp import web

from mockserver.backend import Backend
from mockserver.config import Config
from mockserver.journal import Entry
from mockserver.make.report import TOO_MANY_ROWS, MakeReport, refused
from mockserver.server.app import create_app
from mockserver.server.driver import ClockDriver
from mockserver.server.keys import BACKEND, DRIVER


class OffByOneAtTheLimit(Backend):
    """Refuses 1000 rows, as if the limit were 'fewer than 1000'."""

    def make(self, api_key: str, body: bytes, entry: Entry) -> MakeReport:
        try:
            rows = json.loads(body)["query"]["data"]
        except (ValueError, KeyError, TypeError):
            rows = None
        if isinstance(rows, list) and len(rows) >= 1000:
            self.account(api_key)
            return refused(TOO_MANY_ROWS, len(rows))
        return super().make(api_key, body, entry)


class LostInheritance(Backend):
    """Gives every row without times the defaults instead of the previous row's window."""

    def _make_job(self, account: Any, data: list[Any], entry: Entry) -> MakeReport:
        filled = [
            {"statdialertime": "10:00:00", "stopdialertime": "19:00:00", **row}
            if isinstance(row, dict)
            else row
            for row in data
        ]
        return super()._make_job(account, filled, entry)


class CdrDropsTheLastDay(Backend):
    """Treats date_to as exclusive: the last day's calls are missing."""

    def cdr(self, api_key: str, fields: dict[str, Any], entry: Entry) -> list[dict[str, Any]]:
        rows = super().cdr(api_key, fields, entry)
        last = fields.get("date_to") or self.now_iso()[:10]
        return [r for r in rows if r["TIME"][:10] != last]


class CdrLeaksAccounts(Backend):
    """Answers cdr with the rows of every account."""

    def cdr(self, api_key: str, fields: dict[str, Any], entry: Entry) -> list[dict[str, Any]]:
        super().cdr(api_key, fields, entry)  # the same refusals
        rows = [r for key in self.accounts for r in Backend.cdr(self, key, fields, entry)]
        return sorted(rows, key=lambda r: (r["TIME"], r["QUERY_ID"]))


@web.middleware
async def integer_report(request: web.Request, handler: Any) -> web.StreamResponse:
    """Sends make's report values as JSON numbers where they look like numbers."""
    response = await handler(request)
    if request.path.rstrip("/").endswith("/make") and isinstance(response, web.Response):
        body = json.loads(response.text or "null")
        if isinstance(body, dict) and isinstance(body.get("report"), dict):
            body["report"] = {k: int(v) for k, v in body["report"].items()}
            return web.json_response(body, status=response.status)
    return response


def with_backend(cls: type[Backend]) -> Callable[[Config], web.Application]:
    def factory(config: Config) -> web.Application:
        app = create_app(config)
        backend = cls(config, app[BACKEND].clock)
        app[BACKEND] = backend
        app[DRIVER] = ClockDriver(backend)
        return app

    return factory


def with_middleware(middleware: Any) -> Callable[[Config], web.Application]:
    def factory(config: Config) -> web.Application:
        app = create_app(config)
        app.middlewares.append(middleware)
        return app

    return factory


def sloppy_server(config: Config) -> web.Application:
    """A few dozen lines from the vendor's page, as a hurried integrator writes them: no inheritance
    (a row without times gets 10:00-19:00), integer report values, no row limit, only the
    batch's own duplicates (a pending call's is taken as new), cdr dates never checked."""
    times = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")
    jobs = itertools.count(1)

    def report(status: int, **values: int) -> web.Response:
        body = {"lines": 0, "ok": 0, "inserted": 0, "errorcode": 0, "id": 0, **values}
        return web.json_response({"report": body}, status=status)

    async def make(request: web.Request) -> web.Response:
        try:
            query = json.loads(await request.read())["query"]
            rows = list(query["data"])
        except (ValueError, KeyError, TypeError):
            return report(400, errorcode=5)
        if query.get("access_token") != "client-key" or request.match_info["key"] != "apikey":
            return report(401, lines=len(rows), errorcode=1)
        ok, seen = 0, set()
        for row in filter(lambda row: isinstance(row, dict), rows):
            start = (str(row.get("statdialertime") or "10:00") + ":00")[:8]
            stop = (str(row.get("stopdialertime") or "19:00") + ":00")[:8]
            phone = re.sub(r"[^0-9]", "", str(row.get("phone")))[-10:]
            if "id" in row and len(phone) == 10 and times.match(start) and times.match(stop):
                ok += start < stop
                seen.add(phone) if start < stop else None
        code = 3 if ok < len(rows) else 2 if len(seen) < ok else 0
        return report(
            200, lines=len(rows), ok=ok, inserted=len(seen), errorcode=code, id=next(jobs)
        )

    async def newcall(request: web.Request) -> web.Response:
        form = await request.post()
        if request.match_info["key"] != "apikey":
            return web.json_response(
                {"error": {"code": "unknown_key", "message": "key"}}, status=401
            )
        for name in ("name", "phone", "UUID"):
            if not form.get(name):
                return web.json_response(
                    {"error": {"code": "missing", "message": name}}, status=400
                )
        return web.json_response({"QUERY_ID": next(jobs), "QUERY_COUNT": 1})

    async def cdr(request: web.Request) -> web.Response:
        if request.match_info["key"] != "apikey":
            return web.json_response(
                {"error": {"code": "unknown_key", "message": "key"}}, status=401
            )
        return web.json_response([])

    app = web.Application()
    app.router.add_post("/{key}/make", make)
    app.router.add_route("*", "/{key}/newcall", newcall)
    app.router.add_route("*", "/{key}/cdr", cdr)
    return app
