"""The control API cannot be driven from a web page: a foreign ``Host`` (DNS rebinding), a
write from another origin, or a body of a type a page may send anywhere without a
preflight is refused; the dashboard, curl with JSON and the vendor's methods keep working.
And the public origin of recording URLs is learned only from requests that authenticate."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.server.app import create_app
from mockserver.server.keys import BACKEND

from .support import Emulator, manual_config

FOREIGN = "attacker.example:8080"


async def error(response: Any) -> dict[str, Any]:
    return (await response.json())["error"]


@pytest.mark.parametrize(
    "path", ["/_mock/config", "/_mock/journal", "/_mock/calls", "/_mock/ui", "/_mock/clock"]
)
async def test_a_foreign_host_cannot_read_the_control_api(client: TestClient, path: str) -> None:
    response = await client.get(path, headers={"Host": FOREIGN})
    assert response.status == 403
    assert (await error(response))["code"] == "host_not_allowed"


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:8080", "app.localhost:1", "127.0.0.1:8", "[::1]:8080", "10.1.2.3"],
)
async def test_localhost_and_addresses_are_our_own_hosts(client: TestClient, host: str) -> None:
    response = await client.get("/_mock/clock", headers={"Host": host})
    assert response.status == 200


async def test_a_configured_name_is_allowed(aiohttp_client: Any) -> None:
    client = await aiohttp_client(create_app(manual_config(allowed_hosts=["mock"])))
    assert (await client.get("/_mock/clock", headers={"Host": "mock:8080"})).status == 200
    assert (await client.get("/_mock/clock", headers={"Host": "mock.evil"})).status == 403


async def test_the_public_urls_host_is_allowed(aiohttp_client: Any) -> None:
    config = manual_config(public_url="https://dialer-mock.test/base")
    client = await aiohttp_client(create_app(config))
    response = await client.get("/_mock/clock", headers={"Host": "dialer-mock.test"})
    assert response.status == 200


async def test_the_vendor_methods_answer_any_host(emulator: Emulator) -> None:
    response = await emulator.client.get("/apikey/cdr", headers={"Host": FOREIGN})
    assert response.status == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_mock/reset", b""),
        ("/_mock/clock/advance", b'{"seconds": 1}'),
        ("/_mock/fire", b'{"url": "http://127.0.0.1:9/", "count": 1}'),
    ],
)
@pytest.mark.parametrize("origin", ["http://attacker.example", "null", "http://localhost:1"])
async def test_a_write_from_another_origin_is_refused(
    client: TestClient, path: str, body: bytes, origin: str
) -> None:
    headers = {"Origin": origin, "Content-Type": "application/json"}
    response = await client.post(path, data=body, headers=headers)
    assert response.status == 403
    assert (await error(response))["code"] == "cross_origin_refused"


async def test_a_write_from_the_dashboards_own_origin_is_allowed(client: TestClient) -> None:
    host = f"{client.server.host}:{client.server.port}"
    headers = {"Origin": f"http://{host}", "Content-Type": "application/json"}
    response = await client.post("/_mock/clock/advance", json={"seconds": 1}, headers=headers)
    assert response.status == 200


@pytest.mark.parametrize(
    "ctype",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        None,
    ],
)
@pytest.mark.parametrize(
    "path", ["/_mock/clock/advance", "/_mock/seed", "/_mock/fire", "/_mock/upload?api_key=apikey"]
)
async def test_a_control_write_of_a_type_a_page_may_send_anywhere_is_refused(
    client: TestClient, emulator: Emulator, ctype: str | None, path: str
) -> None:
    headers = {"Content-Type": ctype} if ctype else {}
    skip = () if ctype else ("Content-Type",)
    body = b'{"seconds": 1, "seed": 1}' if "upload" not in path else b"id,phone\n1,89222220009\n"
    response = await client.post(path, data=body, headers=headers, skip_auto_headers=skip)
    assert response.status == 415
    assert (await error(response))["code"] == "unsupported_media_type"
    assert await emulator.calls() == []


async def test_an_upload_takes_the_files_own_type(client: TestClient, emulator: Emulator) -> None:
    body = b"id,phone\n1,89222220009\n"
    for ctype in ("text/csv", "application/vnd.ms-excel", "application/octet-stream"):
        response = await client.post(
            "/_mock/upload?api_key=apikey&format=csv", data=body, headers={"Content-Type": ctype}
        )
        assert response.status == 200, await response.text()


async def test_a_write_without_a_body_needs_no_type(client: TestClient) -> None:
    response = await client.post("/_mock/reset", skip_auto_headers=("Content-Type",))
    assert response.status == 200


@pytest.mark.parametrize("ctype", ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded"])
async def test_a_write_without_a_body_of_a_type_a_page_may_send_is_refused(
    client: TestClient, emulator: Emulator, ctype: str
) -> None:
    """What fetch(url, {method: "POST", body: ""}) or curl -d '' send."""
    await emulator.make([{"id": "1", "phone": "89222220009"}])
    response = await client.post("/_mock/reset", data=b"", headers={"Content-Type": ctype})
    assert response.status == 415
    assert len(await emulator.calls()) == 1  # not reset


async def test_a_learned_origin_comes_only_from_a_request_that_authenticates(
    client: TestClient, emulator: Emulator
) -> None:
    backend = client.app[BACKEND]
    await client.get("/apikey/cdr", headers={"Host": "good.test:8080"})
    assert backend.recordings.public_url == "http://good.test:8080"
    for path in ("/nosuchkey/cdr", "/apikey/cdr?access_token=wrong", "/apikey/nosuchmethod"):
        response = await client.get(path, headers={"Host": FOREIGN})
        assert response.status >= 400
    wrong = {"query": {"access_token": "wrong", "data": [{"id": "1", "phone": "89222220009"}]}}
    response = await client.post("/apikey/make", json=wrong, headers={"Host": FOREIGN})
    assert response.status == 401
    assert backend.recordings.public_url == "http://good.test:8080"


def test_the_name_given_to_host_is_allowed() -> None:
    from mockserver import cli
    from mockserver.config import Config

    config = Config()
    cli._allow_bound_name(config, "mock")
    cli._allow_bound_name(config, "0.0.0.0")
    assert config.allowed_hosts == ["mock"]
