"""The control API under /_mock/: clock, reset, seed, jobs, calls, journal, configuration."""

from __future__ import annotations

from typing import Any

from .support import Emulator, vendor_example


async def test_clock_reports_now_mode_and_speed(client) -> None:
    body = await (await client.get("/_mock/clock")).json()
    assert body == {"now": "2026-11-27T09:00:00+03:00", "mode": "manual", "speed": 1.0}


async def test_advance_moves_the_clock_and_counts_events(emulator: Emulator) -> None:
    await emulator.client.post("/apikey/make", json=vendor_example())
    body = await emulator.advance(3600)
    assert body["now"] == "2026-11-27T10:00:00+03:00" and body["events"] >= 1


async def test_advance_runs_every_due_event_in_order(emulator: Emulator) -> None:
    await emulator.client.post("/apikey/make", json=vendor_example())
    await emulator.advance(3 * 3600)
    calls = await emulator.calls()
    assert [c["state"] for c in calls] == ["completed", "completed"]


async def test_set_moves_forward_to_a_given_time(client) -> None:
    response = await client.post("/_mock/clock/set", json={"now": "2026-11-28T12:00:00+03:00"})
    assert (await response.json())["now"] == "2026-11-28T12:00:00+03:00"


async def test_set_refuses_to_move_back(client) -> None:
    response = await client.post("/_mock/clock/set", json={"now": "2026-11-26T12:00:00+03:00"})
    body = await response.json()
    assert response.status == 400 and body["error"]["message"].startswith("now:")


async def test_advance_refuses_a_negative_number_naming_seconds(client) -> None:
    response = await client.post("/_mock/clock/advance", json={"seconds": -5})
    body = await response.json()
    assert response.status == 400 and body["error"]["message"].startswith("seconds:")


async def test_reset_forgets_jobs_calls_and_journal(emulator: Emulator) -> None:
    await emulator.client.post("/apikey/make", json=vendor_example())
    await emulator.client.post("/_mock/reset")
    assert await emulator.calls() == [] and await emulator.journal() == []


async def test_reset_keeps_the_configuration(client) -> None:
    await client.put("/_mock/config", json={"accounts": [{"api_key": "k2", "access_token": "t"}]})
    await client.post("/_mock/reset")
    config = await (await client.get("/_mock/config")).json()
    assert [a["api_key"] for a in config["accounts"]] == ["k2"]


async def _report_id_after_seed(emulator: Emulator, seed: int) -> str:
    await emulator.client.post("/_mock/reset")
    await emulator.client.post("/_mock/seed", json={"seed": seed})
    response = await emulator.client.post("/apikey/make", json=vendor_example())
    return (await response.json())["report"]["id"]


async def test_seed_makes_job_ids_repeat(emulator: Emulator) -> None:
    first = await _report_id_after_seed(emulator, 42)
    assert first == await _report_id_after_seed(emulator, 42)
    assert first != await _report_id_after_seed(emulator, 43)


async def test_jobs_lists_each_upload_with_its_counts(emulator: Emulator) -> None:
    await emulator.client.post("/apikey/make", json=vendor_example())
    jobs = (await (await emulator.client.get("/_mock/jobs")).json())["items"]
    assert [(j["lines"], j["ok"], j["inserted"], j["errorcode"]) for j in jobs] == [(3, 3, 2, "2")]


async def test_calls_filter_by_state_phone_and_job(emulator: Emulator) -> None:
    _, first = await emulator.newcall(name="A", phone="89001110000", UUID="a", timestart="10:00")
    await emulator.newcall(name="B", phone="89001110001", UUID="b", timestart="10:00")
    assert [c["phone"] for c in await emulator.calls(phone="+79001110000")] == ["89001110000"]
    assert len(await emulator.calls(job=first["QUERY_ID"])) == 1
    assert len(await emulator.calls(state="pending")) == 2
    assert await emulator.calls(state="completed") == []


async def test_calls_refuse_an_unknown_state(client) -> None:
    response = await client.get("/_mock/calls", params={"state": "ringing"})
    assert response.status == 400 and "state" in (await response.json())["error"]["message"]


