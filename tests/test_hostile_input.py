"""Hostile input: every broken body, sent to every method and control route, gets its
documented 4xx with a message naming the problem; no 5xx; nothing accepted before is lost."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.journal import MAX_WARNINGS
from mockserver.server.app import create_app

from .support import Emulator, manual_config

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
ROW = {"id": "1", "phone": "89222220009"}


def multipart(*parts: bytes) -> tuple[bytes, str]:
    """A newcall as multipart/form-data: a valid phone, plus ``parts``."""
    phone = b'Content-Disposition: form-data; name="phone"\r\n\r\n89222220009'
    body = b"".join(b"--xx\r\n" + part + b"\r\n" for part in (phone, *parts))
    return body + b"--xx--\r\n", "multipart/form-data; boundary=xx"


def envelope(data: Any, token: Any = "client-key") -> bytes:
    return json.dumps({"query": {"access_token": token, "data": data}}).encode()


def nested(depth: int) -> bytes:
    return b'{"query":{"access_token":"client-key","data":[{"id":"1","phone":"89222220009","x":' + (
        b"[" * depth + b"]" * depth + b"}]}}"
    )


#: name -> (body, Content-Type or None for none at all)
CORPUS: dict[str, tuple[bytes, str | None]] = {
    "truncated_json": (envelope([ROW])[:-7], JSON),
    "malformed_json": (b'{"query": {access_token: client-key}}', JSON),
    "invalid_utf8": (b'{"query": {"access_token": "\xff\xfe", "data": []}}', JSON),
    "invalid_utf8_form": (b"name=\xff&phone=89222220009&UUID=u", FORM),
    "no_content_type": (envelope([ROW]), None),
    "text_plain": (b"hello", "text/plain"),
    "json_declared_form_sent": (b"name=a&phone=89222220009&UUID=u", JSON),
    "deep_nesting": (nested(100_000), JSON),
    "deep_but_parseable": (nested(900), JSON),
    "duplicate_keys": (b'{"seconds": 1, "seconds": 2, "seed": 1, "seed": 2}', JSON),
    "null_body": (b"null", JSON),
    "array_body": (b"[1, 2, 3]", JSON),
    "scalar_body": (b'"just a string"', JSON),
    "nulls_everywhere": (envelope([{"id": None, "phone": None}], None), JSON),
    "arrays_for_scalars": (b'{"name": ["a"], "phone": [1], "UUID": {}, "seconds": [1]}', JSON),
    "objects_for_scalars": (envelope([{"id": {"a": 1}, "phone": {"b": 2}}], {"t": 1}), JSON),
    "huge_integer": (b'{"seconds": ' + b"9" * 5000 + b', "seed": 1, "phone": 1}', JSON),
    "huge_float": (b'{"seconds": 1e400, "query": {"data": [1e400]}}', JSON),
    "nan": (b'{"seconds": NaN, "query": {"access_token": "client-key", "data": [NaN]}}', JSON),
    "string_of_1mb": (envelope([{**ROW, "name": "я" * 500_000}]), JSON),
    "control_characters": (envelope([{"id": "\x00", "phone": "8922\x072220009\x1b"}]), JSON),
    "lone_surrogate": (b'{"name": "\\ud800", "phone": "89222220009", "UUID": "u"}', JSON),
    "rows_1001": (envelope([ROW] * 1001), JSON),
    "rows_100000": (envelope([{}] * 100_000), JSON),
    "multipart_no_boundary": (b"abc", "multipart/form-data"),
    "multipart_truncated": (
        b'--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\nv',
        "multipart/form-data; boundary=xx",
    ),
    # Texts that are not Unicode, in every place a multipart body carries one.
    "multipart_filename_not_utf8": multipart(
        b'Content-Disposition: form-data; name="UUID"; filename="\xff.txt"\r\n\r\nx'
    ),
    "multipart_name_not_utf8": multipart(b'Content-Disposition: form-data; name="\xfe"\r\n\r\nx'),
    "multipart_value_not_utf8": multipart(
        b'Content-Disposition: form-data; name="name"\r\n\r\n\xc3\x28'
    ),
    "multipart_binary_value_not_utf8": multipart(
        b'Content-Disposition: form-data; name="name"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\xff\xfe"
    ),
    "multipart_empty_filename": multipart(
        b'Content-Disposition: form-data; name="UUID"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\nu-1"
    ),
    "multipart_unknown_charset": multipart(
        b'Content-Disposition: form-data; name="name"\r\n'
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nabc"
    ),
    "form_percent_escape_not_utf8": (b"name=%ff%fe&phone=89222220009&UUID=%ed%a0%80", FORM),
    "json_lone_low_surrogate": (b'{"name": "\\udcff", "phone": "89222220009", "UUID": "u"}', JSON),
}  # fmt: skip

#: (method, path); the control routes that take no body must ignore whatever comes.
ROUTES = [
    ("POST", "/apikey/make"),
    ("POST", "/apikey/newcall"),
    ("POST", "/apikey/cdr"),
    ("POST", "/_mock/clock/advance"),
    ("POST", "/_mock/clock/set"),
    ("POST", "/_mock/seed"),
    ("PUT", "/_mock/config"),
    ("POST", "/_mock/reset"),
    ("POST", "/_mock/deliveries/replay"),
    ("POST", "/_mock/deliveries/1/replay"),
]


async def send(client: TestClient, method: str, path: str, body: bytes, ctype: str | None) -> Any:
    headers = {"Content-Type": ctype} if ctype else {}
    skip = () if ctype else ("Content-Type",)
    response = await client.request(
        method, path, data=body, headers=headers, skip_auto_headers=skip
    )
    return response.status, await response.json()


def named_problem(status: int, body: Any) -> bool:
    """A 4xx whose body says what is wrong: the error body, or make's report."""
    if "report" in body:
        return body["report"]["errorcode"] in ("1", "3", "4", "5")
    return 400 <= status < 500 and bool(body["error"]["message"]) and bool(body["error"]["code"])


