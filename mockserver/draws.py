"""Seeded, reproducible uniform numbers: a pure function of (seed, record, step, purpose).

A record's outcome therefore never depends on what other records, accounts or
faults did: the same seed, requests and clock moves give the same run. Each
user of a draw has its own purpose number, so turning faults on changes no call.
"""

from __future__ import annotations

# Purposes: one per independent decision.
STATUS, ANSWER, RING, TALK = 1, 2, 3, 4
RECORDING = 30
WEBHOOK_DUPLICATE, WEBHOOK_OUT_OF_ORDER = 101, 102

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15  # odd: multiplying by it permutes 64-bit values
_SCALE = 1.0 / (1 << 53)


def draw(seed: int, record: int, step: int, purpose: int) -> float:
    """A uniform number in [0, 1).

    CPython hashes a tuple of ints with an xxHash round per item, in C, the same in
    every process (only str and bytes hashes are salted); a multiply spreads it into
    the top 53 bits. Five times cheaper than mixing the bits in Python, and a simulation
    draws three or four of these per call attempt.
    """
    return (((hash((seed, record, step, purpose)) * _GOLDEN) & _MASK) >> 11) * _SCALE
