"""A record's client texts are packed into one value (mockserver/rowtexts.py) and read back
through the record's properties: every text must come back as it was given."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mockserver import rowtexts
from mockserver.models import Job, Record

# Any code point, lone surrogates and U+00FF / U+FFFF included: the packing must not care.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
SEVEN = st.tuples(*[ANY_TEXT] * len(rowtexts.FIELDS))


@given(SEVEN)
def test_packed_texts_unpack_to_the_texts_given(texts: tuple[str, ...]) -> None:
    assert rowtexts.unpack(rowtexts.pack(*texts)) == list(texts)


@given(SEVEN)
def test_each_packed_text_is_read_alone_as_given(texts: tuple[str, ...]) -> None:
    packed = rowtexts.pack(*texts)
    assert [rowtexts.text(packed, i) for i in range(len(texts))] == list(texts)


@given(st.lists(SEVEN, min_size=1, max_size=5))
def test_packing_by_column_packs_each_row_as_packing_it_alone(rows: list[tuple[str, ...]]) -> None:
    columns = [list(column) for column in zip(*rows, strict=True)]
    assert rowtexts.pack_columns(*columns) == [rowtexts.pack(*one) for one in rows]


@given(SEVEN)
def test_a_record_reads_its_texts_through_its_properties(texts: tuple[str, ...]) -> None:
    job = Job(1, "apikey", "make", 0.0, 1)
    record = Record(1, job, rowtexts.pack(*texts), "79001112233", "1", None, None, 1)
    assert [getattr(record, name) for name in rowtexts.FIELDS] == list(texts)
