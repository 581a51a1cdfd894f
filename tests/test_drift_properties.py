"""Drift's invariants: the emulator never drifts from its own contract, and redaction keeps
what the duplicate rule reads (one subscriber stays one, two stay two)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tests import strategies
from contract_tests.server import MockServer
from mockserver.cassette import Exchange
from mockserver.drift import check
from mockserver.phones import normalise
from mockserver.redact import Redactor


@pytest.fixture(scope="module")
def emulator() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


def exchange_of(answer: requests.Response) -> Exchange:
    request = answer.request
    path, _, query = str(request.path_url).partition("?")
    body = request.body or b""
    return Exchange(
        method=str(request.method),
        path=path,
        query=query,
        request_type=request.headers.get("Content-Type", ""),
        request_body=body.encode() if isinstance(body, str) else body,
        status=answer.status_code,
        headers={"Content-Type": answer.headers.get("Content-Type", "")},
        body=answer.content,
    )


@settings(max_examples=25)
@given(body=st.one_of(strategies.make_bodies(), strategies.make_bodies(token="wrong")))
def test_the_emulators_make_answers_never_drift(emulator: MockServer, body: Any) -> None:
    answer = requests.post(f"{emulator.base}/make", json=body)
    assert check(exchange_of(answer)) == []


@settings(max_examples=25)
@given(form=st.one_of(strategies.newcall_forms(), strategies.invalid_newcall_forms()))
def test_the_emulators_newcall_answers_never_drift(emulator: MockServer, form: Any) -> None:
    answer = requests.post(f"{emulator.base}/newcall", data=form)
    assert check(exchange_of(answer)) == []


@settings(max_examples=25)
@given(query=st.one_of(strategies.cdr_queries(), strategies.invalid_cdr_queries()))
def test_the_emulators_cdr_answers_never_drift(emulator: MockServer, query: Any) -> None:
    emulator.advance(minutes=30)  # calls of the examples before end and reach the cdr
    answer = requests.get(f"{emulator.base}/cdr", params=query)
    assert check(exchange_of(answer)) == []


@given(rows=strategies.batches(invalid=False))
def test_redaction_keeps_one_subscriber_one_and_two_two(rows: list[Any]) -> None:
    body = json.dumps({"query": {"access_token": "t", "data": rows}}).encode()
    exchange = Exchange("POST", "/k/make", request_type="application/json", request_body=body)
    redacted = json.loads(Redactor().exchange(exchange).request_body)["query"]["data"]
    before = [normalise(row["phone"]) for row in rows]
    after = [normalise(row["phone"]) for row in redacted]
    assert [before.index(p) for p in before] == [after.index(p) for p in after]
