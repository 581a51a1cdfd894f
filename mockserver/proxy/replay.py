"""Replay: a cassette's answers served to the requests that match them, for offline tests.

A request matches a recorded one with the same method, path without the api key, and
normalised query and body (:func:`mockserver.cassette.match_key`). A request recorded
more than once gets its answers in the recorded order, then the last one again. An
unmatched request gets 404 naming the closest recorded request. ``POST /_mock/reset``
rewinds every request to its first answer.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from aiohttp import web

from ..cassette import Exchange, match_key, read
from ..server import render
from ..server.keys import FAILURES

#: Characters of a request shown in a 404's message.
SHOWN = 300


class Tape:
    """The recorded answers by request, each request's next answer, and the closest match."""

    def __init__(self, exchanges: list[Exchange]) -> None:
        self.redacted = any(e.redacted for e in exchanges)
        self._answers: dict[str, list[Exchange]] = {}
        for exchange in exchanges:
            self._answers.setdefault(match_key(exchange, self.redacted), []).append(exchange)
        self._played: dict[str, int] = {}

    @classmethod
    def load(cls, path: str | Path) -> Tape:
        return cls(list(read(path)))

    def __len__(self) -> int:
        return sum(len(answers) for answers in self._answers.values())

    def rewind(self) -> None:
        self._played.clear()

    def answer(self, request: Exchange) -> Exchange | None:
        key = match_key(request, self.redacted)
        answers = self._answers.get(key)
        if not answers:
            return None
        played = self._played.get(key, 0)
        self._played[key] = played + 1
        return answers[min(played, len(answers) - 1)]

    def closest(self, request: Exchange) -> str:
        """The recorded request most like ``request``, shown as method, path and data."""
        key = match_key(request, self.redacted)
        found = difflib.get_close_matches(key, list(self._answers), n=1, cutoff=0)
        return _shown(found[0]) if found else "none (the cassette is empty)"


def _shown(key: str) -> str:
    method, path, data = json.loads(key)
    text = f"{method} {path} {json.dumps(data, ensure_ascii=False, sort_keys=True)}"
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."


TAPE = web.AppKey("tape", Tape)


def create_replay_app(tape: Tape, body_limit: int = 2 * 1024 * 1024) -> web.Application:
    app = web.Application(client_max_size=body_limit)
    app[TAPE] = tape
    app[FAILURES] = []  # what a test harness re-raises: replay has none of its own
    app.router.add_post("/_mock/reset", reset)
    app.router.add_route("*", "/{path:.*}", play)
    return app


async def reset(request: web.Request) -> web.Response:
    request.app[TAPE].rewind()
    return render.ok({"rewound": len(request.app[TAPE])})


async def play(request: web.Request) -> web.Response:
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge as exc:
        return render.http_error(exc, request)
    path, _, query = request.raw_path.partition("?")
    asked = Exchange(
        method=request.method,
        path=path,
        query=query,
        request_type=request.headers.get("Content-Type", ""),
        request_body=body,
    )
    tape = request.app[TAPE]
    recorded = tape.answer(asked)
    if recorded is None:
        message = (
            f"{request.method} {request.path}: no such request in the cassette "
            f"(matched on method, path without the api key, query and body); "
            f"the closest recorded: {tape.closest(asked)}"
        )
        return render.ok(render.error_body("not_recorded", message), 404)
    return web.Response(body=recorded.body, status=recorded.status, headers=recorded.headers)
