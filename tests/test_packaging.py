"""A wheel built from the repository installs into a fresh virtual environment and works:
both commands run, and the schemas, the dashboard's files, the Locust file, the LICENSE
and the pytest plugin's entry points are in it.

Bounded: one wheel build (pip, ``--no-deps``) and a venv without pip; only the wheel is
installed into it, and the test environment's site-packages lend it the dependencies
(through a ``.pth`` file, which adds a path and runs nothing of what it holds, so the
editable install of the working tree stays out of sight).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .support import ROOT

SHIPPED = [
    "schemas/make.request.json",
    "schemas/webhook.event.json",
    "mockserver/ui/index.html",
    "mockserver/ui/app.js",
    "mockserver/ui/style.css",
    "mockserver/loadgen/locustfile.py",
    "contract_tests/plugin.py",
]


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{command}: {done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ directory of a fresh venv holding only the wheel built from the repository."""
    tmp = tmp_path_factory.mktemp("wheel")
    tracked = run("git", "ls-files", cwd=ROOT).split()
    source = tmp / "source"  # a copy: the build's own files stay out of the working tree
    for name in tracked:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp / "dist", source, cwd=tmp
    )
    (wheel,) = (tmp / "dist").glob("autodialer_mock-*.whl")
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp)
    lent = Path(purelib.strip()) / "test-dependencies.pth"
    lent.write_text(sysconfig.get_path("purelib") + "\n", "utf-8")
    pip = (sys.executable, "-m", "pip", "--python", python)
    run(*pip, "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp)
    return venv / "bin"


def test_the_wheel_is_what_the_venv_imports(installed: Path) -> None:
    where = run(
        installed / "python", "-c", "import mockserver; print(mockserver.__file__)", cwd=installed
    )
    assert Path(where.strip()).is_relative_to(installed.parent)


def test_the_installed_server_command_runs(installed: Path) -> None:
    shown = run(installed / "autodialer-mock", "--help", cwd=installed)
    assert "serve" in shown and "fire" in shown


def test_the_installed_kit_command_prints_the_openapi_document(installed: Path) -> None:
    document = json.loads(run(installed / "autodialer-contract", "openapi", cwd=installed))
    assert document["openapi"].startswith("3.1") and document["paths"]


def test_the_wheel_ships_schemas_dashboard_locustfile_and_plugin(installed: Path) -> None:
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(run(installed / "python", "-c", code, cwd=installed).strip())
    missing = [name for name in SHIPPED if not (site / name).is_file()]
    assert missing == []
    assert list(site.glob("autodialer_mock-*.dist-info/**/LICENSE"))


def test_the_wheel_registers_the_pytest_plugins(installed: Path) -> None:
    code = (
        "from importlib.metadata import entry_points; "
        "print(sorted(e.value for e in entry_points(group='pytest11') if e.dist.name == "
        "'autodialer-mock'))"
    )
    shown = run(installed / "python", "-c", code, cwd=installed)
    assert "contract_tests.plugin" in shown and "contract_tests.suite_options" in shown
