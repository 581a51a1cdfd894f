"""README.ru.md is the README in Russian: the same commands, outputs, configuration and
tables, so the two cannot drift apart. The English one's tour runs as a test
(tests/test_readme.py); equal code blocks make the Russian one's true as well."""

from __future__ import annotations

import re

import pytest

from .support import ROOT

FENCED = re.compile(r"^```[^\n]*\n.*?^```$", re.S | re.M)
TABLE_ROW = re.compile(r"^\| (.*?) \|", re.M)


def read(name: str) -> str:
    return (ROOT / name).read_text("utf-8")


def test_both_readmes_show_the_same_code_blocks_in_order() -> None:
    english, russian = FENCED.findall(read("README.md")), FENCED.findall(read("README.ru.md"))
    assert len(russian) == len(english)
    for number, (en, ru) in enumerate(zip(english, russian, strict=True)):
        assert ru == en, f"code block {number} differs"


def test_both_readmes_mark_the_same_tour_steps() -> None:
    def steps(text: str) -> list[str]:
        return re.findall(r"<!-- tour -->\n(```sh\n.*?\n```)", text, re.S)

    assert steps(read("README.ru.md")) == steps(read("README.md"))


def first_column(text: str) -> list[str]:
    """The first cell of every table row (options, routes, suffixes, paths), in order."""
    cells = [cell for cell in TABLE_ROW.findall(text) if not cell.startswith("---")]
    return [cell for cell in cells if cell.startswith("`")]  # headers are words, keys code


def test_both_readmes_have_the_same_tables_keyed_alike() -> None:
    assert first_column(read("README.ru.md")) == first_column(read("README.md"))


@pytest.mark.parametrize(
    ("name", "other"), [("README.md", "README.ru.md"), ("README.ru.md", "README.md")]
)
def test_each_readme_links_the_other_at_the_top(name: str, other: str) -> None:
    head = read(name).split("\n## ", 1)[0].splitlines()[:5]
    assert any(f"]({other})" in line for line in head)
