"""The standalone server's settler: stored state leaves the collector's full walks, and
comes back to it when it is dropped."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.collector import Settler
from mockserver.models import Record

from .support import entry, manual_config, new_backend

FORM = {"name": "N", "UUID": "u"}


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # the test process's collector as it found it


def _settled_backend(every: int) -> Any:
    backend = new_backend()
    backend.settler = Settler(every)
    return backend


def _newcall(backend: Any, phone: str) -> None:
    backend.newcall("apikey", {**FORM, "phone": phone}, entry(backend, "newcall"))


def _records_alive() -> int:
    gc.collect()
    return sum(isinstance(thing, Record) for thing in gc.get_objects())


def test_the_settler_freezes_once_enough_records_are_stored() -> None:
    settler = Settler(every=3)
    settler.stored(2)
    assert gc.get_freeze_count() == 0
    settler.stored(1)
    assert gc.get_freeze_count() > 0


def test_a_make_and_a_newcall_count_their_stored_records() -> None:
    backend = _settled_backend(every=3)
    rows = [{"id": str(i), "phone": f"8900111000{i}"} for i in range(2)]
    body = f'{{"query": {{"access_token": "client-key", "data": {rows}}}}}'.replace("'", '"')
    backend.make("apikey", body.encode(), entry(backend, "make"))
    assert gc.get_freeze_count() == 0
    _newcall(backend, "89001112299")
    assert gc.get_freeze_count() > 0


def test_a_reset_hands_the_frozen_state_back_and_its_records_are_freed() -> None:
    backend = _settled_backend(every=1)
    before = _records_alive()
    _newcall(backend, "89001112233")
    assert gc.get_freeze_count() > 0
    backend.reset()
    assert gc.get_freeze_count() == 0
    assert _records_alive() == before


def test_removing_an_account_hands_the_frozen_state_back() -> None:
    backend = _settled_backend(every=1)
    _newcall(backend, "89001112233")
    config = manual_config()
    config.accounts = []
    backend.apply_config(config)
    assert gc.get_freeze_count() == 0


def test_an_emulator_in_a_test_process_has_no_settler() -> None:
    from mockserver.server.app import create_app
    from mockserver.server.keys import BACKEND

    assert create_app(manual_config())[BACKEND].settler is None
