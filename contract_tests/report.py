"""Reports a person can read (a table per rule, then each failure with its minimal example)
and a JUnit XML file for CI systems (one test case per rule)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from .runner import ERROR, FAILED, PASSED, SKIPPED, Outcome

MARKS = {PASSED: "ok", FAILED: "FAIL", SKIPPED: "skip", ERROR: "ERROR"}


def summary(outcomes: Sequence[Outcome]) -> str:
    """The table, the failures in detail, the skips with their reason, and a one-line total."""
    width = max([len(o.name) for o in outcomes] + [4])
    lines = [f"{'rule':<{width}}  {'result':<6}  {'cases':>5}  {'secs':>5}  broken rules"]
    lines.append("-" * (width + 40))
    for o in outcomes:
        broken = ", ".join(sorted({f.rule for f in o.failures})) or o.reason[:60]
        lines.append(
            f"{o.name:<{width}}  {MARKS[o.status]:<6}  {o.examples:>5}  {o.seconds:>5.1f}  {broken}"
        )
    for o in outcomes:
        if o.status in (FAILED, ERROR):
            lines += ["", detail(o)]
    skipped = [o for o in outcomes if o.status == SKIPPED]
    if skipped:
        lines += ["", "Skipped:"] + [f"  {o.name}: {o.reason}" for o in skipped]
    lines += ["", total(outcomes)]
    return "\n".join(lines)


def detail(o: Outcome) -> str:
    """One failed rule: what it says, every broken rule with why, the minimal example."""
    out = [f"== {o.name}: {MARKS[o.status]}", f"   contract: {o.rule}"]
    if o.reason:
        out.append(f"   {o.reason}")
    for failure in o.failures:
        out.append(f"   broken rule {failure.rule}: {failure.explanation()}")
        out.append(f"     {failure.message}")
    if o.example:
        out.append("   Minimal example:")
        out.append(textwrap.indent(o.example, "     "))
    if o.exchanges:
        out.append("   Requests of that example (last ones):")
        out += [f"     {e}" for e in o.exchanges]
    return "\n".join(out)


def total(outcomes: Sequence[Outcome]) -> str:
    counts = {s: sum(o.status == s for o in outcomes) for s in MARKS}
    return ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing run"


def junit_xml(
    outcomes: Sequence[Outcome], path: str | Path, name: str = "autodialer-contract"
) -> None:
    suite = ET.Element(
        "testsuite",
        name=name,
        tests=str(len(outcomes)),
        failures=str(sum(o.status == FAILED for o in outcomes)),
        errors=str(sum(o.status == ERROR for o in outcomes)),
        skipped=str(sum(o.status == SKIPPED for o in outcomes)),
        time=f"{sum(o.seconds for o in outcomes):.3f}",
    )
    for o in outcomes:
        case = ET.SubElement(
            suite, "testcase", classname="contract", name=o.name, time=f"{o.seconds:.3f}"
        )
        if o.status == FAILED:
            rules = ", ".join(sorted({f.rule for f in o.failures})) or o.reason
            ET.SubElement(case, "failure", message=f"broken: {rules}").text = detail(o)
        elif o.status == ERROR:
            ET.SubElement(case, "error", message=o.reason).text = detail(o)
        elif o.status == SKIPPED:
            ET.SubElement(case, "skipped", message=o.reason)
        ET.SubElement(case, "system-out").text = o.rule
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    Path(path).write_text(
        ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n", "utf-8"
    )
