"""The shadow: an in-process emulator that gets the same requests as the upstream.

Its own state and a real clock; it never sends anything anywhere (its accounts have
no webhook subscriptions). It does not know the real accounts, so a request is sent
to it under an account of its own configuration: the same api key when it has one,
else its first account's, with that account's access token in a make body.
"""

from __future__ import annotations

import copy
import json
import time

import aiohttp
from aiohttp import web

from ..cassette import Exchange
from ..config import ClockConfig, Config
from ..server.app import PARSER_LIMITS, create_app


def shadow_config(config: Config | None) -> Config:
    """``config`` (the demo account without one) on a real clock, with no subscriptions."""
    config = copy.deepcopy(config) if config is not None else Config()
    config.clock = ClockConfig(mode="real", speed=1.0, start=None)
    for account in config.accounts:
        account.webhooks = []
    return config


class Shadow:
    def __init__(self, config: Config | None = None) -> None:
        self.config = shadow_config(config)
        self.app = create_app(self.config)
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        limits = PARSER_LIMITS
        self._runner = web.AppRunner(
            self.app,
            access_log=None,
            max_line_size=limits["max_line_size"],
            max_field_size=limits["max_field_size"],
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def translate(self, exchange: Exchange) -> tuple[str, bytes]:
        """The path and body the shadow gets for the upstream's request."""
        keys = {a.api_key: a for a in self.config.accounts}
        parts = exchange.path.split("/")
        if len(parts) < 3 or parts[1] in keys:
            return exchange.path, exchange.request_body
        account = self.config.accounts[0]
        parts[1] = account.api_key
        body = exchange.request_body
        if exchange.operation == "make":
            try:
                data = json.loads(body)
                data["query"]["access_token"] = account.access_token
                body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            except (ValueError, TypeError, KeyError):
                pass  # what the shadow cannot read, it refuses as the upstream should
        return "/".join(parts), body

    async def answer(
        self, session: aiohttp.ClientSession, exchange: Exchange, headers: dict[str, str]
    ) -> Exchange:
        path, body = self.translate(exchange)
        url = self.url + path + (f"?{exchange.query}" if exchange.query else "")
        started = time.perf_counter()
        async with session.request(
            exchange.method, url, data=body or None, headers=headers, allow_redirects=False
        ) as answer:
            payload = await answer.read()
            return Exchange(
                method=exchange.method,
                path=path,
                query=exchange.query,
                request_type=exchange.request_type,
                request_body=body,
                status=answer.status,
                headers={"Content-Type": answer.headers.get("Content-Type", "")},
                body=payload,
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )
