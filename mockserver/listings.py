"""The control API's listings: which records, jobs and journal entries match, and one page.

Every listing is paged: at most :data:`MAX_PAGE` items an answer, so one request never
builds an answer of a million records. ``Backend.jobs``, ``Backend.calls`` and
``Backend.journal_page`` answer with these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from . import phones
from .accounts import AccountState
from .errors import InvalidField
from .models import STATES, Job, Record

T = TypeVar("T")
#: The most items one page of a listing holds (``limit``); 100 when not asked.
MAX_PAGE = 10_000
DEFAULT_PAGE = 100


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    total: int  # how many items match
    offset: int
    limit: int
    items: list[T]  # items[offset:offset + limit] of those that match


def page_of(items: Sequence[T], offset: int, limit: int) -> Page[T]:
    return Page(len(items), offset, limit, list(items[offset : offset + limit]))


def jobs(accounts: Iterable[AccountState]) -> list[tuple[AccountState, Job]]:
    """Every job of ``accounts``, oldest first."""
    return sorted(
        ((a, j) for a in accounts for j in a.jobs.values()),
        key=lambda pair: (pair[1].created, pair[1].id),
    )


def check_state(state: str | None) -> None:
    if state is not None and state not in STATES:
        raise InvalidField(f"state: must be one of {', '.join(STATES)} (got {state!r})")


def find_records(
    accounts: list[AccountState], state: str | None, phone: str | None, job: int | None
) -> list[tuple[AccountState, Record]]:
    """Records matching every filter given, oldest first, through an index where one applies."""
    found: list[tuple[AccountState, Record]] = []
    for account in accounts:
        candidates: Iterable[Record]
        if job is not None:
            candidates = account.jobs[job].records if job in account.jobs else []
        elif phone:
            candidates = account.of_number(phones.normalise(phone))
        else:
            candidates = account.records()
        found.extend((account, r) for r in candidates if state is None or r.state == state)
    if len(accounts) > 1:
        found.sort(key=lambda pair: pair[1].seq)
    return found


def page_of_account(
    account: AccountState, offset: int, limit: int
) -> Page[tuple[AccountState, Record]]:
    """One account's records unfiltered, a page of them: found by walking job lengths,
    without building the list of a hundred thousand records (the dashboard pages so)."""
    total = sum(len(job.records) for job in account.jobs.values())
    page: list[tuple[AccountState, Record]] = []
    skip = offset
    for job in account.jobs.values():
        if skip >= len(job.records):
            skip -= len(job.records)
            continue
        page.extend((account, r) for r in job.records[skip : skip + limit - len(page)])
        skip = 0
        if len(page) >= limit:
            break
    return Page(total, offset, limit, page)
