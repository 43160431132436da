// protocol_check.mjs — validate every action of a Delta table's JSON commits
// against PROTOCOL.md, independently of Medallion's own parser.
//
//   node protocol_check.mjs PARQUET_ORACLE_DIR TABLE_DIR
//
// Checks: each line is one JSON object with exactly one action; required
// fields and their types (protocol, metaData, add, remove, txn, commitInfo);
// versions dense from 0; the first commit has protocol and metaData; table
// features are consistent with the versions; add paths are relative,
// percent-encoded URIs naming existing files, whose directories match their
// partition values; partitionValues has every partition column; stats parse,
// and numRecords, nullCount, minValues and maxValues equal what the data file
// itself holds, read row by row with the independent parquet-oracle.
// Prints "ok N commits, M files" or the first problems; exit 1 on any problem.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [oracleDir, table] = process.argv.slice(2);
const problems = [];
const fail = (where, what) => problems.push(`${where}: ${what}`);
const isInt = (v) => Number.isInteger(v);
const isStr = (v) => typeof v === 'string';
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function need(where, obj, field, check, what) {
  if (!(field in obj)) return fail(where, `missing ${field}`);
  if (!check(obj[field])) fail(where, `${field} is not ${what}`);
}

function checkStringMap(where, m, allowNull) {
  if (!isObj(m)) return fail(where, 'not an object');
  for (const [k, v] of Object.entries(m)) if (!(isStr(v) || (allowNull && v === null))) fail(where, `${k} is not a string`);
}

// Percent-encoded relative URI path: only unreserved, sub-delims, '/', ':' '@' and %XX.
function decodePath(where, p) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(p) || p.startsWith('/')) fail(where, `path ${p} is not relative`);
  if (/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/.test(p)) fail(where, `path ${p} has unencoded characters`);
  try {
    return decodeURIComponent(p);
  } catch {
    fail(where, `path ${p} has a malformed escape`);
    return p;
  }
}

// Hive's escaping of partition directory names (FileUtils.escapePathName).
function hiveEscape(s) {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0);
    if (code < 0x20 || code === 0x7f || '"#%\'*/:=?\\{[]^'.includes(ch)) out += '%' + code.toString(16).toUpperCase().padStart(2, '0');
    else out += ch;
  }
  return out;
}

