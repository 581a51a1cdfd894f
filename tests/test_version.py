"""The version moves with the changelog: one number in pyproject, CHANGELOG.md and the package."""

from __future__ import annotations

import re
import sys

import mockserver

from .support import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

RELEASE = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", re.M)


def project_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def newest_release() -> str:
    return RELEASE.findall((ROOT / "CHANGELOG.md").read_text("utf-8"))[0]


def test_pyproject_version_is_the_newest_changelog_release() -> None:
    assert project_version() == newest_release()


def test_package_version_is_the_installed_pyproject_version() -> None:
    # A mismatch here after a bump means the package was not reinstalled (pip install -e .).
    assert mockserver.__version__ == project_version()


def test_changelog_releases_are_newest_first() -> None:
    releases = [
        tuple(map(int, v.split(".")))
        for v in RELEASE.findall((ROOT / "CHANGELOG.md").read_text("utf-8"))
    ]
    assert releases == sorted(releases, reverse=True)
