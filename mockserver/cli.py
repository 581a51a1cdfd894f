"""The ``autodialer-mock`` command: ``serve`` (the default) starts the emulator; ``fire`` sends
synthetic webhook traffic to a receiver."""

from __future__ import annotations

import argparse
import contextlib
import errno
import ipaddress
import logging
import os
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import __version__
from .config import Config, load_file
from .errors import ConfigError

if TYPE_CHECKING:
    from .loadgen.fire import Summary

    Reporter = Callable[[Summary], None]

COMMANDS = ("serve", "fire", "proxy", "replay")
TOKEN_ENV = "AUTODIALER_MOCK_CONTROL_TOKEN"  # keeps the token out of `ps` and shell history
log = logging.getLogger("autodialer-mock")


class _Defaults(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except where there is none to show (None, False, "")."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if isinstance(action.default, bool) or action.default in (None, "", argparse.SUPPRESS):
            return action.help
        return super()._get_help_string(action)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autodialer-mock",
        description="A stateful emulator of the Autodialer REST API (make, newcall, cdr).\n"
        "Without a command it serves: `autodialer-mock [options]` is\n"
        "`autodialer-mock serve [options]`.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"autodialer-mock {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    serve = commands.add_parser(
        "serve", help="run the emulator (the default command)", formatter_class=_Defaults
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port; 0 picks a free one")
    serve.add_argument(
        "--config",
        metavar="FILE",
        help="a TOML, YAML or JSON configuration file (JSON: what GET /_mock/config answers)",
    )
    serve.add_argument("--clock", choices=("real", "manual"), help="real time (default) or manual")
    serve.add_argument("--speed", type=float, metavar="N", help="run the real clock N times faster")
    serve.add_argument(
        "--start", metavar="ISO", help="the emulator's start time, ISO 8601 with offset"
    )
    serve.add_argument("--seed", type=int, metavar="N", help="seed of job ids and call outcomes")
    serve.add_argument(
        "--db",
        metavar="FILE",
        help="persist state in SQLite (created if missing); in memory without it",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=("debug", "info", "warning", "error"),
        help="what the log shows",
    )
    serve.add_argument(
        "--control-token",
        metavar="T",
        help=f"/_mock/ then needs 'Authorization: Bearer T' (default: ${TOKEN_ENV})",
    )
    serve.add_argument(
        "--shutdown-timeout",
        type=float,
        default=10,
        metavar="S",
        help="on SIGTERM, seconds to let requests in flight finish",
    )
    _fire_parser(commands)
    _proxy_parsers(commands)
    parser.epilog = _serve_help(serve)
    return parser


def _serve_help(serve: argparse.ArgumentParser) -> str:
    """The top-level help ends with serve's options: serve is what runs without a command."""
    options = serve.format_help().split("\n\n", 1)[1]  # without serve's own usage line
    return f"serve's options (each command has --help too):\n\n{options}"


def _fire_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fire = commands.add_parser(
        "fire",
        help="send synthetic, schema-valid webhook events to a receiver (for QA)",
        description="Sends synthetic, schema-valid webhook events to a receiver and sums up "
        "how it answered: events/s, latency, and failures by kind.",
        formatter_class=_Defaults,
    )
    fire.add_argument("--url", required=True, help="the receiver's URL (http:// or https://)")
    fire.add_argument("--count", type=int, default=1000, metavar="N", help="events to send")
    fire.add_argument(
        "--rate",
        type=float,
        default=1000,
        metavar="R",
        help="requests started per second; 0: as fast as --concurrency allows",
    )
    fire.add_argument(
        "--statuses", default="", metavar="LIST", help="comma-separated statuses (default: all)"
    )
    fire.add_argument("--secret", metavar="WHSEC", help="sign with this Standard Webhooks secret")
    fire.add_argument(
        "--duplicates", type=float, default=0.0, metavar="P", help="share of events sent twice"
    )
    fire.add_argument("--format", choices=("json", "form"), default="json", help="body format")
    fire.add_argument("--timeout", type=float, default=10, metavar="S", help="per request")
    fire.add_argument(
        "--concurrency", type=int, default=32, metavar="N", help="requests in flight at most"
    )
    fire.add_argument("--seed", type=int, default=1, metavar="N", help="seed of the events")
    fire.add_argument("--json", action="store_true", help="print the summary as JSON")
    fire.add_argument(
        "--progress-every",
        type=float,
        default=5,
        metavar="S",
        help="seconds between progress lines on stderr when it is not a terminal "
        "(a terminal gets a bar)",
    )
    fire.add_argument("--no-progress", action="store_true", help="no progress bar or lines")


def build_config(args: argparse.Namespace) -> Config:
    """The file's configuration with the command line's options on top; each option is
    checked by the configuration schema's rule for its key."""
    token = args.control_token or os.environ.get(TOKEN_ENV)
    config = load_file(args.config, token) if args.config else Config()
    if args.clock:
        config.clock.mode = args.clock
    if args.speed is not None:
        _check_option("--speed", {"clock": {"speed": args.speed}})
        config.clock.speed = args.speed
    if args.start:
        _check_option("--start", {"clock": {"start": args.start}})
        config.clock.start = args.start
    if args.seed is not None:
        _check_option("--seed", {"seed": args.seed})
        config.seed = args.seed
    if token:
        _check_option("--control-token", {"control_token": token})
        config.control_token = token
    return config


def _check_option(option: str, fragment: dict[str, object]) -> None:
    """Checks an option against the configuration schema: one rule for a key, file or flag."""
    from .validation import validator

    for error in validator("config").errors(fragment):
        raise ConfigError(f"{option}: {error.rule}")


def serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from .gc_control import StateFreezer
    from .server.app import PARSER_LIMITS, clock_for, create_app
    from .server.keys import BACKEND

    try:
        config = build_config(args)
        clock = clock_for(config)
    except (ConfigError, ValueError) as exc:
        print(f"autodialer-mock: refused configuration: {exc}", file=sys.stderr)
        return 2
    _allow_bound_name(config, args.host)
    try:
        sock = bind(args.host, args.port)
    except ConfigError as exc:
        print(f"autodialer-mock: {exc}", file=sys.stderr)
        return 2
    try:
        # This process is the emulator's own: its stored state may be frozen (gc_control.py).
        app = create_app(config, clock, args.db, StateFreezer())
    except ConfigError as exc:
        sock.close()
        print(f"autodialer-mock: refused --db {args.db}: {exc}", file=sys.stderr)
        return 2
    backend = app[BACKEND]
    if not _is_loopback(args.host):
        guard = (
            "it needs the control token"
            if config.control_token
            else "anyone who reaches it can read and reset every account; set --control-token"
        )
        log.warning(
            "listening on %s: the control API /_mock/ is reachable from the network: %s",
            args.host,
            guard,
        )
    accounts = ", ".join(f"{a.api_key} (token {a.access_token})" for a in config.accounts)
    speed = f" x{clock.speed:g}" if clock.mode == "real" and clock.speed != 1 else ""
    base = base_url(sock)
    token = " (Authorization: Bearer <control token>)" if config.control_token else ""
    print(
        f"autodialer-mock {__version__} on {base}\n"
        f"  clock: {clock.mode}{speed}, now {backend.now_iso()}; seed {backend.seed}\n"
        f"  state: {f'kept in {args.db}' if args.db else 'in memory'}\n"
        f"  accounts: {accounts}\n"
        f"  control API: {base}/_mock/{token}\n"
        f"  dashboard: {base}/_mock/ui" + ("#token=<control token>" if token else ""),
        flush=True,
    )
    # SIGTERM/SIGINT: stop listening, let requests in flight finish (up to the timeout),
    # run the cleanup contexts, return normally: exit status 0.
    app.on_shutdown.append(_shutting_down)
    limits: dict[str, Any] = dict(PARSER_LIMITS)  # run_app passes them on to the server
    try:
        web.run_app(
            app,
            sock=sock,
            print=None,
            access_log=None,
            shutdown_timeout=args.shutdown_timeout,
            **limits,
        )
    except web.GracefulExit:  # a second signal before the first one's shutdown began
        log.warning("stopped by a second signal before the shutdown could finish")
    log.info("stopped")
    return 0


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything says it is served; a refusal is one line
    naming the option and the cause (:class:`ConfigError`)."""
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port {port}: must be from 0 to 65535 (0 picks a free port)")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        cause = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise ConfigError(
            f"--host {host}: not an address this machine can listen on ({cause})"
        ) from None
    sock = socket.socket(family, kind, proto)
    try:
        # As asyncio's own servers do: a port left in TIME_WAIT by a stopped run is free again.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(socket.SOMAXCONN)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"--port {port}: already in use on {host} (stop the other server, "
                "or pick another port; --port 0 picks a free one)"
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ConfigError(f"--host {host}: not an address of this machine") from None
        option = "--port" if exc.errno == errno.EACCES else "--host"
        value = port if option == "--port" else host
        raise ConfigError(f"{option} {value}: cannot listen there ({exc.strerror})") from None
    sock.setblocking(False)
    return sock


def base_url(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket: the port it got, not the one asked (0)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def _shutting_down(_app: object) -> None:
    """The graceful path has begun: a second SIGTERM or SIGINT only says so (aiohttp's
    handler would raise again in the middle of the cleanup, and exit 1)."""
    import asyncio
    import signal

    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals here
            loop.add_signal_handler(number, _already_stopping, number)
    log.info("shutting down: no new connections; finishing the requests in flight")


def _already_stopping(number: int) -> None:
    log.info("signal %d: already shutting down; finishing the requests in flight", number)


def fire(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from .loadgen.fire import checked_plan
    from .loadgen.fire import fire as run

    try:
        plan = checked_plan(vars(args))
        if args.progress_every <= 0:
            raise ConfigError("--progress-every: must be > 0")
    except ConfigError as exc:
        print(f"autodialer-mock fire: {exc}", file=sys.stderr)
        return 2
    quiet = args.no_progress or args.json
    with _progress(plan.count, None if quiet else args.progress_every) as (report, every):
        summary = asyncio.run(run(plan, report, every))
    print(json.dumps(summary.to_dict()) if args.json else summary.line(), flush=True)
    return 0 if summary.sent == summary.ok else 1


def _proxy_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    proxy = commands.add_parser(
        "proxy", help="forward the vendor's routes to the real service, journal and record drift"
    )
    proxy.add_argument("--upstream", required=True, metavar="URL", help="the real service's base")
    proxy.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    proxy.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    proxy.add_argument("--record", metavar="FILE", help="write each exchange to this new cassette")
    proxy.add_argument(
        "--shadow", action="store_true", help="also ask an in-process emulator; journal differences"
    )
    proxy.add_argument(
        "--shadow-config", metavar="FILE", help="the shadow emulator's configuration (TOML/YAML)"
    )
    proxy.add_argument(
        "--no-redact", action="store_true", help="keep keys, tokens, names and numbers as sent"
    )
    proxy.add_argument(
        "--timeout", type=float, default=30.0, metavar="S", help="seconds for the upstream (30)"
    )
    proxy.add_argument(
        "--control-token",
        metavar="T",
        default=os.environ.get(TOKEN_ENV),
        help=f"/_mock/journal then needs 'Authorization: Bearer T' (default: ${TOKEN_ENV})",
    )
    replay = commands.add_parser("replay", help="serve a cassette's answers to matching requests")
    replay.add_argument("cassette", metavar="FILE", help="a cassette written by proxy --record")
    replay.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    replay.add_argument("--port", type=int, default=8080, help="port (default 8080)")


def proxy(args: argparse.Namespace) -> int:

    from .proxy.app import ProxySettings, check_record_path, create_proxy_app

    problems = [
        (not args.upstream.startswith(("http://", "https://")), "--upstream: must be http(s)://"),
        (args.timeout <= 0, "--timeout: must be > 0"),
        (bool(args.shadow_config) and not args.shadow, "--shadow-config: needs --shadow"),
    ]
    refused = [message for bad, message in problems if bad]
    if args.record and (why := check_record_path(args.record)):
        refused.append(f"--record: {why}")
    try:
        shadow_config = load_file(args.shadow_config) if args.shadow_config else None
    except (ConfigError, OSError) as exc:
        refused.append(f"--shadow-config: {exc}")
    if refused:
        print(f"autodialer-mock proxy: {refused[0]}", file=sys.stderr)
        return 2
    settings = ProxySettings(
        upstream=args.upstream.rstrip("/"),
        record=args.record,
        shadow=args.shadow,
        redact=not args.no_redact,
        shadow_config=shadow_config,
        timeout=args.timeout,
        control_token=args.control_token or None,
    )
    print(
        f"autodialer-mock proxy on http://{args.host}:{args.port} -> {settings.upstream}\n"
        f"  journal: http://{args.host}:{args.port}/_mock/journal"
        + (f"\n  cassette: {args.record}" + ("" if settings.redact else " (NOT redacted)"))
        * bool(args.record)
        + ("\n  shadow: an in-process emulator, real clock" if args.shadow else ""),
        flush=True,
    )
    if not _is_loopback(args.host) and not settings.control_token:
        log.warning(
            "listening on %s: the journal /_mock/journal is reachable from the network; "
            "set --control-token",
            args.host,
        )
    app = create_proxy_app(settings)
    _run(app, args.host, args.port)
    return 0


def replay(args: argparse.Namespace) -> int:

    from .cassette import CassetteError
    from .proxy.replay import Tape, create_replay_app

    try:
        tape = Tape.load(args.cassette)
    except (CassetteError, OSError) as exc:
        print(f"autodialer-mock replay: {exc}", file=sys.stderr)
        return 2
    print(
        f"autodialer-mock replay on http://{args.host}:{args.port}: "
        f"{len(tape)} answers from {args.cassette}",
        flush=True,
    )
    app = create_replay_app(tape)
    _run(app, args.host, args.port)
    return 0


def _run(app: Any, host: str, port: int) -> None:
    from aiohttp import web

    from .server.app import PARSER_LIMITS

    limits = PARSER_LIMITS
    web.run_app(
        app,
        host=host,
        port=port,
        print=None,
        access_log=None,
        max_line_size=limits["max_line_size"],
        max_field_size=limits["max_field_size"],
    )


@contextmanager
def _progress(total: int, every: float | None) -> Iterator[tuple[Reporter | None, float]]:
    """How fire shows its progress: a bar on a terminal, a line every ``every`` seconds in a
    log (CI, a pipe), nothing when ``every`` is None."""
    if every is None:
        yield None, 1.0
    elif sys.stderr.isatty():
        from tqdm import tqdm

        with tqdm(total=total, unit="ev", leave=False) as bar:

            def advance(summary: Summary) -> None:
                bar.update(summary.sent - bar.n)

            yield advance, 0.2
    else:
        yield lambda summary: print(summary.progress(total), file=sys.stderr, flush=True), every


def _allow_bound_name(config: Config, host: str) -> None:
    """``--host myhost``: /_mock/ answers to the name it was bound by (server.security)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host and host not in config.allowed_hosts:
            config.allowed_hosts.append(host)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "serve")
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=getattr(args, "log_level", "info").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    run = {"fire": fire, "proxy": proxy, "replay": replay}.get(args.command, serve)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
