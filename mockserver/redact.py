"""Redaction of a cassette: no api key, access token, name, free text or full number in it.

Each secret is replaced by a stable pseudonym: an HMAC-SHA256 of the value under a
key drawn at random when the recording starts and never written anywhere. So within
one cassette the same value always gets the same pseudonym (duplicates stay
duplicates, the same account stays one account), while nobody holding the cassette
can test a guessed number against it (with the key in hand, ten million guesses
would undo a pseudonym that keeps its last four digits).

A number keeps its spelling (``+7 900 111-00-00`` stays ``+7 ### ###-00-00``, an
integer stays an integer), its prefix digit and its last four digits, so forced
outcomes still apply; its other digits come from the HMAC of its normal form, so
``8…``, ``7…`` and ``+7…`` of one subscriber stay one subscriber.

Whatever the answer echoes of the request (an error message quoting a name, the
api key, the token) is replaced by the same pseudonym, and any other run of 10-15
digits in an answer's text is treated as a number.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .cassette import PHONE_FIELDS, SECRET_FIELDS, TEXT_FIELDS, Exchange, request_fields
from .phones import digits, normalise

#: Numbers inside free text: 10-15 digits with the separators a number is written with.
NUMBER_IN_TEXT = re.compile(r"(?<![0-9])\+?(?:[0-9][ ()-]?){9,14}[0-9](?![0-9])")
#: Fields of the contract that hold ids, times, dates and counts, never anything secret:
#: their text is kept as it is (a TIME would otherwise look like a number).
PLAIN_FIELDS = frozenset(
    {"id", "QUERY_ID", "QUERY_COUNT", "TIME", "CODE", "SEC", "lines", "ok", "inserted",
     "errorcode", "code", "date_from", "date_to", "timestart", "timestop", "statdialertime",
     "stopdialertime", "generationtype", "maxcount"}
)  # fmt: skip
#: Shorter values are not searched for in answers: replacing every "a" would say nothing.
MIN_ECHO = 4


class Redactor:
    """Pseudonyms for one cassette (see the module's docstring)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)
        #: original -> pseudonym of the secrets of the exchange being redacted, to scrub
        #: their echoes from its answer (one exchange's: a day's worth would grow unbounded).
        self._seen: dict[str, str] = {}

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def token(self, kind: str, value: str) -> str:
        pseudonym = f"{kind}-{self._digest(kind, value)[:12]}"
        self._remember(value, pseudonym)
        return pseudonym

    def phone(self, value: Any) -> Any:
        text = str(value)
        found = digits(text)
        if not found.isdigit():
            return value
        norm = normalise(text)
        keep_head = len(found) - len(norm) + (1 if len(found) == 11 else 0)
        middle = len(found) - keep_head - 4
        if middle <= 0:
            return value
        stream = str(int(self._digest("phone", norm), 16))
        new_digits = iter(found[:keep_head] + stream[:middle] + found[-4:])
        pseudonym = "".join(next(new_digits) if c.isdigit() else c for c in text)
        self._remember(text, pseudonym)
        self._remember(found, "".join(c for c in pseudonym if c.isdigit()))
        return int(pseudonym) if isinstance(value, int) else pseudonym

    def _remember(self, original: str, pseudonym: str) -> None:
        if len(original) >= MIN_ECHO:
            self._seen[original] = pseudonym

    # -- the parts of an exchange ---------------------------------------------------------

    def value(self, name: str, value: Any) -> Any:
        """One field of a request or an answer."""
        if isinstance(value, dict):
            return {k: self.value(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(name, v) for v in value]
        if value in (None, "") or isinstance(value, bool):
            return value
        if name in PHONE_FIELDS:
            return self.phone(value)
        if name in SECRET_FIELDS:
            return self.token("token", str(value))
        if name in TEXT_FIELDS:
            return self.token("text", str(value))
        if isinstance(value, str) and name not in PLAIN_FIELDS:
            return self.scrub(value)
        return value

    def scrub(self, text: str) -> str:
        """A text with every secret seen so far replaced, and any other number too."""
        for original in sorted(self._seen, key=len, reverse=True):
            if original in text:
                text = text.replace(original, self._seen[original])
        return NUMBER_IN_TEXT.sub(lambda m: str(self.phone(m.group())), text)

    def path(self, path: str) -> str:
        parts = path.split("/")
        if len(parts) > 2 and parts[1]:
            parts[1] = self.token("key", parts[1])
        if len(parts) > 3 and parts[2] == "recordings":  # an unguessable URL is a secret
            stem, dot, ext = parts[3].partition(".")
            parts[3] = f"0-{self._digest('recording', stem)[:32]}{dot}{ext}"
        return "/".join(parts)

    def exchange(self, exchange: Exchange) -> Exchange:
        """A redacted copy: request first, so the answer's echoes of it are known."""
        self._seen = {}
        fields = request_fields(exchange)
        query = urlencode([(k, str(self.value(k, v))) for k, v in parse_qsl(exchange.query, True)])
        body = exchange.request_body
        if exchange.request_type.startswith("multipart/") or (fields is None and body.strip()):
            body = b"(body not kept: a redacted cassette keeps only bodies it can redact)"
        elif exchange.operation == "make" or exchange.request_type.startswith("application/json"):
            body = _json_bytes(self.value("", json.loads(body))) if body.strip() else body
        elif body.strip():
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            body = urlencode([(k, str(self.value(k, v))) for k, v in pairs]).encode()
        path = self.path(exchange.path)
        return Exchange(
            method=exchange.method,
            path=path,
            query=query,
            request_type=exchange.request_type,
            request_body=body,
            status=exchange.status,
            headers=dict(exchange.headers),
            body=self.answer(exchange.body),
            elapsed_ms=exchange.elapsed_ms,
            time=exchange.time,
            redacted=True,
        )

    def answer(self, body: bytes) -> bytes:
        """An answer: JSON field by field; other text scrubbed; binary (a WAV) as it is."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        try:
            return _json_bytes(self.value("", json.loads(text)))
        except ValueError:
            return self.scrub(text).encode("utf-8")


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
