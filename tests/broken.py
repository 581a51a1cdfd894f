"""Deliberately broken emulators, built here (never in mockserver/), that the kit must catch."""

from __future__ import annotations

import json
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