async def test_calls_are_paged(emulator: Emulator) -> None:
    rows = [{"id": str(i), "phone": f"8901{i:07d}"} for i in range(25)]
    await emulator.make(rows)
    page = await (
        await emulator.client.get("/_mock/calls", params={"limit": 10, "offset": 20})
    ).json()
    assert (page["total"], len(page["items"]), page["items"][0]["id"]) == (25, 5, "20")


async def test_calls_of_one_account_never_show_another(emulator: Emulator) -> None:
    await emulator.client.put("/_mock/config", json={"accounts": [
        {"api_key": "alpha", "access_token": "t"}, {"api_key": "beta", "access_token": "t"},
    ]})  # fmt: skip
    await emulator.make([{"id": "1", "phone": "89001112233"}], token="t", api_key="alpha")
    assert await emulator.calls(api_key="beta") == []
    assert len(await emulator.calls(api_key="alpha")) == 1


async def test_journal_records_unknown_fields_with_a_did_you_mean(emulator: Emulator) -> None:
    await emulator.make([{"id": "1", "phone": "89001112233", "startdialertime": "11:00"}])
    (entry,) = await emulator.journal(warnings="1")
    assert any("did you mean 'statdialertime'" in w["message"] for w in entry["warnings"])


async def test_journal_filters_by_operation(emulator: Emulator) -> None:
    await emulator.client.post("/apikey/make", json=vendor_example())
    await emulator.cdr()
    assert [e["operation"] for e in await emulator.journal(operation="cdr")] == ["cdr"]


async def test_answers_carry_their_journal_id(client) -> None:
    response = await client.get("/apikey/cdr")
    assert response.headers["X-Mock-Journal-Id"].isdigit()


async def test_config_put_replaces_accounts(client) -> None:
    account = {"api_key": "crm", "access_token": "secret-token", "dial_lines": 3}
    response = await client.put("/_mock/config", json={"accounts": [account]})
    assert response.status == 200
    rows = [{"id": 1, "phone": "89001112233"}]
    made = await client.post(
        "/crm/make", json={"query": {"access_token": "secret-token", "data": rows}}
    )
    assert (await made.json())["report"]["inserted"] == "1"


async def test_config_put_refuses_a_bad_value_naming_the_key(client) -> None:
    bad: dict[str, Any] = {"accounts": [{"api_key": "crm", "access_token": "t", "dial_lines": 0}]}
    response = await client.put("/_mock/config", json=bad)
    body = await response.json()
    assert response.status == 400 and "accounts[0].dial_lines" in body["error"]["message"]


async def test_config_put_keeps_the_old_config_when_refused(client) -> None:
    await client.put("/_mock/config", json={"accounts": [{"api_key": "x", "access_token": "t",
                                                          "timezone": "Mars/Base"}]})  # fmt: skip
    config = await (await client.get("/_mock/config")).json()
    assert [a["api_key"] for a in config["accounts"]] == ["apikey"]


async def test_unknown_control_route_answers_404_error_body(client) -> None:
    response = await client.get("/_mock/nothing")
    assert response.status == 404 and (await response.json())["error"]["code"] == "not_found"


async def test_misspelt_method_answers_404_with_a_did_you_mean(client) -> None:
    response = await client.post("/apikey/newcal")
    assert response.status == 404 and "'newcall'" in (await response.json())["error"]["message"]


async def test_a_wrong_method_on_a_control_route_answers_405_naming_the_allowed_ones(
    client,
) -> None:
    response = await client.delete("/_mock/clock")
    body = await response.json()
    assert response.status == 405 and body["error"] == {
        "code": "method_not_allowed",
        "message": "DELETE /_mock/clock: use GET, HEAD",
    }


async def test_a_path_no_route_matches_answers_a_json_404(client) -> None:
    response = await client.post("/no/such/route")
    body = await response.json()
    assert response.status == 404 and body["error"]["code"] == "not_found"
