"""The recording proxy: answers passed through byte for byte, each planted difference of the
upstream named in the journal, the shadow's differences named too, and safe cassettes."""

from __future__ import annotations

import gzip
import http.client
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from aiohttp import web

from contract_tests.server import MockServer, manual_config
from mockserver import cli
from mockserver.cassette import read
from mockserver.config import Account, Config, Scenario
from mockserver.proxy.app import ProxySettings, create_proxy_app
from mockserver.server.keys import BACKEND, FAILURES

from .skewed import SECRET_KEY, SECRET_TOKEN, upstream

ROWS = [  # the vendor's example: rows 1 and 2 are one subscriber (8… and +7…)
    {"id": "1", "name": "Петров", "phone": "89222220000", "UUID": "code1"},
    {"id": "2", "name": "Петров", "phone": "+7 922 222-00-00", "UUID": "code2"},
    {"id": "3", "name": "Сидорова", "phone": "89222220001", "UUID": "code3"},
]
CALL = {"id": "0", "name": "Иван Иванов", "phone": "+7 (900) 123-45-67", "UUID": "crm-7"}


@contextmanager
def proxy(upstream_url: str, **options: Any) -> Iterator[MockServer]:
    settings = ProxySettings(upstream=upstream_url, **options)
    with MockServer(app_factory=lambda _config: create_proxy_app(settings)) as server:
        yield server


def traffic(base: str) -> list[requests.Response]:
    """A client's day in miniature: a batch, a call, a refused call, the history."""
    key = f"{base}/{SECRET_KEY}"
    return [
        requests.post(f"{key}/make", json={"query": {"access_token": SECRET_TOKEN, "data": ROWS}}),
        requests.post(f"{key}/newcall", data=CALL),
        requests.post(f"{key}/newcall", data={**CALL, "phone": "12"}),
        requests.get(f"{key}/cdr", params={"date_from": "2026-11-27", "to": "89222220000"}),
    ]


def journal(server: MockServer) -> list[dict[str, Any]]:
    return requests.get(f"{server.url}/_mock/journal", params={"limit": 1000}).json()["items"]


def codes(server: MockServer) -> set[str]:
    return {w["code"] for entry in journal(server) for w in entry["warnings"]}


def test_the_proxy_passes_answers_through_byte_for_byte() -> None:
    with upstream() as real, proxy(real.url) as through:
        answers = traffic(through.url)
        seen = {entry["id"]: entry for entry in real.journal}
    for answer in answers:
        entry = seen[int(answer.headers["X-Mock-Journal-Id"])]
        assert (answer.status_code, answer.content) == (entry["status"], entry["response"].encode())
        assert answer.headers["Content-Type"] == "application/json"


def test_the_proxy_forwards_the_request_as_the_client_sent_it() -> None:
    with upstream() as real, proxy(real.url) as through:
        answer = requests.post(f"{through.url}/{SECRET_KEY}/newcall?x=1", data=CALL)
        [entry] = real.journal
    assert entry["path"] == f"/{SECRET_KEY}/newcall"
    assert entry["query"] == {"x": "1"}
    assert entry["body"] == answer.request.body


def test_an_emulator_upstream_shows_no_drift() -> None:
    with upstream() as real, proxy(real.url) as through:
        traffic(through.url)
        assert codes(through) == set()
        assert len(journal(through)) == 4


def test_the_journal_names_report_values_that_are_integers() -> None:
    with upstream("integers") as real, proxy(real.url) as through:
        traffic(through.url)
        [make] = [e for e in journal(through) if e["operation"] == "make"]
    messages = [w["message"] for w in make["warnings"] if w["code"] == "drift_schema"]
    assert "report.lines is an integer upstream (3); the contract says string" in messages


def test_the_journal_names_a_renamed_field() -> None:
    with upstream("renamed") as real, proxy(real.url) as through:
        traffic(through.url)
        found = {(w["code"], w["field"]) for e in journal(through) for w in e["warnings"]}
    assert ("drift_unknown_field", "QUERYID") in found
    assert ("drift_missing_field", "QUERY_ID") in found


def test_the_journal_names_another_duplicate_rule() -> None:
    with upstream("duplicates") as real, proxy(real.url) as through:
        traffic(through.url)
        assert "drift_duplicates" in codes(through)


def test_the_journal_names_a_wrong_status() -> None:
    with upstream("status") as real, proxy(real.url) as through:
        traffic(through.url)
        found = [w for e in journal(through) for w in e["warnings"] if w["code"] == "drift_status"]
    assert [w["message"] for w in found] == ["newcall: HTTP 200 with an error body"]


@pytest.mark.parametrize(
    ("skew", "code"),
    [
        ("integers", "drift_shadow_shape"),
        ("renamed", "drift_shadow_shape"),
        ("duplicates", "drift_shadow_count"),
        ("status", "drift_shadow_status"),
    ],
)
def test_the_shadow_names_each_planted_difference(skew: str, code: str) -> None:
    with upstream(skew) as real, proxy(real.url, shadow=True) as through:
        traffic(through.url)
        assert code in codes(through)


