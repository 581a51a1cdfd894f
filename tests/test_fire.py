"""``autodialer-mock fire``: synthetic, schema-valid webhook traffic with a summary."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook

from mockserver import cli
from mockserver.loadgen.fire import KINDS, Plan, Summary, fire, requests
from mockserver.validation import validator

from .receiver import HANG, SLOW
from .support import ROOT
from .test_webhooks import SECRET

NONE = dict.fromkeys(KINDS, 0)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver_thread() -> Iterator[str]:
    """A receiver that answers 204 from a thread, for a fire running in another process."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


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


async def test_fire_counts_non_2xx_answers_by_kind(receiver) -> None:
    receiver.script = [500, 404, 503]
    summary = await fire(Plan(receiver.url, count=5, rate=1000, concurrency=1))
    assert (summary.ok, summary.non_2xx, summary.errors) == (2, 3, 0)
    assert summary.to_dict()["errors_by_kind"] == {**NONE, "4xx": 1, "5xx": 2}


async def test_fire_counts_time_outs_by_kind(receiver) -> None:
    receiver.script = [HANG]
    summary = await fire(Plan(receiver.url, count=2, rate=0, timeout=0.2, concurrency=2))
    assert summary.to_dict()["errors_by_kind"] == {**NONE, "time-out": 1}


async def test_fire_counts_a_down_receiver_as_refused() -> None:
    summary = await fire(Plan(f"http://127.0.0.1:{closed_port()}/hook", count=3, rate=0))
    assert summary.to_dict()["errors_by_kind"] == {**NONE, "refused": 3}
    assert "failed 3 (refused 3)" in summary.line()


async def test_fire_unpaced_keeps_at_most_concurrency_in_flight(receiver) -> None:
    receiver.script = [SLOW] * 6
    summary = await fire(Plan(receiver.url, count=6, rate=0, concurrency=2))
    assert summary.ok == 6 and receiver.max_in_flight == 2


async def test_fire_reports_progress_while_it_runs(receiver) -> None:
    receiver.script = [SLOW] * 3
    seen: list[int] = []
    plan = Plan(receiver.url, count=3, rate=0, concurrency=1)
    await fire(plan, lambda summary: seen.append(summary.sent), every=0.05)
    assert seen and seen == sorted(seen) and seen[-1] < 3  # reported before the end


async def test_fire_summary_has_elapsed_time_and_throughput(receiver) -> None:
    summary = await fire(Plan(receiver.url, count=10, rate=0))
    shown = summary.to_dict()
    assert shown["elapsed_s"] == round(summary.elapsed_s, 3) and summary.elapsed_s > 0
    assert shown["events_per_s"] == round(10 / summary.elapsed_s, 1)


def test_split_requests_send_each_event_once_between_workers() -> None:
    plan = Plan("http://127.0.0.1:9/", count=50, rate=0, duplicates=0.3)
    whole = [r.msg_id for r in requests(plan)]
    shares = [r.msg_id for worker in range(3) for r in requests(plan, worker, 3)]
    assert sorted(shares) == sorted(whole)


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


def test_fire_command_prints_progress_lines_when_stderr_is_not_a_terminal(receiver_thread) -> None:
    argv = ["fire", "--url", receiver_thread, "--count", "30", "--rate", "100"]
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", *argv, "--progress-every", "0.1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"^fire: \d+/30 sent, 2xx \d+, failed 0, \d+ events/s", done.stderr, re.M)


def test_fire_help_shows_the_defaults(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["fire", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "events to send (default: 1000)" in shown
    assert "(default: 1000)" in shown.split("--rate R", 1)[1]


def test_fire_command_refuses_a_bad_rate(capsys) -> None:
    assert cli.main(["fire", "--url", "http://127.0.0.1:9/", "--count", "1", "--rate", "-1"]) == 2
    assert "--rate" in capsys.readouterr().err


def test_the_docs_fire_against_a_down_receiver_prints_what_they_show() -> None:
    doc = (ROOT / "docs" / "webhooks.md").read_text("utf-8")
    command, shown = re.search(
        r"<!-- fire-down -->\n```sh\n(.*?)\n```\n```\n(.*?)\n```", doc, re.S
    ).groups()
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", *shlex.split(command)[1:]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    timing = re.compile(r"in \d+\.\d s \(\d+ events/s\)")  # the only figures that vary
    assert timing.sub("in T", done.stdout.strip()) == timing.sub("in T", shown)


def test_the_docs_fire_option_table_matches_fire_defaults() -> None:
    doc = (ROOT / "docs" / "webhooks.md").read_text("utf-8")
    section = doc.split("## Synthetic traffic", 1)[1].split("\n## ", 1)[0]
    table = dict(re.findall(r"^\| `(--[a-z-]+)[^`]*` \| `([^`]*)` \|", section, re.M))
    commands = next(a for a in cli._parser()._actions if a.dest == "command")
    fire_parser = commands.choices["fire"]  # type: ignore[index]
    defaults = {a.option_strings[-1]: str(a.default) for a in fire_parser._actions}
    assert table and {option: defaults[option] for option in table} == table
