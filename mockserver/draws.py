"""Seeded, reproducible uniform numbers: a pure function of (seed, record, step, purpose).

A record's outcome therefore never depends on what other records, accounts or
faults did: the same seed, requests and clock moves give the same run. Each
user of a draw has its own purpose number, so turning faults on changes no call.
"""

from __future__ import annotations

# Purposes: one per independent decision.
ATTEMPT, TALK = 1, 4  # an attempt's status, answer and ring; an answered one's talk time
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


_BITS21 = (1 << 21) - 1
_SCALE21 = 1.0 / (1 << 21)


def draw3(seed: int, record: int, step: int, purpose: int) -> tuple[float, float, float]:
    """Three uniform numbers in [0, 1) from one draw, 21 bits each: enough resolution for
    weights and durations, a third of the hashing."""
    x = ((hash((seed, record, step, purpose)) * _GOLDEN) & _MASK) >> 1
    return (x >> 42) * _SCALE21, ((x >> 21) & _BITS21) * _SCALE21, (x & _BITS21) * _SCALE21
