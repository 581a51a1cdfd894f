"""The standalone server's state freezer: stored state leaves the collector's full walks,
and comes back to it when it is dropped."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.gc_control import StateFreezer
from mockserver.models import Record

from .support import entry, manual_config, new_backend

FORM = {"name": "N", "UUID": "u"}


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # the test process's collector as it found it


def _frozen_backend(every: int) -> Any:
    freezer = StateFreezer(every)
    backend = new_backend()
    backend.on_stored.append(freezer.stored)
    backend.on_dropped.append(freezer.thaw)
    return backend


def _newcall(backend: Any, phone: str) -> None:
    backend.newcall("apikey", {**FORM, "phone": phone}, entry(backend, "newcall"))


def _records_alive() -> int:
    gc.collect()
    return sum(isinstance(thing, Record) for thing in gc.get_objects())


def test_the_freezer_freezes_once_enough_records_are_stored() -> None:
    freezer = StateFreezer(every=3)
    freezer.stored(2)
    assert gc.get_freeze_count() == 0
    freezer.stored(1)
    assert gc.get_freeze_count() > 0


def test_a_make_and_a_newcall_count_their_stored_records() -> None:
    backend = _frozen_backend(every=3)
    rows = [{"id": str(i), "phone": f"8900111000{i}"} for i in range(2)]
    body = f'{{"query": {{"access_token": "client-key", "data": {rows}}}}}'.replace("'", '"')
    backend.make("apikey", body.encode(), entry(backend, "make"))
    assert gc.get_freeze_count() == 0
    _newcall(backend, "89001112299")
    assert gc.get_freeze_count() > 0


def test_a_reset_hands_the_frozen_state_back_and_its_records_are_freed() -> None:
    backend = _frozen_backend(every=1)
    before = _records_alive()
    _newcall(backend, "89001112233")
    assert gc.get_freeze_count() > 0
    backend.reset()
    assert gc.get_freeze_count() == 0
    assert _records_alive() == before


def test_removing_an_account_hands_the_frozen_state_back() -> None:
    backend = _frozen_backend(every=1)
    _newcall(backend, "89001112233")
    config = manual_config()
    config.accounts = []
    backend.apply_config(config)
    assert gc.get_freeze_count() == 0


def test_an_emulator_in_a_test_process_has_no_freezer() -> None:
    from mockserver.server.app import create_app
    from mockserver.server.keys import BACKEND

    backend = create_app(manual_config())[BACKEND]
    assert backend.on_stored == [] and backend.on_dropped == []


def test_the_standalone_server_subscribes_its_freezer() -> None:
    from mockserver.server.app import create_app
    from mockserver.server.keys import BACKEND

    freezer = StateFreezer()
    backend = create_app(manual_config(), freezer=freezer)[BACKEND]
    assert backend.on_stored == [freezer.stored] and backend.on_dropped == [freezer.thaw]
