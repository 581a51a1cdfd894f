"""make over HTTP: the vendor's example, the report, the whole-batch refusals."""

from __future__ import annotations

import json

import pytest

from .support import Emulator, vendor_example


def row(i: int, phone: str | None = None, **extra: str) -> dict[str, str]:
    return {"id": str(i), "phone": phone or f"8900{i:07d}", **extra}


async def test_vendor_example_verbatim_gives_the_documented_report(client) -> None:
    response = await client.post("/apikey/make", json=vendor_example())
    assert response.status == 200
    report = (await response.json())["report"]
    assert {k: report[k] for k in ("lines", "ok", "inserted", "errorcode")} == {
        "lines": "3",
        "ok": "3",
        "inserted": "2",
        "errorcode": "2",
    }
    assert len(report["id"]) == 17 and report["id"].isdigit()


async def test_every_report_value_is_a_string(emulator: Emulator) -> None:
    _, report = await emulator.make([row(1)])
    assert all(isinstance(v, str) for v in report.values())


async def test_a_thousand_rows_are_accepted(emulator: Emulator) -> None:
    status, report = await emulator.make([row(i) for i in range(1000)])
    assert (status, report["lines"], report["inserted"], report["errorcode"]) == (
        200,
        "1000",
        "1000",
        "0",
    )


async def test_a_thousand_and_one_rows_are_refused_whole(emulator: Emulator) -> None:
    status, report = await emulator.make([row(i) for i in range(1001)])
    assert status == 413
    assert report == {"lines": "1001", "ok": "0", "inserted": "0", "errorcode": "4", "id": "0"}
    assert await emulator.calls() == []


async def test_bad_access_token_is_refused_with_errorcode_1(emulator: Emulator) -> None:
    status, report = await emulator.make([row(1)], token="wrong")
    assert (status, report["errorcode"], report["inserted"]) == (401, "1", "0")


async def test_missing_access_token_is_refused_with_errorcode_1(client) -> None:
    response = await client.post("/apikey/make", json={"query": {"data": [row(1)]}})
    assert response.status == 401
    assert (await response.json())["report"]["errorcode"] == "1"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"query": {"access_token": "client-key"}}',
        b"[]",
        b'{"query": {"access_token": "client-key", "data": {"id": "1"}}}',
        b"\xff\xfe",
    ],
)
async def test_body_without_a_data_array_is_refused_with_errorcode_5(client, body: bytes) -> None:
    response = await client.post(
        "/apikey/make", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert (await response.json())["report"]["errorcode"] == "5"


async def test_unknown_api_key_answers_401_error_body(emulator: Emulator) -> None:
    response = await emulator.client.post("/nobody/make", json=vendor_example())
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "unknown_api_key"


async def test_invalid_rows_are_skipped_and_errorcode_3_wins_over_2(emulator: Emulator) -> None:
    rows = [row(1, "89001112233"), row(2, "89001112233"), row(3, "12345")]
    status, report = await emulator.make(rows)
    assert (status, report["lines"], report["ok"], report["inserted"], report["errorcode"]) == (
        200,
        "3",
        "2",
        "1",
        "3",
    )


async def test_rejected_row_is_journalled_naming_field_and_rule(emulator: Emulator) -> None:
    await emulator.make([row(1, "12345")])
    warnings = (await emulator.journal())[-1]["warnings"]
    assert any(
        w["field"] == "query.data[0].phone" and "10-15 digits" in w["message"] for w in warnings
    )


async def test_trailing_slash_is_accepted(client) -> None:
    response = await client.post("/apikey/make/", json=vendor_example())
    assert response.status == 200


async def test_get_on_make_answers_405(client) -> None:
    response = await client.get("/apikey/make")
    assert response.status == 405
    assert (await response.json())["error"]["code"] == "method_not_allowed"


async def test_make_without_json_content_type_is_accepted_and_journalled(
    emulator: Emulator,
) -> None:
    body = json.dumps(vendor_example())
    response = await emulator.client.post(
        "/apikey/make", data=body, headers={"Content-Type": "text/plain"}
    )
    warnings = (await emulator.journal())[-1]["warnings"]
    assert response.status == 200
    assert [w["field"] for w in warnings if w["code"] == "content_type"] == ["Content-Type"]
