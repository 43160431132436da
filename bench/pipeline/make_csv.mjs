// make_csv.mjs — the CSV copies of a generated source folder for the pandas
// peer (no Parquet engine for pandas is packaged in Debian), in the exact format
// of bench/pipeline/README.md: header, every string quoted, null = empty
// unquoted field, decimals as plain text, ISO dates, timestamps with six digits.
//
//   node make_csv.mjs SRC_DIR CSV_DIR
import { DuckDBInstance } from "@duckdb/node-api";
import { mkdirSync, readdirSync, renameSync } from "node:fs";

const [src, dst] = process.argv.slice(2);
if (!src || !dst) {
  process.stderr.write("usage: node make_csv.mjs SRC_DIR CSV_DIR\n");
  process.exit(2);
}
const q = (s) => `'${s.replace(/'/g, "''")}'`;
mkdirSync(dst, { recursive: true });
const instance = await DuckDBInstance.create(":memory:");
const con = await instance.connect();
for (const file of readdirSync(src).filter((f) => f.endsWith(".parquet")).sort()) {
  const table = file.slice(0, -".parquet".length);
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${q(`${src}/${file}`)})`)).getRowObjects();
  const strings = desc.filter((d) => d.column_type === "VARCHAR").map((d) => `"${d.column_name}"`);
  const options = ["FORMAT csv", "HEADER true", "DELIMITER ','", "QUOTE '\"'", "ESCAPE '\"'", "NULLSTR ''",
    "DATEFORMAT '%Y-%m-%d'", "TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S.%f'"];
  if (strings.length) options.push(`FORCE_QUOTE (${strings.join(", ")})`);
  const tmp = `${dst}/${table}.csv.tmp`;
  await con.run(`COPY (SELECT * FROM read_parquet(${q(`${src}/${file}`)})) TO ${q(tmp)} (${options.join(", ")})`);
  renameSync(tmp, `${dst}/${table}.csv`);
}
