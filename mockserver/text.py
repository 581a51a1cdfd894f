"""The Unicode gate every text entering the emulator passes, and the bounds on what it keeps.

Python's ``str`` can hold a lone surrogate (``"\\udcff"``): aiohttp decodes header bytes
and multipart names with ``surrogateescape``, and JSON's ``\\ud800`` escape makes one.
Such a string can never be encoded again: stored, it breaks every later answer, journal
read and database write that shows it. So each text is checked once, where it enters
(the request's head, its form, multipart or JSON body), and refused there, naming its
field; :func:`scrubbed` is the last line behind that gate, for output only.

Cost: a text of plain ASCII (nearly every header, path and field) is passed by
``str.isascii()``, a C scan that stops at nothing; only other text is encoded to look.
"""

from __future__ import annotations

from .errors import MalformedBody

#: Characters a journal entry keeps of one text (a path, an api key, a query value, a
#: warning's field or message); longer ones are cut, saying how long the whole was.
TEXT_LIMIT = 512


def surrogate_at(text: str) -> int | None:
    """Where ``text``'s first lone surrogate is; None for valid Unicode."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def require(field: str, text: str) -> str:
    """``text`` when it is valid Unicode; else :class:`MalformedBody` naming ``field``.

    The message shows where, not the character itself: it could not be sent either.
    """
    at = surrogate_at(text)
    if at is None:
        return text
    code = ord(text[at])
    origin = (
        f"byte 0x{code - 0xDC00:02x}, not UTF-8"
        if 0xDC80 <= code <= 0xDCFF  # how surrogateescape carries a byte it could not decode
        else f"an unpaired surrogate \\u{code:04x}, not a Unicode character"
    )
    raise MalformedBody(f"{field}: holds {origin} (at character {at})")


def require_bytes(field: str, data: bytes) -> str:
    """``data`` decoded as UTF-8; else :class:`MalformedBody` naming ``field`` and the byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedBody(
            f"{field}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def scrubbed(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD: for output that must go out
    whatever got past the gate (an answer, a database row)."""
    if surrogate_at(text) is None:
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clipped(text: str, limit: int = TEXT_LIMIT) -> str:
    """At most ``limit`` characters, saying how long the whole was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters in all)"
