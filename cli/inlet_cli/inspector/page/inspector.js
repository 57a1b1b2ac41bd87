// Inlet inspector: the tenant's request log, live (server-sent events from `inlet inspect`), and a chart of one
// device's values. Plain DOM, no framework: every value from the log is set as text, never as HTML.
"use strict";

const MAX_SHOWN = 500; // requests kept on the page; older ones are dropped
const DELIVERIES_POLL_MS = 2000; // how often the newest uplinks' delivery outcomes are read again
const DELIVERIES_WATCHED_MS = 15 * 60 * 1000; // an uplink's outcomes are followed this long after it arrived
const DELIVERIES_ASKED = 50; // uplinks asked at a time (the server's limit)
const state = { entries: new Map(), nodes: new Map(), serials: new Set(), keys: new Set(), chartTimer: null,
  uplinks: new Map() };
const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function clock(ms) {
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function addOption(select, value, label) {
  if ([...select.options].some((o) => o.value === value)) return;
  select.append(new Option(label || value, value));
}

// --- session: tenant, keys and until when they log --------------------------------------------------------------
async function loadSession() {
  const session = await (await fetch("/api/session")).json();
  $("tenant").textContent = session.tenant;
  document.title = `Inlet inspector: ${session.tenant}`;
  for (const key of session.keys) addOption($("key"), key.id, key.name ? `${key.id} (${key.name})` : key.id);
  const until = Math.max(0, ...session.keys.map((k) => k.log_until || 0));
  $("logging").textContent = until * 1000 > Date.now()
    ? `request log on for ${session.keys.length} key(s) until ${clock(until * 1000).slice(0, 5)}, renewed while the inspector runs`
    : "request log off";
}

// --- the stream -------------------------------------------------------------------------------------------------
function connect() {
  const source = new EventSource("/api/events");
  source.onopen = () => { $("connection").textContent = "live"; $("connection").className = "connection live"; };
  source.onerror = () => { $("connection").textContent = "reconnecting…"; $("connection").className = "connection"; };
  source.onmessage = (event) => add(JSON.parse(event.data));
  source.addEventListener("problem", (event) => {  // the inspector could not read the log: it tries again
    $("connection").textContent = JSON.parse(event.data).message + ", retrying";
    $("connection").className = "connection";
  });
}

function add(entry) {
  if (state.entries.has(entry.sk)) return;
  state.entries.set(entry.sk, entry);
  for (const item of entry.items || []) {
    if (item.serial && !state.serials.has(item.serial)) {
      state.serials.add(item.serial);
      addOption($("device"), item.serial);
      addOption($("chart-device"), item.serial);
    }
  }
  addOption($("key"), entry.key_id);
  const node = render(entry);
  state.nodes.set(entry.sk, node);
  insertNewestFirst(node, entry.sk);
  applyFilters(node, entry);
  dropOldest();
  $("empty").hidden = true;
  $("count").textContent = `(${state.entries.size})`;
  const device = $("chart-device").value;
  if (device && entry.status < 300 && (entry.items || []).some((i) => i.serial === device)) scheduleChart();
}

function insertNewestFirst(node, sk) {
  const list = $("requests");
  const later = [...list.children].find((child) => child.dataset.sk < sk);
  list.insertBefore(node, later || null);
}

function dropOldest() {
  while (state.entries.size > MAX_SHOWN) {
    const oldest = [...state.entries.keys()].sort()[0];
    state.nodes.get(oldest).remove();
    state.nodes.delete(oldest);
    state.entries.delete(oldest);
  }
}

// --- one request ------------------------------------------------------------------------------------------------
function render(entry) {
  const refused = entry.status >= 400;
  const partial = !refused && (entry.counts || {}).rejected > 0;
  const li = el("li", `request${refused ? " refused" : partial ? " partial" : ""}`);
  li.dataset.sk = entry.sk;
  li.dataset.status = entry.status;
  const head = el("div", "head");
  head.append(el("span", "time", clock(entry.time_ms)), el("span", "status", entry.status),
    el("span", "message", entry.message || summary(entry.counts || {})));
  if (entry.replayed) head.append(el("span", "meta", "replayed (a retry, answered from the first answer)"));
  head.append(el("span", "meta", requestMeta(entry)));
  li.append(head);
  const items = el("ul", "items");
  for (const item of entry.items || []) items.append(renderItem(item));
  if (entry.items_omitted) items.append(el("li", "item meta", `… ${entry.items_omitted} more items, not logged`));
  li.append(items);
  return li;
}

function summary(counts) {
  return Object.entries(counts).filter(([, n]) => n > 0).map(([name, n]) => `${n} ${name}`).join(" · ") || "nothing";
}

function requestMeta(entry) {
  const r = entry.request || {};
  const parts = [`key ${entry.key_id}`, `${r.body_bytes || 0} B`, `${entry.duration_ms} ms`];
  if (r.user_agent) parts.push(r.user_agent);
  if (r.source_ip) parts.push(r.source_ip);
  const query = Object.entries(r.query || {}).map(([k, v]) => `${k}=${v}`).join("&");
  if (query) parts.push(`?${query}`);
  return parts.join(" · ");
}

function renderItem(item) {
  const li = el("li", `item ${item.status}`);
  li.dataset.serial = item.serial || "";
  li.append(el("span", "", `#${item.index} `), el("span", "badge", item.status), ` ${item.serial || "(no serial)"}`);
  if (item.reason) li.append(" ", el("span", "reason", item.reason));
  if (item.status === "ignored" && item.reason === "device_not_found") {
    // a key with --unknown-devices accept: answered 2xx, not stored until the device is registered
    li.classList.add("unknown-device");
    li.append(" ", el("span", "hint", `unknown device, not stored: inlet devices add ${item.serial}`));
  }
  if (item.message) li.append(" ", el("span", "", item.message));
  if (item.port !== undefined) li.append(` port ${item.port}`);
  if (item.payload !== undefined) li.append(` payload ${item.payload}`);
  if (item.flags && item.flags.length) li.append(` flags ${item.flags.join(",")}`);
  if (item.parsed) li.append(parsedTable(item));  // a TagoIO parser: its own records, the whole list on demand
  else if (item.decoded !== undefined) li.append(" ", el("span", "decoded", `decoded ${JSON.stringify(item.decoded)}`));
  if (item.normalized !== undefined) li.append(" ", el("span", "normalized", `normalized ${JSON.stringify(item.normalized)}`));
  const decoder = item.decoder || {};
  if ((decoder.errors || []).length) li.append(" ", el("span", "errors", `decoder ${decoder.connector}: ${decoder.errors.join("; ")}`));
  const warnings = [...(decoder.warnings || []), ...(item.warnings || [])];
  if (warnings.length) li.append(" ", el("span", "warnings", `warnings: ${warnings.join("; ")}`));
  for (const line of item.console || []) li.append(el("code", "console", `console: ${line}`));
  if (item.id && item.serial) li.append(watchDeliveries(`${item.serial}/${item.id}`));
  return li;
}

// --- deliveries: each stored uplink's latest outcome per destination (delivered, retrying and why, dead-lettered) ---
function watchDeliveries(uplink) {
  const box = el("div", "deliveries");
  box.dataset.uplink = uplink;
  state.uplinks.set(uplink, { box, since: Date.now() });
  return box;
}

async function loadDeliveries() {
  const now = Date.now();
  for (const [uplink, watched] of state.uplinks) {
    if (!watched.box.isConnected || now - watched.since > DELIVERIES_WATCHED_MS) state.uplinks.delete(uplink);
  }
  const asked = [...state.uplinks.keys()].slice(-DELIVERIES_ASKED);
  if (!asked.length) return;
  const query = asked.map((u) => `uplink=${encodeURIComponent(u)}`).join("&");
  const answer = await (await fetch(`/api/deliveries?${query}`)).json();
  if (answer.error) return;
  for (const uplink of asked) {
    const outcomes = answer[uplink.slice(uplink.indexOf("/") + 1)];
    if (outcomes && state.uplinks.has(uplink)) showDeliveries(state.uplinks.get(uplink).box, outcomes);
  }
}

function showDeliveries(box, outcomes) {
  const spans = Object.keys(outcomes).sort().map((destination) => {
    const o = outcomes[destination];
    const label = { delivered: "delivered", retrying: "retrying", dead_lettered: "dead-lettered" }[o.status] || o.status;
    const span = el("span", `delivery ${o.status}`, `→ ${destination}: ${label}`);
    span.dataset.destination = destination;
    if (o.reason) span.append(" ", el("span", "why", `(${o.reason}${o.status === "retrying" ? `, attempt ${o.attempt}` : ""})`));
    span.title = `${o.at} · delivery id ${o.delivery_id}`;
    return span;
  });
  box.replaceChildren(...spans);
}

// A TagoIO parser's result is mostly its input (the uplink's metadata) with a few records of its own: those are the
// table (variable, value, unit); the whole list is behind a <details>, opened on demand.
function parsedTable(item) {
  const box = el("div", "parsed");
  const table = el("table", "parsed-records");
  const head = el("tr");
  head.append(el("th", "", "variable"), el("th", "", "value"), el("th", "", "unit"));
  table.append(head);
  for (const row of item.parsed) {
    const tr = el("tr");
    const value = row.value !== null && typeof row.value === "object" ? JSON.stringify(row.value) : row.value;
    tr.append(el("td", "", row.variable), el("td", "", value), el("td", "", row.unit || ""));
    table.append(tr);
  }
  if (!item.parsed.length) box.append(el("span", "dim", "the parser added no record of its own"));
  else box.append(table);
  if (item.parsed_count > item.parsed.length) box.append(el("span", "dim", `… ${item.parsed_count - item.parsed.length} more`));
  if (item.decoded !== undefined) {
    const all = el("details", "all-records");
    const count = Array.isArray(item.decoded) ? `${item.decoded.length} records` : "as logged";
    all.append(el("summary", "", `the parser's whole result (${count})`), el("code", "decoded", JSON.stringify(item.decoded)));
    box.append(all);
  }
  return box;
}

// --- filters ----------------------------------------------------------------------------------------------------
function applyFilters(node, entry) {
  const device = $("device").value, key = $("key").value, outcome = $("outcome").value;
  const items = entry.items || [];
  let shown = (!key || entry.key_id === key) && (!device || items.some((i) => i.serial === device));
  if (outcome === "ok") shown = shown && entry.status < 400;
  if (outcome === "refused") shown = shown && entry.status >= 400;
  node.hidden = !shown;
  for (const li of node.querySelectorAll(".item[data-serial]")) li.hidden = Boolean(device) && li.dataset.serial !== device;
}

function refilter() {
  for (const [sk, entry] of state.entries) applyFilters(state.nodes.get(sk), entry);
}

// --- chart: one numeric variable of the chosen device over time ---------------------------------------------------
function scheduleChart() {
  clearTimeout(state.chartTimer);
  state.chartTimer = setTimeout(loadChart, 500);
}

async function loadChart() {
  const device = $("chart-device").value;
  if (!device) return;
  const points = await (await fetch(`/api/records?serial=${encodeURIComponent(device)}`)).json();
  if ($("chart-device").value !== device) return; // the choice changed meanwhile
  const select = $("variable"), chosen = select.value;
  const names = [...new Set(points.flatMap((p) => Object.keys(p.values)))].sort();
  select.replaceChildren(...names.map((name) => new Option(name, name)));
  select.value = names.includes(chosen) ? chosen : names[0] || "";
  state.points = points;
  drawChart();
}

function drawChart() {
  const variable = $("variable").value;
  const series = (state.points || []).filter((p) => variable in p.values)
    .map((p) => ({ t: Date.parse(p.time), v: p.values[variable], time: p.time }));
  const chart = $("chart");
  if (!series.length) { chart.replaceChildren(el("p", "dim", "no numeric value in this device's latest records")); return; }
  const W = Math.max(chart.clientWidth, 320), H = 220, L = 50, R = 12, T = 10, B = 24;
  const ts = series.map((p) => p.t), vs = series.map((p) => p.v);
  const [t0, t1, v0, v1] = [Math.min(...ts), Math.max(...ts), Math.min(...vs), Math.max(...vs)];
  const x = (t) => L + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - L - R);
  const y = (v) => H - B - (v1 === v0 ? 0.5 : (v - v0) / (v1 - v0)) * (H - T - B);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${variable} over time` });
  svg.append(svgEl("line", { class: "axis", x1: L, y1: H - B, x2: W - R, y2: H - B }),
    svgEl("line", { class: "axis", x1: L, y1: T, x2: L, y2: H - B }),
    svgText(L - 6, y(v1) + 4, v1, "end"), svgText(L - 6, y(v0) + 4, v0, "end"),
    svgText(L, H - 6, clock(t0), "start"), svgText(W - R, H - 6, clock(t1), "end"),
    svgEl("polyline", { class: "line", points: series.map((p) => `${x(p.t)},${y(p.v)}`).join(" ") }));
  for (const p of series) {
    const dot = svgEl("circle", { class: "point", cx: x(p.t), cy: y(p.v), r: 3.5 });
    dot.append(svgEl("title", {}, `${p.time}: ${variable} = ${p.v}`));
    svg.append(dot);
  }
  chart.replaceChildren(svg);
}

function svgEl(tag, attributes, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svgText(x, y, text, anchor) {
  return svgEl("text", { x, y, "text-anchor": anchor }, String(text));
}

// --- start ------------------------------------------------------------------------------------------------------
$("device").addEventListener("change", () => {
  refilter();
  if ($("device").value) { $("chart-device").value = $("device").value; loadChart(); }
});
$("chart-device").addEventListener("change", loadChart);
$("key").addEventListener("change", refilter);
$("outcome").addEventListener("change", refilter);
$("variable").addEventListener("change", drawChart);
loadSession();
setInterval(loadSession, 60000);
connect();
setInterval(() => loadDeliveries().catch(() => {}), DELIVERIES_POLL_MS);
