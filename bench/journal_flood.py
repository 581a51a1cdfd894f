"""Journal flood: the emulator's memory under requests built to make each journal entry as
large as the bounds allow. Its resident memory must rise while the ring fills, then stay
flat however many more such requests come.

    python bench/journal_flood.py --short          # journal_size 300, ~15 s
    python bench/journal_flood.py --journal 2000   # a longer run

Each request is a newcall whose kept texts are at their bounds, in characters that take
two bytes each in memory (Cyrillic): 32 query parameters of 256 characters, and a JSON
body of 4 KiB and more with 400 unknown keys of 256 characters (warnings up to their cap
and their character budget, the rest counted in one). Before
the bounds, one 1.9 MB unknown key cost about 4 MB an entry.

Traffic goes only to 127.0.0.1; the loop is bounded in requests and in time. Exit status
0 when RSS after the ring filled and at the end differ by less than ``--max-growth``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from soak import free_port, rss_kib

HOST = "127.0.0.1"  # loopback only
ROOT = Path(__file__).resolve().parent.parent
WIDE = "ж"  # two bytes a character in memory, as most non-Latin text


def hostile_request(n: int) -> tuple[str, bytes]:
    """A newcall of the demo account (an unknown key would be refused before its fields
    are looked at, and warn of nothing): its query and body as large as entries keep."""
    query = urllib.parse.urlencode({f"{WIDE * 250}{i:06d}": WIDE * 256 for i in range(32)})
    body = {f"{WIDE * 250}{n:06d}{i:04d}": WIDE * 8 for i in range(400)}
    return f"/apikey/newcall?{query}", json.dumps(body, ensure_ascii=False).encode()


def flood(port: int, first: int, count: int, deadline: float) -> int:
    sent = 0
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        for n in range(first, first + count):
            if time.monotonic() > deadline:
                break
            target, body = hostile_request(n)
            connection.request(
                "POST", target, body=body, headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            response.read()
            assert response.status < 500, response.status
            sent += 1
    finally:
        connection.close()
    return sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--journal", type=int, default=1000, help="journal_size (entries)")
    parser.add_argument("--rounds", type=int, default=4, help="times the ring is filled")
    parser.add_argument("--short", action="store_true", help="journal_size 300, 3 rounds")
    parser.add_argument("--seconds", type=float, default=300, help="bound on the whole run")
    parser.add_argument("--max-growth", type=float, default=0.05)
    args = parser.parse_args()
    if args.short:
        args.journal, args.rounds = 300, 3
    deadline = time.monotonic() + args.seconds
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "flood.yaml"
        config.write_text(json.dumps({"journal_size": args.journal}))
        port = free_port()
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "mockserver", "--port", str(port)),
                *("--clock", "manual", "--config", str(config), "--log-level", "error"),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        try:
            for _ in range(200):  # bounded: until it listens
                try:
                    http.client.HTTPConnection(HOST, port, timeout=1).connect()
                    break
                except OSError:
                    time.sleep(0.05)
            flood(port, 0, 20, deadline)  # warm-up: code paths loaded, caches built
            empty = rss_kib(process.pid)
            samples = [(0, empty)]
            sent = 0
            for _ in range(args.rounds):
                sent += flood(port, sent, args.journal, deadline)
                samples.append((sent, rss_kib(process.pid)))
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(20)
    full, last = samples[1][1], samples[-1][1]
    per_entry = (full - empty) * 1024 / args.journal
    growth = (last - full) / full
    print(f"journal_size {args.journal}: {sent} maximal hostile requests")
    print("requests  RSS MiB")
    for count, kib in samples:
        print(f"{count:8d}  {kib / 1024:7.1f}")
    print(f"per entry: {per_entry / 1024:.1f} KiB (RSS growth while the ring filled / entries)")
    print(f"after the ring filled: {growth:+.1%} over {sent - args.journal} more requests")
    print(f"bound at journal_size 10000: {per_entry * 10000 / 2**20:.0f} MiB")
    return 0 if growth < args.max_growth else 1


if __name__ == "__main__":
    sys.exit(main())
