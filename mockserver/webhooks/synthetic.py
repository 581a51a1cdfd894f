"""Synthetic, schema-valid webhook events for ``autodialer-mock fire``: seeded, so a run repeats."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from ..config import DEFAULT_ANSWERS, DEFAULT_CAUSES
from ..outcomes import STATUSES, WeightedChoice

MSK = timezone(timedelta(hours=3))  # the vendor's zone, as cdr TIME shows it


def events(
    count: int, seed: int, statuses: list[str] | None = None, now: float | None = None
) -> Iterator[dict[str, Any]]:
    """``count`` events under the default field names (``schemas/webhook.event.json``)."""
    rng = random.Random(seed)
    answers = WeightedChoice(DEFAULT_ANSWERS)
    chosen = list(statuses or STATUSES)
    start = time.time() if now is None else now
    for i in range(count):
        status = rng.choice(chosen)
        answered = status == "ANSWER"
        yield {
            "event_id": f"evt_fire_{seed}_{i + 1}",
            "query_id": rng.randrange(10**16, 10**17),
            "id": str(i + 1),
            "UUID": f"crm-{rng.randrange(10**6):06d}",
            "phone": f"79{rng.randrange(10**9):09d}",
            "duration": rng.randint(5, 90) if answered else 0,
            "code": f"{status}/{DEFAULT_CAUSES[status]}",
            "time": datetime.fromtimestamp(start - rng.randint(0, 3600), MSK).strftime(
                "%Y-%m-%d %H:%M:%S %z"
            ),
            "attempts": rng.randint(1, 3),
            "var1": "Пётр",
            "var2": f"заказ №{i + 1}",
            "var3": "",
            "record": "",
            "answer": answers.pick(rng.random()) if answered else "",
        }
