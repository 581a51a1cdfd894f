"""``autodialer-contract client``: the journal after a client's run, its slips per request and
what of the contract it exercised; real PHP (php-cli + php-curl) and node clients, each
skipped when absent; and the fixture's ``coverage()``."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from contract_tests.cli import main
from contract_tests.server import MockServer

CLIENTS = Path(__file__).parent / "clients"
ROWS = [{"id": "1", "phone": "89001110000"}]


def _php_with_curl() -> bool:
    php = shutil.which("php")
    if php is None:
        return False
    modules = subprocess.run([php, "-m"], capture_output=True, text=True, check=False).stdout
    return "curl" in modules.split()


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as emulator:
        yield emulator


@pytest.fixture
def emulator(server: MockServer) -> MockServer:
    server.clear()
    return server


def post_json(url: str, body: object) -> int:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def run_client(command: list[str], emulator: MockServer, field: str) -> None:
    done = subprocess.run(
        [*command, emulator.url, field], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def gate(emulator: MockServer, capsys: pytest.CaptureFixture[str], *more: str) -> tuple[int, str]:
    code = main(["client", "--base-url", emulator.url, *more])
    return code, capsys.readouterr().out


@pytest.mark.skipif(not _php_with_curl(), reason="php-cli with php-curl not installed")
def test_the_gate_fails_a_php_client_that_sends_startdialertime(emulator, capsys) -> None:
    run_client(["php", str(CLIENTS / "client.php")], emulator, "startdialertime")
    code, out = gate(emulator, capsys)
    assert code == 1
    assert "query.data[0].startdialertime" in out and "did you mean 'statdialertime'?" in out


@pytest.mark.skipif(not _php_with_curl(), reason="php-cli with php-curl not installed")
def test_the_gate_passes_a_correct_php_client_and_shows_its_coverage(emulator, capsys) -> None:
    run_client(["php", str(CLIENTS / "client.php")], emulator, "statdialertime")
    code, out = gate(emulator, capsys, "--require", "make,newcall,cdr,inheritance,cdr-to")
    assert code == 0, out
    assert "client.slip" not in out
    assert "forced-0000    yes (1)" in out and "errorcode-4    NO" in out


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_the_gate_fails_a_node_client_that_sends_startdialertime(emulator, capsys) -> None:
    run_client(["node", str(CLIENTS / "client.mjs")], emulator, "startdialertime")
    code, out = gate(emulator, capsys)
    assert code == 1 and "did you mean 'statdialertime'?" in out


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_the_gate_passes_a_correct_node_client(emulator, capsys) -> None:
    run_client(["node", str(CLIENTS / "client.mjs")], emulator, "statdialertime")
    code, out = gate(emulator, capsys, "--require", "make,newcall,cdr")
    assert code == 0, out


def test_require_fails_naming_what_was_never_exercised(emulator, capsys) -> None:
    post_json(f"{emulator.base}/make", {"query": {"access_token": "client-key", "data": []}})
    code, out = gate(emulator, capsys, "--require", "errorcode-4,cdr")
    assert code == 1
    assert (
        "errorcode-4 (a make refused for more than 1000 rows (HTTP 413)) was not exercised" in out
    )


def test_a_refusal_the_client_caused_is_a_slip_unless_required(emulator, capsys) -> None:
    post_json(f"{emulator.base}/make", {"query": {"access_token": "wrong", "data": ROWS}})
    code, out = gate(emulator, capsys)
    assert code == 1 and "HTTP 401 caused by the request" in out
    code, out = gate(emulator, capsys, "--require", "errorcode-1")
    assert code == 0, out


def test_since_reads_only_the_entries_after_it(emulator, capsys) -> None:
    post_json(f"{emulator.base}/make", {"query": {"access_token": "wrong", "data": ROWS}})
    last = emulator.journal[-1]["id"]
    code, out = gate(emulator, capsys, "--since", str(last))
    assert code == 0 and f"(0 requests after journal id {last})" in out


def test_the_junit_file_has_a_case_per_request_with_slips(emulator, capsys, tmp_path) -> None:
    post_json(f"{emulator.base}/make", {"query": {"access_token": "wrong", "data": ROWS}})
    junit = tmp_path / "client.xml"
    assert gate(emulator, capsys, "--junit-xml", str(junit))[0] == 1
    [case] = ET.parse(junit).getroot().iter("testcase")
    assert case.get("name", "").endswith("/apikey/make -> 401")
    failure = case.find("failure")
    assert failure is not None and "client.slip" in failure.get("message", "")


def test_an_unknown_required_case_exits_2(emulator, capsys) -> None:
    assert main(["client", "--base-url", emulator.url, "--require", "nope"]) == 2
    assert "unknown cases: nope" in capsys.readouterr().err


def test_the_fixture_tells_what_a_test_exercised(emulator) -> None:
    rows = [
        {"id": "1", "phone": "89001110001", "statdialertime": "09:00"},
        {"id": "2", "phone": "89001110001"},
    ]
    post_json(f"{emulator.base}/make", {"query": {"access_token": "client-key", "data": rows}})
    coverage = emulator.coverage()
    assert coverage.exercised("inheritance") and coverage.exercised("duplicates")
    assert coverage.exercised("errorcode-2") and coverage.exercised("forced-0001")
    assert "newcall" in coverage.missing
