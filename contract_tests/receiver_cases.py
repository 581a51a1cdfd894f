"""The receiver checker's cases: the deliveries a real Autodialer sends that receivers trip on.

Each case sends fresh events (new ``webhook-id`` each run) and says what it
expects; a failure names its rule (``receiver.accepts``, ``receiver.in-time``,
``receiver.idempotent``, ``receiver.signature``).
"""

from __future__ import annotations

import time
from typing import Any

from .failures import DuplicateRefused, ForgeryAccepted
from .receiver import Probe, case
from .strategies import webhook_events

STALE = 600  # seconds: twice the reference library's 5-minute tolerance
#: The vendor documents no limits; these are the longest values the kit sends (choice).
LONGEST_TEXT = 1000
OTHER_SECRET = "whsec_" + "QW5vdGhlciBzZWNyZXQsIG5vdCB0aGUgcmVjZWl2ZXIncw=="


def event(probe: Probe, **fields: Any) -> dict[str, Any]:
    """An answered call to a Russian number, as the emulator sends it, with ``fields`` on top."""
    return {
        "event_id": probe.fresh_id(),
        "query_id": 40133707428585176,
        "id": "1",
        "UUID": "crm-42",
        "phone": "89001230000",
        "duration": 64,
        "code": "ANSWER/16",
        "time": time.strftime("%Y-%m-%d %H:%M:%S +0300", time.gmtime(time.time() + 3 * 3600)),
        "attempts": 1,
        "var1": "Пётр",
        "var2": "заказ №7",
        "var3": "",
        "record": "http://127.0.0.1:8080/apikey/recordings/1-7788716dd7bbd5be9858577796079ded.wav",
        "answer": "да",
        **fields,
    }


@case("answered", "An answered call with a recording and the reply «да» gets a 2xx.")
def answered(probe: Probe, _: None) -> None:
    probe.accepts(probe.request(event(probe)))


@case(
    "unicode",
    "Non-ASCII in every text field (Cyrillic, emoji, CJK, right-to-left, combining) gets a 2xx.",
)
def unicode(probe: Probe, _: None) -> None:
    fields = {
        "id": "строка-1",
        "UUID": "клиент-№42",
        "var1": "Пётр Ильич Чайковский",
        "var2": "заказ 📦 №7 — «срочно»",
        "var3": "王小明 · שלום · e\u0301 · ß",
        "answer": "да, конечно 👍",
    }
    probe.accepts(probe.request(event(probe, **fields)), what="an event with non-ASCII text")


@case("empty-answer", 'An answered call whose reply was not recognised (answer "") gets a 2xx.')
def empty_answer(probe: Probe, _: None) -> None:
    probe.accepts(probe.request(event(probe, answer="")), what="an event with an empty answer")


@case("zero-duration", "A call not answered (BUSY, duration 0, no recording) gets a 2xx.")
def zero_duration(probe: Probe, _: None) -> None:
    busy = event(probe, code="BUSY/17", duration=0, record="", answer="", attempts=3)
    probe.accepts(probe.request(busy), what="an event with duration 0")


@case("no-recording", 'An answered call without a recording (record "") gets a 2xx.')
def no_recording(probe: Probe, _: None) -> None:
    probe.accepts(probe.request(event(probe, record="")), what="an event without a recording")


@case(
    "max-lengths",
    f"The longest values (15-digit phone, 17-digit query_id, 10 attempts, "
    f"{LONGEST_TEXT}-character texts) get a 2xx.",
)
def max_lengths(probe: Probe, _: None) -> None:
    long = "Щ" * LONGEST_TEXT
    fields = {
        "query_id": 10**17 - 1,
        "id": "9" * LONGEST_TEXT,
        "UUID": long,
        "phone": "+799912345678901",
        "duration": 86_399,
        "attempts": 10,
        "var1": long,
        "var2": long,
        "var3": long,
        "answer": long,
        "record": "https://example.invalid/" + "r" * LONGEST_TEXT + ".wav",
    }
    probe.accepts(probe.request(event(probe, **fields)), what="an event with the longest values")


@case(
    "duplicate-id",
    "The same webhook-id again, byte for byte and then re-signed as a retry, gets a 2xx each time.",
)
def duplicate_id(probe: Probe, _: None) -> None:
    original = probe.request(event(probe))
    probe.accepts(original)
    probe.accepts(original, DuplicateRefused, "the same request again")
    retry = probe.request(original.event, timestamp=int(original.headers["webhook-timestamp"]) + 1)
    probe.accepts(retry, DuplicateRefused, "a retry of the same webhook-id")


@case(
    "generated",
    "Generated schema-valid events get a 2xx (a failure shrinks to the minimal event).",
    strategy=webhook_events(),
)
def generated(probe: Probe, example: dict[str, Any]) -> None:
    probe.accepts(probe.request({**example, "event_id": probe.fresh_id()}))


@case(
    "bad-signature",
    "A request signed with another secret is refused (not 2xx).",
    needs_secret=True,
)
def bad_signature(probe: Probe, _: None) -> None:
    forged = probe.request(event(probe), secret=OTHER_SECRET)
    probe.refuses(forged, ForgeryAccepted, "a request signed with another secret")


@case("tampered-body", "A body changed after it was signed is refused.", needs_secret=True)
def tampered_body(probe: Probe, _: None) -> None:
    original = event(probe)
    raised = probe.request({**original, "duration": 3600}).body  # a forger's longer call
    tampered = probe.request(original, body=raised)  # signed for the original body
    probe.refuses(tampered, ForgeryAccepted, "a body changed after signing")


@case("missing-signature", "A request without webhook-signature is refused.", needs_secret=True)
def missing_signature(probe: Probe, _: None) -> None:
    unsigned = probe.request(event(probe), secret=None)
    probe.refuses(unsigned, ForgeryAccepted, "a request without a signature")


@case(
    "stale-timestamp",
    f"A correctly signed request stamped {STALE // 60} minutes ago is refused (a replay).",
    needs_secret=True,
)
def stale_timestamp(probe: Probe, _: None) -> None:
    old = probe.request(event(probe), timestamp=int(time.time()) - STALE)
    probe.refuses(old, ForgeryAccepted, f"a request signed {STALE} s ago")
