"""The webhook parts of the client kit: ``autodialer_mock.webhooks`` from sync and async tests,
the webhook strategies (signatures checked by the ``standardwebhooks`` reference library) and
the one-line webhook validators."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs

import aiohttp
import pytest
import requests
from hypothesis import given
from standardwebhooks import Webhook

from contract_tests.server import MockServer
from contract_tests.strategies import invalid_webhook_events, webhook_events, webhook_requests
from contract_tests.validators import explain_webhook, explain_webhook_request
from contract_tests.webhook_log import UndeliveredWebhooks
from contract_tests.webhook_requests import build_request

from .test_webhooks import SECRET

ANSWERED, BUSY = "89001230000", "89001230001"
CALL = {"id": 0, "name": "Пётр", "UUID": "crm-42", "timestart": "09:00", "timestop": "19:00"}


class SyncReceiver(BaseHTTPRequestHandler):
    """What a sync user might run: the stdlib's server, verifying with the reference library."""

    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(Webhook(SECRET).verify(body, dict(self.headers)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sync_receiver() -> Iterator[str]:
    SyncReceiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SyncReceiver)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_a_subscribed_receiver_gets_signed_events_sync(
    autodialer_mock: MockServer, sync_receiver: str
) -> None:
    autodialer_mock.webhooks.subscribe(sync_receiver, secret=SECRET, statuses=["ANSWER"])
    for phone in (ANSWERED, BUSY):
        requests.post(f"{autodialer_mock.base}/newcall", data={**CALL, "phone": phone})
    autodialer_mock.advance(minutes=5)  # the advance returns once the webhooks were attempted
    [event] = SyncReceiver.received  # verified by standardwebhooks; BUSY is not subscribed
    assert (event["phone"], event["code"], event["answer"]) == (ANSWERED, "ANSWER/16", "да")
    assert autodialer_mock.webhooks.events() == [event]
    [delivery] = autodialer_mock.webhooks.deliveries()
    assert (delivery["state"], delivery["attempts"][0]["status"]) == ("succeeded", 204)
    autodialer_mock.webhooks.assert_all_delivered()


def test_subscriptions_of_a_test_are_gone_in_the_next(autodialer_mock: MockServer) -> None:
    autodialer_mock.webhooks.subscribe("http://127.0.0.1:9/a", id="crm")
    assert [s["id"] for s in autodialer_mock.webhooks.subscriptions()] == ["crm"]
    autodialer_mock.clear()  # what the fixture does before each test
    assert autodialer_mock.webhooks.subscriptions() == []


def test_retries_after_a_clear_run_on_the_rewound_clock(autodialer_mock: MockServer) -> None:
    autodialer_mock.advance(hours=5)  # as an earlier test of the session might have
    autodialer_mock.clear()
    autodialer_mock.webhooks.subscribe("http://127.0.0.1:9/hook", id="crm", schedule=[0, 5])
    requests.post(f"{autodialer_mock.base}/newcall", data={**CALL, "phone": ANSWERED})
    autodialer_mock.advance(minutes=5)  # refused when the call ends, and again 5 s later
    [delivery] = autodialer_mock.webhooks.deliveries()
    first, retry = (datetime.fromisoformat(a["at"]) for a in delivery["attempts"])
    [call] = autodialer_mock.calls
    assert first == datetime.fromisoformat(call["history"][0]["ended"])
    assert (retry - first).total_seconds() == 5


def test_undelivered_webhooks_fail_naming_the_delivery(autodialer_mock: MockServer) -> None:
    autodialer_mock.webhooks.subscribe("http://127.0.0.1:9/hook", id="crm", schedule=[0])
    requests.post(f"{autodialer_mock.base}/newcall", data={**CALL, "phone": ANSWERED})
    autodialer_mock.advance(minutes=5)  # nothing listens on port 9: refused, schedule used up
    with pytest.raises(UndeliveredWebhooks, match=r"subscription 'crm': failed, 1 attempt"):
        autodialer_mock.webhooks.assert_all_delivered()
    assert autodialer_mock.webhooks.events() == []
    [body] = autodialer_mock.webhooks.events(state=None)
    assert body["phone"] == ANSWERED


async def test_a_subscribed_receiver_gets_form_events_async(
    autodialer_mock: MockServer, receiver
) -> None:
    autodialer_mock.webhooks.subscribe(
        receiver.url, secret=SECRET, format="form", fields={"phone": "tel"}
    )
    async with aiohttp.ClientSession() as session:
        form = {**CALL, "phone": BUSY}
        async with session.post(f"{autodialer_mock.base}/newcall", data=form) as response:
            assert response.status == 200
    await autodialer_mock.aadvance(minutes=5)  # the loop stays free for the receiver
    [request] = receiver.requests
    assert explain_webhook_request(request.headers, request.body, SECRET) is None
    assert parse_qs(request.body.decode())["tel"] == [BUSY]
    [event] = autodialer_mock.webhooks.events()
    assert (event["tel"], event["code"], event["duration"]) == (BUSY, "BUSY/17", "0")


@given(webhook_events())
def test_generated_events_are_schema_valid(event) -> None:
    assert explain_webhook(event) is None


@given(invalid_webhook_events())
def test_invalid_events_are_explained_in_one_line(event) -> None:
    found = explain_webhook(event)
    assert found is not None and "\n" not in found


@given(webhook_requests(secret=SECRET))
def test_generated_requests_verify_with_the_reference_library(request) -> None:
    assert Webhook(SECRET).verify(request.body, request.headers) == json.loads(request.body)
    assert explain_webhook_request(request.headers, request.body, SECRET) is None


EVENT = {
    "event_id": "evt_1",
    "query_id": 40133707428585176,
    "id": "1",
    "UUID": "crm-42",
    "phone": "89001230000",
    "duration": 0,
    "code": "BUSY/17",
    "time": "2026-11-27 10:15:03 +0300",
    "attempts": 1,
    "var1": "",
    "var2": "",
    "var3": "",
    "record": "",
    "answer": "",
}


@pytest.mark.parametrize(
    ("event", "explanation"),
    [
        ({**EVENT, "duration": "0"}, "webhook.event: duration: '0' is not of type 'integer'"),
        ({**EVENT, "time": "2026-11-27 10:15:03"}, "time: must be YYYY-MM-DD HH:MM:SS +HHMM"),
        ({**EVENT, "answer": "да"}, "answer: must be empty or 0 unless answered"),
        ({**EVENT, "startus": 1}, "startus: is not a known key"),
    ],
)
def test_explain_webhook_names_the_field(event, explanation) -> None:
    assert explanation in (explain_webhook(event) or "")


def test_explain_webhook_request_checks_the_headers() -> None:
    good = build_request(EVENT, secret=SECRET)
    assert explain_webhook_request(good.headers, good.body, SECRET) is None
    other = "whsec_" + "QW5vdGhlciBzZWNyZXQsIG5vdCB0aGUgcmVjZWl2ZXIncw=="
    assert "does not verify" in explain_webhook_request(good.headers, good.body, other)
    renamed = build_request(EVENT, secret=SECRET, msg_id="evt_2")
    assert "not the body's event_id" in explain_webhook_request(renamed.headers, renamed.body)
    stale = build_request(EVENT, timestamp=1_000_000_000)
    assert "from now" in explain_webhook_request(stale.headers, stale.body)
