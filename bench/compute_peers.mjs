// compute_peers.mjs — the DuckDB and Polars side of bench/compute.
//
//   node compute_peers.mjs duckdb|polars DIR QUERY THREADS
//
// Runs one query over DIR/fact.parquet and DIR/dim.parquet (written by
// medallion_bench_compute gen) and prints one JSON line in the driver's format:
// wall seconds from reading the files to the checksum, peak RSS, and the same
// checksum columns. Polars reads POLARS_MAX_THREADS (set by bench/compute)
// when it loads, so the thread count is fixed before the import below.
import { createHmac } from 'node:crypto';

const [engine, dir, query, threadsText] = process.argv.slice(2);
const threads = Number(threadsText);
const KEY = 'bench-secret-key';
const fact = `${dir}/fact.parquet`;
const dim = `${dir}/dim.parquet`;

// Which result columns each checksum sums (as the C driver does).
const checksumColumns = {
  filter_project: ['id', 'a2'],
  groupby_1key: ['s', 'n', 'd', 'm'],
  groupby_3keys: ['s', 'n', 'd', 'm'],
  join_inner: ['id', 'amount', 'weight'],
  join_left: ['id', 'amount', 'weight'],
  keep_latest: ['ek', 'amount'],
  hmac: ['id', 'h'],
};

function emit(seconds, checksum) {
  const rss = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({ engine, query, seconds, max_rss_kb: rss, checksum }));
}

// HMAC-SHA256 in SQL from sha256(): H((K ^ opad) || H((K ^ ipad) || m)).
function padHex(byte) {
  const key = Buffer.alloc(64);
  Buffer.from(KEY).copy(key);
  return Buffer.from(key.map((b) => b ^ byte)).toString('hex');
}

const duckSql = {
  filter_project: `SELECT id, amount * 2 AS a2, k3 FROM read_parquet('${fact}') WHERE amount > 50000 AND k2 < 50`,
  groupby_1key: `SELECT k1, sum(amount) s, count(*) n, count(DISTINCT k2) d, avg(amount) m FROM read_parquet('${fact}') GROUP BY k1`,
  groupby_3keys: `SELECT k2, k3, k4, sum(amount) s, count(*) n, count(DISTINCT k1) d, avg(amount) m FROM read_parquet('${fact}') GROUP BY k2, k3, k4`,
  join_inner: `SELECT f.id, f.amount, d.weight, d.region FROM read_parquet('${fact}') f JOIN read_parquet('${dim}') d ON f.k1 = d.dk`,
  join_left: `SELECT f.id, f.amount, d.weight, d.region FROM read_parquet('${fact}') f LEFT JOIN read_parquet('${dim}') d ON f.k1 = d.dk`,
  keep_latest: `SELECT ek, amount FROM read_parquet('${fact}') QUALIFY row_number() OVER (PARTITION BY ek ORDER BY ts DESC) = 1`,
  hmac: `SELECT id, sha256(unhex('${padHex(0x5c)}') || unhex(sha256(unhex('${padHex(0x36)}') || encode(name)))) AS h FROM read_parquet('${fact}')`,
};

async function runDuckdb() {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await instance.connect();
  const cols = checksumColumns[query];
  // The query's result is materialised as a table (as our driver gathers its
  // batches), then summed, so DuckDB cannot skip computing unused columns.
  const start = performance.now();
  await con.run(`CREATE TEMP TABLE result AS ${duckSql[query]}`);
  const sums = cols.map((c) =>
    c === 'h' ? `sum(('0x' || substr(h, 1, 6))::BIGINT)::DOUBLE AS h` : `sum(${c})::DOUBLE AS ${c}`);
  if (cols.includes('weight')) sums.push('count(weight)::DOUBLE AS weight_non_null');
  const reader = await con.runAndReadAll(`SELECT count(*)::DOUBLE AS rows, ${sums.join(', ')} FROM result`);
  const row = reader.getRowObjects()[0];
  const seconds = (performance.now() - start) / 1000;
  const checksum = {};
  for (const [k, v] of Object.entries(row)) checksum[k] = Number(v);
  emit(seconds, checksum);
}

async function runPolars() {
  const pl = (await import('nodejs-polars')).default;
  const start = performance.now();
  const f = () => pl.scanParquet(fact);
  let result;
  switch (query) {
    case 'filter_project':
      result = f().filter(pl.col('amount').gt(50000).and(pl.col('k2').lt(50)))
        .select(pl.col('id'), pl.col('amount').mul(2).alias('a2'), pl.col('k3')).collectSync();
      break;
    case 'groupby_1key':
    case 'groupby_3keys': {
      const keys = query === 'groupby_1key' ? ['k1'] : ['k2', 'k3', 'k4'];
      const distinct = query === 'groupby_1key' ? 'k2' : 'k1';
      result = f().groupBy(keys).agg(pl.col('amount').sum().alias('s'), pl.len().alias('n'),
        pl.col(distinct).nUnique().alias('d'), pl.col('amount').mean().alias('m')).collectSync();
      break;
    }
    case 'join_inner':
    case 'join_left':
      result = f().join(pl.scanParquet(dim), { leftOn: 'k1', rightOn: 'dk', how: query === 'join_inner' ? 'inner' : 'left' })
        .select('id', 'amount', 'weight', 'region').collectSync();
      break;
    case 'keep_latest':
      result = f().sort('ts', true).unique({ subset: ['ek'], keep: 'first', maintainOrder: false })
        .select('ek', 'amount').collectSync();
      break;
    case 'hmac': {
      // nodejs-polars has no HMAC or SHA-256 expression: the column goes
      // through Node's crypto per value (as Python Polars would need map_elements).
      const df = f().select('id', 'name').collectSync();
      const names = df.getColumn('name').toArray();
      const hashes = names.map((n) => createHmac('sha256', KEY).update(n).digest('hex'));
      result = pl.DataFrame({ id: df.getColumn('id'), h: pl.Series('h', hashes) });
      break;
    }
    default:
      throw new Error(`unknown query ${query}`);
  }
  const checksum = { rows: result.height };
  for (const c of checksumColumns[query]) {
    if (c === 'h') {
      checksum.h = result.getColumn('h').toArray().reduce((a, s) => a + parseInt(s.slice(0, 6), 16), 0);
    } else {
      checksum[c] = Number(result.getColumn(c).sum());
    }
    if (c === 'weight') checksum.weight_non_null = result.height - result.getColumn('weight').nullCount();
  }
  const seconds = (performance.now() - start) / 1000;
  emit(seconds, checksum);
}

(engine === 'duckdb' ? runDuckdb() : runPolars()).catch((e) => {
  console.error(`compute_peers.mjs ${engine} ${query}: ${e.stack || e}`);
  process.exit(1);
});
