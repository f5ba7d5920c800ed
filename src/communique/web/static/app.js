// The pages: each asks the API and builds itself with dom.js and charts.js. The route is the
// URL's path; filters are its query string, so every view can be bookmarked and shared.
import { legend, network, timeline, worldMap } from "./charts.js";
import {
  QUAD_NAMES,
  actorCell,
  api,
  append,
  dyadPath,
  el,
  eventsTable,
  goldsteinText,
  highlighted,
  status,
} from "./dom.js";

const FILTERS = ["actor", "source", "target", "dyad", "cameo", "plover", "quad_class", "since", "until", "place", "q"];
const PAGE_SIZE = 25;

function filtersFromUrl() {
  const search = new URLSearchParams(window.location.search);
  const filters = {};
  for (const name of FILTERS) {
    const values = search.getAll(name).filter((v) => v !== "");
    if (values.length) filters[name] = name === "quad_class" ? values : values[0];
  }
  return filters;
}

// A GET form over the filters, filled with the current ones.
function filterForm(filters, fields = ["actor", "since", "until", "q"]) {
  const labels = { actor: "Actor", since: "Since", until: "Until", q: "Text", place: "Place", cameo: "CAMEO" };
  const inputs = fields.map((name) =>
    el(
      "label",
      {},
      labels[name] || name,
      el("input", {
        name,
        value: filters[name] || "",
        type: name === "since" || name === "until" ? "date" : "text",
        placeholder: name === "actor" ? "CHN" : "",
        size: name === "q" ? 18 : 8,
      }),
    ),
  );
  const chosen = new Set(filters.quad_class || []);
  const quads = [1, 2, 3, 4].map((q) =>
    el(
      "label",
      { class: `quad-choice quad-${q}` },
      el("input", { type: "checkbox", name: "quad_class", value: q, checked: chosen.has(String(q)) }),
      QUAD_NAMES[q],
    ),
  );
  return el("form", { class: "filters", method: "get" }, inputs, quads, el("button", { type: "submit" }, "Filter"));
}

