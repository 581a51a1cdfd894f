"""``autodialer-contract receiver``: fires generated webhook deliveries at a receiver and
reports, per case, whether it answered 2xx in time and (with a secret) refused forgeries.

A case is a plain function ``(probe, example)`` registered with :func:`case`
(the cases live in :mod:`.receiver_cases`); the probe sends requests and
collects every failure of the case, so a report shows all of them. A case with
a strategy runs under hypothesis, which shrinks a failure to its minimal event.
Outcomes are the runner's, so the table and the JUnit XML are the kit's own.
"""

from __future__ import annotations

import secrets
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import seed as with_seed
from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyFailure

from .failures import ContractFailure, ContractFailures, ReceiverRefused, ReceiverTooSlow
from .runner import ERROR, FAILED, SKIPPED, Outcome, example_text, kit_settings
from .webhook_requests import WebhookRequest, build_request

DEFAULT_TIMEOUT = 10.0  # the emulator's default delivery timeout
BODY_SHOWN = 500  # characters of a receiver's answer a report shows


@dataclass(frozen=True)
class ReceiverCase:
    name: str
    rule: str  # what it proves, in one sentence
    fn: Callable[[Probe, Any], None]
    strategy: st.SearchStrategy[Any] | None = None
    needs_secret: bool = False


CASES: dict[str, ReceiverCase] = {}


def case(
    name: str,
    rule: str,
    *,
    strategy: st.SearchStrategy[Any] | None = None,
    needs_secret: bool = False,
) -> Callable[[Callable[[Probe, Any], None]], Callable[[Probe, Any], None]]:
    def register(fn: Callable[[Probe, Any], None]) -> Callable[[Probe, Any], None]:
        CASES[name] = ReceiverCase(name, rule, fn, strategy, needs_secret)
        return fn

    return register


def load() -> dict[str, ReceiverCase]:
    """Every case (importing the module that registers them)."""
    from . import receiver_cases  # noqa: F401 - registration by import

    return CASES


@dataclass
class ReceiverTarget:
    url: str
    secret: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    format: str = "json"  # json or form, as the receiver's subscription is set up


@dataclass
class Answer:
    """One request and how the receiver answered it."""

    request: WebhookRequest
    status: int | None  # None: no answer (refused, reset, timed out)
    seconds: float
    error: str = ""
    body: str = ""  # the answer's body, as received (cut at BODY_SHOWN characters)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def shown(self) -> str:
        return str(self.status) if self.status is not None else self.error

    def brief(self) -> str:
        return f"POST {self.request.brief()} -> {self.shown()} in {self.seconds:.2f} s"