def test_the_shadow_names_another_newcall_duplicate_rule() -> None:
    with upstream("newcall_duplicates") as real, proxy(real.url, shadow=True) as through:
        # ...0002 is forced to ring 30-40 s unanswered: the shadow, on a real clock and its own
        # seed, still has the first call active when the second comes, however slow the machine.
        call = {**CALL, "phone": "89001230002"}
        for _ in range(2):
            requests.post(f"{through.url}/{SECRET_KEY}/newcall", data=call)
        [first, second] = journal(through)
    assert first["warnings"] == []
    assert [w["message"] for w in second["warnings"]] == ["QUERY_COUNT: upstream 1, the emulator 0"]


def test_the_shadow_agrees_with_an_emulator_upstream() -> None:
    with upstream() as real, proxy(real.url, shadow=True) as through:
        traffic(through.url)
        assert not {c for c in codes(through) if c.startswith("drift_shadow")}


def test_the_shadow_sends_nothing_upstream() -> None:
    with upstream() as real, proxy(real.url, shadow=True) as through:
        traffic(through.url)
        assert len(real.journal) == 4  # one request upstream per client request


def test_a_redacted_cassette_holds_no_key_token_name_or_full_number(tmp_path: Path) -> None:
    cassette = tmp_path / "day.jsonl"
    with upstream() as real, proxy(real.url, record=str(cassette)) as through:
        traffic(through.url)
    text = cassette.read_text("utf-8")
    secrets = [SECRET_KEY, SECRET_TOKEN, "Петров", "Иван", "9222220000", "9001234567"]
    assert [s for s in secrets if s in text] == []
    assert "123-45-67" not in text and "45-67" in text  # the last four digits stay


def test_a_redacted_cassette_keeps_duplicates_duplicates(tmp_path: Path) -> None:
    cassette = tmp_path / "day.jsonl"
    with upstream() as real, proxy(real.url, record=str(cassette)) as through:
        traffic(through.url)
    make = next(e for e in read(cassette) if e.operation == "make")
    phones = [row["phone"] for row in json.loads(make.request_body)["query"]["data"]]
    digits = ["".join(c for c in p if c.isdigit()) for p in phones]
    assert digits[0][1:] == digits[1][1:] != digits[2][1:]  # 8… and +7… of one number agree
    assert json.loads(make.body)["report"]["inserted"] == "2"


def test_no_redact_keeps_the_exchange_as_sent(tmp_path: Path) -> None:
    cassette = tmp_path / "day.jsonl"
    with upstream() as real, proxy(real.url, record=str(cassette), redact=False) as through:
        answers = traffic(through.url)
    recorded = list(read(cassette))
    assert [e.body for e in recorded] == [a.content for a in answers]
    assert recorded[0].path == f"/{SECRET_KEY}/make"


def test_an_unreachable_upstream_answers_502_naming_it() -> None:
    with proxy("http://127.0.0.1:9") as through:
        answer = requests.get(f"{through.url}/{SECRET_KEY}/cdr")
    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "upstream_unreachable"
    assert "127.0.0.1:9" in answer.json()["error"]["message"]


def test_a_body_over_the_limit_is_refused_and_not_forwarded() -> None:
    with upstream() as real, proxy(real.url, body_limit=100) as through:
        answer = requests.post(f"{through.url}/{SECRET_KEY}/newcall", data={"name": "x" * 200})
        assert real.journal == []
    assert answer.status_code == 413
    assert answer.json()["error"]["message"] == "body: larger than the limit of 100 bytes"


def test_a_bad_journal_page_is_a_400_naming_the_field() -> None:
    with proxy("http://127.0.0.1:9") as through:
        answer = requests.get(f"{through.url}/_mock/journal", params={"limit": "lots"})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith("limit: must be an integer from 1")


def test_the_journal_needs_the_control_token_when_one_is_set() -> None:
    with proxy("http://127.0.0.1:9", control_token="s3cret") as through:
        refused = requests.get(f"{through.url}/_mock/journal")
        allowed = requests.get(
            f"{through.url}/_mock/journal", headers={"Authorization": "Bearer s3cret"}
        )
    assert (refused.status_code, allowed.status_code) == (401, 200)
    assert refused.json()["error"]["code"] == "control_token_required"


def test_an_unreachable_upstream_is_journalled() -> None:
    with proxy("http://127.0.0.1:9") as through:
        requests.get(f"{through.url}/{SECRET_KEY}/cdr")
        [entry] = journal(through)
    assert [w["code"] for w in entry["warnings"]] == ["upstream_unreachable"]
    assert SECRET_KEY not in json.dumps(entry)


def test_the_proxy_forwards_only_the_vendors_routes() -> None:
    with upstream() as real, proxy(real.url) as through:
        answer = requests.post(f"{through.url}/_mock/reset")
        assert answer.status_code == 404
        assert "forwards only the vendor's routes" in answer.json()["error"]["message"]
        assert real.journal == []


