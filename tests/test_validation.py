"""The schemas' validators: the compiled and the explaining one agree; errors name fields."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import schemas
from mockserver.validation import validator

FIELDS = ["id", "name", "phone", "UUID", "var1", "statdialertime", "stopdialertime",
          "maxcount", "generationtype", "timestart", "timestop", "date_from", "to"]  # fmt: skip
SAMPLES = ["", "1", "10", "11", "0", "89222220000", "+7 (922) 222-00-00", "123", "10:00",
           "19:00:00", "24:00", "2026-11-27", "2026-13-01", "abc", "٣"]  # fmt: skip
value = st.one_of(
    st.sampled_from(SAMPLES), st.text(max_size=12), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False), st.none(), st.booleans(), st.lists(st.integers(), max_size=2),
)  # fmt: skip
instance = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=5)), value)


@pytest.mark.parametrize("name", ["make.row", "newcall.request", "cdr.request"])
@given(data=instance)
def test_compiled_and_explaining_validators_agree(name: str, data: dict[str, Any]) -> None:
    checker = validator(name)
    explained = list(checker._validator.iter_errors(data))
    assert checker.is_valid(data) == (not explained)


@pytest.mark.parametrize("name", sorted(schemas.load_all()))
def test_every_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schemas.load(name))


def test_an_error_names_the_field_and_the_rule() -> None:
    (error,) = validator("make.row").errors({"id": "1", "phone": "12"}, "query.data[4]")
    assert str(error) == (
        "query.data[4].phone: must be 10-15 digits after removing spaces, '-', '(', ')' "
        "and one leading '+' (got '12')"
    )


def test_a_missing_field_is_named() -> None:
    errors = validator("newcall.request").errors({"phone": "89222220000"})
    assert [str(e) for e in errors] == [
        "UUID: required field is missing", "name: required field is missing",
    ]  # fmt: skip


@pytest.mark.parametrize("name", sorted(schemas.load_all()))
def test_the_compiled_validators_check_schemas_with_every_reference_inlined(name: str) -> None:
    from mockserver.validation import _inlined

    assert "$ref" not in repr(_inlined(name))
