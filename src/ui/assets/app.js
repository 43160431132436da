/* app.js — the Medallion UI: renders the Assets, Runs, Tables and Checks pages
 * from the JSON API (docs/ui-api.md), routed by the URL's #fragment.
 *
 * Every value from the data becomes a text node (el() below never touches
 * innerHTML), so a column called "<script>" is shown, never run; the server's
 * Content-Security-Policy forbids inline script as a second line of defence.
 * Times are shown in the viewer's zone with the UTC value as a tooltip. */
'use strict';

const NS = 'http://www.w3.org/2000/svg';
const GROUP_ORDER = ['bronze', 'silver', 'gold', 'export'];
const REASON_COLOURS = ['#c0392b', '#e67e22', '#f1c40f', '#16a085', '#2980b9', '#8e44ad', '#7f8c8d', '#d35400',
                        '#27ae60', '#2c3e50'];

function build(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'onclick') node.addEventListener('click', v);
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
const el = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
const svg = (tag, attrs, ...children) => build(document.createElementNS(NS, tag), attrs, children);

async function api(path) {
  const response = await fetch(path, {headers: {Accept: 'application/json'}});
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body.error && body.error.message) || response.statusText);
  return body;
}

/* A time: local text, UTC on hover. Accepts ISO text (run store) or ms (Delta). */
function when(value) {
  if (value === null || value === undefined) return el('span', {class: 'muted'}, '–');
  const d = typeof value === 'number' ? new Date(value) : new Date(value);
  if (isNaN(d)) return el('span', {}, String(value));
  return el('time', {datetime: d.toISOString(), title: d.toISOString().replace('.000Z', 'Z') + ' (UTC)'},
            d.toLocaleString());
}
const num = (v) => (v === null || v === undefined || v < 0 ? '–' : Number(v).toLocaleString('en-US'));
const secs = (v) => (v === null || v === undefined ? '–' : Number(v).toFixed(2) + ' s');
const status = (s) => el('span', {class: 'status ' + (s || 'none').replace(/\s/g, '-')}, s || 'never run');
const runLink = (id) => (id ? el('a', {href: '#/runs/' + encodeURIComponent(id), class: 'run-link'}, id.slice(0, 8)) : '–');
const tableHref = (layer, name, version) =>
  '#/tables/' + encodeURIComponent(layer) + '/' + encodeURIComponent(name) +
  (version === undefined ? '' : '/v/' + version);

function grid(headers, rows, attrs) {
  return el('table', attrs || {},
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {class: h.num ? 'num' : null}, h.label || h)))),
    el('tbody', {}, rows));
}
const td = (v, cls) => el('td', {class: cls || null}, v);
const tdn = (v) => el('td', {class: 'num'}, v);

/* ----------------------------------------------------------------- Assets */

function layoutGraph(assets) {
  const byName = new Map(assets.map((a) => [a.name, a]));
  const depth = new Map();
  const depthOf = (a, seen = new Set()) => {
    if (depth.has(a.name)) return depth.get(a.name);
    if (seen.has(a.name)) return 0;
    seen.add(a.name);
    let d = 0;
    for (const dep of a.deps) if (byName.has(dep)) d = Math.max(d, depthOf(byName.get(dep), seen) + 1);
    depth.set(a.name, d);
    return d;
  };
  assets.forEach((a) => depthOf(a));
  const columns = [];
  for (const a of assets) {
    const d = depth.get(a.name);
    (columns[d] = columns[d] || []).push(a);
  }
  return columns.map((c) => c || []);
}

