"""The emulator's configuration: accounts, scenarios, webhooks, forced outcomes, faults, clock.

Read from a TOML, YAML or JSON file (``--config``; what ``GET /_mock/config``
answers is one) or ``PUT /_mock/config``, checked against ``schemas/config.json``
and then for what a schema cannot say (zones, ranges, duplicate keys). Every refusal names the key.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import faults as faults_module
from . import jsonbody
from .errors import ConfigError, InvalidField, MalformedBody
from .faults import Faults
from .outcomes import FIXED_RULES, STATUSES
from .validation import FieldError, validator
from .webhooks import settings as webhook_settings
from .webhooks.settings import Subscription

DEFAULT_OUTCOMES = {"ANSWER": 60, "NOANSWER": 20, "BUSY": 10, "CONGESTION": 5, "CHANUNAVAIL": 5}
DEFAULT_ANSWERS = {"да": 50, "нет": 25, "перезвоните позже": 15, "": 10}
DEFAULT_CAUSES = {
    "ANSWER": 16,
    "BUSY": 17,
    "NOANSWER": 19,
    "CONGESTION": 34,
    "CHANUNAVAIL": 1,
    "CANCEL": 16,
}
DEFAULT_RING = {
    "ANSWER": (3, 20),
    "NOANSWER": (30, 40),
    "BUSY": (1, 4),
    "CONGESTION": (0, 2),
    "CHANUNAVAIL": (0, 2),
    "CANCEL": (5, 25),
}
DEFAULT_PHRASES = [
    "Здравствуйте, {name}! Это автоматический звонок.",
    "Вам удобно сейчас говорить? Скажите «да» или «нет».",
]


@dataclass
class Scenario:
    id: str
    name: str = ""
    phrases: list[str] = field(default_factory=lambda: list(DEFAULT_PHRASES))
    outcomes: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_OUTCOMES))
    answers: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_ANSWERS))
    causes: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_CAUSES))
    talk_seconds: tuple[float, float] = (5, 90)
    ring_seconds: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(DEFAULT_RING))


@dataclass
class Account:
    api_key: str
    access_token: str
    timezone: str = "Europe/Moscow"
    dial_lines: int = 10
    campaign_days: int = 7
    retry_interval: float | None = None
    scenarios: list[Scenario] = field(default_factory=lambda: [Scenario(id="1", name="Demo")])
    webhooks: list[Subscription] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def scenario(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)


@dataclass
class ForcedRule:
    suffix: str
    status: str
    answer: str = ""


@dataclass
class ClockConfig:
    mode: str = "real"
    speed: float = 1.0
    start: str | None = None


@dataclass
class Config:
    seed: int | None = None
    retry_interval: float = 600
    body_limit: int = 2 * 1024 * 1024
    journal_size: int = 10_000
    delivery_log_size: int = 10_000
    control_token: str | None = None  # /_mock/ then needs Authorization: Bearer <token>
    id_digits: int = 17
    public_url: str | None = None
    #: Host names /_mock/ answers to besides localhost and IP addresses (server.security).
    allowed_hosts: list[str] = field(default_factory=list)
    webhook_concurrency: int = 32
    clock: ClockConfig = field(default_factory=ClockConfig)
    forced_outcomes: list[ForcedRule] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)
    accounts: list[Account] = field(
        default_factory=lambda: [Account(api_key="apikey", access_token="client-key")]
    )

    def account(self, api_key: str) -> Account | None:
        return next((a for a in self.accounts if a.api_key == api_key), None)

    def to_dict(self) -> dict[str, Any]:
        """Everything but the webhook secrets and control token, masked (GET /_mock/config);
        unset values (None) are left out, so that what GET answers can be PUT back."""
        data = webhook_settings.mask(_without_nulls(asdict(self)))
        if data.get("control_token"):
            data["control_token"] = HIDDEN
        return data

    def secrets(self) -> dict[tuple[str, str], str | None]:
        """Each subscription's secret by (api key, subscription id)."""
        return {(a.api_key, s.id): s.secret for a in self.accounts for s in a.webhooks}


#: What GET /_mock/config shows in place of the control token.
HIDDEN = "(hidden)"


def replacing(current: Config, data: Any) -> Config:
    """The configuration ``PUT /_mock/config`` with ``data`` makes of ``current``.

    Secrets sent back masked (a GET round trip) are the current ones. The control token
    and the clock's mode and speed are set at start: a PUT may omit them or send them back,
    not change them; one without ``clock`` keeps the current clock.
    """
    webhook_settings.unmask(data, current.secrets())
    if isinstance(data, dict):
        if data.get("control_token") not in (None, HIDDEN, current.control_token):
            raise InvalidField(
                "control_token: is set at start (--control-token or the config file), "
                "not through PUT /_mock/config"
            )
        data["control_token"] = current.control_token
    new = from_dict(data, "config")
    if isinstance(data, dict) and "clock" not in data:
        new.clock = current.clock
    if (new.clock.mode, new.clock.speed) != (current.clock.mode, current.clock.speed):
        raise InvalidField(
            "clock: mode and speed are set at start (--clock, --speed); "
            "move the clock with /_mock/clock/advance or /_mock/clock/set"
        )
    return new


