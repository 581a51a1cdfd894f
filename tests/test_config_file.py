"""Configuration files: TOML and YAML alike, and refusals that name the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mockserver.cli import main
from mockserver.config import load_file
from mockserver.errors import ConfigError

TOML = """
seed = 3
retry_interval = 300

[clock]
mode = "manual"
start = "2026-11-27T09:00:00+03:00"

[[forced_outcomes]]
suffix = "99999"
status = "CONGESTION"

[[accounts]]
api_key = "crm"
access_token = "token"
timezone = "Asia/Novosibirsk"
dial_lines = 2

[[accounts.scenarios]]
id = "7"
name = "Debt reminder"
phrases = ["Здравствуйте, {name}!"]
outcomes = { ANSWER = 1, BUSY = 1 }
answers = { "да" = 3, "" = 1 }
causes = { BUSY = 21 }
"""

YAML = """
seed: 3
accounts:
  - api_key: crm
    access_token: token
    scenarios:
      - id: "7"
        outcomes: {ANSWER: 1}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_toml_config_sets_accounts_scenarios_and_rules(tmp_path: Path) -> None:
    config = load_file(write(tmp_path, "mock.toml", TOML))
    (account,) = config.accounts
    assert (account.api_key, account.timezone, account.dial_lines) == ("crm", "Asia/Novosibirsk", 2)
    assert account.scenarios[0].causes["BUSY"] == 21 and account.scenarios[0].causes["ANSWER"] == 16
    assert config.forced_outcomes[0].status == "CONGESTION" and config.retry_interval == 300


def test_yaml_config_reads_the_same_keys(tmp_path: Path) -> None:
    config = load_file(write(tmp_path, "mock.yaml", YAML))
    assert config.accounts[0].scenarios[0].id == "7" and config.seed == 3


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            '[[accounts]]\napi_key = "a"\naccess_token = "t"\ndial_lines = 0\n',
            "accounts[0].dial_lines",
        ),
        (
            '[[accounts]]\napi_key = "a"\naccess_token = "t"\ntimezone = "Nowhere/City"\n',
            "timezone",
        ),
        ('[[accounts]]\napi_key = "_mock"\naccess_token = "t"\n', "accounts[0].api_key"),
        ("retry_intervall = 5\n", "retry_intervall"),
        ('[[forced_outcomes]]\nsuffix = "0001"\nstatus = "ANSWER"\n', "forced_outcomes[0].suffix"),
        (
            '[[accounts]]\napi_key = "a"\naccess_token = "t"\n[[accounts]]\napi_key = "a"\n'
            'access_token = "u"\n',
            "api_key",
        ),
    ],
)
def test_bad_config_is_refused_naming_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(key)):
        load_file(write(tmp_path, "bad.toml", text))


def test_unparsable_toml_is_refused_with_the_file_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        load_file(write(tmp_path, "bad.toml", "accounts = [\n"))


def test_serve_refuses_a_bad_config_at_start(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write(tmp_path, "bad.toml", '[clock]\nmode = "fast"\n')
    assert main(["--config", str(path)]) == 2
    assert "clock.mode" in capsys.readouterr().err
