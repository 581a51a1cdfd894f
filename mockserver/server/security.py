"""Who may drive the emulator: the control API can require a bearer token.

The control API can reset every account, read every journal and rewrite the
configuration, so on a shared host it is the thing to protect. With
``control_token`` set (``--control-token`` or the config file), every route
under ``/_mock/`` needs ``Authorization: Bearer <token>``; the vendor's methods
never do, since real clients know nothing of it.

The dashboard's page and its scripts hold no data and stay open, since a browser
cannot send a header when it opens a link: open ``/_mock/ui#token=<token>`` and
the page sends the token with each of its requests (a fragment never reaches the
server, its logs or a proxy's).
"""

from __future__ import annotations

import hmac
import ipaddress
from functools import lru_cache

from aiohttp import web
from yarl import URL

from ..config import Config
from . import render

CONTROL_PREFIX = "/_mock/"
PUBLIC = "/_mock/ui"  # the dashboard's page and assets, not its data
HIDDEN = "(hidden)"
#: Methods that only read: every other one is a write.
READS = frozenset({"GET", "HEAD", "OPTIONS"})
#: The types a web page may send to any site without asking first (the Fetch standard's
#: CORS-safelisted request types); any other type makes a browser ask the emulator with a
#: preflight OPTIONS, which it never approves.
SIMPLE_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
#: The one control route whose body is a file (CSV or JSON), not a JSON document.
UPLOAD = "/_mock/upload"


def authorised(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    # compare_digest: the time taken says nothing about how much of a guess was right.
    # surrogateescape: a header byte that is not UTF-8 compares as itself, never raises.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode("utf-8", "surrogateescape"), token.encode()
    )


def control_refusal(request: web.Request, config: Config) -> web.Response | None:
    """Why a control route may not be driven by this request; None when it may go on (and
    for every vendor route: the API being emulated answers anyone, as the vendor's does).

    In order: a ``Host`` that is not ours (a DNS-rebinding page), a write from another
    origin or of a type a web page can send without a preflight, and then the control
    token, when one is set (:func:`refusal`).
    """
    path = request.path
    if not path.startswith(CONTROL_PREFIX):
        return None
    host = request.headers.get("Host")
    if host is not None and not host_allowed(host, config.allowed_hosts, config.public_url):
        return _refused(
            403,
            "host_not_allowed",
            f"Host: {host[:80]!r} is not this emulator's address, localhost or a name in "
            "allowed_hosts; /_mock/ refuses it (a web page reached through DNS rebinding "
            "sends its own name)",
        )
    if request.method not in READS:
        refused = _cross_site_write(request, host)
        if refused is not None:
            return refused
    return refusal(request, config.control_token)


def refusal(request: web.Request, token: str | None) -> web.Response | None:
    """The 401 of a control route asked without ``token``; None when the request may go on."""
    path = request.path
    if not token or not path.startswith(CONTROL_PREFIX):
        return None
    if request.method == "GET" and (path == PUBLIC or path.startswith(PUBLIC + "/")):
        return None
    if authorised(request.headers.get("Authorization", ""), token):
        return None
    body = render.error_body(
        "control_token_required",
        "Authorization: Bearer <control token> is required for /_mock/ "
        "(the emulator was started with --control-token or control_token)",
    )
    response = render.ok(body, 401)
    response.headers["WWW-Authenticate"] = 'Bearer realm="autodialer-mock control API"'
    return response


def _refused(status: int, code: str, message: str) -> web.Response:
    return render.ok(render.error_body(code, message), status)


def _cross_site_write(request: web.Request, host: str | None) -> web.Response | None:
    """A control write a web page could have made: from another origin, or of a type a
    page may send anywhere without a preflight (a body without a type counts as one)."""
    headers = request.headers
    origin = headers.get("Origin")
    if origin is not None and not same_origin(origin, host):
        return _refused(
            403,
            "cross_origin_refused",
            f"Origin: {origin[:80]!r} is not this emulator; /_mock/ takes writes only from "
            "its own pages and from clients that are not browsers",
        )
    has_body = bool(request.content_length) or "Transfer-Encoding" in headers
    given = headers.get("Content-Type")
    kind = request.content_type  # without its parameters, lower case
    upload = request.path == UPLOAD
    if given is None:
        if not has_body:
            return None  # curl -X POST: a page cannot send this without an Origin, above
    elif kind not in SIMPLE_TYPES and (upload or kind == "application/json" or not has_body):
        return None
    wanted = "the file's type (text/csv, application/json)" if upload else "application/json"
    return _refused(
        415,
        "unsupported_media_type",
        f"Content-Type: a write to /_mock/ takes {wanted}, not {given or 'none'}: a web page "
        "may send a form, text/plain or an untyped body to any site without asking",
    )


def same_origin(origin: str, host: str | None) -> bool:
    """Whether a browser's ``Origin`` names the ``Host`` it sent the request to."""
    scheme, _, netloc = origin.lower().partition("://")
    if not netloc or host is None:
        return False
    default = {"http": ":80", "https": ":443"}.get(scheme, "")
    return netloc.removesuffix(default) == host.lower().removesuffix(default)


def host_allowed(host: str, names: list[str], public_url: str | None) -> bool:
    """Whether ``Host`` names this emulator: an IP address (a page cannot rebind one),
    ``localhost`` or a name under it, a name of ``allowed_hosts``, or ``public_url``'s."""
    return _host_allowed(host.lower(), tuple(names), public_url)


@lru_cache(maxsize=64)
def _host_allowed(host: str, names: tuple[str, ...], public_url: str | None) -> bool:
    name = host[1 : host.find("]")] if host.startswith("[") else host.partition(":")[0]
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    if public_url and URL(public_url).host == name:
        return True
    return name in {n.lower() for n in names}
