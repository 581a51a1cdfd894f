"""A webhook receiver that only counts: 204 for every POST, for load engines to aim at.

``python bench/sink.py PORT`` serves until stopped, then prints the events it got and
how many distinct ``webhook-id``s they carried (docs/benchmarks.md, "fire and Locust").
"""

from __future__ import annotations

import sys
from collections import Counter

from aiohttp import web

ids: Counter[str] = Counter()


async def hook(request: web.Request) -> web.Response:
    await request.read()
    ids[request.headers.get("webhook-id", "")] += 1
    return web.Response(status=204)


async def report(_app: web.Application) -> None:
    print(f"events {sum(ids.values())}, distinct ids {len(ids)}", flush=True)


if __name__ == "__main__":
    app = web.Application()
    app.router.add_post("/hook", hook)
    app.on_shutdown.append(report)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
