// check_duckdb.mjs — compare one file as read by the DuckDB oracle with our reading.
//
//   node check_duckdb.mjs NAME ORACLE.jsonl OURS.jsonl ORACLE_META.json
//
// 1. Rows: the oracle's canonical JSON lines must equal ours, line by line, as
//    JSON values (the conformance README's rule).
// 2. Metadata: the row counts the oracle sees must add up to our rows, and the
//    statistics our writer put in each column chunk, as DuckDB decodes them, must
//    be consistent with the data: null_count exact, min <= every value <= max, and
//    for numbers, dates and times min/max equal to the real extremes (strings may
//    be truncated bounds).
// Prints "NAME: ok (...)" or the differences; exit 1 on any.
import fs from 'node:fs';
import { parseJsonLines, jsonEqual, show, kindOfMetaLeaf, typedValue, compareTyped } from './json_values.mjs';

const [name, oraclePath, oursPath, metaPath] = process.argv.slice(2);
const problems = [];
const problem = (s) => { if (problems.length < 20) problems.push(s); };

const oracle = parseJsonLines(fs.readFileSync(oraclePath, 'utf8'));
const ours = parseJsonLines(fs.readFileSync(oursPath, 'utf8'));
if (oracle.length !== ours.length) problem(`row count: oracle ${oracle.length}, ours ${ours.length}`);
for (let r = 0; r < Math.min(oracle.length, ours.length); r++) {
  if (!jsonEqual(oracle[r], ours[r])) {
    const keys = Object.keys(oracle[r]);
    const col = keys.find((k) => !jsonEqual(oracle[r][k], ours[r]?.[k]));
    problem(col === undefined
      ? `row ${r}: columns differ: oracle ${show(Object.keys(oracle[r]))}, ours ${show(Object.keys(ours[r]))}`
      : `row ${r}: column ${col}: oracle ${show(oracle[r][col])}, ours ${show(ours[r][col])}`);
  }
}

const meta = JSON.parse(fs.readFileSync(metaPath, 'utf8'));
if (Number(meta.num_rows) !== ours.length) problem(`footer num_rows ${meta.num_rows}, rows read ${ours.length}`);
const rgRows = meta.row_groups.reduce((s, g) => s + Number(g.num_rows), 0);
if (rgRows !== ours.length) problem(`row groups hold ${rgRows} rows, rows read ${ours.length}`);
// Flat files only: schema[0] is the root, each leaf a top-level column.
const leaves = new Map(meta.schema.slice(1).filter((s) => !s.num_children).map((s) => [s.name, s]));
let checkedStats = 0, absentStats = 0;
let first = 0;
for (const group of meta.row_groups) {
  const n = Number(group.num_rows);
  const rows = ours.slice(first, first + n);
  first += n;
  for (const chunk of group.columns) {
    const leaf = leaves.get(chunk.path);
    if (!leaf || chunk.path.includes(',')) continue;
    const where = `row group ${group.row_group}: column ${chunk.path}`;
    const values = rows.map((row) => row[chunk.path]);
    const nulls = values.filter((v) => v === null).length;
    if (chunk.null_count !== null && Number(chunk.null_count) !== nulls)
      problem(`${where}: statistics null_count ${chunk.null_count}, data has ${nulls} nulls`);
    if (Number(chunk.num_values) !== n) problem(`${where}: num_values ${chunk.num_values}, row group has ${n} rows`);
    const kind = kindOfMetaLeaf(leaf);
    if (chunk.min === null || chunk.max === null) { absentStats++; continue; }
    let typed;
    let lo, hi;
    try {
      typed = values.map((v) => typedValue(kind, v, leaf.scale ?? 0, false)).filter((v) => v !== null && !Number.isNaN(v));
      lo = typedValue(kind, chunk.min, leaf.scale ?? 0, true);
      hi = typedValue(kind, chunk.max, leaf.scale ?? 0, true);
      // DuckDB prints FLOAT statistics as the shortest float32 text: round back to float32.
      if (leaf.physical_type === 'FLOAT') { lo = Math.fround(lo); hi = Math.fround(hi); }
    } catch (e) {
      problem(`${where}: cannot interpret statistics min ${show(chunk.min)} / max ${show(chunk.max)}: ${e.message}`);
      continue;
    }
    if (lo === undefined || typed.length === 0) continue;
    checkedStats++;
    let min = typed[0], max = typed[0];
    for (const v of typed) {
      if (compareTyped(v, min) < 0) min = v;
      if (compareTyped(v, max) > 0) max = v;
    }
    // -0.0 and 0.0 are equal here, as the spec allows either as a zero bound.
    const exact = !['string', 'binary'].includes(kind);
    if (compareTyped(lo, min) > 0 || (exact && compareTyped(lo, min) !== 0))
      problem(`${where}: statistics min ${show(chunk.min)}, smallest value ${String(min)}`);
    if (compareTyped(hi, max) < 0 || (exact && compareTyped(hi, max) !== 0))
      problem(`${where}: statistics max ${show(chunk.max)}, largest value ${String(max)}`);
  }
}

if (problems.length) {
  console.log(`${name}: FAILED`);
  for (const p of problems) console.log(`  ${p}`);
  process.exit(1);
}
console.log(`${name}: ok (${ours.length} rows, ${meta.row_groups.length} row groups, ${checkedStats} chunk statistics checked, ${absentStats} absent)`);
