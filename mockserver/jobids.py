"""Job ids: seeded draws of ``id_digits`` digits (17 by default, as the vendor's), none twice."""

from __future__ import annotations

import random
from collections.abc import Container


class JobIds:
    def __init__(self, digits: int, seed: int) -> None:
        self.resize(digits)
        self.random = random.Random(seed)

    def resize(self, digits: int) -> None:
        low = 10 ** (digits - 1)
        self._range = low, 9 * low, (9 * low).bit_length()

    def reseed(self, seed: int) -> None:
        self.random = random.Random(seed)

    def draw(self, taken: Container[int]) -> int:
        """A new id, as random.randrange(low, 10 * low) draws it (its rejection sampling,
        written out: a newcall request pays for each call)."""
        low, span, bits = self._range
        draw = self.random.getrandbits
        while True:
            offset = draw(bits)
            while offset >= span:
                offset = draw(bits)
            if low + offset not in taken:
                return low + offset
