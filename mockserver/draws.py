"""Seeded, reproducible random numbers: keyed BLAKE2b, one generator per account.

A draw is a pure function of (seed, api key, what is drawn for, and the numbers naming
it: a record's job and its row, an attempt, ...). An account's draws are keyed by its own
api key and numbered by its own jobs and rows, so its outcomes, ids and recordings depend
only on the seed and on that account's requests: another account sharing the emulator
changes none of them. BLAKE2b makes the draws uniform and independent (what a hash of
small tuples is not: neighbouring tuples hash to near-constant offsets).

Cost: one BLAKE2b of 32 bytes, copied from a keyed state made once per (seed, account),
about 0.4 µs, and four 64-bit words from each: a call attempt's status, answer, ring and
talk time come from one hash.
"""

from __future__ import annotations

import hashlib
import struct
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Record

# Purposes: one per independent decision, so turning faults on changes no call.
ATTEMPT = 1  # an attempt's status, answer, ring and talk time
RECORDING = 30
JOB_ID = 40
EVENT_ID = 50  # a webhook event's id
WEBHOOK_FAULTS = 101  # a delivery's duplicate and out-of-order draws

Words = tuple[int, int, int, int]

_PACK = struct.Struct("<QQQQ").pack  # purpose and three numbers: 32 bytes, one block
_UNPACK = struct.Struct("<QQQQ").unpack
_SCALE = 1.0 / (1 << 53)


class Draws:
    """The random numbers of one account under one seed."""

    __slots__ = ("_state",)

    def __init__(self, seed: int, api_key: str) -> None:
        key = hashlib.blake2b(f"{seed}/{api_key}".encode(), digest_size=32).digest()
        self._state = hashlib.blake2b(key=key, digest_size=32, person=b"autodialer-mock")

    def words(self, purpose: int, a: int, b: int = 0, c: int = 0) -> Words:
        """Four independent uniform 64-bit words for (purpose, a, b, c)."""
        state = self._state.copy()
        state.update(_PACK(purpose, a, b, c))
        return _UNPACK(state.digest())


@lru_cache(maxsize=1024)
def of(seed: int, api_key: str) -> Draws:
    """The generator of ``api_key`` under ``seed`` (made once: its keyed state is reused)."""
    return Draws(seed, api_key)


def uniform(word: int) -> float:
    """A uniform number in [0, 1) from a 64-bit word (its top 53 bits)."""
    return (word >> 11) * _SCALE


def integer(word: int, low: int, high: int) -> int:
    """A uniform integer in ``low..high``, both included (a multiply, not a modulo: the
    bias is below (high - low + 1) / 2**64)."""
    return low + ((word * (high - low + 1)) >> 64)


def row_of(record: Record) -> tuple[int, int]:
    """The numbers naming a record within its account: its job's id and its row in the job
    (records of one job are stored one after another, so the row is a subtraction)."""
    job = record.job
    return job.id, record.seq - job.records[0].seq
