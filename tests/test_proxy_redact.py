"""Redaction's promises, as properties: a pseudonym keeps a number's spelling and last four
digits, one subscriber keeps one pseudonym, and no secret of the request survives."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from mockserver.cassette import Exchange
from mockserver.phones import digits, normalise
from mockserver.redact import Redactor

national = st.text("0123456789", min_size=10, max_size=10)
separators = st.sampled_from(["", " ", "-", "(", ")"])


@st.composite
def spelled(draw: st.DrawFn, number: str) -> str:
    """``number`` written with separators between its digits."""
    return "".join(c + draw(separators) for c in number)


@given(national, st.data())
def test_a_pseudonym_keeps_the_spelling_and_the_last_four_digits(
    number: str, data: st.DataObject
) -> None:
    phone = data.draw(spelled(number))
    pseudonym = Redactor().phone(phone)
    assert [c for c in pseudonym if not c.isdigit()] == [c for c in phone if not c.isdigit()]
    assert len(digits(pseudonym)) == len(digits(phone))
    assert digits(pseudonym)[-4:] == digits(phone)[-4:]


@given(national)
def test_one_subscriber_spelled_three_ways_keeps_one_pseudonym(number: str) -> None:
    redactor = Redactor()
    spellings = [f"8{number}", f"7{number}", f"+7{number}"]
    assert len({normalise(redactor.phone(s)) for s in spellings}) == 1


@given(national, national)
def test_two_subscribers_stay_two(first: str, second: str) -> None:
    redactor = Redactor()
    same = redactor.phone(first) == redactor.phone(second)
    assert same == (first == second)


@given(
    name=st.text("абвгдежзиклмнопрстуфхцчшщэюяАБВГДXYZ ", min_size=4, max_size=30)
    .map(str.strip)
    .filter(lambda s: len(s) >= 4),
    number=national,
)
def test_a_redacted_newcall_keeps_no_name_or_number(name: str, number: str) -> None:
    body = json.dumps({"name": name, "phone": f"8{number}", "UUID": "u"}, ensure_ascii=False)
    answer = json.dumps({"error": {"code": "invalid_field", "message": f"name: got {name!r}"}})
    exchange = Exchange(
        "POST", "/secret-key/newcall", request_type="application/json",
        request_body=body.encode(), status=400,
        headers={"Content-Type": "application/json"}, body=answer.encode(),
    )  # fmt: skip
    line = Redactor().exchange(exchange).to_line()
    assert "secret-key" not in line
    assert number not in line
    assert name not in line
