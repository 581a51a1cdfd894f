"""The kit against servers nobody on the project wrote: a schema-fed fake (and Prism, when
installed) is not taken for the emulator and fails rules by name, never with an ERROR; a
sloppy hand-written server has each of its slips reported under its own rule, with the
minimal example in full."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from aiohttp import web

from contract_tests.cli import main
from contract_tests.properties import load
from contract_tests.report import summary
from contract_tests.runner import ERROR, FAILED, PASSED, SKIPPED, Outcome, kit_settings, run
from contract_tests.server import MockServer
from contract_tests.target import Target
from mockserver.config import Config
from mockserver.server.app import create_app

from . import broken
from .schema_fed import create_fake
from .test_kit_catches import two_accounts


@pytest.fixture(scope="module")
def fake() -> Iterator[MockServer]:
    with MockServer(app_factory=lambda config: create_fake()) as server:
        yield server


@pytest.fixture(scope="module")
def sloppy() -> Iterator[dict[str, Outcome]]:
    """Every rule run once against the sloppy server (module-wide: the tests read it)."""
    with MockServer(app_factory=broken.sloppy_server) as server:
        outcomes = run(Target(server.url, "apikey", "client-key"), kit_settings(15))
    return {o.name: o for o in outcomes}


def rules_of(outcome: Outcome) -> set[str]:
    return {f.rule for f in outcome.failures}


def test_a_schema_fed_fake_is_not_taken_for_the_emulator(fake) -> None:
    target = Target(fake.url, "apikey", "client-key")
    assert not target.has_control
    assert "GET /_mock/journal" in target.control_problem


def test_the_emulator_proves_itself_through_its_journal() -> None:
    with MockServer() as server:
        target = Target(server.url, "apikey", "client-key")
        assert target.has_control, target.control_problem


def test_against_a_schema_fed_fake_rules_fail_by_name_and_none_errors(fake) -> None:
    outcomes = run(Target(fake.url, "apikey", "client-key", "other", "x"), kit_settings(5))
    text = summary(outcomes)
    assert not [o.name for o in outcomes if o.status == ERROR], text
    failed = {o.name for o in outcomes if o.status == FAILED}
    assert {"make.vendor-example", "make.counts", "refusals", "cdr.rejects"} <= failed, text
    skipped = {o.name: o.reason for o in outcomes if o.status == SKIPPED}
    assert set(skipped) == {n for n, p in load().items() if "control" in p.needs}
    assert all("control API" in reason for reason in skipped.values())


def _reset_refused(config: Config) -> web.Application:
    """The emulator, but its reset answers 404: a control API the kit cannot rely on."""

    @web.middleware
    async def no_reset(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        if request.path == "/_mock/reset":
            return web.json_response({"error": "gone"}, status=404)
        return await handler(request)

    app = create_app(config)
    app.middlewares.append(no_reset)
    return app


def test_a_control_api_that_misbehaves_leaves_the_black_box_rules_running() -> None:
    with MockServer(two_accounts(), _reset_refused) as server:
        target = Target(server.url, "apikey", "client-key")
        outcomes = {o.name: o for o in run(target, kit_settings(3), ["refusals", "model"])}
    assert outcomes["refusals"].status == PASSED, summary(list(outcomes.values()))
    assert outcomes["model"].status == SKIPPED
    assert "/_mock/reset" in outcomes["model"].reason and "404" in outcomes["model"].reason


def test_rules_says_which_rules_need_the_control_api(capsys) -> None:
    assert main(["rules"]) == 0
    lines = {line.split(":")[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "[needs the emulator's control API]" in lines["cdr.filters"]
    assert "without it, only the counts" in lines["make.inheritance"]
    assert "[" not in lines["make.counts"]


# -- a sloppy server: each planted slip under its own rule ---------------------------------


def test_ignored_inheritance_is_reported_black_box_with_the_row_marked(sloppy) -> None:
    outcome = sloppy["make.inheritance"]
    assert rules_of(outcome) == {"make.inheritance"}
    rows = [line for line in outcome.example.splitlines() if '"id"' in line]
    assert len(rows) == 2  # one row giving a time, one that inherits it
    assert rows[1].startswith("→") and "(from row 1)" in rows[1]


def test_integer_report_values_are_reported_under_their_own_rule(sloppy) -> None:
    outcome = sloppy["make.report-strings"]
    assert outcome.status == FAILED and "(int)" in outcome.failures[0].message


def test_1001_rows_accepted_is_reported_with_the_report_as_received(sloppy) -> None:
    outcome = sloppy["make.row-limit"]
    assert rules_of(outcome) == {"make.row-limit"}
    assert '"lines": 1001, "ok": 1001' in outcome.failures[-1].message  # integers, as sent


def test_a_pending_duplicate_taken_as_new_is_reported_with_the_row_marked(sloppy) -> None:
    outcome = sloppy["make.duplicates"]
    assert rules_of(outcome) == {"make.duplicates"}
    assert outcome.example.splitlines()[1].startswith("→ ")
    assert "a duplicate of a pending call" in outcome.example
    assert rules_of(sloppy["newcall.accepts"]) == {"newcall.accepts"}


def test_no_date_validation_is_reported_under_cdr_rejects(sloppy) -> None:
    outcome = sloppy["cdr.rejects"]
    assert rules_of(outcome) == {"cdr.rejects"}
    assert outcome.example.startswith("{") and "date" in outcome.example


def test_the_junit_file_holds_the_same_full_example(tmp_path, capsys) -> None:
    junit = tmp_path / "contract.xml"
    with MockServer(app_factory=broken.sloppy_server) as server:
        argv = ["check", "--base-url", server.url, "--only", "make.inheritance"]
        assert main([*argv, "--max-examples", "15", "--junit-xml", str(junit)]) == 1
    out = capsys.readouterr().out
    case = ET.parse(junit).getroot().find("testsuite/testcase[@name='make.inheritance']")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == "broken: make.inheritance"
    marked = [line for line in (failure.text or "").splitlines() if "→" in line]
    assert marked and all(line in out for line in marked)


# -- the kit's own files ---------------------------------------------------------------------


ONE = ["--only", "make.counts", "--max-examples", "3"]


def test_the_command_leaves_no_hypothesis_folder_in_the_working_directory(tmp_path) -> None:
    with MockServer(app_factory=broken.sloppy_server) as server:
        result = subprocess.run(
            [sys.executable, "-m", "contract_tests.cli", "check", "--base-url", server.url, *ONE],
            cwd=tmp_path,
            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1, result.stderr
    assert not (tmp_path / ".hypothesis").exists()


def test_the_model_rule_runs_as_many_sequences_as_max_examples() -> None:
    resets: list[str] = []
    with MockServer() as server:
        target = Target(server.url, "apikey", "client-key")
        target.listeners.append(lambda e: resets.append(e.url) if "/_mock/reset" in e.url else None)
        outcome, *_ = run(target, kit_settings(15), ["model"])
    assert outcome.status == PASSED
    assert len(resets) > 11  # one per sequence (and one before the rule): more than the old 10


# -- Prism on the project's own document, when installed -------------------------------------


def _prism() -> str | None:
    return os.environ.get("PRISM") or shutil.which("prism")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(_prism() is None, reason="prism not installed (npm i @stoplight/prism-cli)")
def test_against_prism_the_kit_exits_1_naming_each_broken_rule_and_no_error(
    tmp_path: Path, capsys
) -> None:
    document = tmp_path / "openapi.json"
    assert main(["openapi", "-o", str(document)]) == 0
    port = _free_port()
    prism = subprocess.Popen(
        [str(_prism()), "mock", str(document), "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)  # Prism starting: a bounded wait for its port, not for calls
        base = f"http://127.0.0.1:{port}"
        code = main(["check", "--base-url", base, "--max-examples", "3"])
    finally:
        prism.terminate()
        prism.wait(timeout=10)
    out = capsys.readouterr().out
    assert code == 1
    assert " ERROR " not in out and "error" not in out.splitlines()[-1]  # table and total
    assert "== make.vendor-example: FAIL" in out and "needs the emulator's control API" in out
