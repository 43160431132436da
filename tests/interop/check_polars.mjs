// check_polars.mjs — read files we wrote with Polars (nodejs-polars, a second
// independent Parquet reader, Rust-based) and compare with our own reading.
//
//   node check_polars.mjs POLARS_PACKAGE_DIR DIR
//
// DIR/files.txt lists NAMEs; DIR/NAME.parquet is the file, DIR/NAME.ours.jsonl
// our canonical JSON lines. Per file: the row count and column names must match,
// and every value of every column Polars can hand to JavaScript must be equal.
// Polars prints values its own way, so both sides are normalised by the column's
// Polars type (exact integers via a string cast, decimals as scaled integers,
// timestamps to nanosecond text, and the UTC flag checked separately). Columns
// nodejs-polars cannot convert (nested) are counted, not failed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Num, parseJsonLines, show, decimalUnits, timeNanos, timestampKey, timestampIsUtc } from './json_values.mjs';

const [pkgDir, dir] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(pkgDir), 'package.json'));
const pl = require('nodejs-polars');

// nodejs-polars cannot name some types in JavaScript (Binary, Float16): those
// are told apart by our own values (numbers or hex strings).
function polarsKind(column, ours) {
  let text;
  try { text = String(column.dtype); } catch {
    return { kind: ours.some((v) => v instanceof Num) ? 'float' : 'binary' };
  }
  const m = /^DataType\((\w+)(?:\((.*)\))?\)$/.exec(text) || [null, text, ''];
  const [, variant, params] = m;
  if (/^U?Int\d+$/.test(variant)) return { kind: 'int' };
  if (/^Float\d+$/.test(variant)) return { kind: 'float' };
  if (variant === 'Bool') return { kind: 'bool' };
  if (variant === 'Decimal') return { kind: 'decimal', scale: Number(params.split(',')[1]) };
  if (variant === 'Date') return { kind: 'date' };
  if (variant === 'Time') return { kind: 'time' };
  if (variant === 'Datetime') return { kind: 'timestamp', utc: /UTC|\+00:00/.test(params.split(',').slice(1).join(',')) };
  if (variant === 'String' || variant === 'Utf8') return { kind: 'string' };
  if (variant === 'Binary') return { kind: 'binary' };
  return { kind: 'other', text };
}

const sameFloat = (a, b) => (Number.isNaN(a) && Number.isNaN(b)) || a === b;
const oursFloat = (v) => (typeof v === 'string' ? Number(v) : v.number());

// Returns [ours-normalised, polars-normalised] comparison per value, or a skip note.
function compareColumn(df, name, ours, info, problem) {
  const { kind } = info;
  const col = (expr) => df.select(expr.alias(name)).getColumn(name).toArray();
  let theirs;
  let norm;   // (ours value, polars value) -> [a, b] comparable by ===
  switch (kind) {
    case 'int':
      theirs = col(pl.col(name).cast(pl.Utf8));
      norm = (o, p) => [o.bigint(), BigInt(p)];
      break;
    case 'float':
      theirs = col(pl.col(name).cast(pl.Float64));
      norm = (o, p) => (sameFloat(oursFloat(o), p) ? [1, 1] : [oursFloat(o), p]);
      break;
    case 'bool':
      theirs = col(pl.col(name));
      norm = (o, p) => [o, p];
      break;
    case 'decimal':
      theirs = col(pl.col(name).cast(pl.Utf8));
      norm = (o, p) => [decimalUnits(o, info.scale), decimalUnits(p, info.scale)];
      break;
    case 'date':
      theirs = col(pl.col(name).cast(pl.Utf8));
      norm = (o, p) => [o, p];
      break;
    case 'time': // the raw values are "HH:MM:SS.ffffff" text; a String cast drops the fraction
      theirs = col(pl.col(name));
      norm = (o, p) => [timeNanos(o), timeNanos(p)];
      break;
    case 'timestamp':
      theirs = col(pl.col(name).cast(pl.Utf8));
      norm = (o, p) => {
        if (timestampIsUtc(o) !== info.utc) return [`UTC flag ${timestampIsUtc(o)}`, `UTC flag ${info.utc}`];
        return [timestampKey(o), timestampKey(p.replace(/\+00:00$/, ''))];
      };
      break;
    case 'string':
      theirs = col(pl.col(name));
      norm = (o, p) => [o, p];
      break;
    case 'binary':
      // nodejs-polars cannot hand Binary to JavaScript, but a cast to a list of
      // bytes gives the exact bytes back.
      try { theirs = col(pl.col(name).cast(pl.List(pl.UInt8))); } catch (e) { return `binary column not convertible: ${e.message}`; }
      norm = (o, p) => [o, Buffer.from(p).toString('hex')];
      break;
    default:
      return `type ${info.text} not compared`;
  }
  for (let r = 0; r < ours.length; r++) {
    const o = ours[r], p = theirs[r];
    if (p === undefined) continue;
    if ((o === null) !== (p === null)) { problem(`row ${r}: column ${name}: ours ${show(o)}, polars ${String(p)}`); continue; }
    if (o === null) continue;
    let a, b;
    try { [a, b] = norm(o, p); } catch (e) { problem(`row ${r}: column ${name}: ${e.message}`); continue; }
    if (a !== b) problem(`row ${r}: column ${name}: ours ${show(o)}, polars ${String(p)}`);
  }
  return null;
}

let failed = 0;
const names = fs.readFileSync(path.join(dir, 'files.txt'), 'utf8').split('\n').filter(Boolean);
for (const name of names) {
  const problems = [];
  const problem = (s) => { if (problems.length < 10) problems.push(s); };
  const notes = [];
  const ours = parseJsonLines(fs.readFileSync(path.join(dir, `${name}.ours.jsonl`), 'utf8'));
  let df;
  try {
    df = pl.readParquet(path.join(dir, `${name}.parquet`));
  } catch (e) {
    problem(`polars cannot read the file: ${e.message}`);
  }
  if (df) {
    if (df.height !== ours.length) problem(`row count: polars ${df.height}, ours ${ours.length}`);
    const oursNames = ours.length ? Object.keys(ours[0]) : df.columns;
    if (show(oursNames) !== show(df.columns)) problem(`columns: polars ${show(df.columns)}, ours ${show(oursNames)}`);
    if (df.height === ours.length) {
      for (const c of df.columns) {
        const values = ours.map((row) => row[c]);
        const note = compareColumn(df, c, values, polarsKind(df.getColumn(c), values), problem);
        if (note) notes.push(`${c}: ${note}`);
      }
    }
  }
  if (problems.length) {
    failed++;
    console.log(`${name}: FAILED`);
    for (const p of problems) console.log(`  ${p}`);
  } else {
    console.log(`${name}: ok (${ours.length} rows${notes.length ? '; ' + notes.join('; ') : ''})`);
  }
}
console.log(`polars: ${names.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
