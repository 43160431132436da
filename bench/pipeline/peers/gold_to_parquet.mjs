// gold_to_parquet.mjs — turns the pandas peer's four gold CSV files into the
// Parquet files the harness compares (Debian's pandas has no Parquet engine).
// The column types are PIPELINE.md §4's, given explicitly so nothing is guessed.
//
//   node gold_to_parquet.mjs NODE_DIR GOLD_DIR
//
// NODE_DIR holds node_modules/@duckdb/node-api (the harness's install of
// bench/pipeline/node); it is passed in because this script runs in place, away
// from that folder.
import { createRequire } from "node:module";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [nodeDir, goldDir] = process.argv.slice(2);
if (!nodeDir || !goldDir) {
  process.stderr.write("usage: node gold_to_parquet.mjs NODE_DIR GOLD_DIR\n");
  process.exit(2);
}
const entry = createRequire(join(nodeDir, "package.json")).resolve("@duckdb/node-api");
const { DuckDBInstance } = await import(pathToFileURL(entry).href);

const DEC = "DECIMAL(18,2)";
const GOLD = {
  grouped_billing: { SOURCE: "VARCHAR", SERVICE_MONTH: "DATE", TARIFF_CATEGORY: "VARCHAR", LINE_COUNT: "BIGINT",
    BILL_COUNT: "BIGINT", PATIENT_COUNT: "BIGINT", TOTAL_AMOUNT: DEC, AVG_AMOUNT: "DOUBLE" },
  pmb_geriatric: { AGE_BAND: "VARCHAR", GENDER: "VARCHAR", FRAILTY_BAND: "VARCHAR", PATIENT_COUNT: "BIGINT",
    ASSESSED_COUNT: "BIGINT", AVG_MMSE: "DOUBLE", AVG_ADL: "DOUBLE", COGNITIVE_IMPAIRMENT_COUNT: "BIGINT", BILLED_12M: DEC },
  outstanding_balances: { SOURCE: "VARCHAR", MEDICAL_AID: "VARCHAR", AGING_BUCKET: "VARCHAR", BILL_COUNT: "BIGINT",
    OUTSTANDING_AMOUNT: DEC },
  monthly_revenue: { MONTH: "DATE", BILLED_AMOUNT: DEC, COLLECTED_AMOUNT: DEC, COLLECTION_RATE: "DOUBLE" },
};

const q = (s) => `'${s.replace(/'/g, "''")}'`;
const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
const con = await instance.connect();
for (const [table, types] of Object.entries(GOLD)) {
  const columns = Object.entries(types).map(([c, t]) => `${q(c)}: ${q(t)}`).join(", ");
  const csv = join(goldDir, `${table}.csv`), tmp = join(goldDir, `${table}.parquet.tmp`);
  await con.run(`COPY (SELECT * FROM read_csv(${q(csv)}, header = true, auto_detect = false, columns = {${columns}}))
    TO ${q(tmp)} (FORMAT parquet, COMPRESSION snappy)`);
  renameSync(tmp, join(goldDir, `${table}.parquet`));
}
