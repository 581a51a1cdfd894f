"""The JSON Schemas (draft 2020-12) of the Autodialer contract: the single source of truth.

The emulator validates with them, the contract kit checks against them and the
OpenAPI document is assembled from them. Each file's ``$id`` is
``urn:autodialer-mock:<name>``; :func:`load` returns one by name.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

URN = "urn:autodialer-mock:"


@cache
def load_all() -> dict[str, dict[str, Any]]:
    """Every schema of the package, keyed by name (the file name without ``.json``)."""
    found: dict[str, dict[str, Any]] = {}
    for entry in resources.files(__name__).iterdir():
        if entry.name.endswith(".json"):
            found[entry.name.removesuffix(".json")] = json.loads(entry.read_text("utf-8"))
    return found


def load(name: str) -> dict[str, Any]:
    """One schema by name, e.g. ``load("make.row")``."""
    return load_all()[name]
