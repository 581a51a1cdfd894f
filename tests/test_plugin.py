"""The ``autodialer_mock`` fixture: one emulator per session, cleared per test, sync and async."""

from __future__ import annotations

import json
import urllib.request

import aiohttp
import pytest

from contract_tests.server import ContractWarnings, MockServer

pytest_plugins = ["pytester"]


def post_json(url: str, body: object) -> dict:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def test_a_sync_test_uploads_with_urllib(autodialer_mock: MockServer) -> None:
    body = {"query": {"access_token": "client-key", "data": [{"id": "1", "phone": "89001112233"}]}}
    report = post_json(f"{autodialer_mock.base}/make", body)["report"]
    assert report["inserted"] == "1"
    assert [c["phone"] for c in autodialer_mock.calls] == ["89001112233"]


def test_each_test_starts_clean_at_the_start_time(autodialer_mock: MockServer) -> None:
    assert autodialer_mock.calls == [] and autodialer_mock.journal == []
    assert autodialer_mock.now == "2026-11-27T09:00:00+03:00"
    assert autodialer_mock.advance(hours=2) == "2026-11-27T11:00:00+03:00"


def test_the_clock_is_back_at_its_start_in_the_next_test(autodialer_mock: MockServer) -> None:
    assert autodialer_mock.now == "2026-11-27T09:00:00+03:00"


async def test_an_async_test_uses_its_own_loop(autodialer_mock: MockServer) -> None:
    async with aiohttp.ClientSession() as session:
        form = {"name": "a", "phone": "89001110001", "UUID": "u", "timestart": "10:00"}
        async with session.post(f"{autodialer_mock.base}/newcall", data=form) as response:
            assert (await response.json())["QUERY_COUNT"] == 1
    autodialer_mock.advance(hours=1, minutes=1)  # window opens at 10:00; …0001 is busy
    assert [r["CODE"] for r in autodialer_mock.cdr()] == ["BUSY/17"]


def test_contract_slips_fail_naming_the_field(autodialer_mock: MockServer) -> None:
    row = {"id": "1", "phone": "89001112233", "startdialertime": "10:00"}
    post_json(
        f"{autodialer_mock.base}/make", {"query": {"access_token": "client-key", "data": [row]}}
    )
    with pytest.raises(ContractWarnings, match="statdialertime"):
        autodialer_mock.assert_no_contract_warnings()


def test_the_config_fixture_can_be_overridden(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makeconftest(
        """
        import pytest
        from mockserver.config import Account
        from contract_tests import manual_config

        @pytest.fixture(scope="session")
        def autodialer_mock_config():
            config = manual_config(start="2027-01-01T12:00:00+03:00")
            config.accounts = [Account("team", "secret")]
            return config
        """
    )
    pytester.makepyfile(
        """
        def test_own_account(autodialer_mock):
            assert autodialer_mock.base.endswith("/team")
            assert autodialer_mock.now.startswith("2027-01-01T12:00")
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


ASYNC_INI = "[pytest]\nasyncio_mode = auto\n"


def test_async_tests_need_only_pytest_aiohttp_and_the_documented_ini(pytester) -> None:
    from pathlib import Path

    docs = (Path(__file__).parent.parent / "docs" / "contract-kit.md").read_text("utf-8")
    assert f"```ini\n{ASYNC_INI}```" in docs
    example = Path(__file__).parent / "test_docs_webhooks_example.py"
    pytester.makefile(".ini", pytest=ASYNC_INI)
    pytester.makepyfile(
        test_receiver=example.read_text("utf-8").split("\n\n\ndef test_the_docs")[0]
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
