"""A record's client texts (phone, id, name, UUID, var1-var3), stored as one UTF-8 value.

A million records may wait at once, each with texts of its own: a CRM sends a unique name,
UUID, contract number and reference per row. Measured by ``bench/domain_bench.py memory``
(rows as its ``crm_rows`` builds them), each text its own ``str`` cost 524 B a record (a
Cyrillic name makes a 2-byte-per-character string; each ``str`` has a 49-74 B header), the
interned-string table 154 B more (interning unique texts saves nothing) and the record's
six extra slots 48 B: 992 B per pending record at 1,000,000 records (1,132 B at 100,000).
Packed here into one ``bytes`` value, the seven texts cost their UTF-8 and one header,
about 160 B: 456 B per pending record at 1,000,000 (519 B at 100,000).

The texts are split apart only when read (a view, a webhook, a cdr row's ``DST``):
:class:`.models.Record` reads them through properties, so no other code knows the layout.

Layout: the texts' UTF-8 (``surrogatepass``, so any ``str`` round-trips) joined by the byte
0xFF, which UTF-8 never produces, in the order of :data:`FIELDS`. The phone comes first:
cdr rows, read 30,000 at a time, need only it.
"""

from __future__ import annotations

from itertools import repeat

#: The packed texts, in their order in the value.
FIELDS = ("phone", "row_id", "name", "uuid", "var1", "var2", "var3")
PHONE, ROW_ID, NAME, UUID, VAR1, VAR2, VAR3 = range(len(FIELDS))
_SEP = b"\xff"
_UTF8, _ERRORS = "utf-8", "surrogatepass"


def pack(phone: str, row_id: str, name: str, uuid: str, var1: str, var2: str, var3: str) -> bytes:
    """One record's texts as one value."""
    return _SEP.join(
        [t.encode(_UTF8, _ERRORS) for t in (phone, row_id, name, uuid, var1, var2, var3)]
    )


def pack_columns(*columns: list[str]) -> list[bytes]:
    """:func:`pack` of each row of ``columns`` (one list per field of :data:`FIELDS`, in its
    order), column by column in C: a 1000-row batch makes no Python call per text. A column
    that holds one object in every row (a batch's shared name or variables) is encoded once."""
    count = len(columns[0])
    encoded = [
        repeat(column[0].encode(_UTF8, _ERRORS), count)
        if column.count(column[0]) == count  # compared by identity first: [text] * count
        else map(str.encode, column, repeat(_UTF8, count), repeat(_ERRORS, count))
        for column in columns
    ]
    return list(map(_SEP.join, zip(*encoded, strict=True)))


def unpack(packed: bytes) -> list[str]:
    """Every text, in the order of :data:`FIELDS`."""
    return [part.decode(_UTF8, _ERRORS) for part in packed.split(_SEP)]


def text(packed: bytes, index: int) -> str:
    """The text at ``index`` of :data:`FIELDS`."""
    if index == PHONE:
        return packed.partition(_SEP)[0].decode(_UTF8, _ERRORS)
    return packed.split(_SEP, index + 1)[index].decode(_UTF8, _ERRORS)
