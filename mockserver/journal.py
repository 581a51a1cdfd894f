"""The request journal: every request to the vendor's methods with the contract slips it made.

A ring buffer of configurable size, so a fake left running for days keeps a
bounded memory.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

BODY_LIMIT = 4096
#: Warnings kept per request: one 2 MiB body can hold ~100,000 unknown fields, and the
#: ring buffer bounds the entries, not what each one holds.
MAX_WARNINGS = 100


@dataclass(slots=True)
class ContractWarning:
    code: str
    field: str
    message: str


@dataclass(slots=True, eq=False)
class Entry:
    id: int
    at: float  # emulator time
    method: str
    path: str
    api_key: str
    operation: str
    query: dict[str, str]
    body: str
    status: int = 0
    response: str = ""
    warnings: list[ContractWarning] = field(default_factory=list)
    dropped_warnings: int = 0

    def warn(self, code: str, field_name: str, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(ContractWarning(code, field_name, message))
            return
        if not self.dropped_warnings:
            self.warnings.append(ContractWarning("warnings_truncated", "(request)", ""))
        self.dropped_warnings += 1
        self.warnings[
            -1
        ].message = (
            f"{self.dropped_warnings} more warnings not kept (at most {MAX_WARNINGS} per request)"
        )

    def finish(self, status: int, response: str) -> None:
        self.status = status
        self.response = _clip(response, len(response))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clip(text: str, size: int) -> str:
    """At most BODY_LIMIT characters, saying how large the whole was."""
    if size <= BODY_LIMIT:
        return text
    return text[:BODY_LIMIT] + f"... ({size} in all)"


class Journal:
    def __init__(self, size: int) -> None:
        self._entries: deque[Entry] = deque(maxlen=size)
        self._ids = itertools.count(1)

    def __len__(self) -> int:
        return len(self._entries)

    def resize(self, size: int) -> None:
        """Keeps the newest ``size`` entries."""
        if self._entries.maxlen != size:
            self._entries = deque(self._entries, maxlen=size)

    def clear(self) -> None:
        self._entries.clear()

    def start(
        self,
        *,
        at: float,
        method: str,
        path: str,
        api_key: str,
        operation: str,
        query: dict[str, str],
        body: bytes,
    ) -> Entry:
        text = _clip(body[:BODY_LIMIT].decode("utf-8", "replace"), len(body))
        entry = Entry(next(self._ids), at, method, path, api_key, operation, query, text)
        self._entries.append(entry)
        return entry

    def find(self, entry_id: int) -> Entry | None:
        """An entry by id, if still kept; the newest are looked at first."""
        for entry in reversed(self._entries):
            if entry.id == entry_id:
                return entry
            if entry.id < entry_id:
                break
        return None

    def entries(
        self,
        *,
        api_key: str | None = None,
        operation: str | None = None,
        warnings_only: bool = False,
        limit: int | None = None,
    ) -> list[Entry]:
        """Newest last, filtered; ``limit`` keeps the newest ones."""
        found = [
            e
            for e in self._entries
            if (api_key is None or e.api_key == api_key)
            and (operation is None or e.operation == operation)
            and (not warnings_only or e.warnings)
        ]
        return found[-limit:] if limit else found
