"""Audit of the simulation's draws over many seeds: are they uniform and independent?

For each seed, one account uploads N records (numbers no forced rule matches, one attempt
each, the default scenario: ``talk_seconds = [5, 90]``) and the clock runs two days. Three
χ² tests per seed, each with its p-value:

- ``sec``: the answered calls' SEC in 10 bins against the uniform 5..90 (df 9);
- ``mix``: the statuses against the scenario's weights (df 4);
- ``pairs``: the status of record i against the status of record i + 1, in the account's
  order, against independence (df 16).

Over the seeds, a sound generator gives p-values spread uniformly over (0, 1): few below
0.01, and a mean χ² near the degrees of freedom. ``python bench/draws_audit.py [N] [SEEDS]``
prints one JSON object.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mockserver.backend import Backend
from mockserver.clock import Clock, parse_iso
from mockserver.config import DEFAULT_OUTCOMES, Account, ClockConfig, Config

START = "2026-11-27T09:00:00+03:00"
TALK = (5, 90)
BINS = 10


class Sink:
    """A journal entry stand-in: the audit looks at outcomes, not at the journal."""

    def warn(self, *_: Any) -> None:
        pass


def run(seed: int, n: int) -> list[tuple[str, int]]:
    """(status, SEC) of each record of one account, in the account's order."""
    config = Config(seed=seed, clock=ClockConfig(mode="manual", start=START))
    config.accounts = [Account(api_key="apikey", access_token="client-key", dial_lines=n)]
    b = Backend(config, Clock("manual", start=parse_iso(START)))
    for first in range(0, n, 1000):
        rows = [
            # ...9 at the end: no forced rule (the fixed table ends in 000x) picks the outcome
            {"id": str(i), "name": "A", "phone": f"8{i:09d}9", "UUID": "u", "maxcount": "1"}
            for i in range(first, min(first + 1000, n))
        ]
        body = json.dumps({"query": {"access_token": "client-key", "data": rows}}).encode()
        b.make("apikey", body, Sink())  # type: ignore[arg-type]
    b.move_to(b.clock.now() + 2 * 86400)
    return [(r.code.split("/")[0], r.sec) for r in b.accounts["apikey"].records()]


def chi2(observed: Sequence[float], expected: Sequence[float]) -> float:
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True) if e > 0)


def p_value(x: float, df: int) -> float:
    """P(χ²_df ≥ x): the regularised upper incomplete gamma Q(df/2, x/2)."""
    a, z = df / 2, x / 2
    if z <= 0:
        return 1.0
    log_front = a * math.log(z) - z - math.lgamma(a)
    if z < a + 1:  # the series for P, then Q = 1 - P
        term = total = 1 / a
        k = a
        while term > total * 1e-15:
            k += 1
            term *= z / k
            total += term
        return max(0.0, 1 - math.exp(log_front) * total)
    # Lentz's continued fraction for Q
    b, c, d = z + 1 - a, 1e300, 1 / (z + 1 - a)
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1 / d if d else 1e300
        c = b + an / c if c else 1e-300
        step = d * c
        h *= step
        if abs(step - 1) < 1e-15:
            break
    return math.exp(log_front) * h


def sec_test(secs: list[int]) -> tuple[float, list[int]]:
    low, high = TALK
    values = high - low + 1
    counts = [0] * BINS
    for sec in secs:
        counts[(sec - low) * BINS // values] += 1
    widths = Counter((v - low) * BINS // values for v in range(low, high + 1))
    expected = [len(secs) * widths[i] / values for i in range(BINS)]
    return chi2(counts, expected), counts


def mix_test(statuses: list[str]) -> float:
    total = sum(DEFAULT_OUTCOMES.values())
    found = Counter(statuses)
    keys = list(DEFAULT_OUTCOMES)
    return chi2(
        [found[k] for k in keys], [len(statuses) * DEFAULT_OUTCOMES[k] / total for k in keys]
    )


def pair_test(statuses: list[str]) -> tuple[float, float]:
    """χ² of consecutive statuses against independence, and P(ANSWER after NOANSWER)."""
    pairs = Counter(itertools.pairwise(statuses))
    firsts = Counter(a for a, _ in pairs.elements())
    seconds = Counter(b for _, b in pairs.elements())
    n = sum(pairs.values())
    keys = list(DEFAULT_OUTCOMES)
    observed = [pairs[a, b] for a in keys for b in keys]
    expected = [firsts[a] * seconds[b] / n for a in keys for b in keys]
    after = firsts["NOANSWER"]
    return chi2(observed, expected), pairs["NOANSWER", "ANSWER"] / after if after else 0.0


def audit(n: int, seeds: int) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for seed in range(1, seeds + 1):
        outcomes = run(seed, n)
        statuses = [s for s, _ in outcomes]
        secs = [sec for s, sec in outcomes if s == "ANSWER"]
        sec_x2, hist = sec_test(secs)
        pair_x2, answer_after_noanswer = pair_test(statuses)
        rows.append(
            {
                "seed": seed,
                "sec_x2": sec_x2,
                "sec_p": p_value(sec_x2, BINS - 1),
                "sec_mean": sum(secs) / len(secs),
                "histogram": hist,
                "mix_x2": mix_test(statuses),
                "pairs_x2": pair_x2,
                "pairs_p": p_value(pair_x2, (len(DEFAULT_OUTCOMES) - 1) ** 2),
                "answer_after_noanswer": answer_after_noanswer,
            }
        )
    first = rows[0]
    return {
        "records_per_seed": n,
        "seeds": seeds,
        "seed_1": {k: first[k] for k in ("histogram", "sec_mean", "sec_p", "pairs_p", "mix_x2")}
        | {"answer_after_noanswer": first["answer_after_noanswer"]},
        "sec_p_min": min(r["sec_p"] for r in rows),
        "sec_p_below_0.01": sum(r["sec_p"] < 0.01 for r in rows),
        "pairs_p_min": min(r["pairs_p"] for r in rows),
        "pairs_p_below_0.01": sum(r["pairs_p"] < 0.01 for r in rows),
        "mix_x2_mean": sum(r["mix_x2"] for r in rows) / seeds,  # about 4 (df) if random
        "mix_p_below_0.01": sum(p_value(r["mix_x2"], 4) < 0.01 for r in rows),
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    seed_count = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    print(json.dumps(audit(count, seed_count), indent=1, ensure_ascii=False))
