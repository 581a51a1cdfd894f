"""HTTP benchmarks 1 and 2: make with 1000 rows; newcall and a small cdr, beside their peers.

Every server runs in its own process on 127.0.0.1 and wrk, another process, loads it.
Baselines: a bare aiohttp handler (bare_server.py); WireMock standalone and Prism when
``bench/peers.sh`` installed them.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from harness import PEERS, WrkResult, bare, emulator, free_port, ratio, running, wrk

CDR_PATH = "/apikey/cdr?date_from=2026-11-27&date_to=2026-11-27"
Server = Callable[[int], AbstractContextManager[object]]


def _python(cmd: Callable[[int], list[str]]) -> Server:
    @contextmanager
    def start(port: int) -> Iterator[object]:
        with running(cmd(port), f"http://127.0.0.1:{port}/_mock/clock") as process:
            yield process

    return start


@contextmanager
def _wiremock(port: int) -> Iterator[object]:
    jar = next((PEERS / "node_modules" / "wiremock" / "build").glob("wiremock-standalone-*.jar"))
    cmd = ["java", "-jar", str(jar), "--port", str(port), "--root-dir",
           str(Path(__file__).parent / "wiremock"), "--disable-banner"]  # fmt: skip
    with running(cmd, f"http://127.0.0.1:{port}/_mock/clock") as process:
        yield process


def _prism(openapi: Path) -> Server:
    @contextmanager
    def start(port: int) -> Iterator[object]:
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


def peers() -> dict[str, Server]:
    found: dict[str, Server] = {"emulator": _python(emulator), "bare aiohttp": _python(bare)}
    if shutil.which("java") and (PEERS / "node_modules" / "wiremock").exists():
        found["WireMock"] = _wiremock
    openapi = _openapi()
    if openapi is not None and (PEERS / "node_modules" / ".bin" / "prism").exists():
        found["Prism"] = _prism(openapi)
    return found


def _seed_cdr(port: int) -> None:
    """A few finished calls, so the emulator's cdr answers a small, real result."""
    base = f"http://127.0.0.1:{port}"
    for i in range(5):
        body = f"name=N&UUID=u&phone=8900111000{i}".encode()
        urllib.request.urlopen(f"{base}/apikey/newcall", data=body)
    request = urllib.request.Request(
        f"{base}/_mock/clock/advance", data=json.dumps({"seconds": 3600}).encode(), method="POST"
    )
    urllib.request.urlopen(request)


