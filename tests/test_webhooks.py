"""Webhooks end to end: a real receiver on 127.0.0.1 gets what a completed record fires."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import pytest
from standardwebhooks import Webhook

from mockserver.clock import parse_iso
from mockserver.validation import validator

from .receiver import HANG, SLOW, Receiver
from .support import Emulator

SECRET = "whsec_" + base64.b64encode(b"autodialer-mock test secret 32b!").decode()
ANSWERED, NO, SILENT, BUSY = "89001230000", "89001230005", "89001230006", "89001230001"
DONE = 200  # seconds: longer than any ring (20 s) plus talk (90 s) of the demo scenario


async def call(emulator: Emulator, phone: str = ANSWERED) -> int:
    """A newcall dialled at once (no window); answers its QUERY_ID."""
    status, body = await emulator.newcall(
        name="Пётр", phone=phone, UUID="crm-42", var1="заказ №7", var2="", var3="ß"
    )
    assert status == 200, body
    return body["QUERY_ID"]


async def test_answered_call_delivers_one_schema_valid_event(emulator, receiver) -> None:
    await emulator.subscribe(receiver.url)
    await call(emulator)
    await emulator.advance(DONE)
    assert len(receiver.requests) == 1
    assert validator("webhook.event").errors(receiver.requests[0].json()) == []


async def test_event_carries_the_records_fields(emulator, receiver) -> None:
    await emulator.subscribe(receiver.url)
    query_id = await call(emulator)
    await emulator.advance(DONE)
    event = receiver.requests[0].json()
    (record,) = await emulator.calls()
    assert event["query_id"] == query_id
    assert (event["phone"], event["UUID"], event["var1"], event["var3"]) == (
        ANSWERED,
        "crm-42",
        "заказ №7",
        "ß",
    )
    assert (event["code"], event["duration"], event["attempts"]) == (
        record["code"],
        record["sec"],
        1,
    )
    assert event["event_id"] == receiver.requests[0].headers["webhook-id"]


@pytest.mark.parametrize(("phone", "answer"), [(ANSWERED, "да"), (NO, "нет"), (SILENT, "")])
async def test_event_carries_the_recognised_answer(emulator, receiver, phone, answer) -> None:
    await emulator.subscribe(receiver.url)
    await call(emulator, phone)
    await emulator.advance(DONE)
    assert receiver.requests[0].json()["answer"] == answer


async def test_status_trigger_fires_only_for_given_statuses(emulator, receiver) -> None:
    await emulator.subscribe(receiver.url, statuses=["ANSWER"])
    await call(emulator, BUSY)
    await call(emulator, ANSWERED)
    await emulator.advance(DONE)
    assert [r.json()["phone"] for r in receiver.requests] == [ANSWERED]


async def test_form_body_carries_renamed_fields(emulator, receiver) -> None:
    await emulator.subscribe(
        receiver.url, format="form", fields={"phone": "tel", "answer": "reply"}
    )
    await call(emulator)
    await emulator.advance(DONE)
    request = receiver.requests[0]
    form = {k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()}
    assert request.content_type == "application/x-www-form-urlencoded"
    assert (form["tel"], form["reply"], form["var1"]) == (ANSWERED, "да", "заказ №7")
    assert "phone" not in form


async def test_signature_verifies_with_the_reference_library(emulator, receiver) -> None:
    await emulator.subscribe(receiver.url, secret=SECRET)
    await call(emulator)
    await emulator.advance(DONE)
    request = receiver.requests[0]
    event = Webhook(SECRET).verify(request.body, request.headers)
    assert event["phone"] == ANSWERED


async def test_form_body_signature_verifies_with_the_reference_library(emulator, receiver) -> None:
    await emulator.subscribe(receiver.url, secret=SECRET, format="form")
    await call(emulator)
    await emulator.advance(DONE)
    request = receiver.requests[0]
    Webhook(SECRET).verify(request.body, request.headers, json_parse=False)


async def test_no_secret_means_no_signature_header(emulator, receiver) -> None:
    await emulator.subscribe(receiver.url)
    await call(emulator)
    await emulator.advance(DONE)
    headers = receiver.requests[0].headers
    assert "webhook-signature" not in headers
    assert headers["webhook-timestamp"].isdigit()


async def test_retry_after_500_resends_the_same_webhook_id(emulator, receiver) -> None:
    receiver.script = [500]
    await emulator.subscribe(receiver.url)
    await call(emulator)
    await emulator.advance(DONE)
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == 2 and ids[0] == ids[1]
    (delivery,) = await emulator.deliveries()
    assert [(a["trigger"], a["status"], a["outcome"]) for a in delivery["attempts"]] == [
        ("first", 500, "http_error"),
        ("retry", 200, "success"),
    ]
    assert delivery["state"] == "succeeded"


async def test_retry_waits_for_its_time_on_the_schedule(emulator, receiver) -> None:
    receiver.script = [500]
    await emulator.subscribe(receiver.url, schedule=[0, 600])
    await call(emulator)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    assert (len(receiver.requests), delivery["state"]) == (1, "pending")
    first = parse_iso(delivery["attempts"][0]["at"])
    assert parse_iso(delivery["next_attempt_at"]) == first + 600
    now = parse_iso((await emulator.advance(0))["now"])
    await emulator.advance(first + 599 - now)
    assert len(receiver.requests) == 1
    await emulator.advance(1)
    assert len(receiver.requests) == 2


async def test_retry_after_timeout(emulator, receiver) -> None:
    receiver.script = [HANG]
    await emulator.subscribe(receiver.url, timeout=0.2)
    await call(emulator)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    assert [a["outcome"] for a in delivery["attempts"]] == ["timeout", "success"]
    assert "no answer within 0.2 s" in delivery["attempts"][0]["error"]


async def test_retry_after_header_replaces_the_schedules_delay(emulator, receiver) -> None:
    receiver.script = [(503, {"Retry-After": "1000"})]
    await emulator.subscribe(receiver.url)
    await call(emulator)
    await emulator.advance(DONE)
    assert len(receiver.requests) == 1
    await emulator.advance(1000)
    assert len(receiver.requests) == 2


async def test_connection_refused_is_retried_and_logged(emulator) -> None:
    closed = await Receiver().start()
    await closed.stop()  # nothing listens on its port any more
    await emulator.subscribe(closed.url, schedule=[0, 5])
    await call(emulator)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    assert [a["outcome"] for a in delivery["attempts"]] == ["error", "error"]
    assert delivery["state"] == "failed" and delivery["attempts"][0]["error"]


async def test_schedule_used_up_leaves_the_delivery_failed(emulator, receiver) -> None:
    receiver.script = [500, 500, 500]
    await emulator.subscribe(receiver.url, schedule=[0, 5, 5])
    await call(emulator)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    assert (delivery["state"], len(delivery["attempts"])) == ("failed", 3)


async def test_410_disables_the_subscription(emulator, receiver) -> None:
    receiver.script = [410]
    await emulator.subscribe(receiver.url)
    await call(emulator)
    await emulator.advance(DONE)
    await call(emulator, NO)
    await emulator.advance(DONE)
    assert len(receiver.requests) == 1
    config = await (await emulator.client.get("/_mock/config")).json()
    assert config["accounts"][0]["webhooks"][0]["enabled"] is False
    # The second call's delivery is due after the 410: it ends disabled, never sent.
    assert [d["state"] for d in await emulator.deliveries()] == ["disabled", "disabled"]


async def test_duplicate_fault_sends_the_first_attempt_twice(emulator, receiver) -> None:
    await emulator.configure(faults={"webhooks": {"duplicate_rate": 1}})
    await emulator.subscribe(receiver.url, secret=SECRET)
    await call(emulator)
    await emulator.advance(DONE)
    first, second = receiver.requests
    assert (first.headers["webhook-id"], first.body) == (second.headers["webhook-id"], second.body)
    Webhook(SECRET).verify(second.body, second.headers)
    (delivery,) = await emulator.deliveries()
    assert [a["trigger"] for a in delivery["attempts"]] == ["first", "duplicate"]
    assert any("duplicate" in note for note in delivery["faults"])


async def test_delay_fault_holds_back_the_first_attempt(emulator, receiver) -> None:
    await emulator.configure(faults={"webhooks": {"delay": 1000}})
    await emulator.subscribe(receiver.url)
    await call(emulator)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    assert (len(receiver.requests), delivery["faults"]) == (0, ["delayed 1000 s"])
    await emulator.advance(1000)
    assert len(receiver.requests) == 1


async def test_out_of_order_fault_lets_a_later_event_overtake(emulator, receiver) -> None:
    # Seed 7 holds back some events by 300 s and not others: the order at the receiver flips.
    await emulator.configure(
        faults={"webhooks": {"out_of_order_rate": 0.5, "out_of_order_delay": 300}}
    )
    await emulator.subscribe(receiver.url)
    for i in range(8):
        await call(emulator, f"890012{i:03d}99")
    await emulator.advance(2000)
    log = await emulator.deliveries()  # in the order the events happened
    held = [d for d in log if any(n.startswith("out of order") for n in d["faults"])]
    assert 0 < len(held) < len(log)
    arrived = [r.headers["webhook-id"] for r in receiver.requests]
    assert sorted(arrived) == sorted(d["event_id"] for d in log)
    assert arrived != [d["event_id"] for d in log]


async def test_replay_sends_a_delivery_again_with_the_same_event_id(emulator, receiver) -> None:
    await emulator.subscribe(receiver.url)
    await call(emulator)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    response = await emulator.client.post(f"/_mock/deliveries/{delivery['id']}/replay")
    assert response.status == 200
    replayed = await response.json()
    assert [a["trigger"] for a in replayed["attempts"]] == ["first", "replay"]
    assert receiver.requests[1].headers["webhook-id"] == delivery["event_id"]


async def test_replay_of_every_failed_delivery(emulator, receiver) -> None:
    receiver.script = [500, 500]
    await emulator.subscribe(receiver.url, schedule=[0])
    await call(emulator, ANSWERED)
    await call(emulator, NO)
    await emulator.advance(DONE)
    assert [d["state"] for d in await emulator.deliveries(outcome="failed")] == ["failed"] * 2
    response = await emulator.client.post("/_mock/deliveries/replay")
    assert (await response.json())["replayed"] == 2
    assert [d["state"] for d in await emulator.deliveries()] == ["succeeded"] * 2


async def test_replay_of_a_pending_delivery_is_refused(emulator, receiver) -> None:
    receiver.script = [500]
    await emulator.subscribe(receiver.url, schedule=[0, 600])
    await call(emulator)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    response = await emulator.client.post(f"/_mock/deliveries/{delivery['id']}/replay")
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "conflict"


async def test_replay_of_an_unknown_delivery_answers_404(client) -> None:
    response = await client.post("/_mock/deliveries/999/replay")
    assert response.status == 404


async def test_deliveries_filter_by_subscription_and_event(emulator, receiver) -> None:
    await emulator.configure(
        accounts=[
            {
                "api_key": "apikey",
                "access_token": "client-key",
                "webhooks": [{"id": "crm", "url": receiver.url}, {"id": "bi", "url": receiver.url}],
            }
        ]
    )
    await call(emulator)
    await emulator.advance(DONE)
    (crm,) = await emulator.deliveries(subscription="crm")
    assert crm["subscription"] == "crm"
    assert len(await emulator.deliveries(event=crm["event_id"])) == 2
    assert await emulator.deliveries(api_key="apikey", outcome="failed") == []


async def test_concurrent_requests_never_exceed_the_bound(emulator, receiver) -> None:
    receiver.script = [500] * 4
    await emulator.configure(webhook_concurrency=2)
    await emulator.subscribe(receiver.url, schedule=[0])
    for i in range(4):
        await call(emulator, f"8900124000{i}")
    await emulator.advance(DONE)
    receiver.script = [SLOW] * 4
    response = await emulator.client.post("/_mock/deliveries/replay")  # all four at once
    assert (await response.json())["replayed"] == 4
    assert receiver.max_in_flight == 2


async def test_secret_is_masked_in_config_and_kept_on_round_trip(emulator, receiver) -> None:
    await emulator.subscribe(receiver.url, secret=SECRET)
    text = await (await emulator.client.get("/_mock/config")).text()
    assert SECRET not in text
    await emulator.configure()  # PUT back what GET showed, masked secret and all
    await call(emulator)
    await emulator.advance(DONE)
    Webhook(SECRET).verify(receiver.requests[0].body, receiver.requests[0].headers)


async def test_reset_forgets_deliveries_and_keeps_subscriptions(emulator, receiver) -> None:
    await emulator.subscribe(receiver.url)
    await call(emulator)
    await emulator.advance(DONE)
    await emulator.client.post("/_mock/reset")
    assert await emulator.deliveries() == []
    await call(emulator)
    await emulator.advance(DONE)
    assert len(receiver.requests) == 2


@pytest.mark.parametrize(
    ("subscription", "named"),
    [
        ({"url": "ftp://example.org"}, "webhooks[0].url"),
        ({"url": "http://x", "secret": "not-a-secret"}, "webhooks[0].secret"),
        ({"url": "http://x", "fields": {"phone": "answer"}}, "webhooks[0].fields"),
        ({"url": "http://x", "statuses": ["ANSWERED"]}, "webhooks[0].statuses[0]"),
        ({"url": "http://x", "timeout": 0}, "webhooks[0].timeout"),
    ],
)
async def test_bad_subscription_is_refused_naming_the_key(client, subscription, named) -> None:
    config = {"accounts": [{"api_key": "a", "access_token": "t", "webhooks": [subscription]}]}
    response = await client.put("/_mock/config", json=config)
    assert response.status == 400
    assert named in (await response.json())["error"]["message"]
