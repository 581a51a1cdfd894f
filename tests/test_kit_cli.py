"""``autodialer-contract check`` and ``pytest --pyargs contract_tests`` against live servers;
the real-calls guard; the JUnit report."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from xml.etree import ElementTree as ET

import pytest

from contract_tests.checks import CHECK_RULES
from contract_tests.cli import main
from contract_tests.properties import load
from contract_tests.runner import kit_settings, run, skip_reason
from contract_tests.server import MockServer
from contract_tests.target import RealCallsRefused, Target

from . import broken
from .test_kit_catches import two_accounts

KEYS = ["--other-api-key", "other", "--other-access-token", "other-token"]


@pytest.fixture(scope="module")
def live() -> Iterator[MockServer]:
    with MockServer(two_accounts()) as server:
        yield server


def test_check_passes_the_emulator_and_writes_junit(live, tmp_path, capsys) -> None:
    junit = tmp_path / "contract.xml"
    code = main(
        ["check", "--base-url", live.url, *KEYS, "--max-examples", "5", "--junit-xml", str(junit)]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{len(load()) + len(CHECK_RULES)} passed" in out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0"
    assert {case.get("name") for case in suite.iter("testcase")} == {*load(), *CHECK_RULES}


def test_check_fails_a_broken_server_naming_the_rule(tmp_path, capsys) -> None:
    with MockServer(two_accounts(), broken.with_middleware(broken.integer_report)) as server:
        junit = tmp_path / "contract.xml"
        code = main(
            [
                "check",
                "--base-url",
                server.url,
                "--only",
                "make.vendor-example",
                "--junit-xml",
                str(junit),
            ]
        )
    out = capsys.readouterr().out
    assert code == 1
    assert "broken rule make.report-strings" in out and "Minimal example:" in out
    failure = (
        ET.parse(junit).getroot().find("testsuite/testcase[@name='make.report-strings']/failure")
    )
    assert failure is not None and "make.report-strings" in failure.get("message", "")


def test_rules_without_what_they_need_are_skipped_with_the_reason(live, capsys) -> None:
    outcomes = run(Target(live.url, "apikey", "client-key"), kit_settings(3), ["isolation"])
    assert outcomes[0].status == "skipped"
    assert "--other-api-key" in outcomes[0].reason


def test_a_target_without_control_api_skips_clock_rules() -> None:
    target = Target("http://127.0.0.1:9", "apikey", "client-key")
    target.lose_control("GET /_mock/journal did not answer a journal (HTTP 404)")
    reason = skip_reason(load()["cdr.filters"], target)
    assert "needs the emulator's control API" in reason and "HTTP 404" in reason


def test_nothing_that_places_a_call_is_sent_to_a_remote_host() -> None:
    target = Target("http://192.0.2.10:8080", "apikey", "client-key")  # TEST-NET: never reached
    with pytest.raises(RealCallsRefused, match="--allow-real-calls"):
        target.make([{"id": "1", "phone": "89001112233"}])
    with pytest.raises(RealCallsRefused):
        target.newcall({"name": "a", "phone": "89001112233", "UUID": "u"})
    target._control = False
    assert "--allow-real-calls" in skip_reason(load()["make.counts"], target)
    allowed = Target("http://192.0.2.10:8080", "apikey", "client-key", allow_real_calls=True)
    allowed._control = False
    assert skip_reason(load()["make.counts"], allowed) == ""


def test_pytest_pyargs_runs_the_same_suite(live, tmp_path) -> None:
    junit = tmp_path / "suite.xml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--pyargs",
            "contract_tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "--autodialer-base-url",
            live.url,
            "--autodialer-other-api-key",
            "other",
            "--autodialer-other-access-token",
            "other-token",
            "--autodialer-max-examples",
            "3",
            "-k",
            "vendor-example or isolation",  # the whole suite runs in test_check_passes_...
            f"--junit-xml={junit}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert not (tmp_path / ".hypothesis").exists()  # in the user's cache folder instead
    cases = {case.get("name") for case in ET.parse(junit).getroot().iter("testcase")}
    assert cases == {"test_rule[make.vendor-example]", "test_rule[isolation]"}
