"""The Locust user class (``mockserver/loadgen/locustfile.py``): fire's events from several
worker processes, each event sent once between them, signed as fire signs them.

Runs Locust headless in a subprocess against a receiver on 127.0.0.1, for a bounded
count of events and a bounded run time; skipped when the ``load`` extra is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from standardwebhooks import Webhook

from mockserver.validation import validator

from .test_webhooks import SECRET

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("locust") is None, reason="needs the load extra (locust)"
)
LOCUSTFILE = Path(__file__).resolve().parent.parent / "mockserver" / "loadgen" / "locustfile.py"


@dataclass
class Got:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    got: list[Got] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Records every request and answers 204, from a thread: Locust runs in other processes."""
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                found.got.append(Got(dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hook")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()


def locust(*options: str) -> subprocess.CompletedProcess[str]:
    """A headless run, bounded: 60 s of load at most, 120 s in all."""
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    return subprocess.run(
        [*command, "-t", "60s", "--only-summary", "--loglevel", "WARNING", *options],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_locust_path_is_printed_by_running_the_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mockserver.loadgen.locustfile"], capture_output=True, text=True
    )
    assert Path(done.stdout.strip()) == LOCUSTFILE


def test_two_worker_processes_send_every_event_once_signed(receiver: Receiver) -> None:
    done = locust(
        *("--processes", "2", "-u", "4", "-r", "4", "--host", receiver.url),
        *("--fire-count", "300", "--fire-secret", SECRET),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    ids = [got.headers["webhook-id"] for got in receiver.got]
    assert len(ids) == 300 and len(set(ids)) == 300
    for got in receiver.got:
        event = Webhook(SECRET).verify(got.body, got.headers)
        assert validator("webhook.event").errors(event) == []


def test_options_come_from_a_subscription_of_the_emulators_config(
    receiver: Receiver, tmp_path: Path
) -> None:
    hook = {"id": "crm", "url": receiver.url, "format": "form", "statuses": ["BUSY"]}
    hook |= {"fields": {"phone": "tel"}, "secret": SECRET}
    config = {"accounts": [{"api_key": "k", "access_token": "t", "webhooks": [hook]}]}
    path = tmp_path / "mock.json"
    path.write_text(json.dumps(config), "utf-8")
    done = locust("-u", "2", "-r", "2", "--fire-count", "20", "--fire-config", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(receiver.got) == 20
    for got in receiver.got:
        when = datetime.fromtimestamp(int(got.headers["webhook-timestamp"]), timezone.utc)
        signed = Webhook(SECRET).sign(got.headers["webhook-id"], when, got.body.decode())
        assert got.headers["webhook-signature"] == signed  # a form body: verify() reads JSON
        form = dict(parse_qsl(got.body.decode()))
        assert form["code"] == "BUSY/17" and "tel" in form and "phone" not in form


def test_a_bad_option_is_refused_naming_it() -> None:
    done = locust("-u", "1", "--host", "http://127.0.0.1:9/", "--fire-statuses", "LATE")
    assert done.returncode == 2
    assert "--fire-statuses: must be among" in done.stderr
