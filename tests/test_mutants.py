"""The mutation sample of tools/mutants.py stays applicable: every mutant's original snippet
is still in the code, once. (The sampling itself runs before a release, not in the suite.)"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from .support import ROOT


def mutants_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutants", ROOT / "tools" / "mutants.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mutants", module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_every_mutants_original_snippet_occurs_once_in_its_file() -> None:
    mutants = mutants_module()
    assert mutants.stale(mutants.MUTANTS) == []


def test_the_sample_holds_at_least_twenty_mutants_with_distinct_names() -> None:
    names = [m.name for m in mutants_module().MUTANTS]
    assert len(names) >= 20 and len(set(names)) == len(names)
