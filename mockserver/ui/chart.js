// Outcomes over time as stacked bars, drawn as inline SVG (no chart library, no canvas).
import { el, short, svg } from "./dom.js";

export const OUTCOMES = ["answered", "busy", "no_answer", "failed"];
const LABELS = { answered: "answered", busy: "busy", no_answer: "no answer", failed: "failed" };
const WIDTH = 720;
const HEIGHT = 180;
const PAD = { left: 40, right: 8, top: 10, bottom: 24 };

function widthLabel(seconds) {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${seconds / 60} min`;
}

export function drawChart(container, legend, series) {
  const buckets = series.buckets || [];
  legend.replaceChildren(
    ...OUTCOMES.map((k) =>
      el("li", { class: `legend-${k}` }, el("span", { class: `swatch ${k}` }), `${LABELS[k]} ${series.totals[k]}`),
    ),
    el("li", { class: "legend-bucket" }, buckets.length ? `bars of ${widthLabel(series.bucket)}` : ""),
  );
  if (buckets.length === 0) {
    container.replaceChildren(el("p", { class: "empty" }, "No finished attempts yet: advance the clock."));
    return;
  }
  const sum = (b) => OUTCOMES.reduce((s, k) => s + b[k], 0);
  const max = Math.max(1, ...buckets.map(sum));
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  // A few buckets must not become a few huge slabs: bars are at most 48 units wide.
  const step = Math.min(48, (WIDTH - PAD.left - PAD.right) / buckets.length);
  const bars = [];
  buckets.forEach((bucket, i) => {
    let y = HEIGHT - PAD.bottom;
    for (const k of OUTCOMES) {
      if (!bucket[k]) continue;
      const h = (bucket[k] / max) * plotH;
      y -= h;
      bars.push(
        svg(
          "rect",
          {
            class: `bar ${k}`,
            x: (PAD.left + i * step + step * 0.1).toFixed(1),
            y: y.toFixed(1),
            width: Math.max(1, step * 0.8).toFixed(1),
            height: h.toFixed(1),
          },
          svg("title", {}, `${short(bucket.start)} · ${LABELS[k]}: ${bucket[k]}`),
        ),
      );
    }
  });
  const baseline = HEIGHT - PAD.bottom;
  const last = buckets[buckets.length - 1];
  container.replaceChildren(
    svg(
      "svg",
      {
        viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
        role: "img",
        "aria-label": "call outcomes over time",
        class: "chart",
      },
      svg("line", { class: "axis", x1: PAD.left, y1: baseline, x2: WIDTH - PAD.right, y2: baseline }),
      svg("line", { class: "axis", x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: baseline }),
      svg("text", { class: "tick", x: PAD.left - 6, y: PAD.top + 8, "text-anchor": "end" }, String(max)),
      svg("text", { class: "tick", x: PAD.left - 6, y: baseline, "text-anchor": "end" }, "0"),
      svg("text", { class: "tick", x: PAD.left, y: HEIGHT - 6 }, short(buckets[0].start)),
      buckets.length > 1 &&
        svg("text", { class: "tick", x: PAD.left + buckets.length * step, y: HEIGHT - 6, "text-anchor": "end" }, short(last.start)),
      bars,
    ),
  );
}
