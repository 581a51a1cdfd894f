"""The OpenAPI document assembled from schemas/: every route of the control API is in it,
the emulator serves it, and Schemathesis (every check, positive and negative data, the
stateful phase) run against the live emulator reports nothing but documented behaviour."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.cli import main
from contract_tests.server import MockServer
from mockserver.server.app import create_app
from mockserver.validation import validator
from schemas import load_all
from schemas.openapi import FORM_VIEWS, build

CONFIG = Path(__file__).parent / "schemathesis.toml"
#: Routes of /_mock/ that are the dashboard's own, not the control API.
DASHBOARD = {"/_mock/ui", "/_mock/ui/{name}", "/_mock/summary", "/_mock/outcomes", "/_mock/cdr"}
DASHBOARD |= {"/_mock/upload"}
#: Operations the main generated run leaves out: a generated configuration or traffic plan
#: could send webhooks to any host (the suite talks to 127.0.0.1 only). The configuration
#: is fuzzed on its own, where no call is placed, so no webhook is sent.
SENDS_ANYWHERE = ["/_mock/config", "/_mock/fire"]
#: What Schemathesis still reports that this document cannot fix: the emulator's own
#: answers, each to be settled in the server (then the entry goes).
KNOWN = {
    ("POST /_mock/reset", "ST201"): "a control write accepts a missing or non-object body",
    ("POST /_mock/deliveries/replay", "ST201"): "the same, on replay",
    ("POST /_mock/deliveries/{id}/replay", "ST201"): "the same, on replay",
    ("GET /_mock/deliveries", "ST201"): "a repeated query parameter is read once, not refused",
    ("GET /_mock/calls", "ST201"): "the same",
    ("GET /_mock/jobs", "ST201"): "the same",
    ("GET /_mock/journal", "ST201"): "the same",
}


@pytest.fixture(scope="module")
def live() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


def test_every_schema_file_is_a_component_and_no_urn_is_left() -> None:
    document = build()
    assert set(document["components"]["schemas"]) == set(load_all()) | set(FORM_VIEWS.values())
    assert "urn:autodialer-mock:" not in json.dumps(document)


def test_every_route_of_the_control_api_is_in_the_document() -> None:
    routes = {
        re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", r.resource.canonical)
        for r in create_app_routes()
        if r.resource is not None and r.resource.canonical.startswith("/_mock/")
    }
    assert routes - DASHBOARD == {p for p in build()["paths"] if p.startswith("/_mock/")}


def create_app_routes() -> list:
    from tests.support import manual_config

    return list(create_app(manual_config()).router.routes())


@pytest.mark.parametrize("date", ["0000-01-01", "2026-02-30", "2026-00-10", "2025-02-29"])
def test_the_date_pattern_refuses_what_the_server_refuses(date: str) -> None:
    assert validator("cdr.request").errors({"date_from": date})


@pytest.mark.parametrize("date", ["2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"])
def test_the_date_pattern_admits_every_real_date(date: str) -> None:
    assert not validator("cdr.request").errors({"date_from": date})


def test_a_body_less_cdr_is_valid_and_make_declares_its_413() -> None:
    paths = build()["paths"]
    assert paths["/{api_key}/cdr"]["post"]["requestBody"]["required"] is False
    assert paths["/{api_key}/newcall"]["post"]["requestBody"]["required"] is True
    assert "413" in paths["/{api_key}/make"]["post"]["responses"]


def test_control_writes_declare_json_bodies() -> None:
    for path, item in build()["paths"].items():
        for method in ("post", "put"):
            if path.startswith("/_mock/") and method in item:
                body = item[method]["requestBody"]
                assert body["required"] and list(body["content"]) == ["application/json"], path


def test_the_emulator_serves_the_document(live: MockServer) -> None:
    with urllib.request.urlopen(live.url + "/_mock/openapi.json") as response:
        assert json.loads(response.read()) == build()


def test_the_command_writes_the_same_document(tmp_path) -> None:
    assert main(["openapi", "-o", str(tmp_path / "openapi.json")]) == 0
    assert json.loads((tmp_path / "openapi.json").read_text("utf-8")) == build()


def failures_of(output: str) -> set[tuple[str, str]]:
    """(operation, ST code) of every failure in Schemathesis's report."""
    found, operation = set(), ""
    for line in output.splitlines():
        title = re.match(r"^_{3,} (\S+ \S+) _{3,}$", line)
        if title:
            operation = title.group(1)
        code = re.match(r"^- (ST\d+) ", line)
        if code and operation:
            found.add((operation, code.group(1)))
    return found


ST = Path(sys.executable).parent / "st"


def schemathesis(url: str, tmp_path: Path, *options: str) -> str:
    """``st run`` with the suite's configuration against ``url``; its report."""
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(build()), "utf-8")
    command = [str(ST), "--config-file", str(CONFIG), "run", str(document), "--url", url]
    command += ["--checks", "all", "--mode", "all", "--no-color", *options]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert "Loaded specification" in done.stdout, done.stdout + done.stderr
    return done.stdout


needs_st = pytest.mark.skipif(not ST.exists(), reason="the schemathesis command is not installed")


@needs_st
def test_schemathesis_reports_nothing_but_documented_behaviour(live: MockServer, tmp_path) -> None:
    phases = ["--phases", "examples,fuzzing,stateful", "--max-time", "45"]
    left_out = [option for path in SENDS_ANYWHERE for option in ("--exclude-path", path)]
    report = schemathesis(live.url, tmp_path, *phases, *left_out)
    unexpected = failures_of(report) - set(KNOWN)
    assert not unexpected, report[-6000:]
    assert "Stateful" in report


@needs_st
def test_schemathesis_finds_the_configuration_routes_as_documented(tmp_path) -> None:
    """PUT /_mock/config on its own emulator, without the stateful phase: a generated
    subscription is never triggered, as no call is placed."""
    with MockServer() as server:
        phases = ["--phases", "examples,fuzzing", "--max-time", "20"]
        report = schemathesis(server.url, tmp_path, *phases, "--include-path", "/_mock/config")
    assert not failures_of(report), report[-6000:]
