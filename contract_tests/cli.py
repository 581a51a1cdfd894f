"""``autodialer-contract``: ``check`` a server against the contract, check a webhook
``receiver``, gate a ``client`` by the emulator's journal; list the ``rules``; print the
``openapi``.

Each sub-command is a pair: ``_add_<name>(commands)`` declares its options and
``COMMANDS[name]`` runs it with the parsed arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from schemas.openapi import build as build_openapi

from . import client_gate, receiver
from .properties import load, needs_text
from .report import junit_xml, summary
from .runner import ERROR, FAILED, keep_hypothesis_files_in_cache, kit_settings, run
from .target import Target
from .webhook_requests import BadSecret, secret_key


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autodialer-contract", description="The Autodialer contract-test kit."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check a server at a base URL against the contract")
    check.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8080")
    check.add_argument("--api-key", default="apikey")
    check.add_argument("--access-token", default="client-key")
    check.add_argument("--other-api-key", help="a second account, for the isolation property")
    check.add_argument("--other-access-token")
    check.add_argument(
        "--allow-real-calls",
        action="store_true",
        help="the target is not loopback and WILL place real calls: send them anyway",
    )
    check.add_argument("--max-examples", type=int, default=20, help="cases per property")
    check.add_argument("--seed", type=int, help="hypothesis seed (derandomized when absent)")
    check.add_argument("--only", action="append", metavar="RULE", help="run only these rules")
    check.add_argument("--junit-xml", metavar="FILE", help="also write a JUnit XML report")
    check.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    receiver = commands.add_parser(
        "receiver", help="fire generated webhook deliveries at your receiver and check its answers"
    )
    receiver.add_argument("--url", help="the receiver's URL, e.g. http://127.0.0.1:9000/hook")
    receiver.add_argument(
        "--secret", help="the subscription's whsec_… secret: sign, and check forgeries are refused"
    )
    receiver.add_argument(
        "--timeout", type=float, default=10.0, help="seconds the receiver has to answer (10)"
    )
    receiver.add_argument("--format", choices=("json", "form"), default="json")
    receiver.add_argument("--max-examples", type=int, default=20, help="generated events")
    receiver.add_argument("--seed", type=int, help="hypothesis seed (derandomized when absent)")
    receiver.add_argument("--only", action="append", metavar="CASE", help="run only these cases")
    receiver.add_argument("--junit-xml", metavar="FILE", help="also write a JUnit XML report")
    receiver.add_argument("--list", action="store_true", help="list the cases and exit")
    receiver.add_argument(
        "--strict",
        action="store_true",
        help="a case that cannot run (the signature cases without --secret) fails: for CI",
    )
    drift = commands.add_parser("drift", help="check a proxy's cassette against the contract")
    drift.add_argument("cassette", metavar="FILE", help="written by autodialer-mock proxy --record")
    drift.add_argument("--junit-xml", metavar="FILE", help="also write a JUnit XML report")
    _add_client(commands)
    commands.add_parser("rules", help="list the rules the kit checks")
    openapi = commands.add_parser("openapi", help="print the OpenAPI 3.1 document")
    openapi.add_argument("--output", "-o", metavar="FILE", help="write it here instead")
    return parser


def _add_client(commands: Any) -> None:
    client = commands.add_parser(
        "client",
        help="after a client's own test run against the emulator: its contract slips, per "
        "request, and what of the contract it exercised",
    )
    client.add_argument(
        "--base-url", required=True, help="the emulator, e.g. http://127.0.0.1:8080"
    )
    client.add_argument(
        "--since", type=int, default=0, metavar="JOURNAL_ID", help="only entries after this id"
    )
    client.add_argument("--junit-xml", metavar="FILE", help="also write a JUnit XML report")
    client.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="CASE,...",
        help="fail unless these were exercised (see the coverage table for the names)",
    )
    client.add_argument("--timeout", type=float, default=30.0, help="seconds per request")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    keep_hypothesis_files_in_cache()
    return COMMANDS[args.command](args)


def print_openapi(args: argparse.Namespace) -> int:
    text = json.dumps(build_openapi(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


def list_rules(args: argparse.Namespace) -> int:
    for name, prop in load().items():
        needs = needs_text(prop)
        print(f"{name}: {prop.rule}" + (f" [{needs}]" if needs else ""))
    return 0


def check_client(args: argparse.Namespace) -> int:
    required = [name.strip() for names in args.require for name in names.split(",") if name]
    unknown = sorted(set(required) - set(client_gate.CASES))
    if unknown:
        print(f"autodialer-contract client: unknown cases: {', '.join(unknown)}", file=sys.stderr)
        return 2
    fetch = client_gate.http_fetch(args.base_url, args.timeout)
    try:
        entries = client_gate.journal(fetch, args.since)
    except (OSError, ValueError) as exc:
        print(f"autodialer-contract client: cannot read the journal: {exc}", file=sys.stderr)
        return 2
    coverage, slips = client_gate.examine(entries, args.since, required)
    rows = client_gate.outcomes(coverage, slips, required)
    print(coverage.table())
    print()
    print(summary(rows) if rows else "No contract slips.")
    if args.junit_xml:
        junit_xml(rows, args.junit_xml, name="autodialer-contract client")
    return 1 if any(o.status == FAILED for o in rows) else 0


def check_server(args: argparse.Namespace) -> int:
    if bool(args.other_api_key) != bool(args.other_access_token):
        print(
            "autodialer-contract: give both --other-api-key and --other-access-token",
            file=sys.stderr,
        )
        return 2
    target = Target(
        args.base_url,
        args.api_key,
        args.access_token,
        args.other_api_key,
        args.other_access_token,
        allow_real_calls=args.allow_real_calls,
        timeout=args.timeout,
    )
    unknown = set(args.only or ()) - set(load())
    if unknown:
        print(f"autodialer-contract: unknown rules: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    outcomes = run(target, kit_settings(args.max_examples, args.seed), args.only, args.seed)
    print(summary(outcomes))
    if args.junit_xml:
        junit_xml(outcomes, args.junit_xml)
    return 1 if any(o.status in (FAILED, ERROR) for o in outcomes) else 0


def check_receiver(args: argparse.Namespace) -> int:
    cases = receiver.load()
    if args.list:
        for name, spec in cases.items():
            print(f"{name}: {spec.rule}" + (" (needs --secret)" if spec.needs_secret else ""))
        return 0
    problems = [
        (not args.url, "--url is required"),
        (args.timeout <= 0, "--timeout must be above 0"),
        (bool(set(args.only or ()) - set(cases)), f"unknown cases: {args.only}"),
    ]
    if args.secret:
        try:
            secret_key(args.secret)
        except BadSecret as exc:
            problems.append((True, f"--secret: {exc}"))
    for bad, message in problems:
        if bad:
            print(f"autodialer-contract receiver: {message}", file=sys.stderr)
            return 2
    target = receiver.ReceiverTarget(args.url, args.secret, args.timeout, args.format)
    outcomes = receiver.run(
        target, kit_settings(args.max_examples, args.seed), args.only, args.seed, args.strict
    )
    print(summary(outcomes))
    if args.junit_xml:
        junit_xml(outcomes, args.junit_xml, name="autodialer-contract receiver")
    return 1 if any(o.status in (FAILED, ERROR) for o in outcomes) else 0


def check_drift(args: argparse.Namespace) -> int:
    from mockserver.cassette import CassetteError

    from . import drift_report

    try:
        report = drift_report.scan(args.cassette)
    except (CassetteError, OSError) as exc:
        print(f"autodialer-contract drift: {exc}", file=sys.stderr)
        return 2
    print(drift_report.text(report, args.cassette))
    if args.junit_xml:
        drift_report.junit_xml(report, args.junit_xml)
    return 0 if report.clean else 1


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": check_server,
    "receiver": check_receiver,
    "client": check_client,
    "drift": check_drift,
    "rules": list_rules,
    "openapi": print_openapi,
}

if __name__ == "__main__":
    sys.exit(main())
