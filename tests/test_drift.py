"""``autodialer-contract drift``: a cassette checked offline with the proxy's rules, each
planted difference named; and the rules one exchange can show, one by one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from contract_tests.cli import main
from mockserver.cassette import Exchange
from mockserver.drift import check

from .skewed import upstream
from .test_proxy import proxy, traffic


def cassette_of(tmp_path: Path, skew: str | None) -> Path:
    cassette = tmp_path / f"{skew}.jsonl"
    with upstream(skew) as real, proxy(real.url, record=str(cassette)) as through:
        traffic(through.url)
    return cassette


@pytest.mark.parametrize(
    ("skew", "shown"),
    [
        ("integers", "report.lines is an integer upstream (3); the contract says string"),
        ("renamed", "QUERYID is in the answer upstream; newcall.response has no such field"),
        ("duplicates", "inserted 3 rows, but the batch holds only 2 distinct numbers"),
        ("status", "newcall: HTTP 200 with an error body"),
    ],
)
def test_drift_names_each_planted_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], skew: str, shown: str
) -> None:
    assert main(["drift", str(cassette_of(tmp_path, skew))]) == 1
    assert shown in capsys.readouterr().out


def test_drift_is_clean_on_an_emulator_upstream(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassette = cassette_of(tmp_path, None)
    assert main(["drift", str(cassette)]) == 0
    assert capsys.readouterr().out == f"{cassette}: 4 exchanges, no drift from the contract\n"


def test_drift_reports_each_rule_with_its_count_and_first_example_in_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["drift", str(cassette_of(tmp_path, "integers"))])
    out = capsys.readouterr().out
    assert "drift_schema           report.lines           1  report.lines is an" in out
    assert "== drift_schema report.lines (first at exchange 1)" in out
    assert '"path": "/key-' in out and '"status": 200' in out


def test_drift_writes_junit_xml_one_case_per_rule_and_field(tmp_path: Path) -> None:
    report = tmp_path / "drift.xml"
    main(["drift", str(cassette_of(tmp_path, "renamed")), "--junit-xml", str(report)])
    cases = ET.parse(report).getroot().findall("testcase")
    names = sorted(c.get("name", "") for c in cases)
    assert names == ["drift_missing_field QUERY_ID", "drift_unknown_field QUERYID"]
    assert all(c.find("failure") is not None for c in cases)


def test_drift_refuses_a_file_that_is_not_a_cassette(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"method": "GET"}\n', "utf-8")
    assert main(["drift", str(bad)]) == 2
    assert f"{bad}:1: not a cassette line" in capsys.readouterr().err


# -- the rules, one exchange at a time -----------------------------------------------------------


def cdr(rows: list[dict[str, Any]], query: str = "") -> Exchange:
    return Exchange(
        "GET", "/k/cdr", query, status=200,
        headers={"Content-Type": "application/json"}, body=json.dumps(rows).encode(),
    )  # fmt: skip


def row(time: str, query_id: int = 1, dst: str = "89222220000") -> dict[str, Any]:
    return {"QUERY_ID": query_id, "DST": dst, "TIME": time, "CODE": "ANSWER/16", "SEC": 5}


def codes(exchange: Exchange) -> list[str]:
    return [f.code for f in check(exchange)]


def test_cdr_rows_out_of_time_order_are_drift() -> None:
    rows = [row("2026-11-27 12:00:00 +0300"), row("2026-11-27 11:00:00 +0300", 2)]
    assert codes(cdr(rows)) == ["drift_cdr_order"]


def test_cdr_rows_of_one_time_are_ordered_by_query_id() -> None:
    rows = [row("2026-11-27 12:00:00 +0300", 2), row("2026-11-27 12:00:00 +0300", 1)]
    assert codes(cdr(rows)) == ["drift_cdr_order"]


def test_a_cdr_row_outside_the_dates_asked_is_drift() -> None:
    exchange = cdr([row("2026-11-28 12:00:00 +0300")], "date_from=2026-11-27&date_to=2026-11-27")
    assert codes(exchange) == ["drift_cdr_dates"]


def test_a_cdr_row_of_another_number_than_to_is_drift() -> None:
    exchange = cdr([row("2026-11-27 12:00:00 +0300", dst="89000000000")], "to=%2B79222220000")
    assert codes(exchange) == ["drift_cdr_filter"]


def test_a_cdr_time_without_its_offset_is_drift() -> None:
    [finding] = check(cdr([row("2026-11-27 12:00:00")]))
    assert (finding.code, finding.field) == ("drift_schema", "[0].TIME")


def make(report: dict[str, Any], rows: int, status: int = 200) -> Exchange:
    data = [{"id": str(i), "phone": f"8922222{i:04d}"} for i in range(rows)]
    return Exchange(
        "POST", "/k/make", request_type="application/json",
        request_body=json.dumps({"query": {"access_token": "t", "data": data}}).encode(),
        status=status, headers={"Content-Type": "application/json"},
        body=json.dumps({"report": report}).encode(),
    )  # fmt: skip


def report(lines: int, ok: int, inserted: int, errorcode: str) -> dict[str, str]:
    counts = {"lines": lines, "ok": ok, "inserted": inserted}
    return {**{k: str(v) for k, v in counts.items()}, "errorcode": errorcode, "id": "7"}


def test_a_report_that_counts_other_rows_than_were_sent_is_drift() -> None:
    messages = [f.message for f in check(make(report(4, 4, 3, "2"), rows=3))]
    assert messages == ["lines is 4 but 3 rows were sent"]


def test_a_report_with_more_inserted_than_ok_is_drift() -> None:
    assert "drift_report" in codes(make(report(3, 2, 3, "3"), rows=3))


def test_errorcode_0_with_skipped_rows_is_drift() -> None:
    assert codes(make(report(3, 3, 2, "0"), rows=3)) == ["drift_report"]


def test_an_errorcode_answered_with_another_status_is_drift() -> None:
    [finding] = check(make(report(3, 3, 3, "0"), rows=3, status=201))
    assert finding.message == "make errorcode 0 goes with HTTP 200, got 201"


def test_a_consistent_report_is_no_drift() -> None:
    assert codes(make(report(3, 3, 3, "0"), rows=3)) == []
