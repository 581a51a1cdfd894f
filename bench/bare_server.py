"""The baseline: bare aiohttp handlers at the vendor's paths that parse the body and answer a
fixed body. Whatever the emulator costs above this is the price of emulating."""

from __future__ import annotations

import json
import sys
import time

from aiohttp import web

REPORT = {"report": {"lines": "1000", "ok": "1000", "inserted": "1000", "errorcode": "0",
                     "id": "40133707428585176"}}  # fmt: skip
NEWCALL = {"QUERY_ID": 40133707428585176, "QUERY_COUNT": 1}
CDR = [{"QUERY_ID": 40133707428585176, "DST": "89222220000", "TIME": "2026-11-27 10:00:00 +0300",
        "CODE": "ANSWER/16", "SEC": 42}]  # fmt: skip


async def make(request: web.Request) -> web.Response:
    json.loads(await request.read())
    return web.json_response(REPORT)


async def newcall(request: web.Request) -> web.Response:
    await request.post()
    return web.json_response(NEWCALL)


async def cdr(request: web.Request) -> web.Response:
    return web.json_response(CDR)


async def clock(request: web.Request) -> web.Response:
    return web.json_response({"mode": "manual"})


# A webhook receiver that counts what it gets and when (the webhook benchmark's target).
HOOK = web.AppKey("hook", list)


async def hook(request: web.Request) -> web.Response:
    await request.read()
    request.app[HOOK].append(time.perf_counter())
    return web.Response(status=204)


async def hook_stats(request: web.Request) -> web.Response:
    seen = request.app[HOOK]
    span = seen[-1] - seen[0] if len(seen) > 1 else 0.0
    return web.json_response({"count": len(seen), "span": span})


async def hook_reset(request: web.Request) -> web.Response:
    request.app[HOOK].clear()
    return web.Response(status=204)


def main() -> None:
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_post("/apikey/make", make)
    app.router.add_post("/apikey/newcall", newcall)
    app.router.add_get("/apikey/cdr", cdr)
    app.router.add_get("/_mock/clock", clock)
    app[HOOK] = []
    app.router.add_post("/hook", hook)
    app.router.add_get("/hook/stats", hook_stats)
    app.router.add_post("/hook/reset", hook_reset)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
