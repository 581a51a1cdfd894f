"""The ``autodialer-mock`` command as a newcomer meets it: refusals in one line naming the
option, a banner only once the socket is bound, help that shows every command and option,
and a configuration saved from ``GET /_mock/config`` that starts the emulator again."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from mockserver.cli import _parser, main
from mockserver.config import Config, load_file
from mockserver.errors import ConfigError
from mockserver.webhooks.settings import Subscription

from .support import ROOT, manual_config
from .test_webhooks import SECRET

TOKEN = "a-control-token-of-32-characters"


def refusal(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """The one line ``argv`` is refused with; asserts exit 2 and no banner."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, (out, err)
    return err


def test_a_port_in_use_is_refused_in_one_line_without_a_banner(capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = refusal(capsys, ["--port", str(port)])
    assert f"--port {port}: already in use" in err


def test_a_port_out_of_range_is_refused_naming_the_option(capsys) -> None:
    assert "--port 70000: must be from 0 to 65535" in refusal(capsys, ["--port", "70000"])


def test_a_host_that_is_no_address_is_refused_naming_the_option(capsys) -> None:
    assert "--host 256.1.1.1: not an address" in refusal(capsys, ["--host", "256.1.1.1"])


def test_a_start_not_in_iso_form_names_the_option_and_the_form(capsys) -> None:
    err = refusal(capsys, ["--start", "27.11.2026"])
    assert "--start: must be an ISO 8601 date-time with an offset" in err
    assert "2026-11-27T09:00:00+03:00" in err


@contextmanager
def started(*options: str) -> Iterator[tuple[str, int]]:
    """An emulator started with ``--port 0`` and ``options``: its banner and port, while it runs."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(6)]  # ends when printed or exited
        banner = "".join(lines)
        found = re.search(r" on http://127\.0\.0\.1:(\d+)\n", banner)
        assert found, banner
        yield banner, int(found.group(1))
    finally:
        process.terminate()
        process.wait(10)


def get(port: int, path: str) -> object:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
        return json.load(answer)


def test_port_0_prints_the_port_it_got_and_serves_there() -> None:
    with started("--clock", "manual") as (_, port):
        assert port != 0
        assert get(port, "/_mock/clock")["mode"] == "manual"  # type: ignore[index]


def test_the_banner_names_the_dashboard_url() -> None:
    with started() as (banner, port):
        assert f"  dashboard: http://127.0.0.1:{port}/_mock/ui\n" in banner


def top_help(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main(["--help"])
    return capsys.readouterr().out


def serve_options() -> dict[str, object]:
    """serve's options with their defaults, as its parser holds them."""
    commands = next(a for a in _parser()._actions if a.dest == "command")
    serve = commands.choices["serve"]  # type: ignore[index]
    return {
        a.option_strings[-1]: a.default for a in serve._actions if "--help" not in a.option_strings
    }


def test_help_lists_every_command(capsys) -> None:
    commands = next(a for a in _parser()._actions if a.dest == "command")
    shown = top_help(capsys)
    for name in commands.choices:  # type: ignore[union-attr]
        assert re.search(rf"^    {name} ", shown, re.M), name


def test_help_lists_every_option_of_serve(capsys) -> None:
    shown = top_help(capsys)
    assert "serve's options" in shown
    for option in serve_options():
        assert re.search(rf"^  {option}\b", shown, re.M), option


def readme_options(name: str) -> dict[str, str]:
    """The README's command-line table: option -> its default column."""
    text = (ROOT / name).read_text("utf-8")
    rows = re.findall(r"^\| `(--[a-z-]+)[^`]*` \|([^|]*)\|", text, re.M)
    return {option: default.strip().strip("`") for option, default in rows}


@pytest.mark.parametrize("name", ["README.md", "README.ru.md"])
def test_the_readme_option_table_matches_serve_help(capsys, name: str) -> None:
    table = readme_options(name)
    shown = " ".join(top_help(capsys).split())
    assert set(table) == set(serve_options())
    for option in table:  # where the help shows a default, the table shows the same
        printed = re.search(rf"{option}\b[^-]*?\(default: ([^)]*)\)", shown)
        if printed:
            assert table[option] == printed.group(1), option


async def saved_config(client: TestClient, tmp_path: Path) -> Path:
    """``GET /_mock/config`` saved as a file, as a user would with curl."""
    answer = await client.get("/_mock/config")
    path = tmp_path / "saved.json"
    path.write_bytes(await answer.read())
    return path


@pytest.fixture
def config() -> Config:
    config = manual_config(retry_interval=120)
    config.accounts[0].dial_lines = 3
    config.accounts[0].webhooks = [Subscription(url="http://127.0.0.1:9/hook", id="crm")]
    return config


async def test_a_config_saved_from_get_config_loads_as_the_same_config(
    client: TestClient, config: Config, tmp_path: Path
) -> None:
    loaded = load_file(await saved_config(client, tmp_path))
    assert loaded.to_dict() == config.to_dict()


async def test_a_config_saved_from_get_config_starts_the_emulator_with_it(
    client: TestClient, tmp_path: Path
) -> None:
    path = await saved_config(client, tmp_path)
    with started("--config", str(path)) as (_, port):
        assert get(port, "/_mock/config") == json.loads(path.read_bytes())


async def test_a_saved_config_with_a_masked_secret_is_refused_naming_the_key(
    client: TestClient, config: Config, tmp_path: Path
) -> None:
    config.accounts[0].webhooks[0].secret = SECRET
    with pytest.raises(ConfigError, match=r"saved\.json: accounts\[\]\.webhooks\[0\]\.secret"):
        load_file(await saved_config(client, tmp_path))


def test_a_saved_masked_control_token_takes_the_token_given_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "saved.json"
    path.write_text(json.dumps({"control_token": "(hidden)"}), "utf-8")
    with pytest.raises(ConfigError, match=r"control_token: '\(hidden\)'.*--control-token"):
        load_file(path)
    assert load_file(path, TOKEN).control_token == TOKEN


def test_a_json_config_with_a_key_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text('{"seed": 1, "seed": 2}', "utf-8")
    with pytest.raises(ConfigError, match=r"twice\.json: not valid JSON: key 'seed' appears twice"):
        load_file(path)
