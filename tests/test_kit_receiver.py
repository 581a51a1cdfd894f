"""``autodialer-contract receiver`` against a good receiver (all pass) and broken ones (each
caught with its rule named). Receivers run on 127.0.0.1 in the test; the checker in a thread."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

import pytest
from aiohttp import web
from standardwebhooks import Webhook, WebhookVerificationError

from contract_tests.cli import main
from contract_tests.receiver import ReceiverTarget, load, run
from contract_tests.report import summary
from contract_tests.runner import kit_settings

from .test_webhooks import SECRET

SIGNATURE_CASES = {"bad-signature", "tampered-body", "missing-signature", "stale-timestamp"}


@dataclass
class CrmReceiver:
    """A receiver as a careful integrator writes it, with switches that break it on purpose."""

    verify: bool = True
    ascii_only: bool = False  # 500 on a body that is not ASCII
    once_per_id: bool = False  # 500 on a webhook-id seen before
    delay: float = 0.0  # the receiver being slow, not the test waiting
    refusal: int = 400  # the status of a request whose signature does not verify
    seen: set[str] = field(default_factory=set)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.verify:
            try:
                Webhook(SECRET).verify(body, dict(request.headers))
            except WebhookVerificationError:
                return web.Response(status=self.refusal, text="bad signature")
        if self.ascii_only and not body.isascii():
            return web.Response(status=500, text="UnicodeEncodeError")
        msg_id = request.headers["webhook-id"]
        if self.once_per_id and msg_id in self.seen:
            return web.Response(status=500, text="IntegrityError: duplicate key")
        self.seen.add(msg_id)
        if request.content_type == "application/x-www-form-urlencoded":
            assert (await request.post())["event_id"] == msg_id
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.Response(text="ok")


@pytest.fixture
async def serve() -> AsyncIterator:
    runners: list[web.AppRunner] = []

    async def start(receiver: CrmReceiver) -> CrmReceiver:
        app = web.Application()
        app.router.add_post("/hook", receiver.handle)
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        return receiver

    yield start
    for runner in runners:
        await runner.cleanup()


async def check(receiver: CrmReceiver, secret: str | None = SECRET, **options) -> dict:
    only = options.pop("only", None)
    target = ReceiverTarget(receiver.url, secret, **options)
    outcomes = await asyncio.to_thread(run, target, kit_settings(8), only)
    return {o.name: o for o in outcomes}


def broken_rules(outcome) -> set[str]:
    return {f.rule for f in outcome.failures}


async def test_a_good_receiver_passes_every_case_and_junit_says_so(serve, tmp_path, capsys) -> None:
    receiver = await serve(CrmReceiver())
    junit = tmp_path / "receiver.xml"
    argv = ["receiver", "--url", receiver.url, "--secret", SECRET, "--max-examples", "8"]
    code = await asyncio.to_thread(main, [*argv, "--junit-xml", str(junit)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{len(load())} passed" in out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and (suite.get("failures"), suite.get("skipped")) == ("0", "0")
    assert {c.get("name") for c in suite.iter("testcase")} == set(load())


async def test_without_a_secret_the_signature_cases_are_skipped_with_the_reason(serve) -> None:
    outcomes = await check(await serve(CrmReceiver(verify=False)), secret=None)
    skipped = {name for name, o in outcomes.items() if o.status == "skipped"}
    assert skipped == SIGNATURE_CASES
    assert "--secret" in outcomes["bad-signature"].reason
    assert all(o.status == "passed" for n, o in outcomes.items() if n not in SIGNATURE_CASES)


async def test_strict_fails_the_signature_cases_it_cannot_run(serve, capsys) -> None:
    receiver = await serve(CrmReceiver(verify=False))
    argv = ["receiver", "--url", receiver.url, "--max-examples", "3", "--strict"]
    code = await asyncio.to_thread(main, argv)
    out = capsys.readouterr().out
    assert code == 1
    assert f"{len(SIGNATURE_CASES)} failed" in out and "--strict fails a case" in out


async def test_a_401_under_a_given_secret_hints_at_another_secret_and_shows_the_body(
    serve,
) -> None:
    receiver = await serve(CrmReceiver(refusal=401))
    other = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ=="
    outcomes = await check(receiver, secret=other, only=["answered"])
    message = outcomes["answered"].failures[0].message
    assert "got 401, not 2xx" in message
    assert "may hold another secret" in message and "'bad signature'" in message


async def test_a_500_on_non_ascii_text_is_caught_with_a_minimal_example(serve) -> None:
    outcomes = await check(await serve(CrmReceiver(ascii_only=True)))
    assert broken_rules(outcomes["unicode"]) == {"receiver.accepts"}
    generated = outcomes["generated"]
    assert generated.status == "failed" and broken_rules(generated) == {"receiver.accepts"}
    report = summary(list(outcomes.values()))
    assert "Minimal example:" in report and "broken rule receiver.accepts" in report


async def test_a_500_on_a_repeated_webhook_id_breaks_idempotency(serve) -> None:
    outcomes = await check(await serve(CrmReceiver(once_per_id=True)))
    failed = {name for name, o in outcomes.items() if o.status != "passed"}
    assert failed == {"duplicate-id"}
    assert broken_rules(outcomes["duplicate-id"]) == {"receiver.idempotent"}


async def test_a_receiver_that_does_not_verify_accepts_forgeries(serve) -> None:
    outcomes = await check(await serve(CrmReceiver(verify=False)))
    failed = {name for name, o in outcomes.items() if o.status != "passed"}
    assert failed == SIGNATURE_CASES
    assert all(broken_rules(outcomes[n]) == {"receiver.signature"} for n in SIGNATURE_CASES)


async def test_a_slow_receiver_is_caught_by_the_timeout(serve) -> None:
    receiver = await serve(CrmReceiver(delay=0.5))
    outcomes = await check(receiver, timeout=0.2, only=["answered", "zero-duration"])
    assert {n: broken_rules(o) for n, o in outcomes.items()} == {
        "answered": {"receiver.in-time"},
        "zero-duration": {"receiver.in-time"},
    }
    assert "within 0.2 s" in outcomes["answered"].failures[0].message


def test_the_junit_failure_names_the_broken_rule(tmp_path, capsys) -> None:
    junit = tmp_path / "receiver.xml"
    argv = ["receiver", "--url", "http://127.0.0.1:9/hook", "--only", "answered"]
    assert main([*argv, "--timeout", "2", "--junit-xml", str(junit)]) == 1  # nothing listens
    assert "broken rule receiver.accepts" in capsys.readouterr().out
    failure = ET.parse(junit).getroot().find("testsuite/testcase/failure")
    assert failure is not None and "receiver.accepts" in failure.get("message", "")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "--url is required"),
        (["--url", "http://127.0.0.1:9/", "--secret", "whsec_not base64!"], "--secret"),
        (["--url", "http://127.0.0.1:9/", "--only", "nope"], "unknown cases"),
    ],
)
def test_bad_options_exit_2(argv, message, capsys) -> None:
    assert main(["receiver", *argv]) == 2
    assert message in capsys.readouterr().err


def test_list_names_every_case_and_what_needs_a_secret(capsys) -> None:
    assert main(["receiver", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(f"{name}:" in out for name in load())
    assert out.count("(needs --secret)") == len(SIGNATURE_CASES)


async def test_form_bodies_are_sent_as_a_form_subscription_sends_them(serve) -> None:
    receiver = await serve(CrmReceiver(verify=False))
    outcomes = await check(receiver, secret=None, format="form", only=["unicode", "max-lengths"])
    assert [o.status for o in outcomes.values()] == ["passed", "passed"]
