"""Webhook traffic beyond one process: a Locust user class sending what ``fire`` sends.

The same schema-valid events, bodies and Standard Webhooks signatures as
``autodialer-mock fire`` (built by :func:`fire.requests`, signed by
:meth:`fire.Request.headers`), spread over Locust's worker processes and
machines, each event sent once between them::

    locust -f "$(python -m mockserver.loadgen.locustfile)" --headless --processes 4 \\
        -u 64 -r 64 --host http://127.0.0.1:9000/hook --fire-count 100000 \\
        --fire-secret whsec_...

The options are fire's, prefixed ``--fire-``; or ``--fire-config FILE`` takes the
URL, statuses, format, field renames and secret of a subscription of the emulator's
configuration (``--fire-subscription API_KEY/ID``, default the first one).
Each worker sends every N-th event (N workers, its index); when its share is
sent, it quits, and the run ends when the last worker has. So give at least one
user per worker (``-u`` >= workers).

Needs the ``load`` extra (``pip install -e '.[load]'``). Running this module
prints its own path, for ``locust -f``.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # the path for `locust -f`, without loading Locust here
    print(Path(__file__).resolve())
    sys.exit(0)

from collections.abc import Iterator
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import FastHttpUser, events, task
from locust.env import Environment
from locust.exception import StopUser
from locust.runners import MasterRunner, Runner, WorkerRunner

# Absolute: Locust loads this file by its path, as a module outside any package.
from mockserver.config import load_file
from mockserver.errors import ConfigError
from mockserver.loadgen.fire import Plan, Request, checked_plan, requests


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    group = parser  # Locust's own parser: an argument group would not take include_in_web_ui
    group.add_argument("--fire-count", type=int, default=1000, help="events, over all workers")
    group.add_argument("--fire-statuses", default="", help="comma-separated; default: all")
    group.add_argument("--fire-secret", default="", help="Standard Webhooks secret (whsec_...)")
    group.add_argument("--fire-duplicates", type=float, default=0.0, help="share sent twice")
    group.add_argument("--fire-format", default="json", choices=("json", "form"))
    group.add_argument("--fire-seed", type=int, default=1, help="seed of the events")
    group.add_argument("--fire-config", default="", help="the emulator's configuration file")
    group.add_argument("--fire-subscription", default="", help="API_KEY/ID in --fire-config")
    # Set by the master for its workers: how many share the events.
    group.add_argument("--fire-workers", type=int, default=0, include_in_web_ui=False)


def plan_of(options: Any, host: str) -> Plan:
    """The plan the options describe: fire's options, or a subscription of ``--fire-config``."""
    given = {
        "url": host or "",
        "count": options.fire_count,
        "statuses": options.fire_statuses,
        "secret": options.fire_secret,
        "duplicates": options.fire_duplicates,
        "format": options.fire_format,
        "seed": options.fire_seed,
    }
    if options.fire_config:
        sub = subscription(options.fire_config, options.fire_subscription)
        given |= {
            "url": host or sub.url,
            "statuses": ",".join(sub.statuses),
            "secret": sub.secret,
            "format": sub.format,
            "fields": sub.fields,
        }
    return checked_plan(given, prefix="--fire-")


def subscription(path: str, ref: str) -> Any:
    """A subscription of the configuration file, by ``API_KEY/ID`` (default the first)."""
    config = load_file(path)
    found = [(a.api_key, s) for a in config.accounts for s in a.webhooks]
    for api_key, sub in found:
        if not ref or ref == f"{api_key}/{sub.id}":
            return sub
    known = ", ".join(f"{k}/{s.id}" for k, s in found) or "none"
    raise ConfigError(f"--fire-subscription: {ref or 'a subscription'} is not in {path} ({known})")


@events.init.add_listener
def _check(environment: Environment, **_: Any) -> None:
    """Refuses bad options before a user starts, naming the option; a subscription's URL
    stands for a missing --host."""
    if environment.parsed_options is None or isinstance(environment.runner, WorkerRunner):
        return  # a worker takes the master's options when it is sent users
    try:
        plan = plan_of(environment.parsed_options, environment.host or "")
    except ConfigError as exc:
        sys.stderr.write(f"locust: {exc}\n")
        sys.exit(2)
    environment.host = plan.url


@events.test_start.add_listener
def _share_out(environment: Environment, **_: Any) -> None:
    """The master tells its workers how many they are (sent with the options at spawn)."""
    runner = environment.runner
    if isinstance(runner, MasterRunner) and environment.parsed_options is not None:
        environment.parsed_options.fire_workers = runner.worker_count


class _Share:
    """This process's share of the events, sent by all its users in turn."""

    def __init__(self, environment: Environment) -> None:
        options = environment.parsed_options
        assert options is not None
        self.plan = plan_of(options, environment.host or "")
        sub = self.plan.subscription()
        self.key = sub.key() if self.plan.secret else None
        runner = environment.runner
        index = max(0, getattr(runner, "worker_index", 0))
        self.pending: Iterator[Request] = requests(self.plan, index, max(1, options.fire_workers))
        self.users = 0


_share: _Share | None = None


def share(environment: Environment) -> _Share:
    global _share
    if _share is None:
        _share = _Share(environment)
    return _share


def done(runner: Runner) -> None:
    """This process has sent its share: report the last samples (as a worker does when the
    master stops it; a worker that quits on its own is not asked), then quit."""
    if isinstance(runner, WorkerRunner):
        runner._send_stats()
    runner.quit()


class WebhookUser(FastHttpUser):
    """Posts fire's events to ``--host`` (the receiver's URL), one at a time per user."""

    def on_start(self) -> None:
        self.share = share(self.environment)
        self.share.users += 1

    @task
    def send(self) -> None:
        request = next(self.share.pending, None)
        if request is None:
            self.share.users -= 1
            if self.share.users == 0 and self.environment.runner is not None:
                # The last user of this process: nothing is in flight any more. Quit from a
                # greenlet of its own, since quitting stops this user's greenlet too.
                gevent.spawn(done, self.environment.runner)
            raise StopUser
        headers = request.headers(self.share.key)
        # Bytes, exactly as signed: geventhttpclient sends them as they are (the hint says str).
        self.client.post("", data=request.body, headers=headers, name="webhook")  # type: ignore[arg-type]