// Replace what `container` shows; null children (a part a page leaves out) are skipped.
function show(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

function section(title, ...children) {
  return el("section", {}, el("h2", {}, title), ...children);
}

function pager(page, offset, onMove) {
  const box = el("div", { class: "pager" });
  const last = Math.min(page.total, offset + page.events.length);
  box.append(`${page.total ? offset + 1 : 0}–${last} of ${page.total} events `);
  if (offset > 0) {
    const back = el("button", { type: "button" }, "Previous");
    back.addEventListener("click", () => onMove(Math.max(0, offset - PAGE_SIZE)));
    box.append(back);
  }
  if (last < page.total) {
    const next = el("button", { type: "button" }, "Next");
    next.addEventListener("click", () => onMove(offset + PAGE_SIZE));
    box.append(next);
  }
  return box;
}

// A list of events under filters, with paging.
function eventList(filters) {
  const box = el("div", { class: "event-list" }, el("p", { class: "status" }, "Loading events…"));
  const load = async (offset) => {
    try {
      const page = await api("/api/events", { ...filters, limit: PAGE_SIZE, offset });
      box.replaceChildren(pager(page, offset, load), eventsTable(page.events));
    } catch (error) {
      status(box, error.message, true);
    }
  };
  load(0);
  return box;
}

// -- overview -------------------------------------------------------------------------------

async function overview(main) {
  const filters = filtersFromUrl();
  const [summary, series, dyads] = await Promise.all([
    api("/api/summary"),
    api("/api/series", filters),
    api("/api/dyads", { ...filters, limit: 10 }),
  ]);
  const span = summary.first_date ? `${summary.first_date} to ${summary.last_date}` : "no dates";
  const dyadRows = dyads.map((d) =>
    el(
      "tr",
      {},
      el("td", {}, el("a", { href: dyadPath(d.a, d.b), class: "dyad-link" }, `${d.a}–${d.b}`)),
      el("td", { class: "number" }, d.events),
      el("td", { class: "number" }, d.conflict),
      el("td", { class: "number" }, goldsteinText(d.goldstein)),
    ),
  );
  show(main, 
    el("h1", {}, "Overview"),
    el("p", { class: "summary" }, `${summary.events} events from ${summary.articles} articles, ${span}.`),
    filterForm(filters),
    section(
      `Events by QuadClass, per ${series.interval}`,
      series.points.length ? timeline(series.points) : el("p", { class: "empty" }, "No dated events."),
      legend(),
    ),
    section(
      "Top dyads",
      dyads.length
        ? el(
            "table",
            { class: "dyads" },
            el("thead", {}, el("tr", {}, ["dyad", "events", "conflict", "mean Goldstein"].map((h) => el("th", {}, h)))),
            el("tbody", {}, dyadRows),
          )
        : el("p", { class: "empty" }, "No events between two countries."),
    ),
    section("Latest events", eventList(filters)),
  );
}

// -- dyad -----------------------------------------------------------------------------------

async function dyad(main, a, b) {
  const filters = filtersFromUrl();
  const interval = new URLSearchParams(window.location.search).get("interval") || "month";
  const series = await api(`/api/dyads/${encodeURIComponent(a)}/${encodeURIComponent(b)}/series`, {
    interval,
    since: filters.since,
    until: filters.until,
  });
  const intervals = el(
    "p",
    { class: "intervals" },
    "Per ",
    ["day", "week", "month"].map((name) =>
      name === series.interval ? el("strong", {}, name, " ") : el("a", { href: `${dyadPath(a, b)}?interval=${name}` }, name, " "),
    ),
  );
  show(main, 
    el("h1", {}, `${a}–${b}`),
    el("p", {}, "Events between the two, either way: cooperation above the axis, conflict below."),
    intervals,
    series.points.length ? timeline(series.points, { diverging: true }) : el("p", { class: "empty" }, "No dated events."),
    legend(true),
    section("Events", eventList({ ...filters, dyad: `${a},${b}` })),
  );
}

// -- network --------------------------------------------------------------------------------

async function networkPage(main) {
  const filters = filtersFromUrl();
  const level = new URLSearchParams(window.location.search).get("level") || "country";
  const graph = await api("/api/network", { ...filters, level, limit: 60 });
  show(main, 
    el("h1", {}, "Actor network"),
    el("p", {}, "Who acts on whom: the 60 heaviest edges, wider for more events, green for cooperation and red for conflict. An edge opens its dyad."),
    filterForm(filters),
    graph.edges.length ? network(graph.nodes, graph.edges) : el("p", { class: "empty" }, "No events between actors."),
  );
}

// -- map ------------------------------------------------------------------------------------

async function mapPage(main) {
  const filters = filtersFromUrl();
  const [topology, places] = await Promise.all([
    api("/static/vendor/countries-110m.json"),
    api("/api/places", { ...filters, limit: 1000 }),
  ]);
  const list = el("div", { class: "place-events" }, el("p", {}, "Click a circle to list its events."));
  const drawn = worldMap(topology, places);
  drawn.addEventListener("click", (click) => {
    const marker = click.target.closest("circle.marker");
    if (!marker) return;
    const name = marker.getAttribute("data-place");
    list.replaceChildren(el("h2", {}, name), eventList({ ...filters, place: name }));
  });
  show(main, 
    el("h1", {}, "Where events took place"),
    filterForm(filters),
    el("p", {}, `${places.length} places.`),
    drawn,
    list,
  );
}

// -- event ----------------------------------------------------------------------------------

async function eventPage(main, id) {
  const { event, mentions } = await api(`/api/events/${encodeURIComponent(id)}`);
  const facts = [
    ["date", event.date ? `${event.date} (${event.date_origin || "?"})` : "undated"],
    ["source", actorCell(event.source)],
    ["event", `${event.cameo} ${event.plover || ""} · QuadClass ${event.quad_class} (${QUAD_NAMES[event.quad_class]}) · Goldstein ${goldsteinText(event.goldstein)}`],
    ["target", actorCell(event.target)],
    ["place", event.location ? `${event.location.name}${event.location.country ? `, ${event.location.country}` : ""}` : "–"],
    ["confidence", event.confidence],
  ];
  const dyadLink =
    event.source && event.target
      ? el("p", {}, el("a", { href: dyadPath(event.source.code.slice(0, 3), event.target.code.slice(0, 3)) }, "The dyad's timeline"))
      : null;
  show(main, 
    el("h1", {}, `Event ${event.id}`),
    el("dl", { class: "facts" }, facts.map(([term, value]) => [el("dt", {}, term), el("dd", {}, value)])),
    dyadLink,
    section(
      mentions.length === 1 ? "Its mention" : `Its ${mentions.length} mentions`,
      el(
        "p",
        { class: "legend" },
        ["source", "target", "trigger", "object", "place", "date"].map((kind) => el("mark", { class: `hl hl-${kind}` }, kind)),
      ),
      mentions.map(mentionBlock),
    ),
  );
}

function mentionBlock(mention) {
  const article = mention.article;
  const title = article.title || article.id;
  const heading = article.url ? el("a", { href: article.url, rel: "noopener noreferrer nofollow" }, title) : title;
  const actors = mention.actors.map((a) => el("li", {}, el("code", {}, a.code), ` “${a.text}”`, a.name && a.name !== a.text ? ` (${a.name})` : ""));
  return el(
    "article",
    { class: "mention" },
    el("h3", {}, heading),
    el("p", { class: "byline" }, [article.source, article.published].filter(Boolean).join(", ")),
    el("blockquote", { class: "sentence" }, highlighted(mention.sentence, mention.highlights)),
    actors.length ? el("p", {}, "Actors named in the sentence:") : null,
    actors.length ? el("ul", { class: "actors" }, actors) : null,
  );
}

// -- routing --------------------------------------------------------------------------------

const ROUTES = [
  [/^\/$/, overview],
  [/^\/dyad\/([^/]+)\/([^/]+)$/, dyad],
  [/^\/network$/, networkPage],
  [/^\/map$/, mapPage],
  [/^\/event\/([^/]+)$/, eventPage],
];

async function route() {
  const main = document.getElementById("main");
  const path = window.location.pathname;
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    try {
      await page(main, ...match.slice(1).map(decodeURIComponent));
      document.body.dataset.ready = "true";
    } catch (error) {
      status(main, `Cannot show this page: ${error.message}`, true);
      document.body.dataset.ready = "error";
    }
    return;
  }
  status(main, "No such page.", true);
}

route();
