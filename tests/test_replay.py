"""Replay: a recorded run answered again byte for byte, offline, by the command's server and
by the pytest plugin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from contract_tests.server import MockServer
from mockserver import cli
from mockserver.cassette import Exchange
from mockserver.proxy.replay import Tape, create_replay_app

from .skewed import SECRET_KEY, SECRET_TOKEN, upstream
from .test_proxy import CALL, ROWS, proxy, traffic

pytest_plugins = ["pytester"]


def record(tmp_path: Path, redact: bool = False) -> tuple[Path, list[requests.Response]]:
    cassette = tmp_path / "day.jsonl"
    with upstream() as real, proxy(real.url, record=str(cassette), redact=redact) as through:
        answers = traffic(through.url)
    return cassette, answers


def replay(cassette: Path) -> MockServer:
    tape = Tape.load(cassette)
    return MockServer(app_factory=lambda _config: create_replay_app(tape))


def test_replay_answers_a_recorded_run_byte_for_byte(tmp_path: Path) -> None:
    cassette, recorded = record(tmp_path)
    with replay(cassette) as server:
        again = traffic(server.url)
    assert [(a.status_code, a.content) for a in again] == [
        (a.status_code, a.content) for a in recorded
    ]
    assert {a.headers["Content-Type"] for a in again} == {"application/json"}


def test_replay_matches_whatever_the_api_key(tmp_path: Path) -> None:
    cassette, recorded = record(tmp_path)
    with replay(cassette) as server:
        answer = requests.get(
            f"{server.url}/another-key/cdr", params={"date_from": "2026-11-27", "to": "89222220000"}
        )
    assert answer.content == recorded[3].content


def test_a_request_recorded_twice_gets_its_answers_in_order(tmp_path: Path) -> None:
    cassette = tmp_path / "twice.jsonl"
    body = {"query": {"access_token": SECRET_TOKEN, "data": ROWS}}
    with upstream() as real, proxy(real.url, record=str(cassette), redact=False) as through:
        first, second = (
            requests.post(f"{through.url}/{SECRET_KEY}/make", json=body).content for _ in range(2)
        )
    assert first != second  # the second batch is all duplicates of pending calls
    with replay(cassette) as server:
        answers = [requests.post(f"{server.url}/x/make", json=body).content for _ in range(3)]
    assert answers == [first, second, second]


def test_reset_rewinds_the_replay(tmp_path: Path) -> None:
    cassette, recorded = record(tmp_path)
    with replay(cassette) as server:
        traffic(server.url)
        requests.post(f"{server.url}/_mock/reset")
        assert traffic(server.url)[1].content == recorded[1].content


def test_an_unmatched_request_gets_404_naming_the_closest(tmp_path: Path) -> None:
    cassette, _ = record(tmp_path)
    with replay(cassette) as server:
        answer = requests.get(f"{server.url}/k/cdr", params={"date_from": "2026-11-28"})
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["code"] == "not_recorded"
    assert 'the closest recorded: GET /cdr {"date_from": "2026-11-27"' in error["message"]


def test_a_redacted_cassette_matches_the_real_request_by_its_last_four_digits(
    tmp_path: Path,
) -> None:
    cassette, recorded = record(tmp_path, redact=True)
    with replay(cassette) as server:
        again = traffic(server.url)
    assert [a.status_code for a in again] == [a.status_code for a in recorded]
    assert json.loads(again[0].content) == json.loads(recorded[0].content)


def test_the_plugin_replays_a_cassette_for_a_marked_test(
    tmp_path: Path, pytester: pytest.Pytester
) -> None:
    cassette, recorded = record(tmp_path)
    (pytester.path / "cassettes").mkdir()
    (pytester.path / "cassettes" / "day.jsonl").write_bytes(cassette.read_bytes())
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        f"""
        import pytest, requests

        @pytest.mark.autodialer_cassette("cassettes/day.jsonl")
        def test_replayed(autodialer_mock):
            answer = requests.post(f"{{autodialer_mock.base}}/newcall", data={CALL!r})
            assert answer.content == {recorded[1].content!r}
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_replay_refuses_a_file_that_is_not_a_cassette(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not json\n", "utf-8")
    assert cli.main(["replay", str(bad)]) == 2
    assert f"{bad}:1: not a cassette line" in capsys.readouterr().err


@given(
    body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
    answer=st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
    status=st.integers(100, 599),
)
def test_a_cassette_line_gives_back_the_exchange_it_was_written_from(
    body: bytes, answer: bytes, status: int
) -> None:
    exchange = Exchange(
        "POST", "/k/make", "a=1", "application/json", body, status,
        {"Content-Type": "application/json"}, answer, 1.5, "2026-11-27T06:00:00.000+00:00",
    )  # fmt: skip
    assert Exchange.from_dict(json.loads(exchange.to_line())) == exchange
