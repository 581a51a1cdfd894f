"""The connection layer: requests aiohttp refuses before any route runs get the documented
error body, a request head that never ends is cut off, and the log keeps no request bytes."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.server import protocol
from mockserver.server.app import create_app
from mockserver.server.loglimit import RateLimitedLog

from .support import manual_config

TOKEN = "t0ken-for-the-control-api"


async def exchange(client: TestClient, data: bytes, wait: float = 5) -> bytes:
    """Sends raw bytes and reads until the server closes or ``wait`` seconds pass."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(data)
    await writer.drain()
    answer = b""
    try:
        while chunk := await asyncio.wait_for(reader.read(65536), wait):
            answer += chunk
    except (asyncio.TimeoutError, ConnectionError):
        pass
    writer.close()
    return answer


def error_of(answer: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"application/json" in head.lower(), head
    return status, json.loads(body)["error"]


#: Requests aiohttp's parser refuses, each answered 4xx with the error body.
UNPARSABLE = {
    "bad_header_line": b"GET /apikey/cdr HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n",
    "header_over_the_limit": b"GET /apikey/cdr HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
    + b"a" * (17 * 1024)
    + b"\r\n\r\n",
    "too_many_headers": b"GET /apikey/cdr HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    + b"".join(b"X-H%d: 1\r\n" % i for i in range(200))
    + b"\r\n",
    "unsupported_transfer_encoding": b"POST /apikey/newcall HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Transfer-Encoding: zstd-nope\r\n\r\nabc",
    "raw_byte_in_the_path": b"GET /apikey/cd\xffr HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "raw_byte_in_the_query": b"GET /apikey/cdr?to=\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "control_byte_in_the_method": b"GE\x01T / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "not_http_at_all": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
}


@pytest.mark.parametrize("case", sorted(UNPARSABLE))
async def test_requests_aiohttp_refuses_get_the_json_error_body(
    client: TestClient, case: str
) -> None:
    status, error = error_of(await exchange(client, UNPARSABLE[case]))
    assert 400 <= status < 500 or status == 501
    assert error["code"] and error["message"].startswith("request: ")
    assert (await client.get("/_mock/clock")).status == 200


async def test_a_refusal_names_the_reason_without_the_bytes(client: TestClient) -> None:
    answer = await exchange(client, UNPARSABLE["bad_header_line"])
    _, error = error_of(answer)
    assert error["message"] == "request: Invalid header token"
    assert b"Bad Header" not in answer


async def test_the_control_token_never_reaches_the_log_from_a_broken_request_line(
    aiohttp_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = await aiohttp_client(create_app(manual_config(control_token=TOKEN)))
    caplog.set_level(logging.DEBUG)
    head = f"GET /_mock/\x01config HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"
    status, _ = error_of(await exchange(client, head.encode()))
    assert status == 400
    assert caplog.records  # the refusal is logged, in one line
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
    assert all(record.exc_info is None for record in caplog.records)


async def test_a_request_head_that_never_ends_is_cut_off(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(protocol, "HEAD_TIMEOUT", 0.2)
    caplog.set_level(logging.INFO)
    loop = asyncio.get_running_loop()
    started = loop.time()
    answer = await exchange(client, b"GET /apikey/cdr HTTP/1.1\r\nHost: 127.0.0.1\r\nX-", wait=5)
    assert answer == b""  # closed, not answered
    assert loop.time() - started < 3
    assert "sent no whole request head" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_a_request_sent_whole_is_not_cut_off_by_the_head_deadline(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(protocol, "HEAD_TIMEOUT", 0.2)
    for _ in range(3):  # one kept-alive connection, three requests
        response = await client.get("/_mock/clock")
        assert response.status == 200


async def test_every_runner_of_the_app_gets_the_emulators_connection_handler(
    client: TestClient,
) -> None:
    """aiohttp's test server builds its handler through Application._make_handler, as
    run_app and AppRunner do: if a release stops calling it, this fails."""
    server = client.server.runner.server
    assert isinstance(server, protocol.EmulatorServer)
    assert isinstance(server(), protocol.EmulatorConnection)


def test_the_loops_error_log_says_one_message_once_per_interval() -> None:
    logged: list[str] = []
    loop = asyncio.new_event_loop()
    try:
        limited = RateLimitedLog(lambda _loop, context: logged.append(context["message"]))
        for _ in range(7000):
            limited(loop, {"message": "socket.accept() out of system resource"})
        assert logged == ["socket.accept() out of system resource"]
        limited.seen["socket.accept() out of system resource"] = (-100.0, 6999)
        limited(loop, {"message": "socket.accept() out of system resource"})
        assert logged[-1].endswith("(6999 more in the last 10 s not logged)")
    finally:
        loop.close()