@pytest.mark.parametrize("case", sorted(CORPUS))
async def test_hostile_body_never_gets_a_5xx_on_any_route(
    client: TestClient, emulator: Emulator, case: str
) -> None:
    body, ctype = CORPUS[case]
    for method, path in ROUTES:
        status, answer = await send(client, method, path, body, ctype)
        assert status < 500, (case, path, answer)
        if path not in ("/_mock/reset", "/_mock/deliveries/replay", "/apikey/cdr"):
            assert status == 200 or named_problem(status, answer), (case, path, status, answer)
    assert (await client.get("/_mock/clock")).status == 200


async def test_hostile_bodies_lose_nothing_accepted_before(
    client: TestClient, emulator: Emulator
) -> None:
    rows = [{"id": str(i), "phone": f"8900{i:07d}"} for i in range(50)]
    status, report = await emulator.make(rows)
    assert (status, report["inserted"]) == (200, "50")
    before = await emulator.calls()
    for body, ctype in CORPUS.values():
        for method, path in ROUTES:
            if path not in ("/_mock/reset", "/_mock/config", "/_mock/seed"):
                await send(client, method, path, body, ctype)

    def kept(calls: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
        return {(c["record"], c["job"], c["phone"], c["id"]) for c in calls}

    assert kept(before) <= kept(await emulator.calls())


async def test_truncated_json_is_named_in_newcalls_error(client: TestClient) -> None:
    status, body = await send(client, "POST", "/apikey/newcall", b'{"name": "a', JSON)
    assert status == 400
    assert body["error"]["code"] == "malformed_body"
    assert "not valid JSON" in body["error"]["message"]


async def test_make_answers_errorcode_5_and_journals_why_for_a_body_that_is_not_json(
    client: TestClient, emulator: Emulator
) -> None:
    status, body = await send(client, "POST", "/apikey/make", b"{nope", JSON)
    assert (status, body["report"]["errorcode"]) == (400, "5")
    warnings = (await emulator.journal(operation="make"))[-1]["warnings"]
    assert "not valid JSON" in warnings[0]["message"]


async def test_invalid_utf8_is_refused_naming_the_byte_and_offset(client: TestClient) -> None:
    status, body = await send(client, "POST", "/apikey/newcall", b'{"name": "\xff"}', JSON)
    assert status == 400
    assert body["error"]["message"] == "body: not UTF-8 (byte 0xff at offset 10)"


@pytest.mark.parametrize("depth", [40, 900, 100_000])
async def test_deep_nesting_is_a_400_naming_the_depth(client: TestClient, depth: int) -> None:
    deep = b'{"accounts":' + b"[" * depth + b"]" * depth + b"}"
    for method, path in (("POST", "/apikey/newcall"), ("PUT", "/_mock/config")):
        status, body = await send(client, method, path, deep, JSON)
        assert status == 400
        assert body["error"]["message"] == "body: nested deeper than 32 levels"


async def test_duplicate_keys_in_make_keep_the_last_value_with_a_warning(
    client: TestClient, emulator: Emulator
) -> None:
    body = b'{"query": {"access_token": "wrong", "access_token": "client-key", "data": [{"id": "1", "phone": "1", "phone": "89222220009"}]}}'  # noqa: E501
    status, answer = await send(client, "POST", "/apikey/make", body, JSON)
    assert (status, answer["report"]["inserted"]) == (200, "1")
    warnings = (await emulator.journal(operation="make"))[-1]["warnings"]
    keys = {w["field"] for w in warnings if w["code"] == "duplicate_key"}
    assert keys == {"access_token", "phone"}


async def test_duplicate_json_fields_in_newcall_are_journalled_as_repeated(
    client: TestClient, emulator: Emulator
) -> None:
    body = b'{"name": "a", "name": "b", "phone": "89222220009", "UUID": "u"}'
    status, _ = await send(client, "POST", "/apikey/newcall", body, JSON)
    assert status == 200
    assert (await emulator.calls())[0]["name"] == "b"
    warnings = (await emulator.journal(operation="newcall"))[-1]["warnings"]
    assert any(w["code"] == "repeated_field" and w["field"] == "name" for w in warnings)


async def test_duplicate_keys_are_refused_by_the_control_api_naming_the_key(
    client: TestClient,
) -> None:
    body = b'{"seconds": 1, "seconds": 99999}'
    status, answer = await send(client, "POST", "/_mock/clock/advance", body, JSON)
    assert status == 400
    assert answer["error"]["message"] == "body: key 'seconds' appears twice in an object"


@pytest.mark.parametrize(
    ("literal", "named"),
    [(b"NaN", "NaN is not a JSON value"), (b"-Infinity", "-Infinity is not a JSON value"),
     (b"1e400", "1e400 is too large"), (b"9" * 5000, "4300 digits")],
)  # fmt: skip
async def test_numbers_json_cannot_hold_are_refused(
    client: TestClient, literal: bytes, named: str
) -> None:
    body = b'{"seconds": %s}' % literal
    status, answer = await send(client, "POST", "/_mock/clock/advance", body, JSON)
    assert status == 400
    assert named in answer["error"]["message"]


async def test_lone_surrogate_is_refused_and_never_stored(
    client: TestClient, emulator: Emulator
) -> None:
    body = b'{"name": "\\udc00abc", "phone": "89222220009", "UUID": "u"}'
    status, answer = await send(client, "POST", "/apikey/newcall", body, JSON)
    assert status == 400
    assert "unpaired surrogate \\udc00" in answer["error"]["message"]
    assert await emulator.calls() == []
    assert (await client.get("/_mock/journal")).status == 200


async def test_surrogate_pairs_are_characters_and_accepted(
    client: TestClient, emulator: Emulator
) -> None:
    body = b'{"name": "\\ud83d\\ude00", "phone": "89222220009", "UUID": "u"}'
    status, _ = await send(client, "POST", "/apikey/newcall", body, JSON)
    assert status == 200
    assert (await emulator.calls())[0]["name"] == "😀"


async def test_a_1mb_string_is_refused_naming_the_field(client: TestClient) -> None:
    fields = {"name": "x" * 1_000_000, "phone": "89222220009", "UUID": "u"}
    response = await client.post("/apikey/newcall", data=fields)
    answer = await response.json()
    assert response.status == 400
    assert answer["error"]["message"].startswith(
        "name: must be a non-empty string of at most 1000 characters or a number"
    )


async def test_a_1mb_string_in_a_make_row_rejects_that_row_only(emulator: Emulator) -> None:
    rows = [{**ROW, "name": "x" * 1_000_000}, {"id": "2", "phone": "89222220008"}]
    status, report = await emulator.make(rows)
    assert (status, report["ok"], report["inserted"], report["errorcode"]) == (200, "1", "1", "3")


async def test_control_characters_in_a_phone_reject_the_row(emulator: Emulator) -> None:
    status, report = await emulator.make([{"id": "1", "phone": "8922\x002220009"}])
    assert (status, report["ok"], report["errorcode"]) == (200, "0", "3")


async def test_100000_rows_are_refused_whole_with_errorcode_4(client: TestClient) -> None:
    status, body = await send(client, "POST", "/apikey/make", envelope([{}] * 100_000), JSON)
    assert status == 413
    assert body["report"]["lines"] == "100000"
    assert (body["report"]["errorcode"], body["report"]["inserted"]) == ("4", "0")


async def test_multipart_without_boundary_is_a_400(client: TestClient) -> None:
    status, body = await send(client, "POST", "/apikey/newcall", b"abc", "multipart/form-data")
    assert status == 400
    assert body["error"]["message"].startswith("body: not valid multipart/form-data")


async def test_truncated_multipart_is_a_400(client: TestClient) -> None:
    body, ctype = CORPUS["multipart_truncated"]
    status, answer = await send(client, "POST", "/apikey/cdr", body, ctype)
    assert status == 400
    assert answer["error"]["code"] == "malformed_body"


async def raw_exchange(client: TestClient, head: bytes, body: bytes) -> bytes:
    """Sends ``head`` and part of a body, then reads the answer without sending the rest."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(head + body)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(4096), 5)
    writer.close()
    return answer


@pytest.mark.parametrize("path", ["/apikey/make", "/apikey/newcall", "/_mock/config"])
async def test_declared_length_over_the_limit_is_413_before_the_body_is_sent(
    client: TestClient, path: str
) -> None:
    method = b"PUT" if path == "/_mock/config" else b"POST"
    head = (
        b"%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000000000\r\n\r\n" % (method, path.encode())
    )
    answer = await raw_exchange(client, head, b"{")
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"body_too_large" in answer


async def test_chunked_body_over_the_limit_is_413_without_reading_the_rest(
    client: TestClient,
) -> None:
    head = b"POST /apikey/newcall HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"  # noqa: E501
    chunk = b"x" * 65536
    body = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 40  # 2.5 MiB of the endless body
    answer = await raw_exchange(client, head, body)
    assert answer.startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize(
    "path",
    [
        "/apikey/recordings/../../etc/passwd",
        "/apikey/recordings/%2e%2e%2f1-ab.wav",
        "/apikey/recordings/..%2F..%2F1-ab.wav",
        "/apikey/recordings/" + "9" * 5000 + "-ab.wav",
        "/apikey/recordings/1-" + "f" * 64 + ".wav",
        "/apikey/recordings/1-AB.wav",
        "/apikey/recordings/-1-ab.wav",
        "/apikey/recordings/1-ab.wav%00.txt",
    ],
)
async def test_recording_path_tricks_get_a_4xx(client: TestClient, path: str) -> None:
    response = await client.get(path)
    assert 400 <= response.status < 500
    assert (await response.json())["error"]["message"]


async def test_setting_the_clock_past_a_year_ahead_is_refused_and_the_clock_keeps_working(
    client: TestClient,
) -> None:
    response = await client.post("/_mock/clock/set", json={"now": "9999-12-31T23:59:59+00:00"})
    assert response.status == 400
    assert "more than 31622400 seconds (a year)" in (await response.json())["error"]["message"]
    assert (await client.get("/_mock/clock")).status == 200
    assert (await client.get("/apikey/cdr")).status == 200


@pytest.mark.parametrize("raw", ["²", "9" * 5000, "-1", "1e3", "١٢"])
async def test_query_integers_that_are_not_plain_digits_are_a_400(
    client: TestClient, raw: str
) -> None:
    response = await client.get("/_mock/calls", params={"job": raw})
    assert response.status == 400
    assert (await response.json())["error"]["message"].startswith("job: must be an integer")


async def test_a_seed_above_64_bits_is_refused(client: TestClient) -> None:
    response = await client.post("/_mock/seed", json={"seed": 2**63})
    assert response.status == 400
    assert "2^63-1" in (await response.json())["error"]["message"]


async def test_a_journal_entry_keeps_at_most_max_warnings_and_counts_the_rest(
    client: TestClient, emulator: Emulator
) -> None:
    row = {**ROW, **{f"junk{i}": i for i in range(3 * MAX_WARNINGS)}}
    status, _ = await emulator.make([row])
    assert status == 200
    entry = (await emulator.journal(operation="make"))[-1]
    assert len(entry["warnings"]) == MAX_WARNINGS + 1
    assert entry["warnings"][-1]["code"] == "warnings_truncated"
    assert entry["dropped_warnings"] > MAX_WARNINGS


async def test_no_hostile_body_poisons_a_later_answer(
    client: TestClient, emulator: Emulator
) -> None:
    """Whatever a body held, every listing and the clock answer afterwards: nothing stored
    can break a later answer (a non-UTF-8 filename once made /_mock/calls answer 500)."""
    for body, ctype in CORPUS.values():
        for path in ("/apikey/newcall", "/apikey/make", "/apikey/cdr"):
            await send(client, "POST", path, body, ctype)
    await emulator.advance(2 * 86400)
    for path in ("/_mock/calls", "/_mock/journal", "/_mock/jobs", "/_mock/summary", "/apikey/cdr"):
        response = await client.get(path)
        assert response.status == 200, path
        await response.json()


@pytest.mark.parametrize(
    "case", ["multipart_filename_not_utf8", "multipart_name_not_utf8", "multipart_unknown_charset"]
)
async def test_multipart_text_that_is_not_unicode_is_refused_naming_its_place(
    client: TestClient, emulator: Emulator, case: str
) -> None:
    status, answer = await send(client, "POST", "/apikey/newcall", *CORPUS[case])
    assert (status, answer["error"]["code"]) == (400, "malformed_body")
    place = {
        "multipart_filename_not_utf8": "UUID: filename",
        "multipart_name_not_utf8": "multipart field name",
        "multipart_unknown_charset": "unknown charset",
    }[case]
    assert place in answer["error"]["message"]
    assert await emulator.calls() == []


async def test_a_multipart_part_with_an_empty_filename_is_read_as_its_text(
    client: TestClient, emulator: Emulator
) -> None:
    body, ctype = multipart(
        b'Content-Disposition: form-data; name="UUID"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\nu-1",
        b'Content-Disposition: form-data; name="name"\r\n\r\nAnna',
    )
    status, _ = await send(client, "POST", "/apikey/newcall", body, ctype)
    assert status == 200
    assert (await emulator.calls())[0]["UUID"] == "u-1"


#: Raw requests whose head is hostile: (request bytes, what the error message says).
HEADS = {
    "header_not_utf8": (b"GET /apikey/cdr HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: \xff\r\n", "header X-Note: not UTF-8"),  # noqa: E501
    "user_agent_not_utf8": (b"GET /_mock/calls HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: caf\xe9\r\n", "header User-Agent: not UTF-8"),  # noqa: E501
    "host_port_over_65535": (b"GET /apikey/cdr HTTP/1.1\r\nHost: 127.0.0.1:99999\r\n", "Host: port 99999 is over 65535"),  # noqa: E501
    "host_not_utf8": (b"GET /apikey/cdr HTTP/1.1\r\nHost: loc\xffalhost\r\n", "header Host: not UTF-8"),  # noqa: E501
    "host_not_a_host": (b"GET /apikey/cdr HTTP/1.1\r\nHost: a b/c\r\n", "Host: not a host name"),
    "host_empty": (b"GET /apikey/cdr HTTP/1.1\r\nHost: \r\n", "Host: not a host name"),
    "gzip_that_is_not_gzip": (b"POST /apikey/newcall HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello", "body: cannot be read"),  # noqa: E501
    "deflate_that_is_not_deflate": (b"POST /apikey/make HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Encoding: deflate\r\nContent-Length: 5\r\n\r\nhello", "body: cannot be read"),  # noqa: E501
    "gzip_on_a_control_route": (b"POST /_mock/seed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello", "body: cannot be read"),  # noqa: E501
    "gzip_on_put_config": (b"PUT /_mock/config HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello", "body: cannot be read"),  # noqa: E501
}  # fmt: skip


async def raw_answer(client: TestClient, request: bytes) -> tuple[int, dict[str, Any]]:
    if b"\r\n\r\n" not in request:
        request += b"\r\n"
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(request.replace(b"HTTP/1.1\r\n", b"HTTP/1.1\r\nConnection: close\r\n", 1))
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


@pytest.mark.parametrize("case", sorted(HEADS))
async def test_a_hostile_head_gets_a_4xx_naming_its_field_and_poisons_nothing(
    client: TestClient, case: str
) -> None:
    request, named = HEADS[case]
    status, answer = await raw_answer(client, request)
    assert 400 <= status < 500
    assert answer["error"]["message"].startswith(named), answer
    for path in ("/_mock/calls", "/_mock/journal", "/apikey/cdr"):
        assert (await client.get(path)).status == 200


async def test_an_authorization_header_that_is_not_utf8_is_a_400_not_a_crash(
    aiohttp_client: Any,
) -> None:
    client = await aiohttp_client(create_app(manual_config(control_token="t" * 20)))
    request = b"GET /_mock/calls HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \xff\xfe\r\n"
    status, answer = await raw_answer(client, request)
    assert status == 400
    assert answer["error"]["message"].startswith("header Authorization: not UTF-8")


async def test_cdr_to_the_last_date_there_is_answers_every_row_from_date_from(
    client: TestClient, emulator: Emulator
) -> None:
    for query in ("date_to=9999-12-31", "date_from=0001-01-01&date_to=9999-12-31"):
        response = await client.get(f"/apikey/cdr?{query}")
        assert response.status == 200, await response.text()
        assert await response.json() == []


async def test_an_upload_csv_field_over_128_kib_is_a_400_naming_the_line(
    client: TestClient,
) -> None:
    csv = b"id,phone,name\n1,89222220009," + b"x" * (200 * 1024) + b"\n"
    response = await client.post(
        "/_mock/upload?api_key=apikey&format=csv", data=csv, headers={"Content-Type": "text/csv"}
    )
    assert response.status == 400
    entry = (await (await client.get("/_mock/journal")).json())["items"][-1]
    assert (
        "line 2: not readable as CSV (field larger than field limit"
        in entry["warnings"][0]["message"]
    )
