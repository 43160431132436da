// json_values.mjs — JSON parsing and comparison for the interop tests, exact for
// big integers (values beyond 2^53 occur in Parquet files, and JSON.parse would
// round them), plus typed normalisation of values so that readers that print
// the same value differently (DuckDB statistics, Polars casts) can be compared.

// A JSON number keeps its text: integers compare exactly, others as doubles.
export class Num {
  constructor(text) { this.text = text; }
  get isInteger() { return !/[.eE]/.test(this.text); }
  bigint() { return BigInt(this.text); }
  number() { return Number(this.text); }
}

export function parseJson(text) {
  let i = 0;
  const fail = (what) => { throw new Error(`bad JSON at ${i}: ${what}: ${text.slice(i, i + 40)}`); };
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const o = {}; ws();
      if (text[i] === '}') { i++; return o; }
      for (;;) {
        ws(); if (text[i] !== '"') fail('key');
        const k = str(); ws(); if (text[i++] !== ':') fail(':');
        o[k] = value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return o; }
        fail('object');
      }
    }
    if (c === '[') {
      i++; const a = []; ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) {
        a.push(value()); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return a; }
        fail('array');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('value');
    i += m[0].length;
    return new Num(m[0]);
  };
  const str = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('string');
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const v = value(); ws();
  if (i !== text.length) fail('trailing');
  return v;
}

export function parseJsonLines(text) {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.map(parseJson);
}

// JSON value equality as the conformance README defines it.
export function jsonEqual(a, b) {
  if (a instanceof Num || b instanceof Num) {
    if (!(a instanceof Num && b instanceof Num)) return false;
    if (a.isInteger && b.isInteger) return a.bigint() === b.bigint();
    return a.number() === b.number();
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, k) => jsonEqual(x, b[k]));
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

export function show(v) {
  if (v instanceof Num) return v.text;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(show).join(',') + ']';
  return '{' + Object.keys(v).map((k) => JSON.stringify(k) + ':' + show(v[k])).join(',') + '}';
}

// ---------------------------------------------------------------- typed values
// kinds: int float bool decimal date time timestamp string binary other.
// Kind of a leaf from the oracle's --meta schema entry.
export function kindOfMetaLeaf(s) {
  const lt = s.logical_type || '';
  const ct = s.converted_type || '';
  if (/Decimal/i.test(lt) || ct === 'DECIMAL') return 'decimal';
  if (/Float16/i.test(lt)) return 'float';
  if (/TimestampType/.test(lt) || /^TIMESTAMP_/.test(ct) || s.physical_type === 'INT96') return 'timestamp';
  if (/TimeType/.test(lt) || /^TIME_/.test(ct)) return 'time';
  if (/DateType/.test(lt) || ct === 'DATE') return 'date';
  if (/StringType|EnumType|JsonType/.test(lt) || ['UTF8', 'ENUM', 'JSON'].includes(ct)) return 'string';
  switch (s.physical_type) {
    case 'BOOLEAN': return 'bool';
    case 'INT32': case 'INT64': return 'int';
    case 'FLOAT': case 'DOUBLE': return 'float';
    case 'BYTE_ARRAY': case 'FIXED_LEN_BYTE_ARRAY': return 'binary';
    default: return 'other';
  }
}

// Decimal text ("-12.5", "-12.50", "3") as a BigInt of units of 10^-scale.
export function decimalUnits(text, scale) {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(text).trim());
  if (!m) throw new Error(`not a decimal: ${text}`);
  let frac = m[3] || '';
  if (frac.length > scale) {
    if (/[^0]/.test(frac.slice(scale))) throw new Error(`decimal ${text} has more than ${scale} digits after the point`);
    frac = frac.slice(0, scale);
  }
  const units = BigInt((m[2] || '0') + frac.padEnd(scale, '0'));
  return m[1] ? -units : units;
}

// "HH:MM:SS[.f...]" -> nanoseconds since midnight (BigInt).
export function timeNanos(text) {
  const m = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) throw new Error(`not a time: ${text}`);
  return ((BigInt(m[1]) * 60n + BigInt(m[2])) * 60n + BigInt(m[3])) * 1000000000n + BigInt((m[4] || '').padEnd(9, '0'));
}

// Any of "2020-01-02T03:04:05.123456Z", "2020-01-02 03:04:05.123+00", "2020-01-02 03:04:05"
// -> "2020-01-02 03:04:05.123456000" (UTC markers dropped; compare them separately).
export function timestampKey(text) {
  const m = /^(-?\d{4,}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]00(?::?00)?)?$/.exec(text);
  if (!m) throw new Error(`not a timestamp: ${text}`);
  return `${m[1]} ${m[2]}.${(m[3] || '').padEnd(9, '0')}`;
}
export function timestampIsUtc(text) { return /(Z|[+-]00(:?00)?)$/.test(text); }

// Unsigned byte order of UTF-8 (Parquet's order for strings and binary).
export function compareBytes(a, b) { return Buffer.compare(a, b); }

// DuckDB renders binary statistics as text with \xNN escapes for other bytes.
export function duckBlobBytes(text) {
  const out = [];
  const src = Buffer.from(text, 'utf8');
  for (let k = 0; k < src.length; k++) {
    if (src[k] === 0x5c && src[k + 1] === 0x78 && k + 3 < src.length + 0) {
      const hex = src.slice(k + 2, k + 4).toString('latin1');
      if (/^[0-9a-fA-F]{2}$/.test(hex)) { out.push(parseInt(hex, 16)); k += 3; continue; }
    }
    out.push(src[k]);
  }
  return Buffer.from(out);
}

// A comparable form of one value of a kind, from our canonical JSON (v) or from a
// string another reader printed (fromText = true). Returns {key, cmp} pieces via
// the compare function below.
export function typedValue(kind, v, scale, fromText) {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'int': return fromText ? BigInt(v) : v.bigint();
    case 'float':
      if (typeof v === 'string' && fromText) return Number(v.replace(/^inf/i, 'Infinity').replace(/^-inf/i, '-Infinity'));
      if (typeof v === 'string') return Number(v); // "NaN", "Infinity", "-Infinity"
      return v.number();
    case 'bool': return fromText ? v === 'true' : v;
    case 'decimal': return decimalUnits(v, scale);
    case 'date': return v;
    case 'time': return timeNanos(v);
    case 'timestamp': return timestampKey(v);
    case 'string': return Buffer.from(v, 'utf8');
    case 'binary': return fromText ? duckBlobBytes(v) : Buffer.from(v, 'hex');
    default: return undefined;
  }
}

export function compareTyped(a, b) {
  if (Buffer.isBuffer(a)) return compareBytes(a, b);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}
