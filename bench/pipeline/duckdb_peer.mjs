// duckdb_peer.mjs — the DuckDB peer of bench/pipeline: PIPELINE.md's bronze →
// silver → gold as SQL (sql/bronze.sql, silver.sql, gold.sql) run by DuckDB
// through @duckdb/node-api, writing Parquet (no Delta writer is available for
// DuckDB here). Follows the peer contract of bench/pipeline/README.md:
//
//   node duckdb_peer.mjs --input SRC_DIR --out OUT_DIR --as-of YYYY-MM-DD --threads N
//
// prints {"layer":…,"seconds":…} per layer. Each layer reads the files the
// previous one wrote. The HMAC key comes from $MEDALLION_HASH_KEY.
import { DuckDBInstance } from "@duckdb/node-api";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    if (!["input", "out", "as-of", "threads"].includes(name) || i + 1 >= argv.length) {
      throw new Error(`duckdb_peer: bad option ${argv[i]}`);
    }
    opts[name] = argv[i + 1];
  }
  for (const k of ["input", "out", "as-of", "threads"]) if (!opts[k]) throw new Error(`duckdb_peer: --${k} is required`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts["as-of"])) throw new Error("duckdb_peer: --as-of must be YYYY-MM-DD");
  if (!/^\d+$/.test(opts.threads)) throw new Error("duckdb_peer: --threads must be a positive integer");
  return opts;
}

// HMAC-SHA256(key, m) = SHA256((K ^ opad) || SHA256((K ^ ipad) || m)) with K the
// key zero-padded to the 64-byte block; the SQL gets the two padded blocks in hex.
function hmacBlocks(key) {
  let k = Buffer.from(key, "utf8");
  if (k.length > 64) throw new Error("duckdb_peer: keys longer than 64 bytes are not supported");
  const block = Buffer.alloc(64);
  k.copy(block);
  const xor = (b) => Buffer.from(block.map((x) => x ^ b)).toString("hex");
  return { IPAD: xor(0x36), OPAD: xor(0x5c) };
}

const sqlPath = (name) => new URL(`./sql/${name}.sql`, import.meta.url);

// Splits a script into statements on ';' at line ends (the scripts keep ';' out of literals).
function statements(text, values) {
  const filled = text.replace(/^\s*--.*$/gm, "").replace(/\{\{(\w+)\}\}/g, (_, k) => {
    if (!(k in values)) throw new Error(`duckdb_peer: no value for {{${k}}}`);
    return values[k];
  });
  return filled
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const key = process.env.MEDALLION_HASH_KEY;
  if (!key) throw new Error("duckdb_peer: MEDALLION_HASH_KEY is not set");
  const out = resolve(opts.out);
  for (const layer of ["bronze", "silver", "gold"]) mkdirSync(`${out}/${layer}`, { recursive: true });
  const quote = (s) => s.replace(/'/g, "''");
  const values = {
    SRC: quote(resolve(opts.input)),
    OUT: quote(out),
    AS_OF: opts["as-of"],
    RUN_ID: randomUUID(),
    INGESTED_AT: new Date().toISOString().replace("Z", "+00:00"),
    ...hmacBlocks(key),
  };
  const instance = await DuckDBInstance.create(":memory:", { threads: String(opts.threads) });
  const con = await instance.connect();
  for (const layer of ["bronze", "silver", "gold"]) {
    const start = process.hrtime.bigint();
    for (const stmt of statements(readFileSync(sqlPath(layer), "utf8"), values)) {
      try {
        await con.run(stmt);
      } catch (e) {
        throw new Error(`duckdb_peer: ${layer}: ${e.message}\n${stmt.slice(0, 400)}`);
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(JSON.stringify({ layer, seconds: Number(seconds.toFixed(3)) }) + "\n");
  }
  con.closeSync?.();
}

main().catch((e) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
