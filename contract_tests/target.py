"""The server under test, reached over HTTP only (``urllib``): any base URL, any implementation.

Every answer goes through the registered response checks (:mod:`.checks`). The
safety net for real telephony lives here too: towards a host that is not
loopback, nothing that would place a call leaves unless real calls were allowed.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from .validators import would_place_call


class ControlFailed(RuntimeError):
    """The control API answered a request of the kit with something but success: the kit
    stops using it and runs the black-box rules only."""


class RealCallsRefused(RuntimeError):
    """The kit will not send a request that places real calls without --allow-real-calls."""


@dataclass
class Exchange:
    """One request and its answer, as the checks and the reports see them."""

    operation: str  # make, newcall, cdr, control, other
    method: str
    url: str
    sent: Any  # the JSON body or the fields, as sent
    status: int = 0
    text: str = ""
    body: Any = None

    def brief(self) -> str:
        sent = json.dumps(self.sent, ensure_ascii=False)
        if len(sent) > 300:
            sent = sent[:297] + "..."
        return f"{self.method} {self.url} {sent} -> {self.status} {self.text[:300]}"


@dataclass
class CheckLog:
    """What the response checks (:mod:`.checks`) found over a whole run, by rule: each
    answer is checked, and for a broken rule the smallest request that broke it is kept, so
    that a slip every answer shows (integer report values) is reported once, under its own
    rule, and does not hide each property's own rule from hypothesis's shrinking."""

    answers: int = 0
    found: dict[str, tuple[Any, Exchange]] = field(default_factory=dict)

    def add(self, failure: Any, exchange: Exchange) -> None:
        kept = self.found.get(failure.rule)
        if kept is None or _size(exchange) < _size(kept[1]):
            self.found[failure.rule] = (failure, exchange)


def _size(exchange: Exchange) -> int:
    return len(json.dumps(exchange.sent, ensure_ascii=False, default=str))


@dataclass
class Target:
    base_url: str
    api_key: str
    access_token: str
    other_api_key: str | None = None
    other_access_token: str | None = None
    allow_real_calls: bool = False
    timeout: float = 30.0
    #: Called with every exchange (the running check context listens here).
    listeners: list[Callable[[Exchange], None]] = field(default_factory=list)
    check_log: CheckLog = field(default_factory=CheckLog)
    _control: bool | None = None
    #: Why the kit does not use the control API ('' while it does, or before the probe).
    control_problem: str = ""

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")

    # -- what may be sent ----------------------------------------------------------------------

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.base_url).hostname or ""

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def calls_allowed(self) -> bool:
        return self.loopback or self.allow_real_calls

    def _guard(self, operation: str, payload: Any) -> None:
        if not self.calls_allowed and would_place_call(operation, payload):
            raise RealCallsRefused(
                f"{self.host} is not loopback and this {operation} request would place a call; "
                "pass --allow-real-calls to let the kit place real calls"
            )

    # -- HTTP -------------------------------------------------------------------------------------

    def send(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        json_body: Any = None,
        raw: bytes | None = None,
        form: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
    ) -> Exchange:
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: str(v) for k, v in query.items()})
        headers: dict[str, str] = {}
        data: bytes | None = None
        if raw is not None:
            data, headers["Content-Type"] = raw, "application/json"
        elif json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode({k: str(v) for k, v in form.items()}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        sent = json_body if json_body is not None else form if form is not None else query
        if raw is not None:
            sent = raw.decode("utf-8", "replace")
        exchange = Exchange(operation, method, url, sent)
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                exchange.status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            exchange.status, payload = exc.code, exc.read()
        exchange.text = payload.decode("utf-8", "replace")
        try:
            exchange.body = json.loads(payload)
        except ValueError:
            exchange.body = None
        for listener in self.listeners:
            listener(exchange)
        return exchange

    # -- the vendor's methods ---------------------------------------------------------------------

    def key(self, other: bool = False) -> tuple[str, str]:
        if other:
            assert self.other_api_key and self.other_access_token
            return self.other_api_key, self.other_access_token
        return self.api_key, self.access_token

    def make(self, rows: list[Any], *, token: str | None = None, other: bool = False) -> Exchange:
        api_key, own = self.key(other)
        body = {"query": {"access_token": own if token is None else token, "data": rows}}
        self._guard("make", body)
        return self.send("POST", f"/{api_key}/make", operation="make", json_body=body)

    def make_raw(self, raw: bytes) -> Exchange:
        return self.send("POST", f"/{self.api_key}/make", operation="make", raw=raw)

    def newcall(self, fields: dict[str, Any], *, other: bool = False) -> Exchange:
        self._guard("newcall", fields)
        api_key, _ = self.key(other)
        return self.send("POST", f"/{api_key}/newcall", operation="newcall", form=fields)

    def cdr(self, query: dict[str, str] | None = None, *, other: bool = False) -> Exchange:
        """``GET /{api_key}/cdr`` with ``query`` (a dict: ``other`` is no cdr field)."""
        api_key, _ = self.key(other)
        return self.send("GET", f"/{api_key}/cdr", operation="cdr", query=dict(query or {}))

    # -- the emulator's control API, when the target has one ---------------------------

    @property
    def has_control(self) -> bool:
        """True when the target proves it is this emulator; probed once (:meth:`_probe`)."""
        if self._control is None:
            try:
                self.control_problem = self._probe()
            except (OSError, urllib.error.URLError) as exc:
                self.control_problem = f"the control API does not answer ({exc})"
            self._control = not self.control_problem
        return self._control

    def _probe(self) -> str:
        """'' when the target is this emulator, else why not.

        A schema-fed mock (Prism on the OpenAPI document) answers every documented path with
        plausible JSON, so an answer's shape proves nothing. The probe asks for something only
        a server that keeps state can give: a request to a method named with a fresh nonce
        must come back, as sent, as the newest entry of ``GET /_mock/journal``.
        """
        nonce = f"kit-probe-{secrets.token_hex(8)}"
        self.send("GET", f"/{self.api_key}/{nonce}", operation="control")
        first = self.send("GET", "/_mock/journal", operation="control", query={"limit": 1})
        total = first.body.get("total") if isinstance(first.body, dict) else None
        entry = None
        if isinstance(total, int) and total >= 1:
            query = {"limit": 1, "offset": total - 1}
            last = self.send("GET", "/_mock/journal", operation="control", query=query)
            items = last.body.get("items") if isinstance(last.body, dict) else None
            entry = items[0] if isinstance(items, list) and items else None
        if not isinstance(entry, dict) or nonce not in str(entry.get("path")):
            return (
                "the newest entry of GET /_mock/journal is not the probe request just sent "
                f"(HTTP {first.status}): a schema-fed mock, or another server"
            )
        return ""

    def lose_control(self, why: str) -> None:
        """The control API misbehaved: from now on the kit runs the black-box rules only."""
        self._control, self.control_problem = False, why

    def control(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        answer = self.send(
            method, "/_mock/" + path, operation="control", json_body=body, query=query
        )
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise ControlFailed(f"the control API misbehaved: {answer.brief()}")
        return answer.body

    def clock(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.control("GET", "clock"))

    def advance(self, seconds: float) -> dict[str, Any]:
        return cast(dict[str, Any], self.control("POST", "clock/advance", {"seconds": seconds}))

    def reset(self) -> None:
        self.control("POST", "reset", {})

    def calls(self, **filters: Any) -> list[dict[str, Any]]:
        items = self.control("GET", "calls", limit=10_000, **filters).get("items")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ControlFailed(f"the control API misbehaved: GET /_mock/calls items {items!r}")
        return items


def is_loopback(host: str) -> bool:
    """``localhost`` and loopback addresses; a name must resolve to loopback addresses only."""
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)
