// A CRM's node client of the Autodialer API (built-in fetch), as the suite's client gate sees it.
// Usage: node client.mjs BASE_URL START_FIELD   (START_FIELD: statdialertime, or a slip)
const [base, startField] = process.argv.slice(2);

const rows = [
  { id: "1", name: "Петров", phone: "89001110000", UUID: "crm-1",
    [startField]: "10:00:00", stopdialertime: "19:00:00", maxcount: "1" },
  { id: "2", name: "Иванов", phone: "89001110001", UUID: "crm-2" },
];
let answer = await fetch(`${base}/apikey/make`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ query: { access_token: "client-key", data: rows } }),
});
console.log("make:", answer.status, (await answer.json()).report.errorcode);

const form = new URLSearchParams({ id: "0", name: "Сидоров", phone: "+7 900 111-00-02",
  UUID: "crm-3", timestart: "09:00", timestop: "18:00" });
answer = await fetch(`${base}/apikey/newcall`, { method: "POST", body: form });
console.log("newcall:", answer.status);

const query = new URLSearchParams({ date_from: "2026-11-27", date_to: "2026-11-27",
  to: "89001110000" });
answer = await fetch(`${base}/apikey/cdr?${query}`);
console.log("cdr:", answer.status, (await answer.json()).length, "rows");
