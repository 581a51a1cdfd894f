"""The OpenAPI document assembled from schemas/, served by the emulator, and Schemathesis
run against the live emulator with it: no server error, no answer off its schema."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contract_tests.cli import main
from contract_tests.server import MockServer
from schemas import load_all
from schemas.openapi import build

schema = schemathesis.openapi.from_dict(build())


@pytest.fixture(scope="module")
def live() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


def test_every_schema_file_is_a_component_and_no_urn_is_left() -> None:
    document = build()
    assert set(document["components"]["schemas"]) == set(load_all())
    assert "urn:autodialer-mock:" not in json.dumps(document)


def test_the_emulator_serves_the_document(live: MockServer) -> None:
    with urllib.request.urlopen(live.url + "/_mock/openapi.json") as response:
        assert json.loads(response.read()) == build()


def test_the_command_writes_the_same_document(tmp_path) -> None:
    assert main(["openapi", "-o", str(tmp_path / "openapi.json")]) == 0
    assert json.loads((tmp_path / "openapi.json").read_text("utf-8")) == build()


@schema.parametrize()
@settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(case, live: MockServer) -> None:
    if "api_key" in (case.path_parameters or {}):
        case.path_parameters["api_key"] = live.api_key  # a random key only meets the 401
    case.call_and_validate(
        base_url=live.url,
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
        ],
    )
