// Charts drawn with d3 (vendored): a timeline of events by QuadClass, the actor network,
// a world map of places. Labels go in with d3's .text() (text nodes) and attributes with
// .attr(): no data ever becomes HTML.
import { QUAD_NAMES, dyadPath } from "./dom.js";

const d3 = window.d3;
export const QUAD_COLOURS = { 1: "#7fbf7b", 2: "#1b7837", 3: "#f1a340", 4: "#c51b7d" };

// Events per period, a bar per period stacked by QuadClass. `diverging`: cooperation (1, 2)
// above the axis, conflict (3, 4) below, and the mean Goldstein value as a line.
export function timeline(points, { diverging = false, width = 900, height = 280 } = {}) {
  const margin = { top: 16, right: diverging ? 48 : 16, bottom: 28, left: 48 };
  const periods = [...new Set(points.map((p) => p.period))].sort();
  const byPeriod = new Map(periods.map((p) => [p, { period: p, 1: 0, 2: 0, 3: 0, 4: 0, sum: 0, n: 0 }]));
  for (const point of points) {
    const row = byPeriod.get(point.period);
    row[point.quad_class] += point.events;
    row.sum += point.goldstein * point.events;
    row.n += point.events;
  }
  const rows = [...byPeriod.values()];
  const sign = (q) => (diverging && q >= 3 ? -1 : 1);
  const stacks = [];
  for (const row of rows) {
    let up = 0;
    let down = 0;
    for (const q of [1, 2, 3, 4]) {
      if (!row[q]) continue;
      const value = row[q] * sign(q);
      const [y0, y1] = value >= 0 ? [up, (up += value)] : [down, (down += value)];
      stacks.push({ period: row.period, quad: q, y0, y1, events: row[q] });
    }
  }
  const svg = d3
    .create("svg")
    .attr("class", "chart timeline")
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("role", "img")
    .attr("aria-label", "events over time by QuadClass");
  const x = d3.scaleBand().domain(periods).range([margin.left, width - margin.right]).padding(0.1);
  const barWidth = Math.min(x.bandwidth(), 40);
  const low = d3.min(stacks, (s) => Math.min(s.y0, s.y1)) || 0;
  const high = d3.max(stacks, (s) => Math.max(s.y0, s.y1)) || 1;
  const y = d3.scaleLinear().domain([Math.min(0, low), Math.max(1, high)]).nice().range([height - margin.bottom, margin.top]);
  const ticks = periods.filter((_, i) => i % Math.max(1, Math.ceil(periods.length / 10)) === 0);
  svg
    .append("g")
    .attr("transform", `translate(0,${height - margin.bottom})`)
    .call(d3.axisBottom(x).tickValues(ticks));
  svg.append("g").attr("transform", `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(5).tickFormat((v) => Math.abs(v)));
  svg
    .append("g")
    .attr("class", "bars")
    .selectAll("rect")
    .data(stacks)
    .join("rect")
    .attr("class", (s) => `bar quad-${s.quad}`)
    .attr("data-quad", (s) => s.quad)
    .attr("x", (s) => x(s.period) + (x.bandwidth() - barWidth) / 2)
    .attr("width", barWidth)
    .attr("y", (s) => y(Math.max(s.y0, s.y1)))
    .attr("height", (s) => Math.max(1, Math.abs(y(s.y0) - y(s.y1))))
    .attr("fill", (s) => QUAD_COLOURS[s.quad])
    .append("title")
    .text((s) => `${s.period}: ${s.events} ${QUAD_NAMES[s.quad]}`);
  if (diverging) {
    svg
      .append("line")
      .attr("x1", margin.left)
      .attr("x2", width - margin.right)
      .attr("y1", y(0))
      .attr("y2", y(0))
      .attr("class", "zero");
    const g = d3.scaleLinear().domain([-10, 10]).range([height - margin.bottom, margin.top]);
    svg.append("g").attr("transform", `translate(${width - margin.right},0)`).call(d3.axisRight(g).ticks(5));
    const line = d3
      .line()
      .x((r) => x(r.period) + x.bandwidth() / 2)
      .y((r) => g(r.sum / r.n));
    svg.append("path").datum(rows.filter((r) => r.n)).attr("class", "goldstein").attr("d", line);
  }
  return svg.node();
}

export function legend(diverging = false) {
  const items = [1, 2, 3, 4].map((q) =>
    d3
      .create("span")
      .attr("class", "legend-item")
      .call((s) => s.append("span").attr("class", `swatch quad-${q}`))
      .call((s) => s.append("span").text(QUAD_NAMES[q]))
      .node(),
  );
  const box = d3.create("div").attr("class", "legend");
  for (const item of items) box.node().append(item);
  if (diverging) box.append("span").attr("class", "legend-item goldstein-key").text("— mean Goldstein (right axis)");
  return box.node();
}

// Directed, weighted edges between actors; the layout is computed before drawing, so the
// page is still when it appears. An edge links to its dyad's page.
export function network(nodes, edges, { width = 900, height = 600 } = {}) {
  const simNodes = nodes.map((n) => ({ ...n }));
  const simEdges = edges.map((e) => ({ ...e }));
  const radius = d3.scaleSqrt().domain([0, d3.max(simNodes, (n) => n.events) || 1]).range([4, 28]);
  const widthOf = d3.scaleSqrt().domain([0, d3.max(simEdges, (e) => e.events) || 1]).range([0.5, 8]);
  const colour = d3.scaleLinear().domain([-10, 0, 10]).range(["#c51b7d", "#999999", "#1b7837"]);
  const simulation = d3
    .forceSimulation(simNodes)
    .force("link", d3.forceLink(simEdges).id((n) => n.id).distance(160))
    .force("charge", d3.forceManyBody().strength(-300))
    .force("center", d3.forceCenter(width / 2, height / 2))
    .force("collide", d3.forceCollide((n) => radius(n.events) + 4))
    .stop();
  for (let i = 0; i < 300; i++) simulation.tick();
  const svg = d3.create("svg").attr("class", "chart network").attr("viewBox", `0 0 ${width} ${height}`);
  svg
    .append("defs")
    .append("marker")
    .attr("id", "arrow")
    .attr("viewBox", "0 -5 10 10")
    .attr("refX", 10)
    .attr("markerUnits", "userSpaceOnUse")
    .attr("markerWidth", 9)
    .attr("markerHeight", 9)
    .attr("orient", "auto")
    .append("path")
    .attr("d", "M0,-5L10,0L0,5")
    .attr("fill", "#666");
  const links = svg
    .append("g")
    .attr("class", "edges")
    .selectAll("a")
    .data(simEdges)
    .join("a")
    .attr("href", (e) => dyadPath(e.source.id, e.target.id));
  links
    .append("path")
    .attr("class", "edge")
    .attr("data-source", (e) => e.source.id)
    .attr("data-target", (e) => e.target.id)
    .attr("d", (e) => arc(e.source, e.target, radius(e.target.events)))
    .attr("fill", "none")
    .attr("stroke", (e) => colour(e.goldstein))
    .attr("stroke-width", (e) => widthOf(e.events))
    .attr("marker-end", "url(#arrow)")
    .append("title")
    .text((e) => `${e.source.id} → ${e.target.id}: ${e.events} events, mean Goldstein ${e.goldstein.toFixed(2)}`);
  const node = svg
    .append("g")
    .attr("class", "nodes")
    .selectAll("g")
    .data(simNodes)
    .join("g")
    .attr("class", "node")
    .attr("data-actor", (n) => n.id)
    .attr("transform", (n) => `translate(${n.x},${n.y})`);
  node.append("circle").attr("r", (n) => radius(n.events));
  node
    .append("text")
    .attr("dy", (n) => -radius(n.events) - 3)
    .attr("text-anchor", "middle")
    .text((n) => n.id);
  node.append("title").text((n) => `${n.id}: ${n.events} events`);
  return svg.node();
}

// A curve from one node to the edge of the other, bent to its left, so that the edges
// of a pair acting on each other do not overlap.
function arc(from, to, gap) {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy) || 1;
  const bend = 0.2 * length;
  const control = { x: (from.x + to.x) / 2 - (dy / length) * bend, y: (from.y + to.y) / 2 + (dx / length) * bend };
  const cx = to.x - control.x;
  const cy = to.y - control.y;
  const toControl = Math.hypot(cx, cy) || 1;
  const end = { x: to.x - (cx / toControl) * gap, y: to.y - (cy / toControl) * gap };
  return `M${from.x},${from.y}Q${control.x},${control.y} ${end.x},${end.y}`;
}

// The world (Natural Earth 1:110m from world-atlas) with a circle at each place, sized by
// its events and coloured by their mean Goldstein value.
export function worldMap(topology, places, { width = 960, height = 500 } = {}) {
  const countries = window.topojson.feature(topology, topology.objects.countries);
  const projection = d3.geoNaturalEarth1().fitSize([width, height], { type: "Sphere" });
  const path = d3.geoPath(projection);
  const svg = d3.create("svg").attr("class", "chart map").attr("viewBox", `0 0 ${width} ${height}`);
  svg.append("path").attr("class", "sphere").attr("d", path({ type: "Sphere" }));
  svg.append("path").attr("class", "graticule").attr("d", path(d3.geoGraticule10()));
  svg
    .append("g")
    .attr("class", "countries")
    .selectAll("path")
    .data(countries.features)
    .join("path")
    .attr("class", "country")
    .attr("data-name", (f) => f.properties.name)
    .attr("d", path)
    .append("title")
    .text((f) => f.properties.name);
  const radius = d3.scaleSqrt().domain([0, d3.max(places, (p) => p.events) || 1]).range([3, 20]);
  const colour = d3.scaleLinear().domain([-10, 0, 10]).range(["#c51b7d", "#777777", "#1b7837"]);
  svg
    .append("g")
    .attr("class", "places")
    .selectAll("circle")
    .data(places)
    .join("circle")
    .attr("class", "marker")
    .attr("data-place", (p) => p.name)
    .attr("data-country", (p) => p.country || "")
    .attr("cx", (p) => projection([p.lon, p.lat])[0])
    .attr("cy", (p) => projection([p.lon, p.lat])[1])
    .attr("r", (p) => radius(p.events))
    .attr("fill", (p) => colour(p.goldstein))
    .append("title")
    .text((p) => `${p.name}: ${p.events} events, mean Goldstein ${p.goldstein.toFixed(2)}`);
  return svg.node();
}
