"""The request journal: every request to the vendor's methods with the contract slips it made.

A ring buffer of configurable size, so a fake left running for days keeps a
bounded memory.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Any

from .text import clipped

BODY_LIMIT = 4096
#: Warnings kept per request: one 2 MiB body can hold ~100,000 unknown fields, and the
#: ring buffer bounds the entries, not what each one holds.
MAX_WARNINGS = 100
#: Characters kept of the warnings of one request, fields and messages together: one
#: unknown key of 1.9 MB, repeated in a warning's field and message, cost 4 MB an entry.
WARNINGS_LIMIT = 8192
#: Characters kept of one path, api key, warning field or message, or query parameter.
TEXT_LIMIT = 256
#: Query parameters kept per request (a GET newcall has ten).
QUERY_LIMIT = 32


@dataclass(slots=True)
class ContractWarning:
    code: str
    field: str
    message: str


class Entry:
    """One request: what came in, the contract slips found in it, and what went out.

    Built on every request to the vendor's methods, so it keeps the raw bytes and decodes
    them when the journal is read: a newcall's entry costs no text copies, no warning
    list until the first warning, and little to free when the ring drops it.
    """

    __slots__ = (
        "_body",
        "_body_size",
        "_response",
        "_warned",
        "api_key",
        "at",
        "dropped_warnings",
        "id",
        "method",
        "operation",
        "path",
        "query",
        "status",
        "warnings",
    )  # fmt: skip

    def __init__(
        self, id: int, at: float, method: str, path: str, api_key: str, operation: str,
        query: dict[str, str], body: bytes = b"",
    ) -> None:  # fmt: skip
        self.id = id
        self.at = at  # emulator time
        self.method = method if len(method) <= 16 else clipped(method, 16)  # any token
        # Every text an entry keeps is bounded (TEXT_LIMIT, QUERY_LIMIT, WARNINGS_LIMIT), so
        # the journal's memory is at most journal_size times the largest entry.
        self.path = path if len(path) <= TEXT_LIMIT else clipped(path, TEXT_LIMIT)
        self.api_key = api_key if len(api_key) <= TEXT_LIMIT else clipped(api_key, TEXT_LIMIT)
        self.operation = operation
        self.query = _bounded(query) if query else query
        self._body = body[:BODY_LIMIT]  # the same object when it is short
        self._body_size = len(body)
        self.status = 0
        self._response: bytes | str = b""
        #: A shared empty tuple until the first warning: most requests have none.
        self.warnings: list[ContractWarning] | tuple[()] = ()
        self.dropped_warnings = 0
        self._warned = 0  # characters of the warnings kept

    @property
    def body(self) -> str:
        return _clip(self._body.decode("utf-8", "replace"), self._body_size)

    @property
    def response(self) -> str:
        answer = self._response
        return answer if isinstance(answer, str) else answer.decode("utf-8", "replace")

    @property
    def full(self) -> bool:
        """Whether a further warning would only be counted: a caller can then skip working
        out what it would say (a did-you-mean per unknown key, say)."""
        return self.dropped_warnings > 0 or len(self.warnings) >= MAX_WARNINGS

    def warn(self, code: str, field_name: str, message: str) -> None:
        if self.full:
            self.skipped_warnings(1)
        else:
            self._keep(code, field_name, message)

    def _keep(self, code: str, field_name: str, message: str) -> None:
        warnings = self.warnings
        if not isinstance(warnings, list):
            warnings = self.warnings = []
        field_name = clipped(field_name, TEXT_LIMIT)
        message = clipped(message, TEXT_LIMIT)
        self._warned += len(field_name) + len(message)
        if self._warned > WARNINGS_LIMIT:
            self.skipped_warnings(1)
            return
        warnings.append(ContractWarning(code, field_name, message))

    def skipped_warnings(self, count: int) -> None:
        """``count`` more warnings, counted and summed up in one last warning, not kept."""
        warnings = self.warnings
        if not isinstance(warnings, list):
            warnings = self.warnings = []
        if not self.dropped_warnings:
            warnings.append(ContractWarning("warnings_truncated", "(request)", ""))
        self.dropped_warnings += count
        warnings[-1].message = (
            f"{self.dropped_warnings} more warnings not kept (at most {MAX_WARNINGS} "
            f"and {WARNINGS_LIMIT} characters per request)"
        )

    def finish(self, status: int, response: bytes) -> None:
        """The answer's status and body (UTF-8), kept as bytes while they are short."""
        self.status = status
        if len(response) <= BODY_LIMIT:  # as many characters at most: nothing to clip
            self._response = response
        else:
            text = response.decode("utf-8", "replace")
            self._response = _clip(text, len(text))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "at": self.at, "method": self.method, "path": self.path,
            "api_key": self.api_key, "operation": self.operation, "query": self.query,
            "body": self.body, "status": self.status, "response": self.response,
            "warnings": [asdict(w) for w in self.warnings],
            "dropped_warnings": self.dropped_warnings,
        }  # fmt: skip


def _bounded(query: dict[str, str]) -> dict[str, str]:
    """A query's first QUERY_LIMIT parameters, each name and value clipped."""
    if len(query) <= QUERY_LIMIT and all(
        len(k) <= TEXT_LIMIT and len(v) <= TEXT_LIMIT for k, v in query.items()
    ):
        return query
    kept = {
        clipped(k, TEXT_LIMIT): clipped(v, TEXT_LIMIT)
        for k, v in islice(query.items(), QUERY_LIMIT)
    }
    if len(query) > QUERY_LIMIT:
        kept["(more)"] = f"{len(query) - QUERY_LIMIT} more parameters not kept"
    return kept


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
        entry = Entry(next(self._ids), at, method, path, api_key, operation, query, body)
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
        newest_first: bool = False,
    ) -> list[Entry]:
        """Filtered, oldest first (or ``newest_first``); ``limit`` keeps the newest ones."""
        found = [
            e
            for e in self._entries
            if (api_key is None or e.api_key == api_key)
            and (operation is None or e.operation == operation)
            and (not warnings_only or e.warnings)
        ]
        found = found[-limit:] if limit else found
        return found[::-1] if newest_first else found
