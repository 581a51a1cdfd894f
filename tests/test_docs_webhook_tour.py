"""The webhook tour of README.md and docs/webhooks.md is run as written: its receiver.py and
config.yaml, its commands, then the event the receiver printed and the ``soxi`` line are
compared with what the page shows.

Only the ports change (free ones instead of 9000 and 8080), and what a page says differs
from run to run is masked: the recording's HMAC (the event id is drawn from the seed, so
it is compared as shown). With
REGENERATE_DOCS=1 the test writes what it saw into the page instead of comparing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .support import ROOT
from .test_readme import free_port

PAGES = ["README.md", "docs/webhooks.md"]
REGENERATE = os.environ.get("REGENERATE_DOCS") == "1"
TOKEN = re.compile(r"(recordings/\d+-\d+-)[0-9a-f]{32}")
SOXI = re.compile(r"(soxi call\.wav +# )(.*)")


def block(text: str, lang: str, needle: str) -> str:
    """The first fenced block of ``lang`` holding ``needle``."""
    for body in re.findall(rf"```{lang}\n(.*?)\n```", text, re.S):
        if needle in body:
            return body
    raise AssertionError(f"no ```{lang} block with {needle!r}")


def masked(text: str) -> str:
    return TOKEN.sub(r"\1(hmac)", text)


def soxi_summary(wav: Path) -> str:
    """soxi's answer in the page's words: 'Channels 1, Sample Rate 8000, ...'."""
    out = subprocess.run(["soxi", str(wav)], capture_output=True, text=True, check=True).stdout
    pairs = (line.split(":", 1) for line in out.splitlines() if ":" in line)
    fields = {key.strip(): value.strip() for key, value in pairs}
    duration = fields["Duration"].split()[0]
    return (
        f"Channels {fields['Channels']}, Sample Rate {fields['Sample Rate']}, "
        f"Precision {fields['Precision']}, Duration {duration}"
    )


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while True:  # wait for the port to answer: bounded by the deadline
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # answered, with an error: it is up
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.05)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the tour uses curl")
@pytest.mark.parametrize("page", PAGES)
def test_the_webhook_tour_prints_what_the_page_shows(page: str, tmp_path: Path) -> None:
    text = (ROOT / page).read_text("utf-8")
    hook_port, mock_port = free_port(), free_port()
    ports = {"127.0.0.1:9000": f"127.0.0.1:{hook_port}", "127.0.0.1:8080": f"127.0.0.1:{mock_port}"}

    def local(s: str) -> str:
        for old, new in ports.items():
            s = s.replace(old, new)
        return s

    config = block(text, "yaml", "webhooks:")
    (tmp_path / "config.yaml").write_text(local(config), "utf-8")
    receiver = block(text, "python", "web.run_app")
    (tmp_path / "receiver.py").write_text(receiver.replace("port=9000", f"port={hook_port}"))
    commands = block(text, "sh", "receiver.py &").splitlines()
    servers = [c.removesuffix(" &") for c in commands if c.endswith(" &")]
    assert [s.split()[-1] for s in servers][:1] == ["receiver.py"], servers

    printed = tmp_path / "printed.txt"
    with printed.open("wb") as out:
        hook = subprocess.Popen([sys.executable, "receiver.py"], cwd=tmp_path, stdout=out)
        mock_args = re.sub(r"--port \d+", "", servers[1].split(" ", 1)[1]).split()
        mock = subprocess.Popen(
            [sys.executable, "-m", "mockserver", *mock_args, "--port", str(mock_port)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_for(f"http://127.0.0.1:{mock_port}/_mock/clock", mock)
            wait_for(f"http://127.0.0.1:{hook_port}/", hook)
            for command in (c for c in commands if not c.endswith(" &")):
                subprocess.run(["bash", "-c", local(command)], cwd=tmp_path, check=True, timeout=30,
                               capture_output=True)  # fmt: skip
            seen = printed.read_text("utf-8").splitlines()[0]
            fetch = block(text, "sh", "soxi")
            url = re.search(r"http://127\.0\.0\.1:\d+/\S+\.wav", seen)
            assert url is not None, seen
            get = fetch.splitlines()[0]
            get = re.sub(r'"http://[^"]+\.wav"', f'"{url.group(0)}"', get)
            subprocess.run(["bash", "-c", get], cwd=tmp_path, check=True, timeout=30)
        finally:
            for process in (hook, mock):
                process.terminate()
                process.wait(10)

    seen = seen.replace(f"127.0.0.1:{mock_port}", "127.0.0.1:8080")
    shown = re.search(r"```\n(evt_.*?)\n```", text, re.S)
    assert shown is not None
    soxi = shutil.which("soxi") and soxi_summary(tmp_path / "call.wav")
    if REGENERATE:
        text = text.replace(shown.group(1), seen)
        old_url = re.search(r"http://\S+\.wav", shown.group(1))
        new_url = re.search(r"http://\S+\.wav", seen)
        if old_url and new_url:
            text = text.replace(old_url.group(0), new_url.group(0))
        if soxi:
            text = SOXI.sub(lambda m: m.group(1) + soxi, text)
        (ROOT / page).write_text(text, "utf-8")
        return
    assert masked(seen) == masked(shown.group(1))
    if not soxi:
        pytest.skip("soxi (from sox) is not installed: the recording's line is not checked")
    assert SOXI.search(text).group(2) == soxi  # type: ignore[union-attr]
