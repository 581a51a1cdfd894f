"""The dashboard's webhook counts: "failed" as a QA engineer means it, and the last error."""

from __future__ import annotations

import socket
from typing import Any

from .receiver import Receiver
from .support import Emulator
from .test_webhooks import ANSWERED, DONE, call

BUSY = "89001110001"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


DOWN = f"http://127.0.0.1:{closed_port()}/hook"  # nobody listens: the receiver is down


async def webhooks(emulator: Emulator) -> dict[str, Any]:
    summary = await (await emulator.client.get("/_mock/summary")).json()
    return summary["webhooks"]


async def test_deliveries_to_a_down_receiver_count_as_failed_while_retries_are_due(
    emulator: Emulator,
) -> None:
    await emulator.subscribe(DOWN)
    await call(emulator, ANSWERED)
    await call(emulator, BUSY)
    await emulator.advance(DONE)
    shown = await webhooks(emulator)
    assert {k: shown[k] for k in ("ok", "failed", "waiting", "disabled")} == {
        "ok": 0,
        "failed": 2,
        "waiting": 0,
        "disabled": 0,
    }
    assert [d["state"] for d in await emulator.deliveries()] == ["pending", "pending"]


async def test_the_last_error_names_the_delivery_url_and_cause(
    emulator: Emulator, receiver: Receiver
) -> None:
    receiver.script = [503] * 10
    await emulator.subscribe(receiver.url)
    await call(emulator)
    await emulator.advance(DONE)
    (delivery,) = await emulator.deliveries()
    last = (await webhooks(emulator))["last_error"]
    assert (last["delivery"], last["url"]) == (1, receiver.url)
    assert last["attempt"] == len(delivery["attempts"])
    assert (last["status"], last["error"]) == (503, "HTTP 503")


async def test_the_last_error_of_a_down_receiver_says_why(emulator: Emulator) -> None:
    await emulator.subscribe(DOWN)
    await call(emulator)
    await emulator.advance(DONE)
    last = (await webhooks(emulator))["last_error"]
    assert last["status"] is None and last["outcome"] == "error" and last["error"]


async def test_a_delivery_that_succeeds_on_retry_counts_as_ok(
    emulator: Emulator, receiver: Receiver
) -> None:
    receiver.script = [500]
    await emulator.subscribe(receiver.url)
    await call(emulator)
    await emulator.advance(DONE)  # the retry gets a 200
    shown = await webhooks(emulator)
    assert (shown["ok"], shown["failed"]) == (1, 0)
    assert shown["last_error"]["status"] == 500  # the error stays visible once mended


async def test_no_delivery_means_no_last_error(emulator: Emulator) -> None:
    assert (await webhooks(emulator))["last_error"] is None
