"""Call recordings: valid WAV files (8 kHz, mono, 16-bit PCM), exactly ``SEC`` seconds long.

A recording is never stored: it is synthesised on request from the seed, the
record and its scenario's phrase, so it costs nothing until fetched and is the
same on every fetch. The sound is a sequence of short tones, one per character
of the robot's phrase (shifted by the seed), so it is audibly not silence.

Its URL carries an HMAC of (api key, record) under a per-process key: a client
cannot guess another record's URL, and an account's key never opens another's.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import math
import secrets
import wave
from array import array
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from .draws import RECORDING, Draws, integer, row_of
from .draws import of as draws_of
from .errors import NotFound

if TYPE_CHECKING:
    from .accounts import AccountState
    from .models import Record

RATE = 8000  # Hz: telephone audio
WIDTH = 2  # bytes per sample: 16-bit PCM
NOTES = (392.0, 440.0, 494.0, 523.0, 587.0, 659.0, 698.0, 784.0)  # G4..G5, a pentatonic-ish scale
TONE, GAP = 1440, 320  # samples: 0.18 s of tone, 0.04 s of silence
FADE = 80  # samples of fade in and out, so the tones do not click
AMPLITUDE = 9000


@cache
def _segment(note: int) -> bytes:
    """One tone and its gap as little-endian PCM, built once per note."""
    freq = NOTES[note]
    samples = array("h", bytes(WIDTH * (TONE + GAP)))
    for i in range(TONE):
        envelope = min(1.0, i / FADE, (TONE - i) / FADE)
        samples[i] = round(AMPLITUDE * envelope * math.sin(2 * math.pi * freq * i / RATE))
    return samples.tobytes() if array("h", [1]).tobytes()[0] == 1 else _swapped(samples)


def _swapped(samples: array[int]) -> bytes:
    samples.byteswap()  # WAV is little-endian whatever the machine
    return samples.tobytes()


@lru_cache(maxsize=16)
def wav(draws: Draws, record: tuple[int, int], seconds: int, phrase: str = "") -> bytes:
    """The recording of ``record``: ``seconds`` long exactly, the same for the same inputs."""
    frames = seconds * RATE
    segment = TONE + GAP
    count = -(-frames // segment)  # enough whole segments to cover the length, then cut
    notes = []
    for i in range(count):
        shift = integer(draws.words(RECORDING, *record, i)[0], 0, 2)
        base = ord(phrase[i % len(phrase)]) if phrase else 0
        notes.append(_segment((base + shift) % len(NOTES)))
    pcm = b"".join(notes)[: frames * WIDTH]
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(WIDTH)
        writer.setframerate(RATE)
        writer.writeframes(pcm)
    return out.getvalue()


def token(key: bytes, api_key: str, job: int, row: int) -> str:
    """``<job>-<row>-<HMAC>``: names the record by its job and its row in the job (numbers of
    its own account, so the URL does not move when another account uploads), and proves
    the URL was handed out by us."""
    mac = hmac.new(key, f"{api_key}/{job}/{row}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{job}-{row}-{mac}"


def record_of(key: bytes, api_key: str, text: str) -> tuple[int, int] | None:
    """The (job, row) a token names, None when it was not made for this account by this
    process."""
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 18 for p in parts[:2]):
        return None
    job, row = int(parts[0]), int(parts[1])
    return (job, row) if hmac.compare_digest(token(key, api_key, job, row), text) else None


class Recordings:
    """Where an answered call's WAV is found: an unguessable URL at the address clients reach."""

    def __init__(self) -> None:
        self.key = secrets.token_bytes(32)  # per process: recording URLs unguessable
        #: The emulator's address as clients reach it (config ``public_url``, else learned).
        self.public_url: str | None = None
        self.public_host = ""  # the Host header public_url was learned from

    def url(self, account: AccountState, record: Record) -> str:
        """The absolute URL of an answered record's WAV; "" when nothing was recorded."""
        if not record.code.startswith("ANSWER/") or record.sec <= 0:
            return ""
        api_key = account.config.api_key
        name = token(self.key, api_key, *row_of(record))
        return f"{self.public_url or ''}/{api_key}/recordings/{name}.wav"

    def wav(self, account: AccountState, text: str, seed: int) -> bytes:
        """The WAV a URL's token names; another account's token, or a forgery, finds none."""
        found = record_of(self.key, account.config.api_key, text)
        job = account.jobs.get(found[0]) if found is not None else None
        record = None
        if job is not None and found is not None and found[1] < len(job.records):
            record = job.records[found[1]]
        if record is None or not self.url(account, record):
            raise NotFound("recording: no such recording for this account")
        scenario = account.config.scenario(record.scenario)
        phrase = scenario.phrases[0] if scenario and scenario.phrases else ""
        return wav(draws_of(seed, account.config.api_key), row_of(record), record.sec, phrase)
