"""Accounts known at start get routes of their own; any other key takes the pattern routes,
and both answer alike."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import make_mocked_request

from mockserver.config import Account
from mockserver.server.app import AccountPath, create_app

from .support import manual_config

FORM = {"name": "N", "UUID": "u", "phone": "89001112233"}
ONLY_LATER = {"accounts": [{"api_key": "later", "access_token": "t"}]}


async def _resolved(app: Any, method: str, path: str) -> Any:
    return await app.router.resolve(make_mocked_request(method, path, app=app))


@pytest.mark.parametrize("path", ["/apikey/newcall", "/apikey/cdr/", "/apikey/make"])
async def test_an_account_known_at_start_has_paths_of_its_own_that_carry_its_key(
    path: str,
) -> None:
    app = create_app(manual_config())
    match = await _resolved(app, "POST", path)
    assert isinstance(match.route.resource, AccountPath)
    assert match["api_key"] == "apikey"


async def test_a_key_that_needs_escaping_in_a_path_takes_the_pattern_routes() -> None:
    config = manual_config()
    config.accounts = [Account(api_key="ключ 1", access_token="t")]
    app = create_app(config)
    match = await _resolved(app, "POST", "/ключ 1/newcall")
    assert not isinstance(match.route.resource, AccountPath)
    assert match["api_key"] == "ключ 1"


async def test_a_get_of_make_on_an_accounts_own_path_is_refused_as_on_the_pattern(
    client: Any,
) -> None:
    own = await client.get("/apikey/make")
    await client.put("/_mock/config", json=ONLY_LATER)
    pattern = await client.get("/later/make")
    assert own.status == pattern.status == 405
    own_error, pattern_error = (await own.json())["error"], (await pattern.json())["error"]
    assert own_error["code"] == pattern_error["code"] == "method_not_allowed"


async def test_an_account_added_later_is_served_by_the_pattern_routes(client: Any) -> None:
    await client.put("/_mock/config", json=ONLY_LATER)
    response = await client.post("/later/newcall", data=FORM)
    assert response.status == 200 and (await response.json())["QUERY_COUNT"] == 1
    (entry,) = (await (await client.get("/_mock/journal")).json())["items"]
    assert entry["api_key"] == "later"


async def test_an_account_removed_after_start_gets_the_unknown_key_error_on_its_own_path(
    client: Any,
) -> None:
    await client.put("/_mock/config", json=ONLY_LATER)
    own = await client.post("/apikey/newcall", data=FORM)
    never = await client.post("/never/newcall", data=FORM)
    assert own.status == never.status
    assert (await own.json())["error"]["code"] == (await never.json())["error"]["code"]


async def test_a_request_on_an_accounts_own_path_is_journalled_with_its_key(client: Any) -> None:
    response = await client.post("/apikey/newcall", data=FORM)
    journal_id = int(response.headers["X-Mock-Journal-Id"])
    (entry,) = (await (await client.get("/_mock/journal")).json())["items"]
    assert entry["id"] == journal_id and entry["api_key"] == "apikey"
