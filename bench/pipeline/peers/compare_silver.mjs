// compare_silver.mjs — a developer check for the peers: is a peer's silver
// (every silver table and every rejects table) the same multiset of rows as
// Medallion's, over the columns not starting with '_'? The harness compares gold
// only (compare_gold.mjs); a silver difference explains a gold difference early.
//
//   node compare_silver.mjs MEDALLION_HOME PEER_OUT_DIR [--show N]
//
// Medallion's side is read with the Delta oracle (delta-oracle.mjs next to this
// script or one folder up, copied from shared/tools/delta-oracle) into a JSON
// lines file; the peer's side is PEER_OUT_DIR/silver/<table>.parquet, or .csv
// (the pandas peer's format). DuckDB loads both as text in one canonical form
// (timestamps with a 'T' and six digits, booleans lower case, decimals with
// their scale, empty text = null) and compares them with EXCEPT ALL both ways,
// so a million-row table stays cheap. Exit 0 when all tables are equal.
import { DuckDBInstance } from "@duckdb/node-api";
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const TABLES = ["tariff_codes", "pmb_conditions", "billing", "patients", "geriatric_assessments", "patient_plans", "bill_payments"];
const ALL = TABLES.flatMap((t) => (t.endsWith("codes") || t.endsWith("conditions") ? [t] : [t, `${t}_rejects`]));
const oracle = ["./delta-oracle.mjs", "../delta-oracle.mjs"]
  .map((p) => fileURLToPath(new URL(p, import.meta.url)))
  .find((p) => existsSync(p));
const [home, out, ...rest] = process.argv.slice(2);
const show = rest[0] === "--show" ? Number(rest[1]) : 3;
if (!home || !out || !oracle) {
  process.stderr.write("usage: node compare_silver.mjs MEDALLION_HOME PEER_OUT_DIR [--show N] (delta-oracle.mjs next to it)\n");
  process.exit(2);
}

const q = (s) => `'${s.replace(/'/g, "''")}'`;
const id = (c) => `"${c.replace(/"/g, '""')}"`;
const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
const con = await instance.connect();
const tmp = mkdtempSync(join(tmpdir(), "compare-silver-"));

// One text form for both sides.
const canon = (e) => `CASE WHEN lower(${e}) IN ('true', 'false') THEN lower(${e})
  WHEN regexp_matches(${e}, '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{6}$') THEN replace(${e}, ' ', 'T')
  ELSE nullif(${e}, '') END`;

async function columnsOf(from) {
  return (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjects();
}

async function loadPeer(table, name) {
  const pq = `${out}/silver/${table}.parquet`, csv = `${out}/silver/${table}.csv`;
  if (existsSync(pq)) {
    const from = `read_parquet(${q(pq)})`;
    const sel = (await columnsOf(from)).map(({ column_name: n, column_type: t }) => {
      if (t.startsWith("TIMESTAMP")) return `strftime(${id(n)}, '%Y-%m-%dT%H:%M:%S.%f') AS ${id(n)}`;
      if (t === "DATE") return `strftime(${id(n)}, '%Y-%m-%d') AS ${id(n)}`;
      return `${canon(`CAST(${id(n)} AS VARCHAR)`)} AS ${id(n)}`;
    });
    await con.run(`CREATE OR REPLACE TABLE ${name} AS SELECT ${sel.join(", ")} FROM ${from}`);
    return true;
  }
  if (existsSync(csv)) {
    const from = `read_csv(${q(csv)}, all_varchar = true, header = true)`;
    const sel = (await columnsOf(from)).map(({ column_name: n }) => `${canon(id(n))} AS ${id(n)}`);
    await con.run(`CREATE OR REPLACE TABLE ${name} AS SELECT ${sel.join(", ")} FROM ${from}`);
    return true;
  }
  return false;
}

async function loadOurs(table, name) {
  const file = join(tmp, `${table}.jsonl`);
  const meta = JSON.parse(execFileSync(process.execPath, [oracle, `${home}/silver/${table}`, "--meta"], { encoding: "utf8" }));
  const fields = JSON.parse(meta.metaData.schemaString).fields.map((f) => f.name);
  const fd = openSync(file, "w");
  try {
    execFileSync(process.execPath, [oracle, `${home}/silver/${table}`], { stdio: ["ignore", fd, "inherit"] });
  } finally {
    closeSync(fd);
  }
  const columns = fields.map((f) => `${q(f)}: 'VARCHAR'`).join(", ");
  const sel = fields.map((f) => `${canon(id(f))} AS ${id(f)}`);
  await con.run(`CREATE OR REPLACE TABLE ${name} AS SELECT ${sel.join(", ")}
    FROM read_json(${q(file)}, format = 'newline_delimited', columns = {${columns}})`);
  return fields;
}

let differ = false;
try {
  for (const table of ALL) {
    const fields = (await loadOurs(table, "ours")).filter((c) => !c.startsWith("_"));
    if (!(await loadPeer(table, "theirs"))) {
      console.log(JSON.stringify({ table, equal: false, missing: true }));
      differ = true;
      continue;
    }
    const theirFields = (await columnsOf("theirs")).map((d) => d.column_name).filter((c) => !c.startsWith("_"));
    if (JSON.stringify(fields) !== JSON.stringify(theirFields)) {
      console.log(JSON.stringify({ table, equal: false, ours_columns: fields, theirs_columns: theirFields }));
      differ = true;
      continue;
    }
    const cols = fields.map(id).join(", ");
    const count = async (sql) => Number((await con.runAndReadAll(sql)).getRows()[0][0]);
    const onlyOurs = `SELECT ${cols} FROM ours EXCEPT ALL SELECT ${cols} FROM theirs`;
    const onlyTheirs = `SELECT ${cols} FROM theirs EXCEPT ALL SELECT ${cols} FROM ours`;
    const a = await count(`SELECT count(*) FROM (${onlyOurs})`), b = await count(`SELECT count(*) FROM (${onlyTheirs})`);
    const rows = async (t) => count(`SELECT count(*) FROM ${t}`);
    console.log(JSON.stringify({ table, equal: a === 0 && b === 0, ours_rows: await rows("ours"), theirs_rows: await rows("theirs"),
      only_ours: a, only_theirs: b }));
    if (a || b) {
      differ = true;
      for (const [label, sql] of [["only ours  ", onlyOurs], ["only theirs", onlyTheirs]]) {
        for (const r of (await con.runAndReadAll(`${sql} LIMIT ${show}`)).getRowObjects()) {
          process.stderr.write(`  ${label} ${JSON.stringify(r)}\n`);
        }
      }
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(differ ? 1 : 0);
