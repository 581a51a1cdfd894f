// DOM from data, with text nodes only: names, vars and journal bodies are user input,
// so nothing here ever parses a string as HTML (no HTML-parsing sink anywhere in the page).

const SVG = "http://www.w3.org/2000/svg";

function build(node, props, children) {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.setAttribute("class", value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: el("td", {class: "num"}, "42"). Strings become text, never markup. */
export function el(tag, props = {}, ...children) {
  return build(document.createElement(tag), props, children);
}

/** An SVG element, for the chart. */
export function svg(tag, props = {}, ...children) {
  return build(document.createElementNS(SVG, tag), props, children);
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

/** "2026-11-27T10:00:03+03:00" as "2026-11-27 10:00:03": the zone is the account's. */
export function short(iso) {
  return iso ? iso.slice(0, 19).replace("T", " ") : "";
}

/** A table body's rows from items and column definitions {title, cell(item), class}. */
export function fillTable(table, columns, items, rowProps = () => ({})) {
  if (!table.tHead) {
    table.createTHead().append(el("tr", {}, columns.map((c) => el("th", { class: c.class }, c.title))));
  }
  const body = table.tBodies[0] || table.appendChild(el("tbody"));
  if (items.length === 0) {
    body.replaceChildren(el("tr", { class: "empty" }, el("td", { colspan: columns.length }, "nothing yet")));
    return;
  }
  body.replaceChildren(
    ...items.map((item) =>
      el("tr", rowProps(item), columns.map((c) => el("td", { class: c.class }, c.cell(item)))),
    ),
  );
}
