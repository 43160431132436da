// duckdb_bench.mjs — the DuckDB side of bench/parquet, one phase per process so
// that the peak RSS reported is that phase's own.
//
//   node duckdb_bench.mjs write FILE ROWS THREADS ROW_GROUP_ROWS
//   node duckdb_bench.mjs read FILE THREADS
//   node duckdb_bench.mjs write-nested FILE ROWS THREADS ROW_GROUP_ROWS
//   node duckdb_bench.mjs read-nested FILE THREADS
//
// write: builds the same table as parquet_bench.c (same formulas, row by row) as
//        an in-memory DuckDB table (not timed), then times COPY ... TO FILE
//        (FORMAT parquet, COMPRESSION snappy, same row group size as ours).
// read:  times one query that decodes every column of every row group:
//        sums/counts over all ten columns (string lengths, so strings are read).
// Prints one JSON object: phase, seconds, rows, bytes, max_rss_kb, checksum.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

// Keep in step with bench/parquet_bench.c: value formulas and null placement.
export const TABLE_SQL = (rows) => `
  WITH src AS (
    SELECT i, (i * 2654435761) % 4294967296 AS h FROM range(${rows}) t(i)
  )
  SELECT
    i AS id,
    CASE WHEN (i * 7 + 1) % 100 = 0 THEN NULL ELSE (h % 1000 - 500)::INTEGER END AS qty,
    CASE WHEN (i * 7 + 2) % 100 = 0 THEN NULL ELSE ((h % 10000000)::DECIMAL(12,0) / 100)::DECIMAL(12,2) END AS amount,
    CASE WHEN (i * 7 + 3) % 100 = 0 THEN NULL ELSE DATE '2020-01-01' + (i % 2000)::INTEGER END AS day,
    CASE WHEN (i * 7 + 4) % 100 = 0 THEN NULL ELSE make_timestamp(1577836800000000 + i * 1000003) END AS ts,
    CASE WHEN (i * 7 + 5) % 100 = 0 THEN NULL ELSE h::DOUBLE / 1000 END AS price,
    CASE WHEN (i * 7 + 6) % 100 = 0 THEN NULL ELSE 'category_' || (h % 16)::VARCHAR END AS category,
    CASE WHEN (i * 7 + 7) % 100 = 0 THEN NULL ELSE 'customer_' || h::VARCHAR END AS name,
    CASE WHEN (i * 7 + 8) % 100 = 0 THEN NULL ELSE h % 3 = 0 END AS flag,
    CASE WHEN (i * 7 + 9) % 100 = 0 THEN NULL ELSE (h % 100000)::BIGINT END AS ref
  FROM src`;

const READ_SQL = (file) => `
  SELECT count(*)::BIGINT AS rows, sum(id)::BIGINT AS sum_id, sum(qty)::BIGINT AS sum_qty,
         sum(amount) AS sum_amount, count(day) AS days, count(ts) AS tss, sum(price) AS sum_price,
         sum(length(category))::BIGINT AS category_bytes, sum(length(name))::BIGINT AS name_bytes,
         count_if(flag) AS flags, sum(ref)::BIGINT AS sum_ref
  FROM read_parquet('${file.replace(/'/g, "''")}')`;

// The nested case (issue 4): list<int64> of 0-4 items (10% null lists) and a
// struct of three fields. Keep in step with fold_nested in parquet_bench.c.
const NESTED_SQL = (rows) => `
  SELECT i AS id,
    CASE WHEN i % 10 = 0 THEN NULL ELSE list_transform(range(i % 5), x -> i + x) END AS l,
    {'a': i * 3, 'b': (i % 1000)::DOUBLE / 8, 'c': 'v' || (i % 100)::VARCHAR} AS s
  FROM range(${rows}) t(i)`;

const NESTED_READ_SQL = (file) => `
  SELECT count(*)::BIGINT AS rows, sum(len(l))::BIGINT AS list_values, sum(list_sum(l))::BIGINT AS sum_list,
         sum(s.a)::BIGINT AS sum_a, sum(s.b) AS sum_b, sum(length(s.c))::BIGINT AS c_bytes
  FROM read_parquet('${file.replace(/'/g, "''")}')`;

const sqlStr = (s) => `'${s.replace(/'/g, "''")}'`;
const now = () => Number(process.hrtime.bigint()) / 1e9;
// CPU time of the whole process, DuckDB's threads included.
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

async function main() {
  const [phase, file, ...rest] = process.argv.slice(2);
  const threads = phase.startsWith('write') ? rest[1] : rest[0];
  const inst = await DuckDBInstance.create(':memory:', { threads: String(threads || 1) });
  const con = await inst.connect();
  let result;
  if (phase === 'write') {
    const rows = Number(rest[0]);
    const rowGroupRows = Number(rest[2] || 1048576);
    const g0 = now();
    await con.run(`CREATE TABLE bench AS ${TABLE_SQL(rows)}`);
    const g1 = now();
    fs.rmSync(file, { force: true });
    const c0 = cpu();
    const t0 = now();
    await con.run(`COPY bench TO ${sqlStr(file)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroupRows})`);
    const t1 = now();
    const c1 = cpu();
    result = { engine: 'duckdb', phase, rows, seconds: t1 - t0, cpu_seconds: c1 - c0, generate_seconds: g1 - g0, bytes: fs.statSync(file).size };
  } else if (phase === 'read') {
    const c0 = cpu();
    const t0 = now();
    const reader = await con.runAndReadAll(READ_SQL(file));
    const t1 = now();
    const c1 = cpu();
    const row = reader.getRowObjects()[0];
    const checksum = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)]));
    result = { engine: 'duckdb', phase, rows: Number(row.rows), seconds: t1 - t0, cpu_seconds: c1 - c0, bytes: fs.statSync(file).size, checksum };
  } else if (phase === 'write-nested') {
    // Not timed: the nested file both readers read.
    const rows = Number(rest[0]);
    const rowGroupRows = Number(rest[2] || 1048576);
    fs.rmSync(file, { force: true });
    await con.run(`COPY (${NESTED_SQL(rows)}) TO ${sqlStr(file)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroupRows})`);
    result = { engine: 'duckdb', phase, rows, seconds: 0, cpu_seconds: 0, bytes: fs.statSync(file).size };
  } else if (phase === 'read-nested') {
    const c0 = cpu();
    const t0 = now();
    const reader = await con.runAndReadAll(NESTED_READ_SQL(file));
    const t1 = now();
    const c1 = cpu();
    const row = reader.getRowObjects()[0];
    const checksum = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)]));
    result = { engine: 'duckdb', phase: 'nested', rows: Number(row.rows), seconds: t1 - t0, cpu_seconds: c1 - c0, bytes: fs.statSync(file).size, checksum };
  } else {
    process.stderr.write('usage: node duckdb_bench.mjs write FILE ROWS THREADS ROW_GROUP_ROWS | read FILE THREADS | write-nested FILE ROWS THREADS ROW_GROUP_ROWS | read-nested FILE THREADS\n');
    process.exit(2);
  }
  result.threads = Number(threads || 1);
  result.max_rss_kb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(`duckdb_bench: error: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
