// Building pages from data. Article text and everything coded from it is untrusted: data
// enters the page only as text nodes or as attribute values set one by one, never as HTML.

export const QUAD_NAMES = {
  1: "verbal cooperation",
  2: "material cooperation",
  3: "verbal conflict",
  4: "material conflict",
};

// An element with attributes and children (strings become text nodes).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

// The same in SVG's namespace.
export function svgEl(tag, attrs = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

function setAttributes(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`no inline handlers (${name})`);
    node.setAttribute(name, name === "href" ? safeHref(value) : String(value));
  }
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A link target that cannot run script: a path on this server, or an http(s) URL.
export function safeHref(value) {
  const url = String(value);
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return parsed.href;
  } catch (error) {
    // not a URL: no link
  }
  return "#";
}

// The API's answer as JSON; a failed request throws the API's one-line error.
export async function api(path, params = {}) {
  const search = queryString(params);
  const response = await fetch(search ? `${path}?${search}` : path, {
    headers: { Accept: "application/json" },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

export function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== null && one !== undefined && one !== "") search.append(name, String(one));
    }
  }
  return search.toString();
}

export const dyadPath = (a, b) => `/dyad/${encodeURIComponent(a)}/${encodeURIComponent(b)}`;
export const eventPath = (id) => `/event/${encodeURIComponent(id)}`;

// The sentence as text nodes, with each coded span in a <mark> naming its kinds. Spans may
// overlap (a trigger inside a phrase): the sentence is cut at every span boundary.
export function highlighted(sentence, spans) {
  const cuts = new Set([0, sentence.length]);
  for (const span of spans) {
    cuts.add(Math.max(0, Math.min(sentence.length, span.start)));
    cuts.add(Math.max(0, Math.min(sentence.length, span.end)));
  }
  const points = [...cuts].sort((x, y) => x - y);
  const fragment = document.createDocumentFragment();
  for (let i = 0; i + 1 < points.length; i++) {
    const [start, end] = [points[i], points[i + 1]];
    const text = sentence.slice(start, end);
    const kinds = spans.filter((s) => s.start <= start && s.end >= end).map((s) => s.kind);
    if (kinds.length === 0) {
      fragment.append(document.createTextNode(text));
    } else {
      const mark = el("mark", { class: kinds.map((k) => `hl hl-${k}`).join(" "), title: kinds.join(", ") }, text);
      mark.dataset.kinds = kinds.join(" ");
      fragment.append(mark);
    }
  }
  return fragment;
}

export function actorCell(actor) {
  if (!actor) return "–";
  return el("span", { class: "actor" }, el("code", {}, actor.code), actor.name ? ` ${actor.name}` : "");
}

export function goldsteinText(value) {
  return (value > 0 ? "+" : "") + Number(value).toFixed(1);
}

// A table of events, each row linking to its event page.
export function eventsTable(events) {
  if (events.length === 0) return el("p", { class: "empty" }, "No events.");
  const head = el("tr", {}, ["date", "source", "event", "target", "place", "sentence"].map((h) => el("th", {}, h)));
  const rows = events.map((event) =>
    el(
      "tr",
      { "data-event": event.id },
      el("td", {}, el("a", { href: eventPath(event.id), class: "event-link" }, event.date || "undated")),
      el("td", {}, actorCell(event.source)),
      el(
        "td",
        { class: `quad quad-${event.quad_class}` },
        `${event.cameo} ${event.plover || ""}`,
        el("br"),
        goldsteinText(event.goldstein),
      ),
      el("td", {}, actorCell(event.target)),
      el("td", {}, event.location ? event.location.name : "–"),
      el("td", { class: "sentence" }, event.sentence),
    ),
  );
  return el("table", { class: "events" }, el("thead", {}, head), el("tbody", {}, rows));
}

export function status(container, message, isError = false) {
  container.replaceChildren(el("p", { class: isError ? "status error" : "status" }, message));
}
