"""The recording proxy: the vendor's routes forwarded to the real service, every exchange
checked for drift, journalled and, with a cassette, recorded.

The client gets the upstream's answer unchanged: status, body bytes, Content-Type and
the other end-to-end headers. The proxy sends upstream only what its client sent
(no cookies of its own, no User-Agent or Accept-Encoding the client did not send) and
originates no request itself; the control API (``/_mock/journal``) stays local.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from .. import drift, drift_shadow
from ..cassette import MAX_LINES, Exchange
from ..config import Config
from ..errors import ApiError
from ..journal import Entry, Journal
from ..redact import Redactor
from ..server import render
from ..server.control import page_of
from ..server.security import refusal
from .shadow import Shadow

log = logging.getLogger(__name__)

#: Headers of one connection, not of the message (RFC 9110 §7.6.1): never forwarded.
HOP_BY_HOP = frozenset(
    h.lower()
    for h in (
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
        "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
        "Content-Length",
    )
)  # fmt: skip
#: Headers aiohttp's client adds by itself unless told not to.
AUTO_HEADERS = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")
#: The answer's headers the rules read (a cassette keeps Content-Type alone).
KEPT = ("Content-Type", "Content-Encoding")
#: An upstream answer larger than this is refused (502): a cdr of 100,000 rows is ~8 MiB.
MAX_ANSWER = 64 * 1024 * 1024


@dataclass
class ProxySettings:
    upstream: str
    record: str | None = None
    shadow: bool = False
    redact: bool = True
    shadow_config: Config | None = None
    timeout: float = 30.0
    journal_size: int = 10_000
    body_limit: int = Config.body_limit
    control_token: str | None = None  # /_mock/journal then needs Authorization: Bearer


class Recorder:
    """A cassette being written: one line per exchange, flushed as it comes."""

    def __init__(self, path: str, redactor: Redactor | None) -> None:
        # "x": a cassette is never overwritten, nor a second run appended with other pseudonyms.
        self._file: IO[str] = open(path, "x", encoding="utf-8")  # noqa: SIM115  # closed in close()
        self.redactor = redactor
        self.lines = 0

    def write(self, exchange: Exchange) -> bool:
        """False once the cassette is full (:data:`~mockserver.cassette.MAX_LINES`)."""
        if self.lines >= MAX_LINES:
            return False
        self._file.write(exchange.to_line())
        self._file.flush()
        self.lines += 1
        return True

    def close(self) -> None:
        self._file.close()


SETTINGS = web.AppKey("proxy_settings", ProxySettings)
SESSION = web.AppKey("proxy_session", aiohttp.ClientSession)
JOURNAL = web.AppKey("proxy_journal", Journal)
REDACTOR = web.AppKey("proxy_redactor", Redactor)
RECORDER = web.AppKey("proxy_recorder", list)  # [Recorder] or []
SHADOW = web.AppKey("proxy_shadow", list)  # [Shadow] or []


async def _session(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    app[SESSION] = aiohttp.ClientSession(
        auto_decompress=False,  # the client gets the body bytes the upstream sent
        cookie_jar=aiohttp.DummyCookieJar(),  # no cookie the client did not send
        timeout=aiohttp.ClientTimeout(total=settings.timeout),
    )
    if app[SHADOW]:
        await app[SHADOW][0].start()
    yield
    if app[SHADOW]:
        await app[SHADOW][0].stop()
    await app[SESSION].close()
    for recorder in app[RECORDER]:
        recorder.close()


def create_proxy_app(settings: ProxySettings) -> web.Application:
    """The proxy; ``settings.record`` must name a file that does not exist yet."""
    app = web.Application(client_max_size=settings.body_limit)
    app[SETTINGS] = settings
    app[JOURNAL] = Journal(settings.journal_size)
    app[REDACTOR] = Redactor()
    redactor = app[REDACTOR] if settings.redact else None
    app[RECORDER] = [Recorder(settings.record, redactor)] if settings.record else []
    app[SHADOW] = [Shadow(settings.shadow_config)] if settings.shadow else []
    app.cleanup_ctx.append(_session)
    key = "/{api_key:[^/_][^/]*}"
    app.router.add_get("/_mock/journal", journal)
    app.router.add_route("*", key + "/{method:make|newcall|cdr}{slash:/?}", forward)
    app.router.add_get(key + "/recordings/{name:[^/]+}", forward)
    app.router.add_route("*", "/{path:.*}", not_forwarded)
    return app


async def forward(request: web.Request) -> web.StreamResponse:
    app = request.app
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge as exc:
        return render.http_error(exc, request)
    path, _, query = request.raw_path.partition("?")
    headers = end_to_end(request.headers)
    exchange = Exchange(
        method=request.method,
        path=path,
        query=query,
        request_type=request.headers.get("Content-Type", ""),
        request_body=body,
        time=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
    )
    started = time.perf_counter()
    try:
        async with app[SESSION].request(
            request.method,
            app[SETTINGS].upstream + request.raw_path,
            data=body or None,
            headers=headers,
            skip_auto_headers=[h for h in AUTO_HEADERS if h not in headers],
            allow_redirects=False,
        ) as answer:
            payload = await _read(answer)
            status, reason = answer.status, answer.reason
            answer_headers = end_to_end(answer.headers)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        why = str(exc) or type(exc).__name__
        message = f"the upstream {app[SETTINGS].upstream} did not answer: {why}"
        answer_body = render.error_body("upstream_unreachable", message)
        _entry(app, exchange).warn("upstream_unreachable", "(upstream)", message)
        return render.ok(answer_body, 502)
    exchange.elapsed_ms = (time.perf_counter() - started) * 1000
    exchange.status, exchange.body = status, payload
    exchange.headers = {k: answer_headers[k] for k in KEPT if k in answer_headers}
    try:
        await _observe(app, exchange, headers)
    except Exception:  # the client gets its answer whatever the checks and the cassette do
        log.exception("proxy: failed to check or record %s %s", request.method, request.path)
    return web.Response(body=payload, status=status, reason=reason, headers=answer_headers)


async def _read(answer: aiohttp.ClientResponse) -> bytes:
    if (answer.content_length or 0) > MAX_ANSWER:
        raise ValueError(f"its answer is over {MAX_ANSWER} bytes")
    chunks, size = [], 0
    async for chunk in answer.content.iter_chunked(65536):
        size += len(chunk)
        if size > MAX_ANSWER:
            raise ValueError(f"its answer is over {MAX_ANSWER} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _observe(app: web.Application, exchange: Exchange, headers: CIMultiDict[str]) -> None:
    """The exchange's drift (and the shadow's) in the journal; its line in the cassette."""
    findings = drift.check(exchange)
    if app[SHADOW] and exchange.operation in drift.STATUSES:  # not a recording
        try:
            shadow = await app[SHADOW][0].answer(app[SESSION], exchange, dict(headers))
            findings += drift_shadow.compare(exchange, shadow)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            findings.append(drift.Finding("shadow_failed", "(shadow)", str(exc)))
    # Kept as the client read it: decoded, with its Content-Type alone.
    plain = replace(
        exchange,
        body=drift.decoded(exchange),
        headers={k: v for k, v in exchange.headers.items() if k == "Content-Type"},
    )
    shown = app[REDACTOR].exchange(plain) if app[SETTINGS].redact else plain
    entry = _entry(app, shown, redacted=True)
    for finding in findings:
        entry.warn(finding.code, finding.field, finding.message)
    for recorder in app[RECORDER]:
        if not recorder.write(shown):
            entry.warn("cassette_full", "(cassette)", f"the cassette holds {MAX_LINES} lines")
    entry.finish(shown.status, shown.body if shown.operation != "recording" else b"(audio)")


def _entry(app: web.Application, exchange: Exchange, redacted: bool = False) -> Entry:
    """A journal entry for the exchange, redacted unless ``--no-redact`` (or already)."""
    if app[SETTINGS].redact and not redacted:
        exchange = app[REDACTOR].exchange(exchange)
    parts = exchange.path.split("/")
    return app[JOURNAL].start(
        at=time.time(),
        method=exchange.method,
        path=exchange.path,
        api_key=parts[1] if len(parts) > 1 else "",
        operation=exchange.operation,
        query=dict(parse_qsl(exchange.query, keep_blank_values=True)),
        body=exchange.request_body,
    )


def end_to_end(headers: Any) -> CIMultiDict[str]:
    """``headers`` less the hop-by-hop ones, those its Connection header names included."""
    named = {h.strip().lower() for h in headers.get("Connection", "").split(",")}
    return CIMultiDict(
        (k, v) for k, v in headers.items() if k.lower() not in HOP_BY_HOP and k.lower() not in named
    )


async def journal(request: web.Request) -> web.Response:
    """Every exchange, newest last, with its drift warnings (``?warnings=1``: those only)."""
    refused = refusal(request, request.app[SETTINGS].control_token)
    if refused is not None:
        return refused
    query = request.query
    entries = request.app[JOURNAL].entries(
        operation=query.get("operation") or None,
        warnings_only=query.get("warnings") in ("1", "true", "yes"),
    )
    try:
        page = page_of(request, entries)
    except ApiError as exc:  # limit or offset out of range
        return render.error(exc)
    page["items"] = [{**e.to_dict(), "at": _iso(e.at)} for e in page["items"]]
    return render.ok(page)


def _iso(at: float) -> str:
    return datetime.datetime.fromtimestamp(at, datetime.timezone.utc).isoformat(
        timespec="milliseconds"
    )


async def not_forwarded(request: web.Request) -> web.Response:
    message = (
        f"{request.path}: the proxy forwards only the vendor's routes "
        "(/<apikey>/make, /newcall, /cdr and recordings); its own is /_mock/journal"
    )
    return render.ok(render.error_body("not_found", message), 404)


def check_record_path(path: str) -> str | None:
    """Why ``path`` cannot take a new cassette, or None."""
    target = Path(path)
    if target.exists():
        return f"{path} exists: a cassette is never overwritten; give a new file"
    if not target.parent.is_dir():
        return f"{target.parent} is not a directory"
    return None
