"""Test support: an in-process emulator on a manual clock whose every answer is checked
against ``schemas/``, and a small handle on its methods."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.config import ClockConfig, Config
from mockserver.server.app import create_app
from mockserver.validation import validator

ROOT = Path(__file__).resolve().parent.parent
START = "2026-11-27T09:00:00+03:00"  # a Friday morning in Moscow, before the default window


def vendor_example() -> dict[str, Any]:
    """The vendor page's make body, verbatim."""
    return json.loads((ROOT / "examples" / "vendor-make.json").read_text("utf-8"))


def manual_config(**overrides: Any) -> Config:
    config = Config(seed=7, clock=ClockConfig(mode="manual", start=START))
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def response_schema(path: str, body: Any) -> str | None:
    """Which schema of ``schemas/`` an answer at ``path`` must satisfy."""
    if isinstance(body, dict) and "error" in body:
        return "error"
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["_mock"]:
        return "control.clock" if parts[1:2] == ["clock"] else None
    if len(parts) == 2 and parts[1] in ("make", "newcall", "cdr"):
        return f"{parts[1]}.response"
    return None


@web.middleware
async def check_answers(request: web.Request, handler: Any) -> web.StreamResponse:
    response = await handler(request)
    if (
        isinstance(response, web.Response)
        and response.body is not None
        and response.content_type == "application/json"  # not a recording's WAV
    ):
        body = json.loads(response.text or "null")
        name = response_schema(request.path, body)
        if name is not None:
            errors = validator(name).errors(body)
            if errors:
                request.app[MISMATCHES].append(f"{request.method} {request.path}: {errors}")
    return response


MISMATCHES = web.AppKey("mismatches", list)


def checked_app(config: Config) -> web.Application:
    app = create_app(config)
    app[MISMATCHES] = []
    app.middlewares.insert(0, check_answers)
    return app


class Emulator:
    """A test's handle on the in-process emulator: the vendor's methods and the control API."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    async def make(
        self, rows: list[Any], token: str = "client-key", api_key: str = "apikey"
    ) -> Any:
        response = await self.client.post(
            f"/{api_key}/make", json={"query": {"access_token": token, "data": rows}}
        )
        return response.status, (await response.json())["report"]

    async def newcall(self, api_key: str = "apikey", **fields: Any) -> tuple[int, Any]:
        response = await self.client.post(f"/{api_key}/newcall", data=fields)
        return response.status, await response.json()

    async def cdr(self, api_key: str = "apikey", **fields: Any) -> tuple[int, Any]:
        response = await self.client.get(f"/{api_key}/cdr", params=fields)
        return response.status, await response.json()

    async def advance(self, seconds: float) -> dict[str, Any]:
        response = await self.client.post("/_mock/clock/advance", json={"seconds": seconds})
        assert response.status == 200, await response.text()
        return await response.json()

    async def calls(self, **filters: Any) -> list[dict[str, Any]]:
        response = await self.client.get("/_mock/calls", params={"limit": 10000, **filters})
        assert response.status == 200, await response.text()
        return (await response.json())["items"]

    async def journal(self, **filters: Any) -> list[dict[str, Any]]:
        response = await self.client.get("/_mock/journal", params={"limit": 10000, **filters})
        assert response.status == 200, await response.text()
        return (await response.json())["items"]

    async def configure(self, **changes: Any) -> dict[str, Any]:
        """PUT /_mock/config: the current configuration with ``changes`` on top."""
        current = await (await self.client.get("/_mock/config")).json()
        response = await self.client.put("/_mock/config", json={**current, **changes})
        assert response.status == 200, await response.text()
        return await response.json()

    async def subscribe(self, url: str, api_key: str = "apikey", **subscription: Any) -> None:
        """Gives the account one webhook subscription (replacing any it had)."""
        current = await (await self.client.get("/_mock/config")).json()
        for account in current["accounts"]:
            if account["api_key"] == api_key:
                account["webhooks"] = [{"url": url, **subscription}]
        response = await self.client.put("/_mock/config", json=current)
        assert response.status == 200, await response.text()

    async def deliveries(self, **filters: Any) -> list[dict[str, Any]]:
        response = await self.client.get("/_mock/deliveries", params={"limit": 10000, **filters})
        assert response.status == 200, await response.text()
        return (await response.json())["items"]


# -- domain-level helpers (no HTTP) ------------------------------------------------------------


def new_backend(config: Config | None = None) -> Any:
    """A Backend on a manual clock at START, as the server would build it."""
    from mockserver.backend import Backend
    from mockserver.server.app import clock_for

    config = config or manual_config()
    return Backend(config, clock_for(config))


def entry(backend: Any, operation: str = "test") -> Any:
    """A journal entry to collect a call's contract warnings."""
    return backend.journal.start(
        at=backend.clock.now(),
        method="POST",
        path=f"/apikey/{operation}",
        api_key="apikey",
        operation=operation,
        query={},
        body=b"",
    )


def make_body(rows: list[Any], token: str = "client-key") -> bytes:
    return json.dumps({"query": {"access_token": token, "data": rows}}).encode()
