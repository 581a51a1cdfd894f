"""Hypothesis over raw bytes on a real socket: multipart bodies whose names, filenames,
types and values are arbitrary bytes, and request heads whose header names and values are
arbitrary bytes. Whatever comes, the answer is never a 5xx, a refusal is the JSON error
body, and nothing stored breaks a later answer: the call list and the journal still read.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .live import LiveEmulator
from .support import manual_config

shared = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
ROUTES = [b"/apikey/newcall", b"/apikey/cdr", b"/apikey/make", b"/_mock/seed"]


@pytest.fixture(scope="module")
def live() -> Iterator[LiveEmulator]:
    server = LiveEmulator(manual_config()).start()
    yield server
    server.stop()


def exchange(live: LiveEmulator, request: bytes) -> tuple[int, bytes, bytes]:
    """One request on its own connection (Connection: close); the status, head and body."""
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


def check(live: LiveEmulator, request: bytes) -> None:
    status, head, body = exchange(live, request)
    assert status < 500, (request[:300], head, body[:300])
    if status >= 400:  # the error body, or make's report with its errorcode
        answer = json.loads(body)
        if "report" in answer:
            assert answer["report"]["errorcode"] in ("1", "3", "4", "5"), body
        else:
            assert answer["error"]["code"] and answer["error"]["message"], body
    for path in ("/_mock/calls", "/_mock/journal"):  # nothing stored breaks an answer
        assert live.request("GET", path)[0] == 200, (request[:300], path)


texts = st.binary(max_size=24) | st.text(max_size=12).map(lambda t: t.encode("utf-8"))
header_safe = texts.map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"").replace(b'"', b""))
part = st.fixed_dictionaries(
    {
        "name": header_safe,
        "filename": st.none() | header_safe,
        "type": st.none() | st.sampled_from([b"text/plain", b"application/octet-stream"]),
        "charset": st.none() | st.sampled_from([b"utf-8", b"latin-1", b"x-nope", b"utf-16"]),
        "value": texts,
    }
)


def multipart_body(parts: list[dict[str, bytes | None]]) -> bytes:
    body = b""
    for p in parts:
        disposition = b'Content-Disposition: form-data; name="%s"' % p["name"]
        if p["filename"] is not None:
            disposition += b'; filename="%s"' % p["filename"]
        body += b"--xx\r\n" + disposition + b"\r\n"
        if p["type"] is not None:
            charset = b"; charset=%s" % p["charset"] if p["charset"] else b""
            body += b"Content-Type: " + p["type"] + charset + b"\r\n"
        body += b"\r\n" + (p["value"] or b"") + b"\r\n"
    return body + b"--xx--\r\n"


@shared
@given(parts=st.lists(part, min_size=1, max_size=5), route=st.sampled_from(ROUTES[:3]))
def test_raw_multipart_bodies_never_get_a_5xx_or_poison_an_answer(
    live: LiveEmulator, parts: list[dict[str, bytes | None]], route: bytes
) -> None:
    body = multipart_body(parts)
    request = (
        b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: multipart/form-data; boundary=xx\r\nContent-Length: %d\r\n\r\n%s"
        % (route, len(body), body)
    )
    check(live, request)


header_name = st.binary(min_size=1, max_size=12)
header_value = st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


@shared
@given(
    headers=st.lists(st.tuples(header_name, header_value), max_size=4),
    host=st.none() | header_value,
    route=st.sampled_from(ROUTES),
)
def test_raw_header_bytes_never_get_a_5xx_or_poison_an_answer(
    live: LiveEmulator, headers: list[tuple[bytes, bytes]], host: bytes | None, route: bytes
) -> None:
    lines = [b"POST %s HTTP/1.1" % route, b"Connection: close", b"Content-Length: 0"]
    lines.append(b"Host: " + (host if host is not None else b"127.0.0.1"))
    lines += [
        name.replace(b"\r", b"").replace(b"\n", b"") + b": " + value for name, value in headers
    ]
    check(live, b"\r\n".join(lines) + b"\r\n\r\n")
