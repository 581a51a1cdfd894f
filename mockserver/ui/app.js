// The dashboard: polls the control API (every 2 s while "live" is on, and at once
// after each action) and draws each section from its own JSON.
import { get, post, problem, upload } from "./api.js";
import { drawChart } from "./chart.js";
import { byId, el, fillTable, short } from "./dom.js";
import { newestFirst, Pager } from "./pager.js";
import { CDR, deliveryColumns, JOBS, JOURNAL, RECORDS } from "./tables.js";

const POLL_MS = 2000;
const state = { apiKey: "", clock: null, busy: false, again: false };
const refreshNow = () => refresh();
const pagers = {
  jobs: new Pager(byId("jobs-pager"), refreshNow, 10),
  records: new Pager(byId("records-pager"), refreshNow, 50),
  cdr: new Pager(byId("cdr-pager"), refreshNow, 20),
  deliveries: new Pager(byId("deliveries-pager"), refreshNow, 20),
  journal: new Pager(byId("journal-pager"), refreshNow, 20),
};

function say(text, isError = false) {
  const status = byId("status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

function need(result) {
  if (!result.ok) throw new Error(problem(result));
  return result.data;
}

// -- sections ---------------------------------------------------------------------------

async function showClock() {
  const clock = need(await get("/_mock/clock"));
  state.clock = clock;
  byId("clock-now").textContent = short(clock.now);
  byId("clock-mode").textContent = clock.mode === "manual" ? "manual clock" : `real clock ×${clock.speed}`;
  byId("clock-controls").hidden = clock.mode !== "manual";
  byId("set-now").placeholder = short(clock.now); // the form to type, in ISO order
}

async function showSummary() {
  const s = need(await get("/_mock/summary", { api_key: state.apiKey }));
  const card = (label, value, cls = "") =>
    el("div", { class: `card ${cls}`, dataset: { card: label } }, el("b", {}, String(value)), el("span", {}, label));
  byId("summary").replaceChildren(
    ...Object.entries(s.records).map(([k, n]) => card(k, n, `state-${k}`)),
    card("jobs", s.jobs),
    card("cdr rows", s.cdr),
    card("webhooks ok", s.webhooks.ok, "state-succeeded"),
    card("webhooks failed", s.webhooks.failed, "state-failed"),
    card("webhooks waiting", s.webhooks.waiting),
    card("journal warnings", s.journal.warnings, s.journal.warnings ? "warn" : ""),
  );
  showLastError(s.webhooks.last_error);
}

// The latest failed attempt, in words, so that a receiver that is down shows why at once.
function showLastError(last) {
  const line = byId("last-error");
  line.hidden = !last;
  if (!last) return;
  const when = short(last.at);
  line.textContent =
    `last webhook error: ${last.error} — delivery ${last.delivery} (${last.subscription}), ` +
    `attempt ${last.attempt}, ${when}, ${last.url}`;
}

async function showChart() {
  const series = need(await get("/_mock/outcomes", { api_key: state.apiKey }));
  drawChart(byId("chart"), byId("legend"), series);
}

async function showPage(name, path, filters, columns, rowProps) {
  const pager = pagers[name];
  const page = need(await get(path, { api_key: state.apiKey, ...filters, limit: pager.limit, offset: pager.offset }));
  fillTable(byId(`${name}-table`), columns, page.items, rowProps);
  pager.update(page.total);
}

async function showNewestFirst(name, path, filters, columns, rowProps) {
  const pager = pagers[name];
  const result = await newestFirst((range) => get(path, { api_key: state.apiKey, ...filters, ...range }), pager);
  const page = need(result);
  fillTable(byId(`${name}-table`), columns, page.items, rowProps);
  pager.update(page.total);
}

const recordFilters = () => ({
  state: byId("records-state").value,
  phone: byId("records-phone").value.trim(),
  job: byId("records-job").value.trim(),
});

const deliveryTable = deliveryColumns(replay);

async function refresh() {
  if (state.busy) {
    state.again = true; // one more pass once this one is done: it may have read old state
    return;
  }
  state.busy = true;
  try {
    const results = await Promise.allSettled([
      showClock(),
      showSummary(),
      showChart(),
      showPage("jobs", "/_mock/jobs", {}, JOBS),
      showPage("records", "/_mock/calls", recordFilters(), RECORDS, (r) => ({ dataset: { state: r.state } })),
      showPage("cdr", "/_mock/cdr", {}, CDR),
      showNewestFirst("deliveries", "/_mock/deliveries", { outcome: byId("deliveries-outcome").value }, deliveryTable, (d) => ({
        dataset: { delivery: String(d.id), state: d.state },
      })),
      showNewestFirst(
        "journal",
        "/_mock/journal",
        { warnings: byId("journal-warnings").checked ? "1" : "" },
        JOURNAL,
        (e) => ({ class: e.warnings.length ? "warn" : "" }),
      ),
    ]);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) say(String(failed.reason.message || failed.reason), true);
    byId("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } finally {
    state.busy = false;
  }
  if (state.again) {
    state.again = false;
    await refresh();
  }
}

// -- actions ------------------------------------------------------------------------------

async function act(label, run) {
  say(`${label}…`);
  try {
    const text = await run();
    say(text || `${label}: done`);
  } catch (error) {
    say(`${label}: ${error.message}`, true);
  }
  await refresh();
}

function advance(seconds) {
  return act(`advance ${seconds} s`, async () => {
    const clock = need(await post("/_mock/clock/advance", { seconds: Number(seconds) }));
    return `clock at ${short(clock.now)}, ${clock.events} events run`;
  });
}

// ISO 8601, the same in every locale: "2026-11-27 10:00", seconds and an offset optional
// (without one, the emulator's zone is meant).
const ISO_INPUT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?\s*(Z|[+-]\d{2}:?\d{2})?$/;

function setClock() {
  const value = byId("set-now").value.trim();
  const parts = ISO_INPUT.exec(value);
  if (!parts || !state.clock) return say("set: type the time as YYYY-MM-DD HH:MM[:SS], e.g. 2026-11-27 10:00", true);
  const [, day, time, seconds, zone] = parts;
  const offset = zone || state.clock.now.slice(19).replace(/^\.\d+/, "");
  const when = `${day}T${time}${seconds || ":00"}${offset}`;
  return act("set clock", async () => {
    const clock = need(await post("/_mock/clock/set", { now: when }));
    return `clock at ${short(clock.now)}, ${clock.events} events run`;
  });
}

function replay(id) {
  return act(`replay delivery ${id}`, async () => {
    const delivery = need(await post(`/_mock/deliveries/${id}/replay`));
    return `delivery ${id}: ${delivery.state}`;
  });
}

function replayFailed() {
  return act("replay every failed", async () => {
    const answer = need(await post("/_mock/deliveries/replay", {}, { api_key: state.apiKey }));
    return `${answer.replayed} deliveries replayed`;
  });
}

async function uploadBatch(event) {
  event.preventDefault();
  const file = byId("upload-file").files[0];
  const out = byId("upload-result");
  if (!file) return say("upload: choose a file", true);
  await act(`upload ${file.name}`, async () => {
    const result = await upload("/_mock/upload", file, {
      api_key: state.apiKey,
      format: byId("upload-format").value,
    });
    const report = result.data && result.data.report;
    if (!report) throw new Error(problem(result));
    out.textContent =
      `HTTP ${result.status} · lines ${report.lines} · ok ${report.ok} · inserted ${report.inserted}` +
      ` · errorcode ${report.errorcode} · job ${report.id}`;
    // errorcode 2 only skipped duplicates; anything else refused rows or the batch.
    out.classList.toggle("warn", report.errorcode === "2");
    out.classList.toggle("error", !["0", "2"].includes(report.errorcode));
    return `uploaded ${file.name}: see the journal for any row's warnings`;
  });
}

async function fireTraffic(event) {
  event.preventDefault();
  const statuses = byId("fire-statuses").value.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean);
  const body = {
    url: byId("fire-url").value.trim(),
    count: Number(byId("fire-count").value),
    rate: Number(byId("fire-rate").value),
    statuses,
    secret: byId("fire-secret").value.trim() || null,
  };
  await act("fire", async () => {
    const s = need(await post("/_mock/fire", body));
    const kinds = Object.entries(s.errors_by_kind).filter(([, n]) => n > 0);
    const failed = kinds.length ? ` (${kinds.map(([kind, n]) => `${kind} ${n}`).join(", ")})` : "";
    byId("fire-result").textContent =
      `sent ${s.sent} · 2xx ${s["2xx"]} · failed ${s.sent - s["2xx"]}${failed}` +
      ` · ${s.events_per_s} events/s in ${s.elapsed_s} s · p50 ${s.latency_ms.p50} ms · p95 ${s.latency_ms.p95} ms`;
    return "fired";
  });
}

function armReset() {
  const button = byId("reset");
  if (!button.classList.contains("armed")) {
    button.classList.add("armed");
    button.textContent = "click again to forget every job, call and delivery";
    setTimeout(() => {
      button.classList.remove("armed");
      button.textContent = "reset…";
    }, 4000);
    return;
  }
  button.classList.remove("armed");
  button.textContent = "reset…";
  act("reset", async () => {
    need(await post("/_mock/reset"));
    return "emulator reset";
  });
}

// -- wiring --------------------------------------------------------------------------------

async function loadAccounts() {
  const config = need(await get("/_mock/config"));
  const select = byId("account");
  const keys = config.accounts.map((a) => a.api_key);
  select.replaceChildren(...keys.map((k) => el("option", { value: k }, k)));
  const wanted = new URLSearchParams(location.search).get("api_key");
  state.apiKey = keys.includes(wanted) ? wanted : keys[0] || "";
  select.value = state.apiKey;
}

function onFilter(id, pager, eventName = "change") {
  byId(id).addEventListener(eventName, () => {
    pager.rewind();
    refresh();
  });
}

async function main() {
  for (const button of document.querySelectorAll("button.advance")) {
    button.addEventListener("click", () => advance(button.dataset.seconds));
  }
  byId("advance").addEventListener("click", () => {
    const seconds = byId("advance-seconds").value;
    if (seconds === "") say("advance: give a number of seconds", true);
    else advance(seconds);
  });
  byId("set").addEventListener("click", setClock);
  byId("replay-failed").addEventListener("click", replayFailed);
  byId("upload-form").addEventListener("submit", uploadBatch);
  byId("fire-form").addEventListener("submit", fireTraffic);
  byId("reset").addEventListener("click", armReset);
  byId("account").addEventListener("change", (event) => {
    state.apiKey = event.target.value;
    Object.values(pagers).forEach((p) => p.rewind());
    refresh();
  });
  onFilter("records-state", pagers.records);
  onFilter("records-phone", pagers.records, "input");
  onFilter("records-job", pagers.records, "input");
  onFilter("deliveries-outcome", pagers.deliveries);
  onFilter("journal-warnings", pagers.journal);
  try {
    await loadAccounts();
  } catch (error) {
    say(`cannot read the configuration: ${error.message}`, true);
  }
  await refresh();
  setInterval(() => {
    if (byId("live").checked && !document.hidden) refresh();
  }, POLL_MS);
}

main();
