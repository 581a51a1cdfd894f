"""What every benchmark needs: free ports, processes started and stopped, wrk runs parsed.

Load always targets 127.0.0.1; every loop here is bounded in count and time.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = HERE / "peers"  # filled by bench/peers.sh
PYTHON = sys.executable
#: Processes start as on a user's machine: with Python's bytecode cache. (Some sandboxes set
#: PYTHONDONTWRITEBYTECODE, which makes every start compile every module again.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> float:
    """Seconds until ``url`` answers (any HTTP status); fails if the process dies first."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return time.perf_counter() - start
        except urllib.error.HTTPError:
            return time.perf_counter() - start
        except OSError:
            time.sleep(0.01)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextlib.contextmanager
def running(cmd: Sequence[str], ready_url: str) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV
    )
    try:
        wait_ready(ready_url, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def emulator(port: int, *extra: str) -> list[str]:
    return [PYTHON, "-m", "mockserver", "--port", str(port), "--clock", "manual",
            "--start", "2026-11-27T09:00:00+03:00", "--seed", "1", "--log-level", "warning",
            *extra]  # fmt: skip


def bare(port: int) -> list[str]:
    return [PYTHON, str(HERE / "bare_server.py"), str(port)]


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def wrk(url: str, script: str | None, connections: int, seconds: float, threads: int = 1,
        env: dict[str, str] | None = None) -> WrkResult:  # fmt: skip
    """One wrk run (a separate process generates the load) with its latency distribution."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: apt-get install wrk")
    cmd = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s",
           "--latency", "--timeout", "10s"]  # fmt: skip
    if script:
        cmd += ["-s", str(HERE / "lua" / script)]
    out = subprocess.run(
        [*cmd, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
        env={**os.environ, **(env or {})},
        cwd=HERE / "lua",  # the scripts dofile() their shared helpers from here
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        errors=errors + (int(non2xx.group(1)) if non2xx else 0),
    )


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


def rss_bytes(pid: int | None = None) -> int:
    """Resident memory of a process, from /proc."""
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024  # type: ignore[union-attr]


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), "unknown cpu",
    )  # fmt: skip
    memory = int(re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
    aiohttp = importlib.metadata.version("aiohttp")
    return (f"{os.cpu_count()} cores, {cpu}, {memory / 2**20:.0f} GiB, "
            f"Python {sys.version.split()[0]}, aiohttp {aiohttp}")  # fmt: skip


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"
