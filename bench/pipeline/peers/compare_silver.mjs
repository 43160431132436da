// compare_silver.mjs — a developer check for the peers: is a peer's silver
// (every silver table and every rejects table) the same multiset of rows as
// Medallion's, over the columns not starting with '_'? The harness compares gold
// only (compare_gold.mjs); a silver difference explains a gold difference early.
//
//   node compare_silver.mjs MEDALLION_HOME PEER_OUT_DIR [--show N]
//
// Medallion's side is read with the Delta oracle (delta-oracle.mjs next to this
// script, copied from shared/tools/delta-oracle); the peer's side is
// PEER_OUT_DIR/silver/<table>.parquet, or .csv (the pandas peer's format) read as
// text. Values are compared as canonical text: timestamps with a 'T' and six
// digits, booleans lower case, decimals with their scale. Exit 0 when all equal.
import { DuckDBInstance } from "@duckdb/node-api";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const TABLES = ["tariff_codes", "pmb_conditions", "billing", "patients", "geriatric_assessments", "patient_plans", "bill_payments"];
const ALL = TABLES.flatMap((t) => (t.endsWith("codes") || t.endsWith("conditions") ? [t] : [t, `${t}_rejects`]));
const oracle = fileURLToPath(new URL("./delta-oracle.mjs", import.meta.url));
const [home, out, ...rest] = process.argv.slice(2);
const show = rest[0] === "--show" ? Number(rest[1]) : 3;
if (!home || !out) {
  process.stderr.write("usage: node compare_silver.mjs MEDALLION_HOME PEER_OUT_DIR [--show N]\n");
  process.exit(2);
}

const canon = (v) => {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v ? "true" : "false";
  const s = String(v);
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/.test(s)) return s.replace(" ", "T");
  if (s === "True" || s === "False") return s.toLowerCase();
  return s;
};
const rowKey = (r, cols) => JSON.stringify(cols.map((c) => canon(r[c])));

const q = (s) => `'${s.replace(/'/g, "''")}'`;
const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
const con = await instance.connect();

async function peerRows(table) {
  const pq = `${out}/silver/${table}.parquet`, csv = `${out}/silver/${table}.csv`;
  if (existsSync(pq)) {
    const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${q(pq)})`)).getRowObjects();
    const sel = desc.map(({ column_name: n, column_type: t }) => {
      const id = `"${n}"`;
      if (t.startsWith("TIMESTAMP")) return `strftime(${id}, '%Y-%m-%dT%H:%M:%S.%f') AS ${id}`;
      if (t === "DATE") return `strftime(${id}, '%Y-%m-%d') AS ${id}`;
      return `CAST(${id} AS VARCHAR) AS ${id}`;
    });
    return (await con.runAndReadAll(`SELECT ${sel.join(", ")} FROM read_parquet(${q(pq)})`)).getRowObjects();
  }
  if (existsSync(csv)) return (await con.runAndReadAll(`SELECT * FROM read_csv(${q(csv)}, all_varchar = true, header = true)`)).getRowObjects();
  return null;
}

let differ = false;
for (const table of ALL) {
  const ours = execFileSync(process.execPath, [oracle, `${home}/silver/${table}`], { maxBuffer: 1 << 30, encoding: "utf8" })
    .split("\n").filter((l) => l).map((l) => JSON.parse(l));
  const theirs = await peerRows(table);
  if (theirs === null) {
    console.log(JSON.stringify({ table, equal: false, missing: true }));
    differ = true;
    continue;
  }
  const cols = Object.keys(ours[0] ?? theirs[0] ?? {}).filter((c) => !c.startsWith("_"));
  const theirCols = Object.keys(theirs[0] ?? {}).filter((c) => !c.startsWith("_"));
  if (theirs.length && ours.length && JSON.stringify(cols) !== JSON.stringify(theirCols)) {
    console.log(JSON.stringify({ table, equal: false, ours_columns: cols, theirs_columns: theirCols }));
    differ = true;
    continue;
  }
  const count = new Map();
  for (const r of ours) { const k = rowKey(r, cols); count.set(k, (count.get(k) ?? 0) + 1); }
  for (const r of theirs) { const k = rowKey(r, cols); count.set(k, (count.get(k) ?? 0) - 1); }
  const diffs = [...count].filter(([, n]) => n !== 0);
  console.log(JSON.stringify({ table, equal: diffs.length === 0, ours_rows: ours.length, theirs_rows: theirs.length }));
  if (diffs.length) {
    differ = true;
    for (const [k, n] of diffs.slice(0, show)) process.stderr.write(`  ${n > 0 ? "only ours  " : "only theirs"} ${k}\n`);
  }
}
process.exit(differ ? 1 : 0);
