"""Emulator bugs that the contract kit's runs found, each pinned by a test."""

from __future__ import annotations


async def test_multipart_without_a_boundary_is_a_400_not_a_crash(client) -> None:
    # Found by Schemathesis (tests/test_openapi.py): it answered 500 internal_error.
    response = await client.post(
        "/apikey/newcall",
        data=b"name=a&phone=89001112233&UUID=u",
        headers={"Content-Type": "multipart/form-data"},
    )
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "malformed_body"


async def test_clock_set_to_an_impossible_date_is_a_400_not_a_crash(client) -> None:
    # Found by Schemathesis: the pattern of control.set lets "0000-00-00T00:00Z" through.
    response = await client.post("/_mock/clock/set", json={"now": "0000-00-00T00:00Z"})
    assert response.status == 400
    assert "now" in (await response.json())["error"]["message"]


async def test_config_answer_matches_the_config_schema_and_can_be_put_back(client) -> None:
    # Found by Schemathesis: GET /_mock/config answered "retry_interval": null, which the
    # config schema (and so PUT /_mock/config) refuses.
    from mockserver.validation import validator

    config = await (await client.get("/_mock/config")).json()
    assert validator("config").errors(config) == []
    assert (await client.put("/_mock/config", json=config)).status == 200
