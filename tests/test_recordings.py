"""Recordings: valid WAV files of exactly SEC seconds, at unguessable URLs, one account each."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import wave
from array import array
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver import draws, recordings

from .support import Emulator

ANSWERED, BUSY = "89001230000", "89001230001"
DONE = 200


def frames(data: bytes) -> tuple[int, int, int, int]:
    """(frames, rate, channels, sample width) as Python's wave module reads them."""
    with wave.open(io.BytesIO(data)) as reader:
        return (
            reader.getnframes(),
            reader.getframerate(),
            reader.getnchannels(),
            reader.getsampwidth(),
        )


async def answered_event(emulator: Emulator, receiver, phone: str = ANSWERED) -> dict:
    await emulator.subscribe(receiver.url)
    await emulator.newcall(name="Анна", phone=phone, UUID="crm-1")
    await emulator.advance(DONE)
    return receiver.requests[-1].json()


async def fetch(emulator: Emulator, url: str):
    return await emulator.client.get(urlsplit(url).path)


@given(seconds=st.integers(min_value=1, max_value=120), record=st.integers(1, 10**6))
def test_wav_is_8khz_mono_16bit_and_exactly_sec_seconds(seconds: int, record: int) -> None:
    assert frames(recordings.wav(draws.of(7, "apikey"), (1, record), seconds, "Здравствуйте")) == (
        seconds * 8000,
        8000,
        1,
        2,
    )


def test_wav_is_audibly_not_silence() -> None:
    with wave.open(io.BytesIO(recordings.wav(draws.of(7, "apikey"), (1, 0), 3, "Алло"))) as reader:
        samples = array("h", reader.readframes(reader.getnframes()))
    assert max(abs(s) for s in samples) > 1000


def test_wav_is_the_same_for_the_same_seed_and_record() -> None:
    recordings.wav.cache_clear()
    first = recordings.wav(draws.of(7, "apikey"), (1, 3), 10, "x")
    recordings.wav.cache_clear()
    again = recordings.wav(draws.of(7, "apikey"), (1, 3), 10, "x")
    assert again == first != recordings.wav(draws.of(8, "apikey"), (1, 3), 10, "x")


async def test_answered_event_links_a_wav_of_its_duration(emulator, receiver) -> None:
    event = await answered_event(emulator, receiver)
    assert event["record"].startswith("http://127.0.0.1:")
    response = await fetch(emulator, event["record"])
    assert (response.status, response.content_type) == (200, "audio/wav")
    assert frames(await response.read())[0] == event["duration"] * 8000


async def test_soxi_reads_the_recording_length(emulator, receiver, tmp_path) -> None:
    if shutil.which("soxi") is None:
        if os.environ.get("AUTODIALER_SKIP_SOX") == "1":
            pytest.skip("soxi is missing and AUTODIALER_SKIP_SOX=1")
        pytest.fail("soxi is missing: install Debian's sox (or set AUTODIALER_SKIP_SOX=1)")
    event = await answered_event(emulator, receiver)
    path = tmp_path / "call.wav"
    path.write_bytes(await (await fetch(emulator, event["record"])).read())
    seconds = subprocess.run(
        ["soxi", "-D", str(path)], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    assert float(seconds) == event["duration"]


async def test_unanswered_event_has_an_empty_record(emulator, receiver) -> None:
    event = await answered_event(emulator, receiver, BUSY)
    assert (event["code"].split("/")[0], event["record"]) == ("BUSY", "")


async def test_another_accounts_key_gets_404(emulator, receiver, config) -> None:
    await emulator.configure(
        accounts=[
            {"api_key": "apikey", "access_token": "client-key"},
            {"api_key": "other", "access_token": "other-token"},
        ]
    )
    event = await answered_event(emulator, receiver)
    path = urlsplit(event["record"]).path.replace("/apikey/", "/other/")
    response = await emulator.client.get(path)
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


async def test_a_wrong_token_gets_404(emulator, receiver) -> None:
    event = await answered_event(emulator, receiver)
    path = urlsplit(event["record"]).path
    forged = path[:-5] + ("0" if path[-5] != "0" else "1") + ".wav"
    response = await emulator.client.get(forged)
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


async def test_public_url_sets_the_recordings_address(emulator, receiver) -> None:
    await emulator.configure(public_url="https://dialer.example.test/mock")
    event = await answered_event(emulator, receiver)
    assert event["record"].startswith("https://dialer.example.test/mock/apikey/recordings/")
