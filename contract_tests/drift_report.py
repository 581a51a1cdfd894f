"""``autodialer-contract drift FILE``: a cassette checked offline with the proxy's own rules
(:mod:`mockserver.drift`), reported per drift code and field: how many exchanges showed it,
and the first of them in full."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from mockserver import drift
from mockserver.cassette import Exchange, read


@dataclass
class Found:
    """One drift code on one field across the cassette: how often, and the first exchange
    that showed it."""

    code: str
    field: str
    count: int = 0
    first_line: int = 0
    first: drift.Finding | None = None
    example: Exchange | None = None


@dataclass
class DriftReport:
    exchanges: int = 0
    found: dict[tuple[str, str], Found] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.found


def scan(path: str | Path) -> DriftReport:
    """Every exchange of the cassette through every rule; raises CassetteError on a bad line."""
    report = DriftReport()
    for number, exchange in enumerate(read(path), 1):
        report.exchanges += 1
        for finding in drift.check(exchange):
            key = (finding.code, finding.field)
            found = report.found.setdefault(key, Found(finding.code, finding.field))
            found.count += 1
            if found.first is None:
                found.first, found.example, found.first_line = finding, exchange, number
    return report


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def text(report: DriftReport, path: str | Path) -> str:
    exchanges = _count(report.exchanges, "exchange")
    if report.clean:
        return f"{path}: {exchanges}, no drift from the contract"
    codes = {code for code, _ in report.found}
    lines = [f"{path}: {exchanges}, drift in {_count(len(codes), 'rule')}", ""]
    lines.append(f"{'rule':<22} {'field':<18} {'count':>5}  first")
    ordered = sorted(report.found.values(), key=lambda f: (f.code, f.field))
    for found in ordered:
        assert found.first is not None
        lines.append(f"{found.code:<22} {found.field:<18} {found.count:>5}  {found.first.message}")
    for found in ordered:
        assert found.first is not None and found.example is not None
        lines += [
            "",
            f"== {found.code} {found.field} (first at exchange {found.first_line})",
            f"   {found.first.field}: {found.first.message}",
            "   " + json.dumps(found.example.to_dict(), ensure_ascii=False, indent=1)
            .replace("\n", "\n   "),
        ]  # fmt: skip
    return "\n".join(lines)


def junit_xml(report: DriftReport, out: str | Path) -> None:
    """One failed test case per drift code and field, or one passing case when the cassette
    is clean."""
    suite = ET.Element(
        "testsuite",
        name="autodialer-contract drift",
        tests=str(max(1, len(report.found))),
        failures=str(len(report.found)),
    )
    if report.clean:
        ET.SubElement(suite, "testcase", name="no_drift", classname="drift")
    for found in sorted(report.found.values(), key=lambda f: (f.code, f.field)):
        case = ET.SubElement(
            suite, "testcase", name=f"{found.code} {found.field}", classname="drift"
        )
        failure = ET.SubElement(
            case, "failure", message=found.first.message if found.first else found.code
        )
        failure.text = json.dumps(
            found.example.to_dict() if found.example else {}, ensure_ascii=False, indent=1
        )
    ET.ElementTree(suite).write(out, encoding="utf-8", xml_declaration=True)
