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


def test_newcall_by_get_with_a_query_over_8190_bytes_is_answered_by_the_handler() -> None:
    # Found by Schemathesis: a GET newcall whose query string carries long texts overran
    # aiohttp's 8190-byte request line, and the parser answered a plain-text 400.
    import json
    import urllib.parse
    import urllib.request

    from contract_tests.server import MockServer

    with MockServer() as server:
        fields = {"name": "Петров", "phone": "89001112233", "UUID": "code1",
                  "var1": "¦" * 1000, "var2": "¦" * 1000}  # fmt: skip
        url = f"{server.base}/newcall?{urllib.parse.urlencode(fields)}"
        assert len(url) > 8190
        with urllib.request.urlopen(url) as response:
            assert response.headers["Content-Type"].startswith("application/json")
            assert json.loads(response.read())["QUERY_COUNT"] == 1
