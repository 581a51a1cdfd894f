"""The connection layer under the routes: what aiohttp answers itself, and how long it waits.

aiohttp answers a request it cannot parse (a bad header line, a header over the limit,
too many headers, a byte that does not belong in the request line, a transfer encoding
it does not know) before any route runs, in plain text, and logs the bytes it choked on
(an ``Authorization`` header among them). It also waits for ever for a request head that
never ends, so a few hundred half-sent requests hold every file descriptor.

:class:`EmulatorApp` hands every runner of the app (``run_app``, ``AppRunner``, the test
client's server) the connection handler below, through the one hook all of them call,
``Application._make_handler`` (aiohttp 3.9 to 3.14; tests/test_protocol.py fails if a
release stops calling it). The handler answers those refusals with the documented error
body, logs one line without the request's bytes, and closes a connection whose request
head has not arrived whole within :data:`HEAD_TIMEOUT` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler, RequestPayloadError
from aiohttp.web_request import BaseRequest
from aiohttp.web_server import Server

from .. import jsonio

log = logging.getLogger(__name__)

#: Seconds a connection may take to send a request head, from its first byte (or from
#: the connection, for the first request).
HEAD_TIMEOUT = 10.0
#: aiohttp's own limits, for every runner of the app. A newcall may come as a GET with
#: every field in its query string: ten texts of up to 1000 characters, at up to 12 bytes
#: a character once percent-encoded, overrun aiohttp's default 8190-byte request line.
#: An idle kept-alive connection is closed after 75 s (aiohttp's default: an hour).
LIMITS: dict[str, Any] = {
    "max_line_size": 128 * 1024,
    "max_field_size": 16 * 1024,
    "max_headers": 128,
    "keepalive_timeout": 75.0,
}


def error_response(status: int, exc: BaseException | None, message: str | None) -> web.Response:
    """aiohttp's refusal as the error body: the reason's first line, never the bytes it
    quotes after it (a header line, which may hold a token)."""
    reason = exc.message if isinstance(exc, HttpProcessingError) else message
    first = str(reason or "").split("\n", 1)[0].strip().rstrip(":")
    text = "".join(c if c.isprintable() else "?" for c in first[:200])
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    code = "malformed_request" if status == 400 else phrase.lower().replace(" ", "_")
    body = {"error": {"code": code, "message": f"request: {text or phrase}"}}
    return web.Response(body=jsonio.dumps(body), status=status, content_type="application/json")


class EmulatorConnection(RequestHandler):
    """aiohttp's connection handler with JSON refusals and a deadline for request heads."""

    __slots__ = ("_head_timer",)

    def __init__(self, manager: Server, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        requests = self._request_count
        super().data_received(data)
        if self._request_count != requests:  # a whole head arrived
            self._disarm()
        elif self._head_timer is None and self._current_request is None:
            self._arm()  # the first bytes of the next head

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._head_timer = self._loop.call_later(HEAD_TIMEOUT, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._current_request is not None or self._messages or self.transport is None:
            return  # a request is being served: its body has no head deadline
        log.info("closed a connection that sent no whole request head in %.0f s", HEAD_TIMEOUT)
        self.force_close()  # closes the transport

    def log_exception(self, *args: Any, **kw: Any) -> None:
        """aiohttp's error log, but a body it could not read or a client that left is one
        line: aiohttp meets them again when it drains the body after the answer."""
        exc = kw.get("exc_info")
        if isinstance(exc, RequestPayloadError | HttpProcessingError | ConnectionError):
            log.debug("a request's body could not be read: %s", type(exc).__name__)
            return
        super().log_exception(*args, **kw)

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status >= 500 and not isinstance(exc, HttpProcessingError):
            self.log_exception("error handling a request", exc_info=exc)
        else:  # one line, without the bytes: they may carry the control token
            reason = error_response(status, exc, message).text
            log.info("refused a request from %s: %s", request.remote, reason)
        if request.writer.output_size > 0:
            raise ConnectionError("the answer has begun: no error body can follow it")
        response = error_response(status, exc, message)
        response.force_close()
        return response


class EmulatorServer(Server):
    def __call__(self) -> RequestHandler:
        return EmulatorConnection(self, loop=self._loop, **self._kwargs)


with warnings.catch_warnings():
    # aiohttp discourages subclassing Application to keep state in it; this subclass keeps
    # none, it only chooses the connection handler, for every runner of the app.
    warnings.simplefilter("ignore", DeprecationWarning)

    class EmulatorApp(web.Application):
        def _make_handler(self, *, loop: Any = None, **kwargs: Any) -> Server:
            server = super()._make_handler(loop=loop, **{**LIMITS, **kwargs})
            return EmulatorServer(
                server.request_handler,
                request_factory=server.request_factory,
                handler_cancellation=server.handler_cancellation,
                loop=server._loop,
                **server._kwargs,
            )
