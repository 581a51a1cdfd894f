// What each table shows: columns as {title, cell(item), class}. Cells return text or
// nodes built by dom.js, so user data is never read as markup.
import { el, short } from "./dom.js";

const badge = (text) => el("span", { class: `badge state-${text}` }, text);
const num = "num";

export const JOBS = [
  { title: "job", cell: (j) => j.job, class: "id" },
  { title: "kind", cell: (j) => j.kind },
  { title: "created", cell: (j) => short(j.created) },
  { title: "lines", cell: (j) => j.lines, class: num },
  { title: "ok", cell: (j) => j.ok, class: num },
  { title: "inserted", cell: (j) => j.inserted, class: num },
  { title: "errorcode", cell: (j) => j.errorcode, class: num },
  {
    title: "records",
    cell: (j) => Object.entries(j.states).map(([state, n]) => [badge(state), ` ${n} `]),
  },
];

export const RECORDS = [
  { title: "#", cell: (r) => r.record, class: num },
  { title: "job", cell: (r) => r.job, class: "id" },
  { title: "id", cell: (r) => r.id },
  { title: "name", cell: (r) => r.name, class: "name" },
  { title: "phone", cell: (r) => r.phone },
  { title: "vars", cell: (r) => [r.var1, r.var2, r.var3].filter(Boolean).join(" · "), class: "vars" },
  { title: "state", cell: (r) => badge(r.state), class: "state" },
  { title: "attempts", cell: (r) => `${r.attempts}/${r.maxcount}`, class: num },
  { title: "code", cell: (r) => r.code, class: "code" },
  { title: "sec", cell: (r) => r.sec, class: num },
  { title: "answer", cell: (r) => r.answer },
  { title: "last call", cell: (r) => short(r.last_time) },
  { title: "next attempt", cell: (r) => short(r.next_attempt_at) },
];

export const CDR = [
  { title: "QUERY_ID", cell: (c) => c.QUERY_ID, class: "id" },
  { title: "DST", cell: (c) => c.DST },
  { title: "TIME", cell: (c) => c.TIME },
  { title: "CODE", cell: (c) => c.CODE, class: "code" },
  { title: "SEC", cell: (c) => c.SEC, class: num },
];

function lastAttempt(d) {
  return d.attempts.length ? d.attempts[d.attempts.length - 1] : null;
}

function attemptLine(a) {
  const answer = a.status === null ? a.error || a.outcome : `HTTP ${a.status}`;
  return `#${a.n} ${a.trigger} ${short(a.at)} → ${answer} (${a.outcome}, ${a.latency_ms} ms)`;
}

/** Deliveries; ``replay(id)`` is called by a row's button. */
export function deliveryColumns(replay) {
  return [
    { title: "id", cell: (d) => d.id, class: num },
    { title: "record", cell: (d) => d.record, class: num },
    { title: "subscription", cell: (d) => d.subscription },
    { title: "state", cell: (d) => badge(d.state), class: "state" },
    {
      title: "attempts",
      cell: (d) =>
        el(
          "details",
          {},
          el("summary", { class: "attempt-count" }, String(d.attempts.length)),
          el("ol", { class: "attempts" }, d.attempts.map((a) => el("li", {}, attemptLine(a)))),
        ),
      class: num,
    },
    {
      title: "last status",
      cell: (d) => {
        const a = lastAttempt(d);
        return a ? (a.status === null ? a.outcome : String(a.status)) : "";
      },
      class: "status-cell",
    },
    { title: "latency ms", cell: (d) => lastAttempt(d)?.latency_ms ?? "", class: num },
    { title: "next attempt", cell: (d) => short(d.next_attempt_at) },
    {
      title: "",
      cell: (d) =>
        el(
          "button",
          {
            type: "button",
            class: "replay",
            dataset: { delivery: String(d.id) },
            disabled: d.state === "pending" || d.state === "sending",
            onclick: () => replay(d.id),
          },
          "replay",
        ),
    },
  ];
}

export const JOURNAL = [
  { title: "id", cell: (e) => e.id, class: num },
  { title: "at", cell: (e) => short(e.at) },
  { title: "request", cell: (e) => `${e.method} ${e.path}`, class: "path" },
  { title: "operation", cell: (e) => e.operation },
  { title: "status", cell: (e) => e.status, class: num },
  {
    title: "contract warnings",
    cell: (e) =>
      el(
        "ul",
        { class: "warnings" },
        e.warnings.map((w) => el("li", {}, el("code", {}, w.code), ` ${w.field}: ${w.message}`)),
      ),
  },
  {
    title: "body",
    cell: (e) =>
      el(
        "details",
        {},
        el("summary", {}, `${e.body.length} chars`),
        el("pre", { class: "body" }, e.body),
        el("pre", { class: "response" }, e.response),
      ),
  },
];
