"""Options and fixtures of the server suite, ``pytest --pyargs contract_tests``
(registered by a ``pytest11`` entry point, like the client fixtures of :mod:`.plugin`).

Without ``--autodialer-base-url`` the suite checks an in-process emulator with two accounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .target import Target

OPTIONS = (
    (
        "base-url",
        "the server to check, e.g. http://127.0.0.1:8080 (default: an in-process emulator)",
    ),
    ("api-key", "the account's api key (default apikey)"),
    ("access-token", "the account's access_token (default client-key)"),
    ("other-api-key", "a second account, for the isolation rule"),
    ("other-access-token", "the second account's access_token"),
    ("max-examples", "cases per rule (default 20)"),
    ("seed", "hypothesis seed (default: derandomized)"),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autodialer-contract", "Autodialer contract suite (contract_tests)")
    for name, help_text in OPTIONS:
        group.addoption(
            f"--autodialer-{name}", dest=f"autodialer_{name.replace('-', '_')}", help=help_text
        )
    group.addoption(
        "--autodialer-allow-real-calls",
        action="store_true",
        dest="autodialer_allow_real_calls",
        help="the target is not loopback and WILL place real calls: send them anyway",
    )


@pytest.fixture(scope="session")
def autodialer_contract_target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The server under check: ``--autodialer-base-url``, or an in-process emulator."""
    option: Any = request.config.option
    if option.autodialer_base_url:
        target = Target(
            option.autodialer_base_url,
            option.autodialer_api_key or "apikey",
            option.autodialer_access_token or "client-key",
            option.autodialer_other_api_key,
            option.autodialer_other_access_token,
            allow_real_calls=option.autodialer_allow_real_calls,
        )
        target.has_control  # noqa: B018 - probed before the rules, so no rule's report shows it
        yield target
        return
    from mockserver.config import Account

    from .server import MockServer, manual_config

    config = manual_config()
    config.accounts = [Account("apikey", "client-key"), Account("other", "other-token")]
    with MockServer(config) as server:
        yield Target(server.url, "apikey", "client-key", "other", "other-token")


@pytest.fixture(scope="session")
def autodialer_contract_settings(request: pytest.FixtureRequest) -> Any:
    """The kit's settings (no example database); hypothesis's other files go to the cache
    folder, as with ``autodialer-contract check``. Only the kit's own tests ask for this."""
    from .runner import keep_hypothesis_files_in_cache, kit_settings

    keep_hypothesis_files_in_cache()
    option: Any = request.config.option
    return kit_settings(int(option.autodialer_max_examples or 20), _seed(option))


def _seed(option: Any) -> int | None:
    return int(option.autodialer_seed) if option.autodialer_seed else None
