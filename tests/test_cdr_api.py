"""cdr: the date range in the account's zone, the ``to`` filter, the order, TIME's format."""

from __future__ import annotations

import re

from .support import Emulator

TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0300$")


async def _two_calls(emulator: Emulator) -> None:
    # Both numbers are forced: ...0000 answered, ...0001 busy.
    await emulator.newcall(name="A", phone="89001110000", UUID="a")
    await emulator.newcall(name="B", phone="89001110001", UUID="b")
    await emulator.advance(600)


async def test_cdr_lists_finished_calls_of_today_by_default(emulator: Emulator) -> None:
    await _two_calls(emulator)
    status, rows = await emulator.cdr()
    assert status == 200
    assert sorted(r["CODE"] for r in rows) == ["ANSWER/16", "BUSY/17"]


async def test_time_has_the_accounts_numeric_offset(emulator: Emulator) -> None:
    await _two_calls(emulator)
    _, rows = await emulator.cdr()
    assert rows and all(TIME.match(r["TIME"]) for r in rows)


async def test_sec_is_talk_time_and_zero_unless_answered(emulator: Emulator) -> None:
    await _two_calls(emulator)
    _, rows = await emulator.cdr()
    by_code = {r["CODE"].split("/")[0]: r["SEC"] for r in rows}
    assert by_code["ANSWER"] > 0 and by_code["BUSY"] == 0


async def test_to_filter_matches_every_spelling_of_a_russian_number(emulator: Emulator) -> None:
    await _two_calls(emulator)
    for spelling in ("89001110000", "79001110000", "+79001110000", "+7 (900) 111-00-00"):
        _, rows = await emulator.cdr(to=spelling)
        assert [r["DST"] for r in rows] == ["89001110000"], spelling


async def test_dst_shows_the_number_as_submitted(emulator: Emulator) -> None:
    await emulator.newcall(name="A", phone="+7 (900) 111-00-00", UUID="a")
    await emulator.advance(600)
    _, rows = await emulator.cdr()
    assert rows[0]["DST"] == "+7 (900) 111-00-00"


async def test_date_range_is_inclusive_of_both_ends(emulator: Emulator) -> None:
    await _two_calls(emulator)
    _, rows = await emulator.cdr(date_from="2026-11-27", date_to="2026-11-27")
    assert len(rows) == 2


async def test_other_days_exclude_todays_calls(emulator: Emulator) -> None:
    await _two_calls(emulator)
    _, before = await emulator.cdr(date_from="2026-11-26", date_to="2026-11-26")
    _, after = await emulator.cdr(date_from="2026-11-28", date_to="2026-11-30")
    assert before == [] and after == []


async def test_reversed_dates_answer_400(emulator: Emulator) -> None:
    status, body = await emulator.cdr(date_from="2026-11-28", date_to="2026-11-27")
    assert status == 400 and body["error"]["code"] == "date_range_reversed"


async def test_impossible_date_answers_400_naming_the_field(emulator: Emulator) -> None:
    status, body = await emulator.cdr(date_from="2026-02-30")
    assert status == 400 and body["error"]["message"].startswith("date_from")


async def test_cdr_accepts_post_form_and_json(emulator: Emulator) -> None:
    await _two_calls(emulator)
    form = await emulator.client.post("/apikey/cdr", data={"to": "89001110001"})
    as_json = await emulator.client.post("/apikey/cdr", json={"to": "89001110001"})
    assert (await form.json()) == (await as_json.json()) and len(await form.json()) == 1


async def test_rows_are_ordered_by_time_then_query_id(emulator: Emulator) -> None:
    for i in range(5):
        await emulator.newcall(name="N", phone=f"8900222333{i}", UUID=str(i))
    await emulator.advance(3600)
    _, rows = await emulator.cdr()
    keys = [(r["TIME"], r["QUERY_ID"]) for r in rows]
    assert len(rows) == 5 and keys == sorted(keys)


async def test_a_call_in_progress_has_no_row_yet(emulator: Emulator) -> None:
    await emulator.newcall(name="A", phone="89001110000", UUID="a")
    _, rows = await emulator.cdr()
    assert rows == []
