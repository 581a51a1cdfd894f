"""The dashboard's server side: the page and its assets (CSP, package data), and the JSON it
reads and posts — batch upload through make, outcomes over time, the cdr, fire."""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from typing import Any

from mockserver import overview
from mockserver.errors import MalformedBody
from mockserver.make import batchfile

from .receiver import Receiver
from .support import ROOT, Emulator, vendor_example

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

UI = ROOT / "mockserver" / "ui"
VENDOR_CSV = (
    "id,name,phone,UUID,var1,var2,var3,statdialertime,stopdialertime,maxcount,generationtype\n"
    "1,Петров,89222220000,code1,data1,data2,data3,10:00:00,19:00:00,1,1\n"
    "2,Имя,89222220000,code1,data1,data2,data3,10:00:00,19:00:00,1,1\n"
    "3,Иванов,89222220002,code1,data1,data2,data3,10:00:00,19:00:00,1,1\n"
)


async def upload(emulator: Emulator, body: bytes | str, content_type: str, **query: str) -> Any:
    response = await emulator.client.post(
        "/_mock/upload", data=body, headers={"Content-Type": content_type}, params=query
    )
    return response.status, await response.json()


# -- the page -----------------------------------------------------------------------------------


async def test_the_page_is_served_with_a_content_security_policy(emulator: Emulator) -> None:
    response = await emulator.client.get("/_mock/ui")
    assert response.status == 200
    assert response.content_type == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_page_has_no_inline_script_or_style() -> None:
    html = (UI / "index.html").read_text("utf-8")
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
    assert scripts and all(not body.strip() for body in scripts)
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers


