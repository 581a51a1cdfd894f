"""Subscriber numbers: the normal form used for duplicates and for the cdr ``to`` filter."""

from __future__ import annotations

_SEPARATORS = str.maketrans("", "", " -()")


def digits(phone: str | int) -> str:
    """The digits of a number once spaces, '-', '(', ')' and one leading '+' are removed."""
    text = str(phone).strip().translate(_SEPARATORS)
    return text[1:] if text.startswith("+") else text


def normalise(phone: str | int) -> str:
    """One key per subscriber: Russian ``8XXXXXXXXXX``, ``7XXXXXXXXXX`` and ``+7XXXXXXXXXX`` agree.

    Ten-digit and foreign numbers are kept as their digits: the vendor names only
    these three spellings of one Russian number.
    """
    # A number of plain digits (as most are) needs no cleaning.
    found = phone if type(phone) is str and phone.isdigit() and phone.isascii() else digits(phone)
    if len(found) == 11 and found[0] in "78":
        return "7" + found[1:]
    return found
