// nested_duckdb.mjs — DuckDB as a writer of nested Parquet files for
// test_nested_foreign.c (our reader must read them as the oracle does).
//
//   node nested_duckdb.mjs DIR   -> DIR/duckdb_nested.parquet
//
// Run from a folder whose node_modules holds @duckdb/node-api (the oracle's).
import { DuckDBInstance } from "@duckdb/node-api";

const dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: node nested_duckdb.mjs DIR\n");
  process.exit(2);
}

// Null lists vs empty lists vs lists of nulls, null structs vs structs of
// nulls, empty and null maps, and combinations down to depth 4.
const select = `
SELECT
  i::BIGINT AS id,
  CASE WHEN i % 5 = 0 THEN NULL WHEN i % 7 = 0 THEN []::INTEGER[] WHEN i % 3 = 0 THEN [NULL, i]::INTEGER[]
       ELSE [i, -i, i * 3]::INTEGER[] END AS l,
  CASE WHEN i % 4 = 1 THEN NULL
       ELSE {'a': CASE WHEN i % 6 = 0 THEN NULL ELSE i END, 'b': CASE WHEN i % 4 = 2 THEN NULL ELSE 't' || (i % 50) END,
             'c': CASE WHEN i % 8 = 0 THEN NULL ELSE (i % 400) / 4 END} END AS st,
  CASE WHEN i % 9 = 0 THEN NULL WHEN i % 3 = 0 THEN MAP([]::VARCHAR[], []::BIGINT[])
       ELSE MAP(['k' || i, 'z'], [i, NULL]::BIGINT[]) END AS m,
  CASE WHEN i % 10 = 0 THEN NULL
       ELSE [[i], NULL, []::BIGINT[], [NULL, i + 1]][1:1 + (i % 4)] END AS lol,
  CASE WHEN i % 11 = 0 THEN NULL
       ELSE [{'x': i % 2 = 0, 'tags': CASE WHEN i % 3 = 0 THEN NULL ELSE ['u', 'v'][1:i % 3] END}, NULL] END AS los,
  {'inner': CASE WHEN i % 6 = 3 THEN NULL
                 ELSE {'deep': [MAP([i % 5], [CASE WHEN i % 2 = 0 THEN NULL ELSE [{'z': i}] END])]} END,
   'flag': i % 2 = 1} AS depth4
FROM range(0, 3000) t(i)`;

const inst = await DuckDBInstance.create(":memory:", { threads: "1" });
const con = await inst.connect();
await con.run("SET preserve_insertion_order = true");
await con.run(
  `COPY (${select}) TO '${dir}/duckdb_nested.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000)`,
);