function assetsGraph(assets) {
  const W = 230, H = 62, GAPX = 70, GAPY = 16, TOP = 34, LEFT = 20;
  const columns = layoutGraph(assets);
  const pos = new Map();
  columns.forEach((col, x) => col.forEach((a, y) => pos.set(a.name, {x: LEFT + x * (W + GAPX), y: TOP + y * (H + GAPY)})));
  const width = LEFT * 2 + columns.length * (W + GAPX) - GAPX;
  const height = TOP + Math.max(...columns.map((c) => c.length)) * (H + GAPY) + 10;
  const root = svg('svg', {width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'asset graph'});
  columns.forEach((col, x) => {
    const groups = [...new Set(col.map((a) => a.group))].join(' / ');
    root.appendChild(svg('text', {class: 'band', x: LEFT + x * (W + GAPX), y: 20}, groups));
  });
  for (const a of assets) {
    const to = pos.get(a.name);
    for (const dep of a.deps) {
      const from = pos.get(dep);
      if (!from) continue;
      const x1 = from.x + W, y1 = from.y + H / 2, x2 = to.x, y2 = to.y + H / 2, mx = (x1 + x2) / 2;
      root.appendChild(svg('path', {class: 'edge', 'data-from': dep, 'data-to': a.name,
                                    d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`}));
    }
  }
  for (const a of assets) {
    const p = pos.get(a.name);
    const run = a.last_run || {};
    const t = a.table;
    const go = () => { location.hash = t ? tableHref(t.layer, t.name) : (run.run_id ? '#/runs/' + run.run_id : '#/assets'); };
    const when = a.materialized_at ? new Date(a.materialized_at).toLocaleString() : 'never materialised';
    const g = svg('g', {class: 'node ' + a.group, 'data-asset': a.name, transform: `translate(${p.x},${p.y})`, onclick: go},
      svg('title', {}, a.name + (a.materialized_at ? '\nlast materialised ' + a.materialized_at + ' (UTC)' : '')),
      svg('rect', {width: W, height: H, rx: 6}),
      svg('circle', {class: 'dot ' + (run.status || 'none'), cx: 12, cy: 14, r: 5}),
      svg('text', {class: 'title', x: 24, y: 18}, a.name),
      svg('text', {class: 'line', x: 10, y: 36, 'data-field': 'rows'},
          (run.status || 'never run') + ' · ' + num(run.rows_written) + ' rows' +
          (run.rejects > 0 ? ' · ' + num(run.rejects) + ' rejected' : '')),
      svg('text', {class: 'line', x: 10, y: 52, 'data-field': 'version'},
          (t ? 'v' + t.version + ' · ' : '') + when));
    root.appendChild(g);
  }
  return el('div', {class: 'graph'}, root);
}

async function pageAssets(main) {
  const data = await api('/api/assets');
  const assets = data.assets;
  main.append(el('h1', {}, 'Assets'),
    el('div', {class: 'legend'}, GROUP_ORDER.map((g) => el('span', {}, el('i', {class: 'swatch-' + g}), g))),
    assets.length ? assetsGraph(assets) : el('p', {class: 'muted'}, 'No assets yet: run the pipeline first.'),
    el('h2', {}, 'Latest materialisations'),
    grid(['Asset', 'Group', 'Status', {label: 'Rows', num: 1}, {label: 'Rejects', num: 1}, {label: 'Table version', num: 1},
          'Last materialised', 'Run'],
      assets.map((a) => {
        const r = a.last_run || {};
        return el('tr', {'data-asset': a.name},
          td(a.table ? el('a', {href: tableHref(a.table.layer, a.table.name)}, a.name) : a.name), td(a.group),
          td(status(r.status)), tdn(num(r.rows_written)), tdn(num(r.rejects)), tdn(a.table ? a.table.version : '–'),
          td(when(a.materialized_at)), td(runLink(r.run_id)));
      }), {id: 'assets-table'}));
}

/* ------------------------------------------------------------------- Runs */

async function pageRuns(main) {
  const data = await api('/api/runs');
  main.append(el('h1', {}, 'Runs'),
    data.runs.length === 0 ? el('p', {class: 'muted'}, 'No runs yet.') :
    grid(['Run', 'Started', {label: 'Duration', num: 1}, 'Status', 'Selection', 'Mode', {label: 'Assets ok', num: 1},
          {label: 'Checks failed', num: 1}],
      data.runs.map((r) => el('tr', {'data-run': r.run_id},
        td(runLink(r.run_id)), td(when(r.started_at)), tdn(secs(r.seconds)), td(status(r.status)),
        td(r.selection || '*'), td(r.mode), tdn(r.assets_succeeded + ' / ' + r.assets_run), tdn(num(r.checks_failed)))),
      {id: 'runs-table'}));
}

async function pageRun(main, id) {
  const d = await api('/api/runs/' + encodeURIComponent(id));
  const r = d.run;
  main.append(el('h1', {}, 'Run ', el('code', {}, r.run_id)),
    el('p', {class: 'summary'}, el('span', {}, status(r.status)), el('span', {}, 'started ', when(r.started_at)),
      el('span', {}, 'ended ', when(r.ended_at)), el('span', {}, secs(r.seconds)),
      el('span', {}, 'selection ', r.selection || '*'), el('span', {}, r.mode)),
    el('p', {class: 'muted'}, 'config ', el('code', {}, r.config || '–')));
  const failed = d.assets.filter((a) => a.status === 'failed');
  if (failed.length) {
    main.append(el('h2', {}, 'Errors'),
      failed.map((a) => el('div', {}, el('strong', {}, a.name), el('pre', {class: 'error-text'}, a.error || '(no message)'))));
  }
  main.append(el('h2', {}, 'Assets'),
    grid(['Asset', 'Status', {label: 'Rows', num: 1}, {label: 'Rejects', num: 1}, {label: 'Version', num: 1},
          {label: 'Bytes', num: 1}, {label: 'Seconds', num: 1}, {label: 'Checks failed', num: 1}, 'Error'],
      d.assets.filter((a) => a.status !== 'not selected').map((a) => el('tr', {'data-asset': a.name},
        td(a.name), td(status(a.status)), tdn(num(a.rows_written)), tdn(num(a.rejects)), tdn(num(a.version)),
        tdn(num(a.bytes)), tdn(secs(a.seconds)), tdn(num(a.checks_failed)), td(a.error || '', 'failed'))),
      {id: 'run-assets'}),
    el('h2', {}, 'Rejects by reason'),
    d.rejects.length === 0 ? el('p', {class: 'muted'}, 'No rejects.') :
    grid(['Asset', 'Reason', {label: 'Rows', num: 1}],
      d.rejects.map((x) => el('tr', {}, td(x.asset), td(x.reason), tdn(num(x.rows)))), {id: 'run-rejects'}),
    el('h2', {}, 'Checks'),
    d.checks.length === 0 ? el('p', {class: 'muted'}, 'No checks.') :
    grid(['Asset', 'Check', 'Result', 'Detail'],
      d.checks.map((c) => el('tr', {}, td(c.asset), td(c.check), td(c.passed ? 'passed' : 'FAILED', c.passed ? 'passed' : 'failed'),
        td(c.detail || ''))), {id: 'run-checks'}),
    el('h2', {}, 'Events'),
    grid(['At', 'Asset', 'Event', 'Name', {label: 'Value', num: 1}, 'Detail'],
      d.events.map((e) => el('tr', {}, td(when(e.at)), td(e.asset), td(e.event), td(e.name || ''), tdn(e.value === null ? '' : e.value),
        td(e.detail || '')))));
}

/* ----------------------------------------------------------------- Tables */

async function pageTables(main) {
  const data = await api('/api/tables');
  main.append(el('h1', {}, 'Tables'),
    grid(['Layer', 'Table', {label: 'Version', num: 1}, {label: 'Rows', num: 1}, 'Updated'],
      data.tables.map((t) => el('tr', {'data-table': t.layer + '/' + t.name},
        td(t.layer), td(el('a', {href: tableHref(t.layer, t.name)}, t.name)), tdn(t.version), tdn(num(t.rows)),
        td(when(t.updated_at_ms)))), {id: 'tables-table'}));
}

function rejectsChart(runs) {
  const reasons = [...new Set(runs.flatMap((r) => r.reasons.map((x) => x.reason)))];
  const colour = (reason) => REASON_COLOURS[reasons.indexOf(reason) % REASON_COLOURS.length];
  const max = Math.max(1, ...runs.map((r) => r.reasons.reduce((s, x) => s + x.rows, 0)));
  const BAR = 34, GAP = 18, H = 140, LEFT = 40, width = LEFT + runs.length * (BAR + GAP) + 10;
  const root = svg('svg', {class: 'chart', width, height: H + 40, role: 'img', 'aria-label': 'rejects by reason per run'});
  root.appendChild(svg('text', {x: 4, y: 14}, num(max)));
  root.appendChild(svg('text', {x: 4, y: H + 4}, '0'));
  runs.forEach((r, i) => {
    let y = H + 4;
    const x = LEFT + i * (BAR + GAP);
    for (const x2 of r.reasons) {
      const h = (x2.rows / max) * (H - 10);
      y -= h;
      root.appendChild(svg('rect', {x, y, width: BAR, height: h, fill: colour(x2.reason)},
        svg('title', {}, x2.reason + ': ' + x2.rows + ' (run ' + r.run_id.slice(0, 8) + ')')));
    }
    root.appendChild(svg('text', {x, y: H + 20}, r.run_id.slice(0, 6)));
    root.appendChild(svg('text', {x, y: H + 34}, num(r.total)));
  });
  return el('div', {},
    root,
    el('div', {class: 'legend'}, reasons.map((r) => el('span', {}, svg('svg', {width: 10, height: 10},
      svg('rect', {width: 10, height: 10, fill: colour(r)})), ' ' + r))));
}

async function pageTable(main, layer, name, version) {
  const base = '/api/tables/' + encodeURIComponent(layer) + '/' + encodeURIComponent(name);
  const h = await api(base + '/history');
  const shown = version === undefined ? h.version : version;
  const rows = await api(base + '/rows?version=' + shown + '&limit=50');
  const picker = el('select', {id: 'version-select'},
    h.history.slice().reverse().map((c) => {
      const o = el('option', {value: c.version}, 'version ' + c.version);
      if (c.version === shown) o.selected = true;
      return o;
    }));
  picker.addEventListener('change', () => { location.hash = tableHref(layer, name, picker.value); });
  main.append(el('h1', {}, layer + ' / ' + name),
    el('p', {class: 'summary'}, el('span', {}, 'latest version ', el('strong', {id: 'latest-version'}, h.version)),
      el('span', {}, 'partitioned by ', h.partition_columns.length ? h.partition_columns.join(', ') : 'nothing')),
    el('h2', {}, 'Schema'),
    grid(['Column', 'Type', 'Nullable'], h.schema.map((f) => el('tr', {}, td(f.name), td(f.type), td(f.nullable ? 'yes' : 'no'))),
      {id: 'schema-table'}),
    el('h2', {}, 'Version history'),
    grid([{label: 'Version', num: 1}, 'Timestamp', 'Operation', 'Run', 'Asset', {label: 'Rows added', num: 1},
          {label: 'Rows removed', num: 1}, {label: 'Rows', num: 1}],
      h.history.slice().reverse().map((c) => el('tr', {'data-version': c.version, class: c.version === shown ? 'current' : null},
        tdn(el('a', {href: tableHref(layer, name, c.version), class: 'version-link'}, c.version)), td(when(c.timestamp_ms)),
        td(c.operation || ''), td(runLink(c.run_id)), td(c.asset || ''), tdn(num(c.rows_added)), tdn(num(c.rows_removed)),
        tdn(num(c.rows))))),
      {id: 'history-table'}));
  if (layer === 'silver') {
    main.append(el('h2', {}, 'Rejects by reason, last runs'),
      h.rejects_by_run.length ? rejectsChart(h.rejects_by_run) : el('p', {class: 'muted'}, 'No runs of this asset recorded.'));
  }
  main.append(el('h2', {}, 'Rows at version ', el('span', {id: 'shown-version'}, rows.version), ' ', picker),
    el('p', {class: 'muted'}, el('span', {id: 'shown-rows'}, Math.min(rows.rows.length, rows.total_rows)), ' of ',
      el('span', {id: 'total-rows'}, num(rows.total_rows)), ' rows (sorted), written ', when(rows.timestamp_ms)),
    el('div', {class: 'preview-wrap'},
      grid(rows.columns, rows.rows.map((row) => el('tr', {}, rows.columns.map((c) => {
        const v = row[c];
        return el('td', {}, v === null || v === undefined ? '∅' : typeof v === 'object' ? JSON.stringify(v) : String(v));
      }))), {class: 'preview', id: 'rows-table'})));
}

/* ----------------------------------------------------------------- Checks */

async function pageChecks(main) {
  const data = await api('/api/checks');
  const byCheck = new Map();
  for (const c of data.checks) {
    const key = c.asset + '\u0000' + c.check;
    if (!byCheck.has(key)) byCheck.set(key, {asset: c.asset, check: c.check, results: []});
    byCheck.get(key).results.push(c);
  }
  const summary = [...byCheck.values()].map((s) => {
    s.results.sort((a, b) => String(b.run_started_at).localeCompare(String(a.run_started_at)));
    s.failures = s.results.filter((r) => !r.passed).length;
    s.latest = s.results[0];
    return s;
  }).sort((a, b) => (b.failures > 0) - (a.failures > 0) || (a.latest.passed - b.latest.passed) ||
                    a.asset.localeCompare(b.asset) || a.check.localeCompare(b.check));
  main.append(el('h1', {}, 'Checks'),
    summary.length === 0 ? el('p', {class: 'muted'}, 'No checks recorded yet.') :
    grid(['Asset', 'Check', 'Latest', {label: 'Failures', num: 1}, {label: 'Runs', num: 1}, 'History (newest first)', 'Latest detail'],
      summary.map((s) => el('tr', {'data-check': s.check, class: s.failures ? 'has-failures' : null},
        td(s.asset), td(s.check), td(s.latest.passed ? 'passed' : 'FAILED', s.latest.passed ? 'passed' : 'failed'),
        tdn(s.failures), tdn(s.results.length),
        td(s.results.slice(0, 20).map((r) => el('a', {href: '#/runs/' + r.run_id, title: (r.passed ? 'passed' : 'FAILED') +
          ' in run ' + r.run_id + ' at ' + r.at + ' (UTC)', class: r.passed ? 'passed' : 'failed'}, r.passed ? '● ' : '✖ '))),
        td(s.latest.detail || ''))), {id: 'checks-table'}));
}

/* ----------------------------------------------------------------- router */

async function route() {
  const main = document.getElementById('main');
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const page = parts[0] || 'assets';
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === page));
  const next = el('main', {id: 'main'});
  try {
    if (page === 'runs' && parts[1]) await pageRun(next, parts[1]);
    else if (page === 'runs') await pageRuns(next);
    else if (page === 'tables' && parts[2]) await pageTable(next, parts[1], parts[2], parts[3] === 'v' ? Number(parts[4]) : undefined);
    else if (page === 'tables') await pageTables(next);
    else if (page === 'checks') await pageChecks(next);
    else await pageAssets(next);
  } catch (e) {
    next.append(el('p', {class: 'failed', id: 'page-error'}, 'Could not load this page: ' + e.message));
  }
  next.dataset.ready = page;
  main.replaceWith(next);
}

window.addEventListener('hashchange', route);
route();
