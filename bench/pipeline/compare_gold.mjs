// compare_gold.mjs — PIPELINE.md §6 for bench/pipeline: is a peer's gold equal
// to Medallion's? Tables are multisets of rows over the columns not starting
// with '_'; float64 columns (those Medallion's Delta schema declares double or
// float) match within a relative 1e-9, everything else exactly (decimals as
// their exact text, dates as YYYY-MM-DD).
//
//   node compare_gold.mjs --ours MEDALLION_HOME (--theirs OUT_DIR | --theirs-home HOME2) [--show N]
//
// Medallion's side is read with the independent Delta oracle (delta-oracle.mjs,
// copied next to this script from shared/tools/delta-oracle); the peer side is
// OUT_DIR/gold/<table>.parquet read by DuckDB, or another Medallion home. Prints
// one JSON line per table ({"table","equal","ours_rows","theirs_rows"}) and, for
// a table that differs, the first differing rows on stderr. Exit 0 when all
// tables are equal, 1 when one differs, 2 on a usage or read error.
import { DuckDBInstance } from "@duckdb/node-api";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const GOLD = ["grouped_billing", "pmb_geriatric", "outstanding_balances", "monthly_revenue"];
const oracle = fileURLToPath(new URL("./delta-oracle.mjs", import.meta.url));

function parseArgs(argv) {
  const o = { show: 5 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    if (k === "--ours") o.ours = argv[i + 1];
    else if (k === "--theirs") o.theirs = argv[i + 1];
    else if (k === "--theirs-home") o.theirsHome = argv[i + 1];
    else if (k === "--show") o.show = Number(argv[i + 1]);
    else throw new Error(`compare_gold: unknown option ${k}`);
  }
  if (!o.ours || !(o.theirs || o.theirsHome)) throw new Error("compare_gold: needs --ours HOME and --theirs DIR or --theirs-home HOME");
  return o;
}

// Rows of a Delta table via the oracle, and the names of its float columns.
function readDelta(dir) {
  const run = (extra) => execFileSync(process.execPath, [oracle, dir, ...extra], { maxBuffer: 1 << 30, encoding: "utf8" });
  const meta = JSON.parse(run(["--meta"]));
  const fields = JSON.parse(meta.metaData.schemaString).fields;
  const floats = new Set(fields.filter((f) => f.type === "double" || f.type === "float").map((f) => f.name));
  const rows = run([]).split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l));
  return { columns: fields.map((f) => f.name), floats, rows };
}

// Rows of a Parquet file, every non-float value rendered as text the way the
// oracle renders it (integers as digits, decimals with their scale, dates ISO).
async function readParquet(con, file) {
  const q = (s) => `'${s.replace(/'/g, "''")}'`;
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${q(file)})`)).getRowObjects();
  const select = desc.map(({ column_name: name, column_type: type }) => {
    const id = `"${name.replace(/"/g, '""')}"`;
    if (type === "DOUBLE" || type === "FLOAT") return `CAST(${id} AS DOUBLE) AS ${id}`;
    if (type === "DATE") return `strftime(${id}, '%Y-%m-%d') AS ${id}`;
    return `CAST(${id} AS VARCHAR) AS ${id}`;
  });
  const rows = (await con.runAndReadAll(`SELECT ${select.join(", ")} FROM read_parquet(${q(file)})`)).getRowObjects();
  return { columns: desc.map((d) => d.column_name), types: Object.fromEntries(desc.map((d) => [d.column_name, d.column_type])), rows };
}

const text = (v) => (v === null || v === undefined ? null : typeof v === "string" ? v : String(v));
const floatEqual = (a, b) => {
  if (a === null || b === null) return a === b;
  if (typeof a !== "number" || typeof b !== "number") return false;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
};

// Sorts rows by their exact columns, then their float columns, for a merge walk.
function normalise(rows, exact, floats) {
  const out = rows.map((r) => ({
    key: JSON.stringify(exact.map((c) => text(r[c]))),
    floats: floats.map((c) => (r[c] === null || r[c] === undefined ? null : typeof r[c] === "number" ? r[c] : r[c])),
    row: r,
  }));
  const cmpFloat = (a, b) => {
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      if (a[i] === null) return -1;
      if (b[i] === null) return 1;
      if (typeof a[i] !== "number" || typeof b[i] !== "number") return String(a[i]) < String(b[i]) ? -1 : 1;
      return a[i] - b[i];
    }
    return 0;
  };
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : cmpFloat(a.floats, b.floats)));
  return out;
}

function compareTable(name, ours, theirs, show) {
  const visible = (cols) => cols.filter((c) => !c.startsWith("_"));
  const oc = visible(ours.columns), tc = visible(theirs.columns);
  const problems = [];
  const missing = oc.filter((c) => !tc.includes(c)), extra = tc.filter((c) => !oc.includes(c));
  if (missing.length || extra.length) {
    problems.push(`columns differ: missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`);
    return { equal: false, problems };
  }
  const floats = oc.filter((c) => ours.floats.has(c));
  const exact = oc.filter((c) => !ours.floats.has(c));
  const a = normalise(ours.rows, exact, floats), b = normalise(theirs.rows, exact, floats);
  const project = (r) => Object.fromEntries(oc.map((c) => [c, r[c] === undefined ? null : r[c]]));
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (problems.length >= show) break;
    const x = a[i], y = b[j];
    if (x && y && x.key === y.key && x.floats.every((v, k) => floatEqual(v, y.floats[k]))) {
      i++, j++;
      continue;
    }
    if (x && y && x.key === y.key) {
      problems.push(`ours:   ${JSON.stringify(project(x.row))}\n    theirs: ${JSON.stringify(project(y.row))}`);
      i++, j++;
    } else if (x && (!y || x.key < y.key)) {
      problems.push(`only ours:   ${JSON.stringify(project(x.row))}`);
      i++;
    } else {
      problems.push(`only theirs: ${JSON.stringify(project(y.row))}`);
      j++;
    }
  }
  return { equal: problems.length === 0, problems };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const con = await instance.connect();
  let differ = false;
  for (const table of GOLD) {
    const ours = readDelta(`${o.ours}/gold/${table}`);
    let theirs;
    if (o.theirsHome) {
      theirs = readDelta(`${o.theirsHome}/gold/${table}`);
    } else {
      const file = `${o.theirs}/gold/${table}.parquet`;
      if (!existsSync(file)) {
        console.log(JSON.stringify({ table, equal: false, ours_rows: ours.rows.length, theirs_rows: null }));
        process.stderr.write(`gold/${table}: ${file} is missing\n`);
        differ = true;
        continue;
      }
      theirs = await readParquet(con, file);
    }
    const r = compareTable(table, ours, theirs, o.show);
    console.log(JSON.stringify({ table, equal: r.equal, ours_rows: ours.rows.length, theirs_rows: theirs.rows.length }));
    if (!r.equal) {
      differ = true;
      process.stderr.write(`gold/${table} differs (first ${r.problems.length} differences):\n  ${r.problems.join("\n  ")}\n`);
    }
  }
  process.exit(differ ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e.message}\n`);
  process.exit(2);
});
