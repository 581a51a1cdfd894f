"""``autodialer-mock fire``: synthetic, schema-valid webhook traffic with a summary."""

from __future__ import annotations

import asyncio
import json

from standardwebhooks import Webhook

from mockserver import cli
from mockserver.loadgen.fire import Plan, Summary, fire
from mockserver.validation import validator

from .test_webhooks import SECRET


async def test_fire_sends_count_schema_valid_events(receiver) -> None:
    summary = await fire(Plan(receiver.url, count=20, rate=1000))
    assert (summary.sent, summary.ok) == (20, 20)
    assert all(validator("webhook.event").errors(r.json()) == [] for r in receiver.requests)


async def test_fire_sends_only_the_statuses_asked(receiver) -> None:
    await fire(Plan(receiver.url, count=10, rate=1000, statuses=["BUSY"]))
    assert {r.json()["code"] for r in receiver.requests} == {"BUSY/17"}


async def test_fire_signs_with_the_secret(receiver) -> None:
    await fire(Plan(receiver.url, count=3, rate=1000, secret=SECRET))
    for request in receiver.requests:
        Webhook(SECRET).verify(request.body, request.headers)


async def test_fire_duplicates_resend_the_same_webhook_id(receiver) -> None:
    summary = await fire(Plan(receiver.url, count=10, rate=1000, duplicates=1))
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert summary.sent == 20 and len(set(ids)) == 10


async def test_fire_counts_non_2xx_answers(receiver) -> None:
    receiver.script = [500, 404]
    summary = await fire(Plan(receiver.url, count=5, rate=1000, concurrency=1))
    assert (summary.ok, summary.non_2xx, summary.errors) == (3, 2, 0)


def test_latency_percentiles_are_nearest_rank() -> None:
    summary = Summary(latencies_ms=[float(i) for i in range(1, 101)])
    assert (summary.percentile(50), summary.percentile(95), summary.percentile(99)) == (
        50.0,
        95.0,
        99.0,
    )


async def test_fire_command_prints_the_summary(receiver, capsys) -> None:
    argv = ["fire", "--url", receiver.url, "--count", "5", "--rate", "1000", "--json"]
    code = await asyncio.to_thread(cli.main, argv)  # its own event loop; the receiver runs on ours
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {k: summary[k] for k in ("sent", "2xx", "non_2xx", "errors")} == {
        "sent": 5,
        "2xx": 5,
        "non_2xx": 0,
        "errors": 0,
    }
    assert set(summary["latency_ms"]) == {"p50", "p95", "p99"}


def test_fire_command_refuses_a_bad_rate(capsys) -> None:
    assert cli.main(["fire", "--url", "http://127.0.0.1:9/", "--count", "1", "--rate", "0"]) == 2
    assert "--rate" in capsys.readouterr().err
