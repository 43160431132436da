// duckdb_nested_bench.mjs — the DuckDB side of bench/parquet_nested, one phase
// per process (as duckdb_bench.mjs).
//
//   node duckdb_nested_bench.mjs write FILE ROWS THREADS ROW_GROUP_ROWS
//   node duckdb_nested_bench.mjs read FILE THREADS
//
// Same table as parquet_nested_bench.c (same formulas): id, l list<int64>,
// s struct<a int64, b double, c varchar>. read times one aggregate query that
// decodes every list element and struct field. Prints one JSON object.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const TABLE_SQL = (rows) => `
  WITH src AS (SELECT i, (i * 2654435761) % 4294967296 AS h FROM range(${rows}) t(i))
  SELECT
    i AS id,
    CASE WHEN (i * 7 + 1) % 100 = 0 THEN NULL
         ELSE list_transform(range((h % 5)::BIGINT), k -> ((h + 31 * k) % 100000 - 50000)::BIGINT) END AS l,
    CASE WHEN (i * 7 + 2) % 100 = 0 THEN NULL
         ELSE {'a': (h % 1000)::BIGINT, 'b': h::DOUBLE / 1000, 'c': 'v_' || (h % 64)::VARCHAR} END AS s
  FROM src`;

const READ_SQL = (file) => `
  SELECT count(*)::BIGINT AS rows, count(l)::BIGINT AS lists, sum(len(l))::BIGINT AS elements,
         sum(list_sum(l))::BIGINT AS sum_elements, count(s)::BIGINT AS structs, sum(s.a)::BIGINT AS sum_a,
         sum(length(s.c))::BIGINT AS c_bytes, sum(s.b) AS sum_b
  FROM read_parquet('${file.replace(/'/g, "''")}')`;

const now = () => Number(process.hrtime.bigint()) / 1e9;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

async function main() {
  const [phase, file, ...rest] = process.argv.slice(2);
  const threads = phase === 'write' ? rest[1] : rest[0];
  const inst = await DuckDBInstance.create(':memory:', { threads: String(threads || 1) });
  const con = await inst.connect();
  let result;
  if (phase === 'write') {
    const rows = Number(rest[0]);
    const g0 = now();
    await con.run(`CREATE TABLE bench AS ${TABLE_SQL(rows)}`);
    const g1 = now();
    fs.rmSync(file, { force: true });
    const c0 = cpu();
    const t0 = now();
    await con.run(`COPY bench TO '${file.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${Number(rest[2] || 1048576)})`);
    const t1 = now();
    result = { engine: 'duckdb', phase, rows, seconds: t1 - t0, cpu_seconds: cpu() - c0, generate_seconds: g1 - g0, bytes: fs.statSync(file).size };
  } else if (phase === 'read') {
    const c0 = cpu();
    const t0 = now();
    const reader = await con.runAndReadAll(READ_SQL(file));
    const t1 = now();
    const row = reader.getRowObjects()[0];
    const checksum = Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'sum_b').map(([k, v]) => [k, String(v)]));
    result = { engine: 'duckdb', phase, rows: Number(row.rows), seconds: t1 - t0, cpu_seconds: cpu() - c0, bytes: fs.statSync(file).size, checksum };
  } else {
    process.stderr.write('usage: node duckdb_nested_bench.mjs write FILE ROWS THREADS ROW_GROUP_ROWS | read FILE THREADS\n');
    process.exit(2);
  }
  result.threads = Number(threads || 1);
  result.max_rss_kb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(`duckdb_nested_bench: error: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