def _in_turns(
    servers: dict[str, Server], rounds: int, measure: Callable[[str, Server], dict[str, object]]
) -> list[dict[str, object]]:
    """Each server's figure, the emulator and the bare handler taking turns ``rounds`` times.

    The machine is shared and one run can move by 15-40 %. Each emulator turn is paired
    with the bare handler's turn right after it, and the ratio of each pair is taken: a
    neighbour who slows both halves of a pair moves neither ratio. The emulator's row
    keeps the median of the pair ratios (``pair_rps_ratio``, ``pair_p50_ratio``); each
    server's row is its median turn. The peers run once.
    """
    turns: dict[str, list[dict[str, object]]] = {name: [] for name in servers}
    paired = [name for name in ("emulator", "bare aiohttp") if name in servers]
    order = paired * rounds + [name for name in servers if name not in paired]
    for name in order:
        turns[name].append(measure(name, servers[name]))
    pairs = list(zip(turns.get("emulator", []), turns.get("bare aiohttp", []), strict=False))
    rows = []
    for name, found in turns.items():
        by_rps = sorted(found, key=lambda row: row["rps"])  # type: ignore[arg-type,return-value]
        median = dict(by_rps[len(by_rps) // 2])
        if len(found) > 1:
            median["turns_rps"] = [row["rps"] for row in found]
        if name == "emulator" and len(pairs) > 1:
            rps, p50 = _pair_ratios(pairs, "rps"), _pair_ratios(pairs, "p50_ms")
            median["pair_rps_ratios"] = [round(r, 3) for r in rps]
            median["pair_rps_ratio"] = statistics.median(rps)
            median["pair_p50_ratio"] = statistics.median(p50)
        rows.append(median)
    return rows


def _pair_ratios(pairs: list[tuple[dict[str, object], dict[str, object]]], key: str) -> list[float]:
    return [float(ours[key]) / float(bare[key]) for ours, bare in pairs]  # type: ignore[arg-type]


def bench_make(seconds: float, rounds: int = 1) -> list[dict[str, object]]:
    servers = dict(list(peers().items())[:2])  # the peers don't emulate make
    rows = []
    for connections in (1, 8):

        def measure(name: str, server: Server, connections: int = connections) -> dict[str, object]:
            port = free_port()
            with server(port):
                result = wrk(f"http://127.0.0.1:{port}", "make.lua", connections, seconds, 2)
            return _row("make 1000 rows", name, connections, result, rows_per_request=1000)

        rows += _in_turns(servers, rounds, measure)
    return rows


def bench_small(seconds: float, rounds: int = 1) -> list[dict[str, object]]:
    servers = peers()
    rows = []
    for method, script, path in (("newcall", "newcall.lua", ""), ("cdr", None, CDR_PATH)):

        def measure(name: str, server: Server, method: str = method, script: str | None = script,
                    path: str = path) -> dict[str, object]:  # fmt: skip
            port = free_port()
            with server(port):
                if name == "emulator" and method == "cdr":
                    _seed_cdr(port)
                result = wrk(f"http://127.0.0.1:{port}{path}", script, 16, seconds, 2)
            return _row(method, name, 16, result)

        rows += _in_turns(servers, rounds, measure)
    return rows


def _row(what: str, server: str, connections: int, result: WrkResult,
         rows_per_request: int = 0) -> dict[str, object]:  # fmt: skip
    row: dict[str, object] = {
        "bench": what, "server": server, "connections": connections, "rps": result.rps,
        "p50_ms": result.p50_ms, "p99_ms": result.p99_ms, "errors": result.errors,
    }  # fmt: skip
    if rows_per_request:
        row["rows_per_s"] = result.rps * rows_per_request
    return row


def report(rows: list[dict[str, object]]) -> None:
    for row in rows:
        extra = f", {row['rows_per_s']:.0f} rows/s" if "rows_per_s" in row else ""
        if "turns_rps" in row:
            turns = ", ".join(f"{rps:.0f}" for rps in row["turns_rps"])  # type: ignore[attr-defined]
            extra += f"  (median of turns: {turns} req/s)"
        if "pair_rps_ratios" in row:
            pairs = ", ".join(f"{r:.2f}" for r in row["pair_rps_ratios"])  # type: ignore[attr-defined]
            extra += (f"; against the bare turn after each: req/s {row['pair_rps_ratio']:.2f}x "
                      f"(pairs {pairs}), p50 {row['pair_p50_ratio']:.2f}x")  # fmt: skip
        print(f"  {row['bench']:<15} {row['server']:<13} c={row['connections']:<3} "
              f"{row['rps']:>9.1f} req/s  p50 {row['p50_ms']:.2f} ms  p99 {row['p99_ms']:.2f} ms"
              f"{extra}  errors {row['errors']}")  # fmt: skip
    by = {(r["bench"], r["server"], r["connections"]): r for r in rows}
    for (bench, server, connections), row in by.items():
        if server == "emulator":
            for peer in ("bare aiohttp", "WireMock", "Prism"):
                other = by.get((bench, peer, connections))
                if other:
                    print(f"  {bench} c={connections}: emulator/{peer}: "
                          f"req/s {ratio(row['rps'], other['rps'])}, "  # type: ignore[arg-type]
                          f"p50 {ratio(row['p50_ms'], other['p50_ms'])}")  # type: ignore[arg-type]  # fmt: skip
