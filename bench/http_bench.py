"""HTTP benchmarks 1 and 2: make with 1000 rows; newcall and a small cdr, beside their peers.

Every server runs in its own process on 127.0.0.1 and wrk, another process, loads it.
Baselines: a bare aiohttp handler (bare_server.py); WireMock standalone, with its request
journal (its default) and without it (``--no-request-journal``), and Prism, when
``bench/peers.sh`` installed them.

Each turn starts a fresh server, warms it with ``warmup`` seconds of the very load it is then
measured under (the JVM and Node compile their hot paths during it) and measures the next
``seconds`` of that load: a server that has been under load for a while, holding what the
warm-up stored (the emulator its records, WireMock its journal). The measured run's numbers
are new ones (see lua/threads.lua). The servers take turns, round after round, and every
ratio is the median of the ratios of the emulator's turn and the peer's turn in the same
round: a neighbour who slows one round slows both sides of its ratio.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import PEERS, WrkResult, bare, emulator, free_port, running, wrk

CDR_PATH = "/apikey/cdr?date_from=2026-11-27&date_to=2026-11-27"
Process = subprocess.Popen[bytes]


@dataclass(frozen=True)
class Server:
    name: str
    start: Callable[[int], AbstractContextManager[Process]]


@dataclass(frozen=True)
class Load:
    bench: str
    script: str | None  # a wrk Lua script in bench/lua/, or None for a plain GET
    path: str
    connections: int
    rows_per_request: int = 0


def _python(cmd: Callable[[int], list[str]]) -> Callable[[int], AbstractContextManager[Process]]:
    @contextmanager
    def start(port: int) -> Iterator[Process]:
        with running(cmd(port), f"http://127.0.0.1:{port}/_mock/clock") as process:
            yield process

    return start


def _wiremock(*options: str) -> Callable[[int], AbstractContextManager[Process]]:
    @contextmanager
    def start(port: int) -> Iterator[Process]:
        jar = next(
            (PEERS / "node_modules" / "wiremock" / "build").glob("wiremock-standalone-*.jar")
        )
        cmd = ["java", "-jar", str(jar), "--port", str(port), "--root-dir",
               str(Path(__file__).parent / "wiremock"), "--disable-banner", *options]  # fmt: skip
        with running(cmd, f"http://127.0.0.1:{port}/_mock/clock") as process:
            yield process

    return start


def _prism(openapi: Path) -> Callable[[int], AbstractContextManager[Process]]:
    @contextmanager
    def start(port: int) -> Iterator[Process]:
        cmd = [str(PEERS / "node_modules" / ".bin" / "prism"), "mock", str(openapi),
               "-p", str(port), "-h", "127.0.0.1"]  # fmt: skip
        with running(cmd, f"http://127.0.0.1:{port}/apikey/cdr") as process:
            yield process

    return start


def _openapi() -> Path | None:
    """Our OpenAPI document, as the emulator serves it (None before it serves one)."""
    port = free_port()
    with running(emulator(port), f"http://127.0.0.1:{port}/_mock/clock"):
        try:
            text = urllib.request.urlopen(f"http://127.0.0.1:{port}/_mock/openapi.json").read()
        except OSError:
            return None
    path = Path(tempfile.mkdtemp()) / "openapi.json"
    path.write_bytes(text)
    return path


def servers(with_peers: bool = True) -> list[Server]:
    """The emulator and the bare handler, then whichever peers bench/peers.sh installed."""
    found = [
        Server("emulator", _python(emulator)),
        Server("bare aiohttp", _python(bare)),
    ]
    if not with_peers:
        return found
    if shutil.which("java") and (PEERS / "node_modules" / "wiremock").exists():
        found.append(Server("WireMock", _wiremock()))
        found.append(Server("WireMock, no journal", _wiremock("--no-request-journal")))
    openapi = _openapi()
    if openapi is not None and (PEERS / "node_modules" / ".bin" / "prism").exists():
        found.append(Server("Prism", _prism(openapi)))
    if len(found) < 5:
        print("  (WireMock or Prism is missing: `bash bench/peers.sh` installs them)", flush=True)
    return found


def _seed_cdr(base: str) -> None:
    """A few finished calls, so the emulator's cdr answers a small, real result."""
    for i in range(5):
        body = f"name=N&UUID=u&phone=8900111000{i}".encode()
        urllib.request.urlopen(f"{base}/apikey/newcall", data=body).read()
    request = urllib.request.Request(
        f"{base}/_mock/clock/advance",
        data=json.dumps({"seconds": 3600}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},  # the control API takes JSON only
    )
    urllib.request.urlopen(request).read()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, all its threads, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def turn(server: Server, load: Load, seconds: float, warmup: float) -> dict[str, object]:
    """One fresh server: warmed, then measured. The row keeps wrk's figures and the server's
    CPU time per request (which, unlike latency, does not count waiting for a core)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with server.start(port) as process:
        if server.name == "emulator" and load.bench == "cdr":
            _seed_cdr(base)
        if warmup > 0:
            wrk(base + load.path, load.script, load.connections, warmup, 2, {"WRK_RUN": "0"})
        cpu = cpu_seconds(process.pid)
        result = wrk(base + load.path, load.script, load.connections, seconds, 2, {"WRK_RUN": "1"})
        cpu = cpu_seconds(process.pid) - cpu
    return _row(load, server.name, result, cpu)


def in_turns(
    found: list[Server], load: Load, seconds: float, warmup: float, rounds: int
) -> list[dict[str, object]]:
    """Each server's median turn over ``rounds`` rounds; the emulator's row also holds, for
    each peer, the median over the rounds of the emulator's figure divided by the peer's."""
    turns: dict[str, list[dict[str, object]]] = {server.name: [] for server in found}
    for _ in range(rounds):
        for server in found:
            try:
                measured = turn(server, load, seconds, warmup)
            except (OSError, RuntimeError, TimeoutError, subprocess.SubprocessError) as error:
                # One failed start or wrk run (a busy machine) should not lose a long run.
                print(f"  {server.name}, {load.bench}: {error!r}; once more", flush=True)
                measured = turn(server, load, seconds, warmup)
            turns[server.name].append(measured)
    rows = []
    for name, taken in turns.items():
        by_rps = sorted(taken, key=lambda row: float(row["rps"]))  # type: ignore[arg-type]
        median = dict(by_rps[len(by_rps) // 2])
        median["turns_rps"] = [row["rps"] for row in taken]
        if name == "emulator":
            median["against"] = {
                peer: _ratios(taken, others) for peer, others in turns.items() if peer != name
            }
        rows.append(median)
    return rows


def _ratios(ours: list[dict[str, object]], theirs: list[dict[str, object]]) -> dict[str, object]:
    def each(key: str) -> list[float]:
        return [float(a[key]) / float(b[key]) for a, b in zip(ours, theirs, strict=True)]  # type: ignore[arg-type]

    rps, p50, cpu = each("rps"), each("p50_ms"), each("cpu_ms_per_request")
    return {"rps": statistics.median(rps), "p50": statistics.median(p50),
            "cpu": statistics.median(cpu), "rounds_rps": [round(r, 3) for r in rps],
            "rounds_p50": [round(r, 3) for r in p50]}  # fmt: skip


def bench_make(seconds: float, warmup: float, rounds: int) -> list[dict[str, object]]:
    found = servers(with_peers=False)  # the peers don't emulate make
    rows = []
    for connections in (1, 8):
        load = Load("make 1000 rows", "make.lua", "/apikey/make", connections, 1000)
        rows += in_turns(found, load, seconds, warmup, rounds)
    return rows


def bench_small(seconds: float, warmup: float, rounds: int) -> list[dict[str, object]]:
    found = servers()
    rows = []
    for load in (Load("newcall", "newcall.lua", "/apikey/newcall", 16),
                 Load("cdr", None, CDR_PATH, 16)):  # fmt: skip
        rows += in_turns(found, load, seconds, warmup, rounds)
    return rows


def _row(load: Load, server: str, result: WrkResult, cpu: float) -> dict[str, object]:
    row: dict[str, object] = {
        "bench": load.bench, "server": server, "connections": load.connections,
        "rps": result.rps, "p50_ms": result.p50_ms, "p99_ms": result.p99_ms,
        "cpu_ms_per_request": cpu * 1000 / max(1, result.requests), "errors": result.errors,
    }  # fmt: skip
    if load.rows_per_request:
        row["rows_per_s"] = result.rps * load.rows_per_request
    return row


def report(rows: list[dict[str, object]]) -> None:
    for row in rows:
        extra = f", {row['rows_per_s']:.0f} rows/s" if "rows_per_s" in row else ""
        if len(row.get("turns_rps", [])) > 1:  # type: ignore[arg-type]
            turns = ", ".join(f"{rps:.0f}" for rps in row["turns_rps"])  # type: ignore[attr-defined]
            extra += f"  (median of turns: {turns} req/s)"
        print(f"  {row['bench']:<15} {row['server']:<21} c={row['connections']:<3} "
              f"{row['rps']:>9.1f} req/s  p50 {row['p50_ms']:.2f} ms  p99 {row['p99_ms']:.2f} ms"
              f"  cpu {row['cpu_ms_per_request']:.3f} ms/req{extra}"
              f"  errors {row['errors']}")  # fmt: skip
    for row in rows:
        for peer, r in row.get("against", {}).items():  # type: ignore[attr-defined]
            rounds = ", ".join(f"{x:.2f}" for x in r["rounds_rps"])
            print(f"  {row['bench']} c={row['connections']}: emulator/{peer}: "
                  f"req/s {r['rps']:.2f}x (rounds {rounds}), p50 {r['p50']:.2f}x, "
                  f"cpu per request {r['cpu']:.2f}x")  # fmt: skip