def echo_app(_config: object) -> web.Application:
    """An upstream that answers with the headers it received, and sets a cookie."""

    async def echo(request: web.Request) -> web.Response:
        response = web.json_response({k: v for k, v in request.headers.items()})
        response.set_cookie("session", "upstream-cookie")
        return response

    app = web.Application()
    app[FAILURES] = []
    app.router.add_route("*", "/{key}/cdr", echo)
    return app


def test_the_proxy_sends_upstream_only_the_headers_the_client_sent() -> None:
    with MockServer(app_factory=echo_app) as echo, proxy(echo.url) as through:
        connection = http.client.HTTPConnection("127.0.0.1", int(through.url.rsplit(":", 1)[1]))
        for _ in range(2):  # the second request would carry the upstream's cookie, if kept
            connection.putrequest("GET", "/k/cdr", skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", "client.example")
            connection.putheader("X-Client", "1")
            connection.endheaders()
            answer = connection.getresponse()
            received = json.loads(answer.read())
        connection.close()
    assert set(received) == {"Host", "X-Client"}
    assert received["Host"] == echo.url.removeprefix("http://")


def test_the_proxy_drops_the_headers_connection_names() -> None:
    with MockServer(app_factory=echo_app) as echo, proxy(echo.url) as through:
        headers = {"Connection": "keep-alive, X-Hop", "X-Hop": "1", "X-End": "2"}
        received = requests.get(f"{through.url}/k/cdr", headers=headers).json()
    assert "X-End" in received and "X-Hop" not in received


def test_proxy_refuses_a_cassette_that_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "day.jsonl").write_text("", "utf-8")
    argv = ["proxy", "--upstream", "http://127.0.0.1:9", "--record", str(tmp_path / "day.jsonl")]
    assert cli.main(argv) == 2
    assert "exists: a cassette is never overwritten" in capsys.readouterr().err


def test_proxy_refuses_an_upstream_that_is_not_http(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["proxy", "--upstream", "ftp://vendor"]) == 2
    assert "--upstream: must be http(s)://" in capsys.readouterr().err


def test_the_shadow_takes_its_accounts_scenarios_from_shadow_config() -> None:
    two = [Scenario(id="1", name="Demo"), Scenario(id="5", name="Debt")]
    own = Config(accounts=[Account("apikey", "client-key", scenarios=two)])
    body = {"query": {"access_token": SECRET_TOKEN, "data": [{**ROWS[0], "generationtype": "5"}]}}
    real_account = Account(SECRET_KEY, SECRET_TOKEN, scenarios=two)
    for shadow_config, drifted in ((None, True), (own, False)):
        with (
            MockServer(manual_config(accounts=[real_account])) as real,
            proxy(real.url, shadow=True, shadow_config=shadow_config) as through,
        ):
            requests.post(f"{through.url}/{SECRET_KEY}/make", json=body)
            assert ("drift_shadow_count" in codes(through)) is drifted


def recording_path(real: MockServer) -> str:
    """The path of the WAV of the upstream's one answered call."""

    def path() -> str:
        backend = real.app[BACKEND]
        account = backend.account(SECRET_KEY)
        [record] = account.answered.values()
        return "/" + backend.recordings.url(account, record).split("/", 3)[3]

    return str(real._call_in_loop(path))


def test_a_recording_passes_through_and_its_url_stays_out_of_the_cassette(
    tmp_path: Path,
) -> None:
    cassette = tmp_path / "day.jsonl"
    with upstream() as real, proxy(real.url, record=str(cassette)) as through:
        answered = {**CALL, "phone": "89001110000"}  # …0000: answered, so recorded
        requests.post(f"{through.url}/{SECRET_KEY}/newcall", data=answered)
        real.advance(minutes=5)
        path = recording_path(real)
        direct = requests.get(real.url + path)
        answer = requests.get(through.url + path)
    assert (answer.content, answer.headers["Content-Type"]) == (direct.content, "audio/wav")
    recorded = list(read(cassette))[-1]
    assert recorded.body == direct.content
    assert path.rsplit("/", 1)[1] not in cassette.read_text("utf-8")


def gzip_app(_config: object) -> web.Application:
    """An upstream that answers cdr gzip-compressed, as a real server behind nginx may."""

    async def cdr(request: web.Request) -> web.Response:
        body = gzip.compress(b"[]")
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        return web.Response(body=body, headers=headers)

    app = web.Application()
    app[FAILURES] = []
    app.router.add_get("/{key}/cdr", cdr)
    return app


def test_a_compressed_answer_passes_through_as_sent_and_is_checked_decoded() -> None:
    with MockServer(app_factory=gzip_app) as real, proxy(real.url) as through:
        connection = http.client.HTTPConnection("127.0.0.1", int(through.url.rsplit(":", 1)[1]))
        connection.request("GET", "/k/cdr", headers={"Accept-Encoding": "gzip"})
        answer = connection.getresponse()
        raw, encoding = answer.read(), answer.getheader("Content-Encoding")
        connection.close()
        assert codes(through) == set()
    assert (gzip.decompress(raw), encoding) == (b"[]", "gzip")