def test_the_scripts_never_parse_data_as_html() -> None:
    for source in UI.glob("*.js"):
        text = source.read_text("utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in text, f"{source.name} uses {sink}"


async def test_every_asset_is_served_with_its_type(emulator: Emulator) -> None:
    for source in UI.glob("*.js"):
        response = await emulator.client.get(f"/_mock/ui/{source.name}")
        assert response.status == 200, source.name
        assert response.content_type == "text/javascript"
        assert "Content-Security-Policy" in response.headers
    response = await emulator.client.get("/_mock/ui/style.css")
    assert response.content_type == "text/css"


async def test_an_unknown_asset_is_a_404_with_the_error_body(emulator: Emulator) -> None:
    response = await emulator.client.get("/_mock/ui/nothing.js")
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


def test_the_wheel_carries_every_file_of_the_dashboard() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["mockserver"]
    files = [f"ui/{p.name}" for p in UI.iterdir() if p.is_file()]
    assert files
    for name in files:
        assert any(fnmatch.fnmatch(name, p) for p in patterns), f"{name} is not package data"


def test_the_page_loads_nothing_from_elsewhere() -> None:
    html = (UI / "index.html").read_text("utf-8")
    for url in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert url.startswith(("/_mock/ui/", "data:")), url
    for source in UI.glob("*.js"):
        for module in re.findall(r'from "([^"]+)"', source.read_text("utf-8")):
            assert module.startswith("./"), f"{source.name} imports {module}"


# -- upload -------------------------------------------------------------------------------------


async def test_the_vendor_example_uploaded_as_json_reports_as_make_does(
    emulator: Emulator,
) -> None:
    body = json.dumps(vendor_example()).encode()
    status, answer = await upload(emulator, body, "application/json")
    assert status == 200
    report = answer["report"]
    assert (report["lines"], report["ok"], report["inserted"], report["errorcode"]) == (
        "3",
        "3",
        "2",
        "2",
    )
    assert len(await emulator.calls(job=report["id"])) == 2


async def test_the_vendor_example_as_csv_gives_the_same_report(emulator: Emulator) -> None:
    status, answer = await upload(emulator, VENDOR_CSV, "text/csv")
    assert status == 200 and answer["format"] == "csv"
    assert answer["report"]["lines"] == "3" and answer["report"]["inserted"] == "2"
    assert answer["report"]["errorcode"] == "2"


async def test_an_upload_is_journalled_as_make_with_its_warnings(emulator: Emulator) -> None:
    await upload(emulator, VENDOR_CSV, "text/csv")
    (entry,) = await emulator.journal()
    assert (entry["operation"], entry["path"], entry["status"]) == ("make", "/_mock/upload", 200)
    assert [w["code"] for w in entry["warnings"]] == ["duplicate_skipped"]
    assert json.loads(entry["body"])["query"]["data"][0]["name"] == "Петров"


async def test_a_csv_row_goes_through_make_validation(emulator: Emulator) -> None:
    csv = "id,phone\n1,89222220001\n2,12\n"
    status, answer = await upload(emulator, csv, "text/csv")
    assert status == 200 and answer["report"]["errorcode"] == "3"
    (entry,) = await emulator.journal()
    assert any(w["code"] == "row_rejected" for w in entry["warnings"])


async def test_a_semicolon_csv_from_excel_inherits_empty_windows(emulator: Emulator) -> None:
    csv = (
        "\ufeffid;phone;statdialertime;stopdialertime\n1;89222220001;11:00;12:00\n2;89222220003;;\n"
    )
    status, answer = await upload(emulator, csv.encode("utf-8"), "text/csv")
    assert status == 200 and answer["report"]["inserted"] == "2"
    windows = [c["window"] for c in await emulator.calls()]
    assert windows == [{"start": "11:00:00", "stop": "12:00:00"}] * 2


async def test_a_bare_array_of_rows_gets_the_accounts_token(emulator: Emulator) -> None:
    rows = [{"id": "1", "phone": "89222220001"}]
    status, answer = await upload(emulator, json.dumps(rows), "application/json")
    assert status == 200 and answer["report"]["inserted"] == "1"


async def test_a_make_body_with_a_wrong_token_is_refused_as_make_refuses_it(
    emulator: Emulator,
) -> None:
    body = {"query": {"access_token": "wrong", "data": [{"id": "1", "phone": "89222220001"}]}}
    status, answer = await upload(emulator, json.dumps(body), "application/json")
    assert status == 401 and answer["report"]["errorcode"] == "1"


async def test_a_malformed_csv_is_refused_with_errorcode_5_and_journalled(
    emulator: Emulator,
) -> None:
    status, answer = await upload(emulator, "id,phone\n1,89222220001,extra\n", "text/csv")
    assert status == 400 and answer["report"]["errorcode"] == "5"
    (entry,) = await emulator.journal()
    assert entry["warnings"][0]["code"] == "malformed_body"
    assert "line 2" in entry["warnings"][0]["message"]


async def test_an_upload_to_an_unknown_account_is_a_401(emulator: Emulator) -> None:
    status, answer = await upload(emulator, VENDOR_CSV, "text/csv", api_key="nobody")
    assert status == 401 and answer["error"]["code"] == "unknown_api_key"


def test_csv_rows_send_empty_cells_as_not_given() -> None:
    assert batchfile.csv_rows("id,phone,name\n1,89222220001,\n\n") == [
        {"id": "1", "phone": "89222220001", "name": ""}
    ]


def test_csv_needs_a_header_row() -> None:
    for text in ("", "\n \n"):
        try:
            batchfile.csv_rows(text)
        except MalformedBody as exc:
            assert "header" in exc.message
        else:
            raise AssertionError("an empty CSV was read")


def test_the_format_is_told_by_type_then_by_content() -> None:
    assert batchfile.kind_of("text/csv", None, b"{") == "csv"
    assert batchfile.kind_of("application/octet-stream", None, b' [{"id": 1}]') == "json"
    assert batchfile.kind_of("application/octet-stream", None, b"id,phone") == "csv"
    assert batchfile.kind_of("application/json", "csv", b"{}") == "csv"


# -- what the page reads ------------------------------------------------------------------------


async def test_outcomes_over_time_count_every_finished_attempt(emulator: Emulator) -> None:
    await emulator.make(vendor_example()["query"]["data"])
    await emulator.advance(2 * 3600)
    response = await emulator.client.get("/_mock/outcomes")
    series = await response.json()
    assert series["totals"] == {"answered": 1, "busy": 0, "no_answer": 1, "failed": 0}
    assert sum(b["answered"] + b["no_answer"] for b in series["buckets"]) == 2
    assert series["buckets"][0]["start"].startswith("2026-11-27T10:00:00")


def test_statuses_that_never_got_through_count_as_failed() -> None:
    assert [overview.outcome_of(c) for c in ("CONGESTION/34", "CHANUNAVAIL/1", "CANCEL/")] == [
        "failed"
    ] * 3


async def test_the_cdr_page_is_newest_first(emulator: Emulator) -> None:
    await emulator.newcall(name="A", phone="89222220000", UUID="a")
    await emulator.advance(3600)
    await emulator.newcall(name="B", phone="89222220001", UUID="b")
    await emulator.advance(3600)
    page = await (await emulator.client.get("/_mock/cdr", params={"limit": 1})).json()
    assert page["total"] == 2 and [row["DST"] for row in page["items"]] == ["89222220001"]
    page = await (await emulator.client.get("/_mock/cdr", params={"offset": 1})).json()
    assert [row["DST"] for row in page["items"]] == ["89222220000"]


async def test_reading_the_cdr_for_the_page_is_not_journalled(emulator: Emulator) -> None:
    await emulator.client.get("/_mock/cdr")
    await emulator.client.get("/_mock/summary")
    assert await emulator.journal() == []


async def test_the_summary_counts_records_deliveries_and_warnings(emulator: Emulator) -> None:
    await emulator.make(vendor_example()["query"]["data"])
    summary = await (await emulator.client.get("/_mock/summary")).json()
    assert summary["records"] == {"pending": 2, "dialing": 0, "completed": 0, "expired": 0}
    assert summary["jobs"] == 1 and summary["cdr"] == 0
    assert summary["journal"] == {"entries": 1, "warnings": 1}


async def test_fire_sends_synthetic_events_and_sums_up(
    emulator: Emulator, receiver: Receiver
) -> None:
    response = await emulator.client.post(
        "/_mock/fire", json={"url": receiver.url, "count": 3, "rate": 1000}
    )
    assert response.status == 200
    summary = await response.json()
    assert (summary["sent"], summary["2xx"]) == (3, 3)
    assert len(receiver.requests) == 3


async def test_fire_refuses_a_count_over_its_bound(emulator: Emulator) -> None:
    response = await emulator.client.post(
        "/_mock/fire", json={"url": "http://127.0.0.1:9/", "count": 100000}
    )
    assert response.status == 400
    assert "count" in (await response.json())["error"]["message"]