// The file's rows through the independent reader.
async function fileRows(file) {
  const { stdout } = await promisify(execFile)('node', [path.join(oracleDir, 'oracle.mjs'), file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return stdout.split('\n').filter((l) => l.length).map((l) => JSON.parse(l));
}

function compareValues(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (isStr(a) && isStr(b)) {
    if (/^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b)) return Number(a) - Number(b); // decimals
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  return NaN;
}

function sameValue(stat, data) {
  if (typeof stat === 'number' && isStr(data) && /^-?\d+(\.\d+)?$/.test(data)) return stat === Number(data); // decimal
  if (typeof stat === 'number' && typeof data === 'number') return stat === data || Math.abs(stat - data) <= 1e-6 * Math.abs(data);
  return stat === data;
}

async function checkStats(where, statsText, file, partitionColumns) {
  let stats;
  try {
    stats = JSON.parse(statsText);
  } catch (e) {
    return fail(where, `stats do not parse: ${e.message}`);
  }
  if (!isObj(stats)) return fail(where, 'stats is not an object');
  const rows = await fileRows(file);
  if (stats.numRecords !== rows.length) fail(where, `numRecords ${stats.numRecords}, the file has ${rows.length} rows`);
  for (const [col, n] of Object.entries(stats.nullCount ?? {})) {
    if (partitionColumns.includes(col)) fail(where, `nullCount for partition column ${col}`);
    const actual = rows.filter((r) => r[col] === null).length;
    if (n !== actual) fail(where, `nullCount.${col} ${n}, the file has ${actual}`);
  }
  for (const [key, pick] of [['minValues', -1], ['maxValues', 1]]) {
    for (const [col, v] of Object.entries(stats[key] ?? {})) {
      const values = rows.map((r) => r[col]).filter((x) => x !== null && x !== undefined);
      if (!values.length) {
        fail(where, `${key}.${col} for a column without values`);
        continue;
      }
      let best = values[0];
      for (const x of values) if (Math.sign(compareValues(x, best)) === pick) best = x;
      if (!sameValue(v, best)) fail(where, `${key}.${col} is ${JSON.stringify(v)}, the file's is ${JSON.stringify(best)}`);
    }
  }
}

const logDir = path.join(table, '_delta_log');
const commits = readdirSync(logDir).filter((f) => /^\d{20}\.json$/.test(f)).sort();
let partitionColumns = [];
let files = 0;
let protocolSeen = false;
const statsJobs = []; // checked after the log, a few oracle processes at a time
commits.forEach((name, index) => {
  const version = Number(name.slice(0, 20));
  if (version !== index) fail(name, `versions are not dense (expected ${index})`);
  const lines = readFileSync(path.join(logDir, name), 'utf8').split('\n').filter((l) => l.length);
  let commitInfos = 0;
  lines.forEach((line, i) => {
    const where = `${name}:${i + 1}`;
    let action;
    try {
      action = JSON.parse(line);
    } catch (e) {
      return fail(where, `not JSON: ${e.message}`);
    }
    const keys = Object.keys(action);
    if (keys.length !== 1) return fail(where, `${keys.length} actions on one line`);
    const kind = keys[0];
    const a = action[kind];
    if (!isObj(a)) return fail(where, `${kind} is not an object`);
    const w = `${where} ${kind}`;
    switch (kind) {
      case 'protocol':
        protocolSeen = true;
        need(w, a, 'minReaderVersion', isInt, 'an integer');
        need(w, a, 'minWriterVersion', isInt, 'an integer');
        if (a.minReaderVersion === 3 && !Array.isArray(a.readerFeatures)) fail(w, 'reader version 3 without readerFeatures');
        if (a.minWriterVersion === 7 && !Array.isArray(a.writerFeatures)) fail(w, 'writer version 7 without writerFeatures');
        if (a.minReaderVersion < 3 && 'readerFeatures' in a) fail(w, 'readerFeatures below reader version 3');
        for (const f of a.readerFeatures ?? []) if (!(a.writerFeatures ?? []).includes(f)) fail(w, `reader feature ${f} not among the writer features`);
        break;
      case 'metaData': {
        need(w, a, 'id', isStr, 'a string');
        need(w, a, 'format', (f) => isObj(f) && f.provider === 'parquet', 'a parquet format');
        need(w, a, 'schemaString', isStr, 'a string');
        need(w, a, 'partitionColumns', (p) => Array.isArray(p) && p.every(isStr), 'an array of strings');
        if ('configuration' in a) checkStringMap(`${w} configuration`, a.configuration, false);
        let schema;
        try {
          schema = JSON.parse(a.schemaString);
        } catch (e) {
          fail(w, `schemaString does not parse: ${e.message}`);
        }
        if (schema && (schema.type !== 'struct' || !Array.isArray(schema.fields))) fail(w, 'schema is not a struct');
        for (const f of schema?.fields ?? []) {
          if (!isStr(f.name) || !('type' in f) || typeof f.nullable !== 'boolean' || !isObj(f.metadata)) fail(w, `schema field ${JSON.stringify(f)} lacks name/type/nullable/metadata`);
        }
        for (const p of a.partitionColumns ?? []) if (!(schema?.fields ?? []).some((f) => f.name === p)) fail(w, `partition column ${p} not in the schema`);
        partitionColumns = a.partitionColumns ?? [];
        break;
      }
      case 'add': {
        need(w, a, 'path', isStr, 'a string');
        need(w, a, 'partitionValues', isObj, 'an object');
        need(w, a, 'size', isInt, 'an integer');
        need(w, a, 'modificationTime', isInt, 'an integer');
        need(w, a, 'dataChange', (v) => typeof v === 'boolean', 'a boolean');
        if (!isStr(a.path)) break;
        const decoded = decodePath(w, a.path);
        const full = path.join(table, decoded);
        checkStringMap(`${w} partitionValues`, a.partitionValues, true);
        for (const p of partitionColumns) {
          if (!(p in a.partitionValues)) fail(w, `partitionValues lacks ${p}`);
          const v = a.partitionValues[p];
          const dir = `${hiveEscape(p)}=${v === null || v === '' ? '__HIVE_DEFAULT_PARTITION__' : hiveEscape(v)}`;
          if (!decoded.split('/').includes(dir)) fail(w, `path ${decoded} is not under ${dir}`);
        }
        if (existsSync(full)) {
          files++;
          if ('stats' in a) {
            if (!isStr(a.stats)) fail(w, 'stats is not a string');
            else statsJobs.push([w, a.stats, full, [...partitionColumns]]);
          }
        } else if (index === commits.length - 1) {
          fail(w, `file ${decoded} does not exist`);
        }
        break;
      }
      case 'remove':
        need(w, a, 'path', isStr, 'a string');
        need(w, a, 'dataChange', (v) => typeof v === 'boolean', 'a boolean');
        if ('deletionTimestamp' in a && !isInt(a.deletionTimestamp)) fail(w, 'deletionTimestamp is not an integer');
        if ('partitionValues' in a) checkStringMap(`${w} partitionValues`, a.partitionValues, true);
        if (isStr(a.path)) decodePath(w, a.path);
        break;
      case 'txn':
        need(w, a, 'appId', isStr, 'a string');
        need(w, a, 'version', isInt, 'an integer');
        break;
      case 'commitInfo':
        commitInfos++;
        if (i !== 0) fail(w, 'commitInfo is not the first action');
        need(w, a, 'timestamp', isInt, 'an integer');
        need(w, a, 'operation', isStr, 'a string');
        break;
      default:
        fail(w, `unexpected action ${kind}`);
    }
  });
  if (commitInfos > 1) fail(name, 'more than one commitInfo');
  if (index === 0 && !protocolSeen) fail(name, 'the first commit has no protocol');
});
if (!commits.length) fail(table, 'no commits');
const workers = Array.from({ length: 3 }, async () => {
  for (let job; (job = statsJobs.shift());) await checkStats(...job);
});
await Promise.all(workers);
if (problems.length) {
  console.log(problems.slice(0, 20).join('\n'));
  process.exit(1);
}
console.log(`ok ${commits.length} commits, ${files} files`);
