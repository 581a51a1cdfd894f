// The emulator's JSON, read without losing digits.

// Job ids have 17 digits, above 2^53: as JavaScript numbers they would be silently
// corrupted (the emulator's ids are chosen to catch exactly that), so every integer
// of 16 digits or more is kept as text. Strings are matched first and left alone.
const LONG_INTEGERS = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;

export function parseJSON(text) {
  return JSON.parse(text.replace(LONG_INTEGERS, (m) => (m[0] === '"' ? m : `"${m}"`)));
}

export function withQuery(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

// With --control-token, open the page as /_mock/ui#token=<token>: the fragment stays in the
// browser, and every request of the page carries the token as the control API asks.
const TOKEN = new URLSearchParams(location.hash.slice(1)).get("token");

/** {ok, status, data}; an error body's message is in data.error.message. */
export async function request(method, url, body, contentType) {
  const init = { method, headers: { Accept: "application/json" } };
  if (TOKEN) init.headers.Authorization = `Bearer ${TOKEN}`;
  if (body !== undefined) {
    init.body = body;
    init.headers["Content-Type"] = contentType;
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let data;
  try {
    data = text ? parseJSON(text) : null;
  } catch {
    data = { error: { code: "not_json", message: text.slice(0, 200) } };
  }
  return { ok: response.ok, status: response.status, data };
}

export const get = (path, params) => request("GET", withQuery(path, params));

export const post = (path, body = {}, params) =>
  request("POST", withQuery(path, params), JSON.stringify(body), "application/json");

export const upload = (path, file, params) =>
  request("POST", withQuery(path, params), file, file.type || "application/octet-stream");

export function problem(result) {
  const error = result.data && result.data.error;
  return error ? `${result.status} ${error.code}: ${error.message}` : `HTTP ${result.status}`;
}
