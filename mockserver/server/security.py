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

from aiohttp import web

from . import render

CONTROL_PREFIX = "/_mock/"
PUBLIC = "/_mock/ui"  # the dashboard's page and assets, not its data
HIDDEN = "(hidden)"


def authorised(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    # compare_digest: the time taken says nothing about how much of a guess was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


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
