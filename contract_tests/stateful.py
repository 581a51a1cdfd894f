"""A model-based test: uploads, single calls, clock advances and cdr queries interleaved,
checked against a small reference model of the contract (hypothesis ``RuleBasedStateMachine``).

Numbers come from the fixed table of forced outcomes (last four digits 0000-0007),
so every outcome is known in advance; at most eight records are pending at once,
fewer than the default ten dial lines, and an hour settles every one of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from . import model
from .context import Context
from .failures import ContractFailure, ModelMismatch
from .model import FORCED
from .properties import NEEDS_CONTROL, prop
from .target import Target

SUFFIXES = sorted(FORCED)
SPELLINGS = ("8", "7", "+7")
HOUR = 3600
#: Steps per generated run; ``--max-examples`` says how many runs.
STEPS = 20


@dataclass
class Expected:
    job: int
    phone: str  # as submitted: cdr's DST
    status: str
    day: datetime.date  # TIME's date: within the upload's hour, so the upload's date


def spell(number: str, how: str) -> str:
    return ("8" + number[1:]) if how == "8" else ("+" + number if how == "+7" else number)


ROW = st.tuples(st.integers(0, 7), st.sampled_from(SPELLINGS), st.integers(1, 3), st.booleans())


class ContractMachine(RuleBasedStateMachine):
    ctx: Context  # set by :func:`machine_for`

    @initialize()
    def start(self) -> None:
        target = self.ctx.target
        target.reset()
        now = datetime.datetime.fromisoformat(target.clock()["now"])
        # Every run starts at the next 09:00 local, so a replayed run meets the same days; and
        # on whole hours an upload's retries (<= 22 minutes) never cross midnight.
        nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
        if nine <= now:
            nine += datetime.timedelta(days=1)
        target.advance((nine - now).total_seconds())
        self.now = datetime.datetime.fromisoformat(target.clock()["now"])
        self.first_day = self.now.date()
        self.base = self.ctx.fresh_numbers(1)[0][:7]
        self.pending: dict[str, Expected] = {}
        self.done: list[Expected] = []

    def number(self, index: int) -> str:
        return self.base + SUFFIXES[index]

    def flush(self) -> None:
        """Response checks collected by the context fail the step, so the steps shrink."""
        if self.ctx.failures:
            failure = self.ctx.failures[0]
            self.ctx.failures = []
            raise failure

    @rule(rows=st.lists(ROW, min_size=1, max_size=6))
    def upload(self, rows: list[tuple[int, str, int, bool]]) -> None:
        batch: list[dict[str, Any]] = [
            {
                "id": str(i + 1),
                "phone": spell(self.number(n), how) if valid else "123",
                "maxcount": str(tries),
            }
            for i, (n, how, tries, valid) in enumerate(rows)
        ]
        batch[0] |= {"statdialertime": "00:00:00", "stopdialertime": "23:59:59"}
        prediction = model.predict_make(batch, {(k, "1") for k in self.pending})
        exchange = self.ctx.target.make(batch)
        self.flush()
        report = exchange.body.get("report") if isinstance(exchange.body, dict) else None
        if not isinstance(report, dict):
            raise ModelMismatch(f"make {batch}: no report in {exchange.text[:300]!r}")
        got = {k: report[k] for k in ("lines", "ok", "inserted", "errorcode")}
        if got != prediction.report():
            raise ModelMismatch(f"make {batch}: expected {prediction.report()}, got {got}")
        for verdict in prediction.records:
            phone = str(batch[verdict.index]["phone"])
            status = FORCED[model.normalise(phone)[-4:]]
            self.pending[model.normalise(phone)] = Expected(
                int(report["id"]), phone, status, self.now.date()
            )

    @rule(index=st.integers(0, 7), how=st.sampled_from(SPELLINGS))
    def newcall(self, index: int, how: str) -> None:
        phone = spell(self.number(index), how)
        form = {"id": 0, "name": "Тест", "phone": phone, "UUID": f"u{index}"}
        exchange = self.ctx.target.newcall(form)
        answer = exchange.body
        job = answer.get("QUERY_ID") if isinstance(answer, dict) else None
        if not isinstance(job, int):
            raise ModelMismatch(f"newcall {form}: no QUERY_ID in {exchange.text[:300]!r}")
        self.flush()
        pending = self.pending.get(self.number(index))
        if pending is not None:
            expected = {"QUERY_ID": pending.job, "QUERY_COUNT": 0}
        else:
            expected = {"QUERY_ID": job, "QUERY_COUNT": 1}
            self.pending[self.number(index)] = Expected(
                job, phone, FORCED[SUFFIXES[index]], self.now.date()
            )
        if answer != expected:
            raise ModelMismatch(f"newcall {form}: expected {expected}, got {answer}")

    @rule()
    def advance_an_hour(self) -> None:
        self.ctx.target.advance(HOUR)
        self.now += datetime.timedelta(seconds=HOUR)
        self.done.extend(self.pending.values())
        self.pending.clear()

    @rule(low=st.integers(-2, 0), high=st.integers(-2, 0), to=st.none() | st.integers(0, 7))
    def cdr(self, low: int, high: int, to: int | None) -> None:
        """A range of days counted back from today: where the calls are."""
        today = self.now.date()
        first = today + datetime.timedelta(days=min(low, high))
        last = today + datetime.timedelta(days=max(low, high))
        query = {"date_from": first.isoformat(), "date_to": last.isoformat()}
        if to is not None:
            query["to"] = spell(self.number(to), "+7")
        exchange = self.ctx.target.cdr(query)
        rows = exchange.body
        fields = ("QUERY_ID", "DST", "TIME", "CODE", "SEC")
        if not isinstance(rows, list) or not all(
            isinstance(r, dict) and all(f in r for f in fields) for r in rows
        ):
            raise ModelMismatch(f"cdr {query}: not a list of cdr rows: {exchange.text[:300]!r}")
        self.flush()
        expected = sorted(
            (e.job, e.phone, e.status)
            for e in self.done
            if first <= e.day <= last
            and (to is None or model.normalise(e.phone) == self.number(to))
        )
        got = sorted((r["QUERY_ID"], r["DST"], r["CODE"].split("/")[0]) for r in rows)
        if got != expected:
            raise ModelMismatch(
                f"cdr {query}: expected (QUERY_ID, DST, status) {expected}, got {got}"
            )
        order = [(r["TIME"][:19], r["QUERY_ID"]) for r in rows]
        if order != sorted(order):
            raise ModelMismatch(f"cdr {query}: not ordered by TIME then QUERY_ID: {order}")
        talk = [r for r in rows if (r["SEC"] > 0) != r["CODE"].startswith("ANSWER/")]
        if talk:
            raise ModelMismatch(f"cdr {query}: SEC must be > 0 exactly when answered: {talk}")


def machine_for(ctx: Context) -> type[ContractMachine]:
    return type("ContractMachine", (ContractMachine,), {"ctx": ctx})


@prop(
    "model",
    "Interleaved uploads, newcalls, clock advances and cdr queries agree with a reference model "
    "(counts, pending duplicates, outcomes, date filters, order).",
    needs=(NEEDS_CONTROL,),
)
def model_based(ctx: Context, case: Any) -> None:
    run_with(ctx, ctx.settings)


def run_with(ctx: Context, settings: Settings) -> None:
    machine = machine_for(ctx)
    try:
        run_state_machine_as_test(
            machine,
            settings=Settings(settings, stateful_step_count=STEPS),
        )
    except ContractFailure as failure:
        ctx.case = "\n".join(getattr(failure, "__notes__", [])) or None
        ctx.failures.append(failure)


def check_target(target: Target, settings: Settings) -> list[ContractFailure]:
    """Runs the machine against ``target`` (which needs the control API); its failures."""
    ctx = Context(target)
    ctx.settings = settings
    try:
        run_with(ctx, settings)
    finally:
        ctx.close()
    return ctx.failures
