"""The docs stand alone: every link of README*.md and docs/*.md points at a file of the
repository, and none cites the contract notes kept outside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .support import ROOT

DOCS = sorted([*ROOT.glob("README*.md"), *(ROOT / "docs").glob("*.md")])
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_a_file_of_the_repository(doc: Path) -> None:
    for target in LINK.findall(doc.read_text("utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        assert (doc.parent / target).resolve().exists(), f"{doc.name}: {target}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_doc_cites_the_notes_kept_outside_the_repository(doc: Path) -> None:
    assert "SPEC.md" not in doc.read_text("utf-8")


def test_the_license_is_the_one_pyproject_names() -> None:
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text("utf-8")
    assert (ROOT / "LICENSE").read_text("utf-8").startswith("MIT License\n")
