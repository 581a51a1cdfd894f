"""newcall over every transport PHP clients use, its answers and its refusals."""

from __future__ import annotations

import json

import aiohttp
import pytest

from .support import Emulator

FIELDS = {"id": "0", "name": "User1", "phone": "89222220000", "UUID": "code1", "var1": "data1"}


async def test_form_encoded_newcall_is_accepted(client) -> None:
    response = await client.post("/apikey/newcall", data=FIELDS)
    body = await response.json()
    assert response.status == 200 and body["QUERY_COUNT"] == 1
    assert isinstance(body["QUERY_ID"], int)


async def test_multipart_newcall_is_accepted(client) -> None:
    form = aiohttp.FormData()
    for key, value in FIELDS.items():
        form.add_field(key, value)
    form.add_field("dummy", b"x", filename="x.txt")  # forces multipart/form-data
    response = await client.post("/apikey/newcall", data=form)
    assert response.status == 200 and (await response.json())["QUERY_COUNT"] == 1


async def test_json_newcall_is_accepted(client) -> None:
    response = await client.post("/apikey/newcall", json=FIELDS)
    assert response.status == 200 and (await response.json())["QUERY_COUNT"] == 1


async def test_query_string_newcall_is_accepted(client) -> None:
    response = await client.get("/apikey/newcall", params=FIELDS)
    assert response.status == 200 and (await response.json())["QUERY_COUNT"] == 1


@pytest.mark.parametrize("missing", ["name", "phone", "UUID"])
async def test_missing_required_field_answers_400_naming_it(client, missing: str) -> None:
    fields = {k: v for k, v in FIELDS.items() if k != missing}
    response = await client.post("/apikey/newcall", data=fields)
    body = await response.json()
    assert response.status == 400 and body["error"]["code"] == "invalid_field"
    assert body["error"]["message"].startswith(f"{missing}: required")


async def test_invalid_time_answers_400_naming_the_field(client) -> None:
    response = await client.post("/apikey/newcall", data={**FIELDS, "timestart": "25:00"})
    body = await response.json()
    assert response.status == 400 and body["error"]["message"].startswith("timestart:")


async def test_start_after_stop_answers_400(client) -> None:
    fields = {**FIELDS, "timestart": "20:00", "timestop": "09:00"}
    response = await client.post("/apikey/newcall", data=fields)
    assert response.status == 400
    assert "timestart" in (await response.json())["error"]["message"]


async def test_only_timestart_defaults_timestop_to_19(emulator: Emulator) -> None:
    await emulator.newcall(**FIELDS, timestart="12:00")
    (call,) = await emulator.calls()
    assert call["window"] == {"start": "12:00:00", "stop": "19:00:00"}


async def test_only_timestop_defaults_timestart_to_10(emulator: Emulator) -> None:
    await emulator.newcall(**FIELDS, timestop="15:30")
    (call,) = await emulator.calls()
    assert call["window"] == {"start": "10:00:00", "stop": "15:30:00"}


async def test_without_times_the_call_is_dialled_at_once_even_at_night(emulator: Emulator) -> None:
    await emulator.advance(14 * 3600)  # 23:00 Moscow
    await emulator.newcall(**FIELDS)
    (call,) = await emulator.calls()
    assert call["window"] is None and call["state"] == "dialing"


async def test_duplicate_of_a_pending_call_answers_count_0_and_its_job(emulator: Emulator) -> None:
    _, first = await emulator.newcall(**FIELDS)
    _, second = await emulator.newcall(**{**FIELDS, "phone": "+7 (922) 222-00-00"})
    assert second == {"QUERY_ID": first["QUERY_ID"], "QUERY_COUNT": 0}


async def test_same_number_is_accepted_again_once_completed(emulator: Emulator) -> None:
    await emulator.newcall(**FIELDS)
    await emulator.advance(600)
    _, again = await emulator.newcall(**FIELDS)
    assert again["QUERY_COUNT"] == 1


async def test_id_other_than_zero_is_accepted_with_a_contract_warning(emulator: Emulator) -> None:
    status, _ = await emulator.newcall(**{**FIELDS, "id": "5"})
    warnings = (await emulator.journal())[-1]["warnings"]
    assert status == 200 and any(w["code"] == "id_not_zero" for w in warnings)


async def test_repeated_field_keeps_the_last_value_as_php_does(client) -> None:
    body = "name=User1&phone=89222220000&UUID=code1&var2=first&var2=second"
    response = await client.post(
        "/apikey/newcall", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 200
    calls = await (await client.get("/_mock/calls")).json()
    assert calls["items"][0]["var2"] == "second"


async def test_unknown_scenario_answers_400_naming_generationtype(client) -> None:
    response = await client.post("/apikey/newcall", data={**FIELDS, "generationtype": "42"})
    assert response.status == 400
    assert (await response.json())["error"]["message"].startswith("generationtype:")


async def test_wrong_access_token_when_given_answers_401(client) -> None:
    response = await client.post("/apikey/newcall", data={**FIELDS, "access_token": "nope"})
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "bad_access_token"


async def test_malformed_json_body_answers_400(client) -> None:
    response = await client.post(
        "/apikey/newcall", data=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "malformed_body"


async def test_json_array_body_answers_400(client) -> None:
    response = await client.post(
        "/apikey/newcall", data=json.dumps([FIELDS]), headers={"Content-Type": "application/json"}
    )
    assert response.status == 400


async def test_body_over_the_limit_answers_413(client) -> None:
    response = await client.post("/apikey/newcall", data={**FIELDS, "var1": "x" * 3_000_000})
    body = await response.json()
    assert response.status == 413 and body["error"]["code"] == "body_too_large"


async def test_numbers_in_json_are_accepted_and_journalled(emulator: Emulator) -> None:
    response = await emulator.client.post(
        "/apikey/newcall", json={"name": "N", "phone": 89222220000, "UUID": 7, "maxcount": 2}
    )
    warnings = (await emulator.journal())[-1]["warnings"]
    assert response.status == 200
    assert {w["field"] for w in warnings if w["code"] == "number_for_string"} >= {"phone", "UUID"}
