"""The proxy's added latency: p50 of a request through ``autodialer-mock proxy`` minus p50 of
the same request sent to its upstream directly (target: at most 1 ms on loopback).

The upstream is the emulator (manual clock), the proxy a second process in front of it
(no cassette, no shadow: what every exchange pays is forwarding and the drift checks).
One client, one keep-alive connection to each, requests alternated direct/proxied so
both sides see the same machine load; bounded by ``--seconds`` and ``--max-requests``.

    .venv/bin/python bench/proxy_bench.py --seconds 3
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import time

from harness import PYTHON, emulator, free_port, machine, percentile, running

REQUESTS = {
    "cdr": ("GET", "/apikey/cdr?date_from=2026-11-27&date_to=2026-11-27", None, {}),
    "newcall": (
        "POST",
        "/apikey/newcall",
        "id=0&name=Petrov&phone=89222220000&UUID=crm-1&timestart=10:00&timestop=19:00",
        {"Content-Type": "application/x-www-form-urlencoded"},
    ),
}


def timed(conn: http.client.HTTPConnection, method: str, path: str, body: str | None,
          headers: dict[str, str]) -> float:  # fmt: skip
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    answer = conn.getresponse()
    answer.read()
    elapsed = time.perf_counter() - start
    assert answer.status < 500, answer.status
    return elapsed * 1000


def measure(direct: int, proxied: int, name: str, seconds: float, limit: int) -> dict[str, float]:
    method, path, body, headers = REQUESTS[name]
    a = http.client.HTTPConnection("127.0.0.1", direct, timeout=10)
    b = http.client.HTTPConnection("127.0.0.1", proxied, timeout=10)
    for _ in range(50):  # warm both connections and both processes
        timed(a, method, path, body, headers)
        timed(b, method, path, body, headers)
    plain: list[float] = []
    through: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(plain) < limit:
        plain.append(timed(a, method, path, body, headers))
        through.append(timed(b, method, path, body, headers))
    a.close()
    b.close()
    p50_direct, p50_proxy = statistics.median(plain), statistics.median(through)
    return {
        "requests": len(plain),
        "direct_p50_ms": round(p50_direct, 3),
        "proxy_p50_ms": round(p50_proxy, 3),
        "added_p50_ms": round(p50_proxy - p50_direct, 3),
        "proxy_p99_ms": round(percentile(through, 99), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per request kind (3)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per kind (20000)")
    args = parser.parse_args()
    upstream, proxy = free_port(), free_port()
    proxy_cmd = [PYTHON, "-m", "mockserver", "proxy", "--port", str(proxy),
                 "--upstream", f"http://127.0.0.1:{upstream}"]  # fmt: skip
    with (
        running(emulator(upstream), f"http://127.0.0.1:{upstream}/_mock/clock"),
        running(proxy_cmd, f"http://127.0.0.1:{proxy}/_mock/journal"),
    ):
        results = {
            name: measure(upstream, proxy, name, args.seconds, args.max_requests)
            for name in REQUESTS
        }
    print(json.dumps({"machine": machine(), "seconds": args.seconds, **results}, indent=2))
    for name, result in results.items():
        print(
            f"{name}: proxy adds {result['added_p50_ms']:.3f} ms at p50 "
            f"({result['direct_p50_ms']:.3f} -> {result['proxy_p50_ms']:.3f} ms, "
            f"{result['requests']} pairs)"
        )


if __name__ == "__main__":
    main()
