"""Security: the control token, the exposure warning, and secrets kept out of logs and answers."""

from __future__ import annotations

import base64
import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver import cli
from mockserver.config import Config

from .receiver import Receiver
from .support import Emulator, manual_config

TOKEN = "t0ken-for-the-control-api"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
SECRET = "whsec_" + base64.b64encode(b"a secret nobody may ever log!!").decode()
CONTROL_ROUTES = [
    ("GET", "/_mock/clock"),
    ("POST", "/_mock/clock/advance"),
    ("POST", "/_mock/reset"),
    ("GET", "/_mock/journal"),
    ("GET", "/_mock/calls"),
    ("GET", "/_mock/config"),
    ("PUT", "/_mock/config"),
    ("GET", "/_mock/deliveries"),
    ("POST", "/_mock/deliveries/replay"),
    ("GET", "/_mock/no-such-route"),
]


@pytest.fixture
def config() -> Config:
    return manual_config(control_token=TOKEN)


@pytest.mark.parametrize(("method", "path"), CONTROL_ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-wrong-token", TOKEN])
async def test_control_routes_refuse_requests_without_the_token(
    client: TestClient, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await client.request(method, path, headers=headers)
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "control_token_required"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_control_routes_answer_with_the_token(client: TestClient) -> None:
    response = await client.post("/_mock/clock/advance", json={"seconds": 1}, headers=BEARER)
    assert response.status == 200


async def test_dashboard_page_and_assets_open_without_the_token(client: TestClient) -> None:
    page = await client.get("/_mock/ui")
    script = await client.get("/_mock/ui/api.js")
    assert (page.status, script.status) == (200, 200)
    assert "Bearer" in await script.text()  # the page sends the token of its #token=


async def test_dashboard_data_still_needs_the_token(client: TestClient) -> None:
    response = await client.get("/_mock/summary")
    assert response.status == 401


async def test_vendor_methods_never_need_the_control_token(emulator: Emulator) -> None:
    status, body = await emulator.newcall(name="a", phone="89222220000", UUID="u")
    assert status == 200, body
    status, report = await emulator.make([{"id": "1", "phone": "89222220001"}])
    assert (status, report["inserted"]) == (200, "1")
    assert (await emulator.cdr())[0] == 200


async def test_control_token_is_hidden_in_config_and_kept_on_round_trip(
    client: TestClient,
) -> None:
    shown = await (await client.get("/_mock/config", headers=BEARER)).json()
    assert shown["control_token"] == "(hidden)"
    assert TOKEN not in str(shown)
    response = await client.put("/_mock/config", json=shown, headers=BEARER)
    assert response.status == 200
    assert (await client.get("/_mock/clock", headers=BEARER)).status == 200


async def test_control_token_cannot_be_changed_or_dropped_through_put(client: TestClient) -> None:
    shown = await (await client.get("/_mock/config", headers=BEARER)).json()
    response = await client.put(
        "/_mock/config", json={**shown, "control_token": "another-token-of-16+"}, headers=BEARER
    )
    assert response.status == 400
    assert "control_token: is set at start" in (await response.json())["error"]["message"]
    del shown["control_token"]
    assert (await client.put("/_mock/config", json=shown, headers=BEARER)).status == 200
    assert (await client.get("/_mock/clock")).status == 401


def run_serve(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> dict[str, Any]:
    """``autodialer-mock serve`` up to the point where it would serve; the socket it asks
    for is a loopback one, whatever the host (192.0.2.10 is no address of this machine)."""
    seen: dict[str, Any] = {}
    loopback = cli.bind

    def bind(host: str, port: int) -> socket.socket:
        seen.update(host=host, port=port)
        return loopback("127.0.0.1", 0)

    def run_app(app: Any, **kw: Any) -> None:
        seen.update(app=app, **kw)
        kw["sock"].close()

    monkeypatch.setattr(cli, "bind", bind)
    monkeypatch.setattr("aiohttp.web.run_app", run_app)
    assert cli.main(argv) == 0
    return seen


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_listening_beyond_loopback_warns_that_the_control_api_is_exposed(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, host: str
) -> None:
    with caplog.at_level(logging.WARNING):
        run_serve(monkeypatch, ["--host", host, "--clock", "manual"])
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "/_mock/ is reachable from the network" in warning
    assert "set --control-token" in warning


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_is_the_default_and_does_not_warn(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, host: str
) -> None:
    with caplog.at_level(logging.WARNING):
        seen = run_serve(monkeypatch, ["--host", host, "--clock", "manual"])
    assert seen["host"] == host
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert cli._parser().parse_args(["serve"]).host == "127.0.0.1"


def test_control_token_comes_from_the_environment_and_is_never_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(cli.TOKEN_ENV, TOKEN)
    seen = run_serve(monkeypatch, ["--clock", "manual"])
    from mockserver.server.keys import BACKEND

    assert seen["app"][BACKEND].config.control_token == TOKEN
    out = capsys.readouterr()
    assert TOKEN not in out.out + out.err
    assert "Authorization: Bearer <control token>" in out.out


def test_a_short_control_token_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--control-token", "short"]) == 2
    assert "--control-token: must be a string of 16 to 256" in capsys.readouterr().err


def test_a_refused_webhook_secret_is_not_repeated_in_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = "whsec_tooShortButStillPrivate"
    path = tmp_path / "c.yaml"
    hook = f"{{url: 'http://x/', secret: {bad}}}"
    path.write_text(f"accounts: [{{api_key: k, access_token: t, webhooks: [{hook}]}}]")
    assert cli.main(["--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "accounts[0].webhooks[0].secret" in err
    assert bad not in err


async def test_webhook_secret_never_reaches_the_journal_the_log_or_any_answer(
    client: TestClient, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    emulator = Emulator(client)
    client._session.headers.update(BEARER)  # type: ignore[attr-defined]
    receiver.script += [500, 200]
    caplog.set_level(logging.DEBUG)
    await emulator.subscribe(receiver.url, secret=SECRET, schedule=[0, 5])
    for phone in ("89222220000", "89222220001"):
        await emulator.newcall(name="a", phone=phone, UUID="u")
    await emulator.advance(400)
    answers = [
        await (await client.get(path)).text()
        for path in ("/_mock/journal", "/_mock/deliveries", "/_mock/config", "/_mock/calls")
    ]
    assert len(receiver.requests) == 3  # a 500 and its retry, and the second call
    assert all("webhook-signature" in r.headers for r in receiver.requests)
    key = SECRET.removeprefix("whsec_")
    for text in [*answers, caplog.text]:
        assert key not in text