def from_dict(data: Any, source: str = "config") -> Config:
    """A checked :class:`Config`; raises :class:`ConfigError` naming the first bad key.

    A null value means "not given", so what GET /_mock/config shows can be PUT back.
    """
    data = _without_nulls(data)
    errors = validator("config").errors(data)
    if errors:
        raise ConfigError(f"{source}: " + "; ".join(map(_without_secret, errors)))
    data = copy.deepcopy(data)
    accounts = [
        _account(a, f"accounts[{i}]", source) for i, a in enumerate(data.pop("accounts", []))
    ]
    rules = [ForcedRule(**r) for r in data.pop("forced_outcomes", [])]
    for i, rule in enumerate(rules):
        if rule.suffix in FIXED_RULES:
            raise ConfigError(
                f"{source}: forced_outcomes[{i}].suffix: {rule.suffix!r} is in the fixed table "
                "of forced outcomes; use a longer suffix"
            )
    faults = faults_module.from_dict(data.pop("faults", {}), source)
    clock = ClockConfig(**data.pop("clock", {}))
    config = Config(clock=clock, forced_outcomes=rules, faults=faults, **data)
    if accounts:
        config.accounts = accounts
    _unique([a.api_key for a in config.accounts], "accounts[].api_key", source)
    return config


def _without_secret(error: FieldError) -> str:
    """An error that does not repeat a secret's value: it may end up in a log."""
    if error.field.endswith((".secret", "control_token")):
        return f"{error.field}: {error.rule} (value not shown)"
    return str(error)


def _without_nulls(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_nulls(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_nulls(v) for v in data]
    return data


def _account(data: dict[str, Any], where: str, source: str) -> Account:
    scenarios = [
        _scenario(s, f"{where}.scenarios[{i}]", source)
        for i, s in enumerate(data.pop("scenarios", []))
    ]
    webhooks = webhook_settings.subscriptions(data.pop("webhooks", []), f"{where}.webhooks", source)
    account = Account(**data, webhooks=webhooks)
    if scenarios:
        account.scenarios = scenarios
    try:
        account.zone  # noqa: B018 - resolving the zone is the check
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{source}: {where}.timezone: {account.timezone!r} is not an IANA time zone"
        ) from None
    _unique([s.id for s in account.scenarios], f"{where}.scenarios[].id", source)
    return account


def _scenario(data: dict[str, Any], where: str, source: str) -> Scenario:
    scenario = Scenario(id=data["id"])
    for key in ("name", "phrases", "outcomes", "answers"):
        if key in data:
            setattr(scenario, key, data[key])
    scenario.causes = {**DEFAULT_CAUSES, **data.get("causes", {})}
    ranges = {"talk_seconds": data.get("talk_seconds", scenario.talk_seconds)}
    ranges |= {
        f"ring_seconds.{k}": v for k, v in {**DEFAULT_RING, **data.get("ring_seconds", {})}.items()
    }
    for key, (low, high) in ranges.items():
        if low > high:
            raise ConfigError(f"{source}: {where}.{key}: must be [min, max] with min <= max")
    scenario.talk_seconds = tuple(ranges["talk_seconds"])
    scenario.ring_seconds = {s: tuple(ranges[f"ring_seconds.{s}"]) for s in STATUSES}
    if not any(w > 0 for w in scenario.outcomes.values()):
        raise ConfigError(f"{source}: {where}.outcomes: needs at least one weight > 0")
    return scenario


def _unique(values: list[str], key: str, source: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ConfigError(f"{source}: {key}: {value!r} appears twice")
        seen.add(value)


def load_file(path: str | Path, control_token: str | None = None) -> Config:
    """Reads a ``.toml``, ``.yaml``, ``.yml`` or ``.json`` file.

    A document saved from ``GET /_mock/config`` starts the emulator again: its masked
    control token stands for ``control_token`` (the one given beside the file), and a
    masked webhook secret is refused, naming the key, since the file cannot hold it.
    """
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        data = _parse(path, text)
    except (ValueError, MalformedBody) as exc:  # TOMLDecodeError, YAMLError's parse errors
        raise ConfigError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from None
    except Exception as exc:
        if type(exc).__module__.startswith("yaml"):
            raise ConfigError(f"{path}: not valid YAML: {exc}") from None
        raise
    if isinstance(data, dict) and data.get("control_token") == HIDDEN:
        if control_token is None:
            raise ConfigError(
                f"{path}: control_token: {HIDDEN!r} is what GET /_mock/config shows in "
                "place of the token; give the token with --control-token (or "
                "$AUTODIALER_MOCK_CONTROL_TOKEN), or remove the key"
            )
        data["control_token"] = control_token
    try:
        webhook_settings.unmask(data, {})
    except ConfigError as exc:
        raise ConfigError(f"{path}: {str(exc).removeprefix('config: ')}") from None
    return from_dict(data, str(path))


def _parse(path: Path, text: str) -> Any:
    if path.suffix == ".toml":
        return _toml().loads(text)
    if path.suffix in (".yaml", ".yml"):
        import yaml

        return yaml.safe_load(text) or {}
    if path.suffix == ".json":
        parsed = jsonbody.loads(text.encode())
        if parsed.duplicates:  # which of two values was meant is a guess we do not make
            raise ValueError(f"key {parsed.duplicates[0]!r} appears twice in an object")
        return parsed.data
    raise ConfigError(f"{path}: the file name must end in .toml, .yaml, .yml or .json")


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    return tomllib
