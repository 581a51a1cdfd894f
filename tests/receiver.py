"""A real webhook receiver on 127.0.0.1 (port 0), scripted answer by answer, for end-to-end tests.

Like pytest-httpserver: it knows nothing of pytest; it logs every request it
got, so a test can assert on them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

HANG = "hang"  # an answer that never comes (until the receiver stops)
SLOW = "slow"  # 200 after 0.1 s: a slow receiver that does answer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    content_type: str

    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers with ``script`` in order (a status, ``(status, headers)`` or HANG), then 200."""

    script: list[Any] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    url: str = ""
    port: int = 0  # 0: any free port; a fixed one brings a receiver up where one was down
    in_flight: int = 0
    max_in_flight: int = 0

    def __post_init__(self) -> None:
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def start(self) -> Receiver:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    async def stop(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            Received(
                request.path, dict(request.headers), await request.read(), request.content_type
            )
        )
        answer = self.script.pop(0) if self.script else 200
        if answer in (HANG, SLOW):
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                if answer == HANG:
                    await self._release.wait()
                else:
                    await asyncio.sleep(0.1)  # the receiver being slow, not a test waiting
            finally:
                self.in_flight -= 1
            return web.Response(status=200)
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        return web.Response(status=status, headers=headers, text="ok")