@dataclass
class Probe:
    """What a case works with: fresh event ids, signed requests, sending, and the verdicts."""

    target: ReceiverTarget
    answers: list[Answer] = field(default_factory=list)
    failures: list[ContractFailure] = field(default_factory=list)
    run: str = field(default_factory=lambda: secrets.token_hex(4))
    _count: int = 0

    def fresh_id(self) -> str:
        """A webhook-id no earlier run used: a receiver that stores ids sees each case as new."""
        self._count += 1
        return f"evt_kit_{self.run}_{self._count}"

    def request(self, event: dict[str, Any], **options: Any) -> WebhookRequest:
        """The delivery of ``event`` as the emulator would send it, with the target's secret."""
        options.setdefault("secret", self.target.secret)
        return build_request(event, format=self.target.format, **options)

    def send(self, request: WebhookRequest) -> Answer:
        """POSTs it; an answer later than the timeout is a failure of ``receiver.in-time``."""
        http = urllib.request.Request(
            self.target.url, data=request.body, headers=request.headers, method="POST"
        )
        started = time.monotonic()
        status, error, body = None, "", b""
        try:
            with urllib.request.urlopen(http, timeout=self.target.timeout) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            body = exc.read()
            status = exc.code
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            timed_out = isinstance(reason, (TimeoutError, socket.timeout))
            error = "timed out" if timed_out else f"no answer: {reason}"
        text = body[:BODY_SHOWN].decode("utf-8", "replace")
        answer = Answer(request, status, time.monotonic() - started, error, text)
        self.answers.append(answer)
        if answer.error == "timed out" or answer.seconds > self.target.timeout:
            self.fail(
                ReceiverTooSlow(
                    f"webhook-id {request.id}: no answer within {self.target.timeout:g} s "
                    f"({answer.shown()} after {answer.seconds:.2f} s)"
                )
            )
        return answer

    def accepts(
        self,
        request: WebhookRequest,
        failure: type[ContractFailure] = ReceiverRefused,
        what: str = "a valid delivery",
    ) -> Answer:
        """Sends it and expects a 2xx."""
        answer = self.send(request)
        if not answer.ok and answer.error != "timed out":
            message = f"{what} (webhook-id {request.id}) got {answer.shown()}, not 2xx"
            if answer.status in (401, 403) and self.target.secret:
                message += (
                    "; a 401/403 to a request signed with --secret: the receiver may hold "
                    "another secret than the one given"
                )
            if answer.status is not None:
                message += f"; its body: {answer.body!r}"
            self.fail(failure(message))
        return answer

    def refuses(self, request: WebhookRequest, failure: type[ContractFailure], what: str) -> Answer:
        """Sends it and expects anything but a 2xx (a 4xx, ideally 400 or 401)."""
        answer = self.send(request)
        if answer.ok:
            self.fail(failure(f"{what} (webhook-id {request.id}) got {answer.status}"))
        return answer

    def fail(self, failure: ContractFailure) -> None:
        self.failures.append(failure)


def sent_events(answers: list[Answer]) -> Any:
    """The events a case sent, each once (a duplicate is the same event): its example."""
    unique: list[Any] = []
    for answer in answers:
        if answer.request.event not in unique:
            unique.append(answer.request.event)
    return unique[0] if len(unique) == 1 else unique


def run_case(
    spec: ReceiverCase,
    target: ReceiverTarget,
    settings: Settings,
    seed: int | None = None,
    strict: bool = False,
) -> Outcome:
    outcome = Outcome(spec.name, spec.rule)
    if spec.needs_secret and not target.secret:
        # --strict: a CI gate must not pass on cases it never ran (an unchecked signature).
        outcome.status = FAILED if strict else SKIPPED
        outcome.reason = "needs the receiver's secret: give --secret"
        if strict:
            outcome.reason += " (--strict fails a case that cannot run)"
        return outcome
    probe = Probe(target)
    started = time.monotonic()

    def one(example: Any) -> None:
        probe.failures, probe.answers = [], []
        spec.fn(probe, example)
        outcome.examples += len(probe.answers)
        if probe.failures:
            raise ContractFailures(probe.failures, example_text(sent_events(probe.answers)))

    try:
        if spec.strategy is None:
            one(None)
        else:
            test = given(spec.strategy)(settings(one))
            (with_seed(seed)(test) if seed is not None else test)()
    except ContractFailures as exc:
        outcome.status, outcome.failures, outcome.example = FAILED, exc.failures, exc.case
        outcome.exchanges = [a.brief() for a in probe.answers[-6:]]
    except FlakyFailure as exc:
        outcome.status, outcome.reason = FAILED, f"flaky: the failure did not repeat ({exc})"
    except Exception as exc:  # a bug of the kit: shown, never hidden
        outcome.status, outcome.reason = ERROR, f"{type(exc).__name__}: {exc}"
    finally:
        outcome.seconds = time.monotonic() - started
    return outcome


def run(
    target: ReceiverTarget,
    settings: Settings | None = None,
    only: list[str] | None = None,
    seed: int | None = None,
    strict: bool = False,
) -> list[Outcome]:
    """Every case (or those named in ``only``), in registration order; ``strict``: a case
    that cannot run fails instead of being skipped."""
    settings = settings or kit_settings()
    cases = [c for name, c in load().items() if not only or name in only]
    return [run_case(c, target, settings, seed, strict) for c in cases]
