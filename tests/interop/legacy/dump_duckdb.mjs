#!/usr/bin/env node
// dump_duckdb.mjs DB.duckdb — every table of a DuckDB file as DuckDB itself
// reads it: one JSON object per line, {"table", "types": {column: DuckDB type},
// "rows": [[value...]...]}, DOUBLE values as numbers, everything else as the
// text DuckDB casts it to (DECIMAL "1234.50", DATE "2026-06-01"), null as null.
// For tests/interop/test_legacy_outputs.sh.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
const con = await instance.connect();
const quote = (name) => '"' + name.replaceAll('"', '""') + '"';
const tables = (await (await con.run('SELECT table_name FROM information_schema.tables ORDER BY 1')).getRows()).map((r) => r[0]);
for (const table of tables) {
  const described = await (await con.run(`DESCRIBE ${quote(table)}`)).getRows();
  const types = Object.fromEntries(described.map((r) => [r[0], r[1]]));
  const select = described
    .map((r) => (r[1] === 'DOUBLE' ? quote(r[0]) : `CAST(${quote(r[0])} AS VARCHAR)`))
    .join(', ');
  const rows = (await (await con.run(`SELECT ${select} FROM ${quote(table)}`)).getRows()).map((row) =>
    row.map((v) => (v === null ? null : typeof v === 'number' ? v : String(v))),
  );
  process.stdout.write(JSON.stringify({ table, types, rows }) + '\n');
}
