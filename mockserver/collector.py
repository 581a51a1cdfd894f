"""When Python's cyclic garbage collector may run: not in the middle of a run of events.

The emulator's state is a million small objects that live as long as the emulator does
(records, their attempts, cdr keys), and the dialer makes more of them as fast as it can.
The cyclic collector counts those allocations and, every so often, walks every object
alive: a full walk over a million records costs a third of a second, and a simulated day
ran a dozen of them, half of its time. Nothing in a run of events makes a reference cycle
(records point to their job, and jobs live on), so the walks find nothing. The collector is
therefore paused while events run and resumed after: the young objects the run made are
looked at once, then, instead of over and over during it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Pauses automatic collection inside the block, unless someone else already did.

    Garbage made inside is not lost: the collector, resumed, counts it as before.
    """
    if not gc.isenabled():  # the host application (or a test) turned it off: leave it so
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
