"""Mutation sampling: does the suite notice when a contract rule is broken?

Each mutant below breaks one rule of the contract by a small source patch (a file, an
original snippet that occurs exactly once in it, the mutated snippet), the kind of slip a
refactoring makes. The script copies the tree once to a temporary folder, applies each
mutant there alone, runs the tests that should catch it (``pytest -x``, a per-mutant
selection, a per-mutant time limit) and reports the score: mutants killed out of all,
the survivors named. A survivor is a rule no test pins: add the test, not an excuse.

Run it before a release (see CHANGELOG.md), from the repository's root::

    .venv/bin/python tools/mutants.py              # every mutant
    .venv/bin/python tools/mutants.py --list       # their names, and the tests each runs
    .venv/bin/python tools/mutants.py --only retry # the mutants whose name contains "retry"

Bounded: one pytest process at a time (the suite's own hypothesis ``ci`` profile, bounded
examples), each stopped after ``--timeout`` seconds (a mutant that hangs a test counts as
killed, marked as a time-out). The exit status is 0 when every mutant is killed, 1 when
one survives, 2 when a snippet is stale, the unmutated tree already fails its tests, or
pytest cannot run under a mutant (an import error is no test catching it).
``tests/test_mutants.py`` checks that every original snippet still occurs exactly once, so
the list cannot rot; the sampling itself is not part of the suite (it takes minutes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What the copy leaves out: the environment, history, caches and what no mutant's tests use.
IGNORED = (
    ".venv", ".git", ".hypothesis", ".mypy_cache", ".ruff_cache", "__pycache__", "*.egg-info",
    "bench", "build", "dist", "artifacts", "node_modules",
)  # fmt: skip


@dataclass(frozen=True)
class Mutant:
    name: str  # the rule it breaks
    file: str  # relative to the repository's root
    original: str  # occurs exactly once in ``file``
    mutated: str
    tests: tuple[str, ...]  # pytest paths or node ids, relative to the root


MAKE = "tests/test_make_api.py"
COLUMNS = "tests/test_columns.py"
PROPERTIES = "tests/test_properties.py"
DUPLICATES = "tests/test_duplicates.py"
NEWCALL = "tests/test_newcall_api.py"
CDR = "tests/test_cdr_api.py"
UNITS = "tests/test_domain_units.py"
WEBHOOKS = "tests/test_webhooks.py"
RETRY_DELAY = "tests/test_webhook_retry_delay.py"
RETRY_INTERVAL = "tests/test_retry_interval.py"
SECURITY = "tests/test_security.py"
KIT_WEBHOOKS = "tests/test_kit_webhooks.py"
ATTEMPTS = "tests/test_attempts.py"

MUTANTS: tuple[Mutant, ...] = (
    # -- make: the envelope and its errorcodes (1, 4, 5) --------------------------------------
    Mutant(
        "1000-row limit: 1001 rows taken",
        "mockserver/make/envelope.py",
        "if lines > MAX_ROWS:",
        "if lines > MAX_ROWS + 1:",
        (MAKE,),
    ),
    Mutant(
        "1000-row limit: 1000 rows refused",
        "mockserver/make/envelope.py",
        "if lines > MAX_ROWS:",
        "if lines >= MAX_ROWS:",
        (MAKE,),
    ),
    Mutant(
        "errorcode 1: a wrong token reported as not a batch",
        "mockserver/make/envelope.py",
        """does not match the account's token")
        return refused(BAD_TOKEN, lines)""",
        """does not match the account's token")
        return refused(NOT_A_BATCH, lines)""",
        (MAKE, SECURITY),
    ),
    Mutant(
        "errorcode 4: answered 400 instead of 413",
        "mockserver/make/report.py",
        "TOO_MANY_ROWS: 413,",
        "TOO_MANY_ROWS: 400,",
        (MAKE,),
    ),
    Mutant(
        "errorcode 5: a body that is no batch reported as too many rows",
        "mockserver/make/envelope.py",
        """        return refused(NOT_A_BATCH, lines)
    if lines > MAX_ROWS:""",
        """        return refused(TOO_MANY_ROWS, lines)
    if lines > MAX_ROWS:""",
        (MAKE,),
    ),
    # -- make: the rows (errorcodes 0, 2, 3), inheritance, the window -----------------------
    Mutant(
        "errorcode 3 loses to 2",
        "mockserver/make/report.py",
        "return INVALID_ROWS if invalid else DUPLICATES if duplicates else OK",
        "return DUPLICATES if duplicates else INVALID_ROWS if invalid else OK",
        (MAKE, PROPERTIES),
    ),
    Mutant(
        "report values as numbers, not strings",
        "mockserver/make/report.py",
        '"inserted": str(self.inserted),',
        '"inserted": self.inserted,',
        (MAKE,),
    ),
    Mutant(
        "inheritance: a row without a start takes the default, not the row before's",
        "mockserver/make/rules.py",
        "start = seconds[start_text] if start_text else last_start",
        "start = seconds[start_text] if start_text else DEFAULT_START",
        (COLUMNS, PROPERTIES),
    ),
    Mutant(
        "inheritance: a refused row's window is passed on",
        "mockserver/make/rules.py",
        """        if start < stop:
            last_start, last_stop = start, stop""",
        """        if True:
            last_start, last_stop = start, stop""",
        (COLUMNS, PROPERTIES),
    ),
    Mutant(
        "window: one that opens when it closes is taken",
        "mockserver/make/rules.py",
        "[] if start < stop else list(range(count))",
        "[] if start <= stop else list(range(count))",
        (MAKE, COLUMNS, PROPERTIES),
    ),
    Mutant(
        "maxcount: one attempt when not given",
        "mockserver/make/rules.py",
        "return int(value or 1)",
        "return int(value or 2)",
        (ATTEMPTS, PROPERTIES, NEWCALL, UNITS),
    ),
    # -- duplicates -------------------------------------------------------------------------
    Mutant(
        "duplicates in a batch ignore the scenario",
        "mockserver/make/rows.py",
        "key = (made.number, made.scenario)",
        'key = (made.number, "")',
        (DUPLICATES,),
    ),
    Mutant(
        "a pending call blocks its number under every scenario",
        "mockserver/accounts.py",
        "if record.scenario == scenario:",
        "if True:",
        (DUPLICATES,),
    ),
    Mutant(
        "a pending call does not block a make row",
        "mockserver/make/rows.py",
        "if key in batch or account.pending(made.number, made.scenario):",
        "if key in batch:",
        (DUPLICATES, MAKE, PROPERTIES),
    ),
    Mutant(
        "a duplicate newcall counts as a new call",
        "mockserver/backend.py",
        'return {"QUERY_ID": pending.job.id, "QUERY_COUNT": 0}',
        'return {"QUERY_ID": pending.job.id, "QUERY_COUNT": 1}',
        (NEWCALL, DUPLICATES),
    ),
    Mutant(
        "8XXXXXXXXXX and +7XXXXXXXXXX are two subscribers",
        "mockserver/phones.py",
        'if len(found) == 11 and found[0] in "78":',
        'if len(found) == 11 and found[0] in "7":',
        (NEWCALL, CDR, UNITS),
    ),
    # -- cdr: dates -------------------------------------------------------------------------
    Mutant(
        "cdr: a range reversed by one day is taken",
        "mockserver/cdr.py",
        "if first > last:",
        "if first > last + timedelta(days=1):",
        (CDR,),
    ),
    Mutant(
        "cdr: date_to is exclusive",
        "mockserver/cdr.py",
        "high = daytime.day_start(last + timedelta(days=1), zone)",
        "high = daytime.day_start(last, zone)",
        (CDR,),
    ),
    Mutant(
        "cdr: to= is matched as spelled, not normalised",
        "mockserver/cdr.py",
        "for r in account.of_number(phones.normalise(str(to)))",
        "for r in account.of_number(str(to))",
        (CDR,),
    ),
    # -- the simulation -------------------------------------------------------------------
    Mutant(
        "an account's retry_interval is ignored",
        "mockserver/simulation.py",
        "interval = account.config.retry_interval or self.retry_interval",
        "interval = self.retry_interval",
        (RETRY_INTERVAL,),
    ),
    Mutant(
        "the emulator's retry_interval is ignored",
        "mockserver/backend.py",
        "self.dialer.retry_interval = config.retry_interval",
        "self.dialer.retry_interval = 600.0",
        (RETRY_INTERVAL,),
    ),
    Mutant(
        "an answered call is dialled again",
        "mockserver/simulation.py",
        'if code.startswith("ANSWER/") or dial.attempts >= record.maxcount:',
        "if dial.attempts >= record.maxcount:",
        (ATTEMPTS, PROPERTIES, UNITS, CDR),
    ),
    Mutant(
        "one attempt more than maxcount",
        "mockserver/simulation.py",
        "or dial.attempts >= record.maxcount:",
        "or dial.attempts > record.maxcount:",
        (ATTEMPTS, PROPERTIES, UNITS, CDR),
    ),
    Mutant(
        "one dial line more than the account has",
        "mockserver/simulation.py",
        "while ready and account.busy < lines:",
        "while ready and account.busy <= lines:",
        (PROPERTIES, UNITS),
    ),
    Mutant(
        "the campaign lasts a day longer",
        "mockserver/windows.py",
        "last_day = first_day + campaign_days - 1",
        "last_day = first_day + campaign_days",
        (PROPERTIES, UNITS),
    ),
    Mutant(
        "forced outcomes: 0001 is not BUSY",
        "mockserver/outcomes.py",
        '"0001": ("BUSY", ""),',
        '"0001": ("NOANSWER", ""),',
        (CDR, UNITS, RETRY_INTERVAL),
    ),
    Mutant(
        "forced outcomes: matched on the first digits",
        "mockserver/outcomes.py",
        "found = self.rules.get(number[-length:])",
        "found = self.rules.get(number[:length])",
        (CDR, UNITS, PROPERTIES),
    ),
    # -- webhooks -------------------------------------------------------------------------
    Mutant(
        "the default first webhook retry after 6 s, not 5",
        "mockserver/webhooks/settings.py",
        "DEFAULT_SCHEDULE = [0.0, 5.0, 300.0,",
        "DEFAULT_SCHEDULE = [0.0, 6.0, 300.0,",
        (RETRY_DELAY,),
    ),
    Mutant(
        "a webhook retry waits the previous step of the schedule",
        "mockserver/webhooks/outbox.py",
        "delay = sub.schedule[delivery.scheduled]",
        "delay = sub.schedule[delivery.scheduled - 1]",
        (WEBHOOKS, RETRY_DELAY),
    ),
    Mutant(
        "410 Gone is retried like any failure",
        "mockserver/webhooks/outbox.py",
        'elif outcome == "gone" or sub is None:',
        "elif sub is None:",
        (WEBHOOKS,),
    ),
    Mutant(
        "410 Gone leaves the subscription enabled",
        "mockserver/webhooks/outbox.py",
        "sub.enabled = False",
        "sub.enabled = True",
        (WEBHOOKS,),
    ),
    Mutant(
        "signatures: the signed content misses its second dot",
        "mockserver/webhooks/signing.py",
        'signed = f"{msg_id}.{timestamp}.".encode() + body',
        'signed = f"{msg_id}.{timestamp}".encode() + body',
        (WEBHOOKS, KIT_WEBHOOKS),
    ),
    Mutant(
        "signatures: a subscription's secret is not used",
        "mockserver/webhooks/outbox.py",
        "key = sub.key() if sub.secret else None",
        "key = None",
        (WEBHOOKS, KIT_WEBHOOKS),
    ),
)


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    verdict: str  # "killed", "timeout" (counted as killed), "survived" or "error"
    seconds: float
    output: str


def stale(mutants: Iterable[Mutant], root: Path = ROOT) -> list[str]:
    """Why each mutant that cannot be applied cannot: its file gone, its snippet not there
    exactly once, or a mutation that changes nothing."""
    problems = []
    for mutant in mutants:
        path = root / mutant.file
        if not path.is_file():
            problems.append(f"{mutant.name}: {mutant.file} does not exist")
            continue
        count = path.read_text("utf-8").count(mutant.original)
        if count != 1:
            problems.append(f"{mutant.name}: the original occurs {count} times in {mutant.file}")
        if mutant.original == mutant.mutated:
            problems.append(f"{mutant.name}: the mutated snippet is the original")
        missing = [t for t in mutant.tests if not (root / t.split("::")[0]).is_file()]
        if missing:
            problems.append(f"{mutant.name}: no such tests {missing}")
    return problems


def copy_tree(target: Path) -> Path:
    copy = target / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*IGNORED))
    return copy


def pytest(copy: Path, tests: Sequence[str], timeout: float) -> tuple[int | None, str]:
    """Runs ``tests`` of the copy, its code imported ahead of the installed package's.
    Answers the exit status (None on a time-out) and the output's tail."""
    env = {**os.environ, "PYTHONPATH": str(copy), "HYPOTHESIS_PROFILE": "ci"}
    env.pop("CI", None)  # the profile is named; nothing else should change with CI
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    try:
        done = subprocess.run(
            [*command, "-o", "addopts=", *tests],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, f"no verdict within {timeout:g} s"
    return done.returncode, (done.stdout + done.stderr)[-2000:]


def run(mutant: Mutant, copy: Path, timeout: float) -> Outcome:
    path = copy / mutant.file
    source = path.read_text("utf-8")
    path.write_text(source.replace(mutant.original, mutant.mutated, 1), "utf-8")
    started = time.monotonic()
    try:
        status, output = pytest(copy, mutant.tests, timeout)
    finally:
        path.write_text(source, "utf-8")
    # pytest's exit status 1 is a test that failed; 2 and up (an import or collection error,
    # a usage error) mean the mutant or the selection is broken, not that a test caught it.
    verdicts = {None: "timeout", 0: "survived", 1: "killed"}
    verdict = verdicts.get(status, "error")
    return Outcome(mutant, verdict, time.monotonic() - started, output)


def imports_from(copy: Path) -> bool:
    """True when a process run as :func:`pytest` runs them imports the copy's code."""
    env = {**os.environ, "PYTHONPATH": str(copy)}
    probe = "import mockserver, contract_tests; print(mockserver.__file__, contract_tests.__file__)"
    found = subprocess.run(
        [sys.executable, "-c", probe], cwd=copy, env=env, capture_output=True, text=True
    ).stdout.split()
    return len(found) == 2 and all(Path(f).is_relative_to(copy) for f in found)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="the mutants whose name contains this text")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per mutant")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.only or args.only in m.name]
    if args.list:
        for mutant in chosen:
            print(f"{mutant.name}\n    {mutant.file}; runs {' '.join(mutant.tests)}")
        return 0
    problems = stale(chosen)
    if problems:
        print("stale mutants:\n  " + "\n  ".join(problems))
        return 2
    with tempfile.TemporaryDirectory(prefix="mutants-") as folder:
        copy = copy_tree(Path(folder))
        if not imports_from(copy):
            print("the copy's code is not the one imported: check the install")
            return 2
        every_test = sorted({t for m in chosen for t in m.tests})
        status, output = pytest(copy, every_test, args.timeout * 2)
        if status != 0:
            print(f"the unmutated tree fails its tests:\n{output}")
            return 2
        outcomes = []
        for number, mutant in enumerate(chosen, 1):
            outcome = run(mutant, copy, args.timeout)
            outcomes.append(outcome)
            print(f"[{number}/{len(chosen)}] {outcome.verdict:8} {outcome.seconds:5.1f} s  "
                  f"{mutant.name}", flush=True)  # fmt: skip
    killed = sum(o.verdict in ("killed", "timeout") for o in outcomes)
    timeouts = sum(o.verdict == "timeout" for o in outcomes)
    print(
        f"\nscore: {killed}/{len(outcomes)} killed ({100 * killed / len(outcomes):.0f}%)"
        + (f", {timeouts} by a time-out" if timeouts else "")
    )
    for outcome in outcomes:
        if outcome.verdict == "survived":
            print(f"  survived: {outcome.mutant.name}")
        if outcome.verdict == "error":
            print(f"  not judged (pytest could not run): {outcome.mutant.name}\n{outcome.output}")
    if any(o.verdict == "error" for o in outcomes):
        return 2
    return 1 if any(o.verdict == "survived" for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
