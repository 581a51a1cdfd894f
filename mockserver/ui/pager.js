// Server-side paging: a table holds one page (limit/offset), never the whole list,
// so it stays quick with a hundred thousand records.
import { el } from "./dom.js";

export class Pager {
  constructor(root, onChange, limit = 50) {
    this.limit = limit;
    this.offset = 0;
    this.total = 0;
    this.onChange = onChange;
    const button = (cls, text, title, to) =>
      el("button", { type: "button", class: cls, title, onclick: () => this.go(to()) }, text);
    this.first = button("pg-first", "«", "first page", () => 0);
    this.prev = button("pg-prev", "‹", "previous page", () => this.offset - this.limit);
    this.next = button("pg-next", "›", "next page", () => this.offset + this.limit);
    this.last = button("pg-last", "»", "last page", () => this.lastOffset());
    this.label = el("span", { class: "pg-label" });
    root.replaceChildren(this.first, this.prev, this.label, this.next, this.last);
  }

  lastOffset() {
    return Math.max(0, Math.floor((this.total - 1) / this.limit) * this.limit);
  }

  go(offset) {
    this.offset = Math.min(Math.max(0, offset), this.lastOffset());
    this.onChange();
  }

  /** Back to the first page (a filter changed). */
  rewind() {
    this.offset = 0;
  }

  update(total) {
    this.total = total;
    this.offset = Math.min(this.offset, this.lastOffset());
    const pages = Math.max(1, Math.ceil(total / this.limit));
    const page = Math.floor(this.offset / this.limit) + 1;
    this.label.textContent = `page ${page} of ${pages} · ${total} rows`;
    this.first.disabled = this.prev.disabled = this.offset === 0;
    this.next.disabled = this.last.disabled = this.offset + this.limit >= total;
  }
}

/**
 * A page of a list the server keeps oldest first, shown newest first: page 1 is the
 * newest rows. The range is taken from the last known total; if the list grew
 * meanwhile, the page is read once more.
 */
export async function newestFirst(read, pager) {
  let result;
  for (let tries = 0; tries < 2; tries++) {
    const known = pager.total;
    const end = Math.max(0, known - pager.offset);
    const start = Math.max(0, end - pager.limit);
    result = await read({ offset: start, limit: Math.max(1, end - start) });
    if (!result.ok) return result;
    const total = result.data.total;
    if (end === 0) result.data.items = [];
    pager.total = total;
    if (total === known) break;
  }
  result.data.items.reverse();
  return result;
}
