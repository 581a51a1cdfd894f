"""``autodialer_mock.webhooks``: subscribe your own receiver, read what was delivered.

Over the control API like any client (``GET``/``PUT /_mock/config``,
``GET /_mock/deliveries``), so it works the same against a MockServer or any
emulator URL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from .webhook_requests import parse_body

#: ``(method, path, body, **query) -> JSON``: the server's control-API client.
Http = Callable[..., Any]


class UndeliveredWebhooks(AssertionError):
    """Some deliveries did not end with a 2xx from their receiver."""


class Webhooks:
    """The webhook side of the emulator, for one default account."""

    def __init__(self, http: Http, api_key: Callable[[], str]) -> None:
        self._http = http
        self._api_key = api_key

    # -- subscriptions ------------------------------------------------------------------------

    def subscribe(
        self,
        url: str,
        *,
        secret: str | None = None,
        statuses: Sequence[str] | None = None,
        format: str = "json",
        fields: dict[str, str] | None = None,
        id: str | None = None,
        api_key: str | None = None,
        **options: Any,
    ) -> str:
        """Adds a subscription to the account (the default one unless given) and answers its id.

        ``statuses`` e.g. ``["ANSWER"]`` (default: every completed record), ``format``
        ``json`` or ``form``, ``fields`` renames, ``secret`` a ``whsec_…`` to sign with;
        ``options``: ``timeout``, ``schedule``, ``enabled`` (see docs/webhooks.md).
        """
        config = self._http("GET", "/_mock/config")
        account = self._account(config, api_key)
        current = account.setdefault("webhooks", [])
        taken = {str(s.get("id")) for s in current}
        sub_id = id or next(str(n) for n in range(len(current) + 1, 10**6) if str(n) not in taken)
        sub: dict[str, Any] = {"id": sub_id, "url": url, "format": format, **options}
        if secret is not None:
            sub["secret"] = secret
        if statuses:
            sub["statuses"] = list(statuses)
        if fields:
            sub["fields"] = dict(fields)
        current.append(sub)
        self._put(config)
        return sub_id

    def unsubscribe(self, sub_id: str | None = None, api_key: str | None = None) -> None:
        """Removes one subscription of the account, or all of them without ``sub_id``."""
        config = self._http("GET", "/_mock/config")
        account = self._account(config, api_key)
        kept = [s for s in account.get("webhooks", []) if sub_id is not None and s["id"] != sub_id]
        account["webhooks"] = kept
        self._put(config)

    def subscriptions(self, api_key: str | None = None) -> list[dict[str, Any]]:
        """The account's subscriptions as ``GET /_mock/config`` shows them (secrets hidden)."""
        return list(self._account(self._http("GET", "/_mock/config"), api_key).get("webhooks", []))

    # -- the delivery log ---------------------------------------------------------------------

    def deliveries(self, **filters: Any) -> list[dict[str, Any]]:
        """``GET /_mock/deliveries``: every delivery, oldest first, with its body and attempts.

        Filters: ``api_key``, ``subscription``, ``event``, ``outcome`` (a state:
        pending, sending, succeeded, failed, disabled), ``record``.
        """
        items = self._http("GET", "/_mock/deliveries", limit=10_000, **filters)["items"]
        return cast(list[dict[str, Any]], items)

    def events(self, state: str | None = "succeeded", **filters: Any) -> list[Any]:
        """The bodies delivered, parsed (JSON, or form fields as strings), oldest first.

        By default those a receiver accepted (2xx); ``state=None`` for every delivery.
        """
        return [
            parse_body(d["body"], d["content_type"])
            for d in self.deliveries(outcome=state, **filters)
        ]

    def replay(self, delivery_id: int) -> dict[str, Any]:
        """Sends a settled delivery once more; answers it once the attempt is logged."""
        return cast(
            dict[str, Any], self._http("POST", f"/_mock/deliveries/{delivery_id}/replay", {})
        )

    def assert_all_delivered(self, **filters: Any) -> None:
        """Fails naming every delivery that has not (yet) got a 2xx, with its last attempt."""
        bad = [d for d in self.deliveries(**filters) if d["state"] != "succeeded"]
        if bad:
            lines = [_describe(d) for d in bad]
            raise UndeliveredWebhooks("webhooks not delivered:\n  " + "\n  ".join(lines))

    # -- helpers ------------------------------------------------------------------------------

    def _account(self, config: dict[str, Any], api_key: str | None) -> dict[str, Any]:
        wanted = api_key or self._api_key()
        for account in config["accounts"]:
            if account["api_key"] == wanted:
                return cast(dict[str, Any], account)
        raise KeyError(f"no account with api key {wanted!r}")

    def _put(self, config: dict[str, Any]) -> None:
        answer = self._http("PUT", "/_mock/config", config)
        if "error" in answer:
            raise ValueError(f"the emulator refused the subscription: {answer['error']['message']}")


def _describe(delivery: dict[str, Any]) -> str:
    last = delivery["attempts"][-1] if delivery["attempts"] else None
    if last is None:
        how = "no attempt yet"
    else:
        answer = last["status"] if last["status"] is not None else last["error"] or "no answer"
        how = f"{len(delivery['attempts'])} attempt(s), last {last['outcome']} ({answer})"
    return (
        f"delivery {delivery['id']} of {delivery['event_id']} to subscription "
        f"{delivery['subscription']!r}: {delivery['state']}, {how}"
    )
