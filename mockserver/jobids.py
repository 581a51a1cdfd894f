"""Job ids: draws of ``id_digits`` digits (17 by default, as the vendor's), none twice.

Each account's ids come from its own generator (:mod:`.draws`), numbered by the account's
own jobs, so they do not move when another account makes a job. Only an id some account
already holds is drawn again (at 17 digits, never seen in practice).
"""

from __future__ import annotations

import itertools
from collections.abc import Container

from . import draws


class JobIds:
    def __init__(self, digits: int, seed: int) -> None:
        self.resize(digits)
        self.seed = seed

    def resize(self, digits: int) -> None:
        low = 10 ** (digits - 1)
        self._range = low, 10 * low - 1

    def reseed(self, seed: int) -> None:
        self.seed = seed

    def draw(self, taken: Container[int], api_key: str, ordinal: int) -> int:
        """The id of the account's job number ``ordinal`` (0 for its first)."""
        account, (low, high) = draws.of(self.seed, api_key), self._range
        for tries in itertools.count():
            job_id = draws.integer(account.words(draws.JOB_ID, ordinal, tries)[0], low, high)
            if job_id not in taken:
                return job_id
        raise AssertionError("unreachable: itertools.count() never ends")
