// run.mjs — the driver of bench/pipeline (started by bench/pipeline/run, which
// builds Medallion and installs the npm pieces first): generates the data set
// of PIPELINE.md §7 per scale, runs Medallion's pipeline and each peer K times
// on the same input, checks every peer's gold against Medallion's (§6), and
// prints a table per scale plus the RATIO line. See bench/README.md.
//
// Each engine runs in its own process under GNU time (CPU time, peak RSS); the
// wall time is measured here. Runs are interleaved (run 1 of every engine,
// then run 2, …) so that the machine's changing load spreads over all engines.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";

const AS_OF = "2026-06-30";
const KEY = "medallion-test-key";
const LAYERS = ["bronze", "silver", "gold"];

function parseArgs(argv) {
  const o = { scales: [1], runs: 3, seed: 42, peers: ["duckdb", "polars", "pandas"], threads: cpus().length,
    incremental: true, record: null, fraction: 0.01, peersRerun: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i], v = argv[i + 1];
    const need = () => { if (v === undefined) throw new Error(`missing value for ${k}`); i++; return v; };
    if (k === "--scale") o.scales = need().split(",").map(Number);
    else if (k === "--runs") o.runs = Number(need());
    else if (k === "--seed") o.seed = Number(need());
    else if (k === "--peers") o.peers = need().split(",").filter((p) => p);
    else if (k === "--threads") o.threads = Number(need());
    else if (k === "--no-incremental") o.incremental = false;
    else if (k === "--no-peer-update-runs") o.peersRerun = false;
    else if (k === "--record") o.record = need();
    else if (k === "--medallion") o.medallion = need();
    else if (k === "--root") o.root = need();
    else if (k === "--node-dir") o.nodeDir = need();
    else if (k === "--work") o.work = need();
    else if (k === "--peers-dir") o.peersDir = need();
    else throw new Error(`unknown option ${k} (try bench/pipeline/run --help)`);
  }
  if (!o.scales.every((s) => s > 0)) throw new Error("--scale must be positive numbers, comma-separated");
  if (!(Number.isInteger(o.runs) && o.runs >= 1)) throw new Error("--runs must be a positive integer");
  if (!(Number.isInteger(o.threads) && o.threads >= 1)) throw new Error("--threads must be a positive integer");
  for (const p of o.peers) if (!["duckdb", "polars", "pandas"].includes(p)) throw new Error(`unknown peer ${p}`);
  return o;
}

const o = parseArgs(process.argv.slice(2));
const log = (s) => process.stderr.write(`bench/pipeline: ${s}\n`);
const median = (xs) => {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const duBytes = (path) => {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + duBytes(join(path, f)), 0);
};

// One process under GNU time: wall (here), user+sys CPU and peak RSS (time's -o file).
function measure(cmd, args, { cwd, env, stdoutFile } = {}) {
  const timeFile = join(o.work, "time.out");
  rmSync(timeFile, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-o", timeFile, "-f", "%U %S %M", cmd, ...args], {
    cwd, env: { ...process.env, ...env }, maxBuffer: 1 << 28, encoding: "utf8",
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const lines = existsSync(timeFile) ? readFileSync(timeFile, "utf8").trim().split("\n") : [];
  const last = (lines[lines.length - 1] || "").split(" ").map(Number);
  if (stdoutFile) writeFileSync(stdoutFile, r.stdout || "");
  return { status: r.status, stdout: r.stdout || "", stderr: r.stderr || "", wall, cpu: last[0] + last[1], rssKiB: last[2] };
}

// The engines: how to run one full refresh into OUT, and what its per-layer times are.
function engines(data) {
  const list = [];
  list.push({
    name: "medallion", out: join(o.work, "medallion"), present: true,
    run(src, out, extra = []) {
      const r = measure(o.medallion, ["run", "--home", out, "--source", `parquet:${src}`, "--as-of", AS_OF,
        "--select", "bronze,silver,gold", "--threads", String(o.threads), "--json", ...extra],
        { env: { MEDALLION_HASH_KEY: KEY } });
      let layers = {}, ok = r.status === 0, why = ok ? "" : r.stderr.trim().split("\n").slice(-3).join(" | ");
      try {
        const j = JSON.parse(r.stdout.trim().split("\n").pop());
        for (const a of j.assets) {
          const g = a.asset.split("/")[0];
          if (LAYERS.includes(g)) layers[g] = (layers[g] || 0) + a.seconds;
        }
        if (j.status !== "succeeded") {
          ok = false;
          why = j.assets.filter((a) => a.error).map((a) => `${a.asset}: ${a.error}`).join("; ");
        }
      } catch (e) {
        ok = false;
        why ||= `unreadable --json output: ${e.message}`;
      }
      return { ...r, ok, why, layers, bytes: LAYERS.reduce((n, l) => n + duBytes(join(out, l)), 0) };
    },
  });
  const peerRun = (name, cmd, args, input, env = {}) => (src, out) => {
    const r = measure(cmd, [...args, "--input", input(src), "--out", out, "--as-of", AS_OF, "--threads", String(o.threads)],
      { cwd: o.nodeDir, env: { MEDALLION_HASH_KEY: KEY, ...env } });
    const layers = {};
    let ok = r.status === 0, why = ok ? "" : `exit ${r.status}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`;
    for (const line of r.stdout.split("\n").filter((l) => l.trim())) {
      try {
        const j = JSON.parse(line);
        if (LAYERS.includes(j.layer)) layers[j.layer] = j.seconds;
      } catch {
        ok = false;
        why ||= `not a JSON line on stdout: ${line.slice(0, 80)}`;
      }
    }
    return { ...r, ok, why, layers, bytes: LAYERS.reduce((n, l) => n + duBytes(join(out, l)), 0) };
  };
  const nodePeer = (name, script, env) => ({
    name, out: join(o.work, name), present: existsSync(join(o.nodeDir, script)),
    missing: `bench/pipeline/${script} not present`,
    run: peerRun(name, process.execPath, [script], (src) => src, env),
  });
  for (const p of o.peers) {
    if (p === "duckdb") list.push(nodePeer("duckdb", "duckdb_peer.mjs"));
    if (p === "polars") list.push(nodePeer("polars", "peers/polars_peer.mjs", { POLARS_MAX_THREADS: String(o.threads) }));
    if (p === "pandas") {
      const script = join(o.peersDir, "pandas_peer.py");
      // Debian's interpreter, where python3-pandas lives (a pyenv or venv python3 on PATH would not see it).
      const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
      const hasPandas = spawnSync(python, ["-c", "import pandas"]).status === 0;
      list.push({
        name: "pandas", out: join(o.work, "pandas"), present: existsSync(script) && hasPandas,
        missing: !existsSync(script) ? "bench/pipeline/peers/pandas_peer.py not present"
          : "pandas is not installed (apt-get install -y python3-pandas)",
        run: peerRun("pandas", python, [script], (src) => data.csvOf(src), { PANDAS_PEER_NODE_DIR: o.nodeDir }),
      });
    }
  }
  return list;
}

function generate(scale) {
  const dir = join(o.work, "..", "data", `scale-${scale}-seed-${o.seed}`);
  const src = join(dir, "src"), update = join(dir, "update");
  const once = (marker, what, fn) => {
    if (existsSync(join(dir, marker))) return;
    log(`${what}`);
    fn();
    writeFileSync(join(dir, marker), "");
  };
  mkdirSync(dir, { recursive: true });
  once(".src", `generating scale ${scale} (seed ${o.seed}) into ${src}`, () => {
    rmSync(src, { recursive: true, force: true });
    execFileSync(o.medallion, ["generate", "--scale", String(scale), "--seed", String(o.seed), "--out", src], { stdio: "inherit" });
  });
  if (o.incremental) {
    once(".update", `generating the ${o.fraction * 100}% update into ${update}`, () => {
      rmSync(update, { recursive: true, force: true });
      execFileSync(o.medallion, ["generate", "--update-of", src, "--fraction", String(o.fraction), "--seed",
        String(o.seed + 1), "--out", update], { stdio: "inherit" });
    });
  }
  const csvOf = (folder) => {
    const csv = `${folder}-csv`;
    if (!existsSync(join(csv, ".complete"))) {
      log(`writing CSV copies of ${folder} for pandas`);
      rmSync(csv, { recursive: true, force: true });
      execFileSync(process.execPath, ["make_csv.mjs", folder, csv], { cwd: o.nodeDir, stdio: "inherit" });
      writeFileSync(join(csv, ".complete"), "");
    }
    return csv;
  };
  return { dir, src, update, csvOf };
}

const rowsOf = (src, table) => {
  try {
    const out = execFileSync(o.medallion, ["cat", "--schema", join(src, `${table}.parquet`)], { encoding: "utf8" });
    const m = out.match(/^rows: ([0-9]+)$/m);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
};

// K interleaved runs of every present engine on one input; the last outputs stay.
function runAll(list, src, label) {
  const results = Object.fromEntries(list.map((e) => [e.name, []]));
  for (let k = 1; k <= o.runs; k++) {
    for (const e of list) {
      if (!e.present || (results[e.name].length && !results[e.name].at(-1).ok)) continue;
      rmSync(e.out, { recursive: true, force: true });
      mkdirSync(e.out, { recursive: true });
      const r = e.run(src, e.out);
      results[e.name].push(r);
      // Kept as they come, so a run cut short still leaves its measurements.
      writeFileSync(join(o.work, "runs.jsonl"), JSON.stringify({ label, engine: e.name, run: k, ok: r.ok, why: r.why,
        wall: r.wall, cpu: r.cpu, rss_kib: r.rssKiB, layers: r.layers, bytes: r.bytes }) + "\n", { flag: "a" });
      log(`${label} run ${k}/${o.runs} ${e.name}: ${r.ok ? `${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s cpu, ${(r.rssKiB / 1024).toFixed(0)} MiB` : `FAILED ${r.why}`}`);
    }
  }
  return results;
}

function summarise(runs) {
  if (!runs || !runs.length) return null;
  if (!runs.every((r) => r.ok)) return { failed: runs.find((r) => !r.ok).why };
  const layers = Object.fromEntries(LAYERS.map((l) => [l, median(runs.map((r) => r.layers[l]))]));
  return { n: runs.length, wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)),
    rss: median(runs.map((r) => r.rssKiB / 1024)), bytes: median(runs.map((r) => r.bytes)), layers,
    walls: runs.map((r) => r.wall) };
}

function compareGold(oursHome, peerOut) {
  const r = spawnSync(process.execPath, ["compare_gold.mjs", "--ours", oursHome, "--theirs", peerOut],
    { cwd: o.nodeDir, encoding: "utf8", maxBuffer: 1 << 26 });
  return { equal: r.status === 0, detail: `${r.stdout}${r.stderr}`.trim() };
}

const fmt = (v, d = 2) => (v === null || v === undefined ? "-" : v.toFixed(d));
const pad = (s, n) => String(s).padStart(n);

function table(title, rows, ref) {
  const out = [title, ""];
  const head = ["engine", "bronze s", "silver s", "gold s", "total s", "cpu s", "cpu/wall", "threads", "peak RSS MiB",
    "output MiB", "gold = ours", "wall ×ours", "RSS ×ours"];
  out.push(`| ${head.join(" | ")} |`, `|${head.map((h, i) => (i ? "---:" : "---")).join("|")}|`);
  for (const { name, s, gold } of rows) {
    if (!s) continue;
    if (s.missing) {
      out.push(`| ${name} | not run: ${s.missing} |`);
      continue;
    }
    if (s.failed) {
      out.push(`| ${name} | failed: ${s.failed.replace(/\|/g, "/").slice(0, 200)} |`);
      continue;
    }
    if (gold === false) {
      out.push(`| ${name} | not reported: its gold differs from Medallion's (see above) |`);
      continue;
    }
    out.push(`| ${[name, fmt(s.layers.bronze), fmt(s.layers.silver), fmt(s.layers.gold), fmt(s.wall), fmt(s.cpu),
      fmt(s.cpu / s.wall), o.threads, fmt(s.rss, 0), fmt(s.bytes / 1048576, 1), gold === undefined ? "(ref)" : "yes",
      ref ? fmt(s.wall / ref.wall) : "-", ref ? fmt(s.rss / ref.rss) : "-"].join(" | ")} |`);
  }
  return out.join("\n");
}

function incrementalSupported() {
  const r = spawnSync(o.medallion, ["run", "--help"], { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`.includes("--incremental");
}

function benchScale(scale) {
  const data = generate(scale);
  const list = engines(data);
  const lines = [];
  const uptimeBefore = execFileSync("uptime", { encoding: "utf8" }).trim();
  const billing = rowsOf(data.src, "billing");
  log(`scale ${scale}: ${billing ?? "?"} billing rows; engines: ${list.map((e) => e.present ? e.name : `${e.name} (${e.missing})`).join(", ")}`);
  const full = runAll(list, data.src, `scale ${scale} full`);
  const sum = Object.fromEntries(list.map((e) => [e.name, summarise(full[e.name])]));
  const ref = sum.medallion && !sum.medallion.failed ? sum.medallion : null;
  const rows = [];
  const goldNotes = [];
  for (const e of list) {
    if (!e.present) {
      rows.push({ name: e.name, s: { missing: e.missing } });
      continue;
    }
    let gold;
    if (e.name !== "medallion" && ref && sum[e.name] && !sum[e.name].failed) {
      const c = compareGold(list[0].out, e.out);
      gold = c.equal;
      if (!c.equal) goldNotes.push(`${e.name}: gold differs from Medallion's; first differing rows:\n${c.detail}`);
    }
    rows.push({ name: e.name, s: sum[e.name], gold });
  }
  const uptimeAfter = execFileSync("uptime", { encoding: "utf8" }).trim();
  lines.push(table(`### Full refresh, scale ${scale} (${billing ?? "?"} billing rows), median of ${o.runs} run(s), ${o.threads} thread(s) offered to every engine`, rows, ref));
  lines.push("", `Peers write Parquet, Medallion writes Delta Lake tables (no Delta library exists for the peers here; ` +
    `pandas has no Parquet engine in Debian, so it reads the CSV copies and writes CSV, its gold also as Parquet via DuckDB, timed). ` +
    `Medallion's run is \`medallion run --select bronze,silver,gold\` (the legacy SQLite/DuckDB export of §5 is not timed; ` +
    `the peers do not have it). Medallion's wall times per run: ${ref ? ref.walls.map((w) => w.toFixed(2)).join(", ") : "-"}.`);
  lines.push(`Load: before \`${uptimeBefore}\`; after \`${uptimeAfter}\`.`);
  for (const n of goldNotes) lines.push("", "```", n, "```");

  // Incremental: Medallion's incremental run over the 1% update vs full refreshes of the same final data.
  let incrementalRatio = "n/a";
  if (o.incremental) {
    if (!incrementalSupported()) {
      lines.push("", "incremental: not supported by this medallion build");
    } else if (!ref) {
      lines.push("", "incremental: skipped (Medallion's full refresh failed)");
    } else {
      const base = join(o.work, "medallion-base");
      rmSync(base, { recursive: true, force: true });
      cpSync(list[0].out, base, { recursive: true });
      const incRuns = [];
      const inc = join(o.work, "medallion-incremental");
      for (let k = 1; k <= o.runs; k++) {
        rmSync(inc, { recursive: true, force: true });
        cpSync(base, inc, { recursive: true });
        const r = list[0].run(data.update, inc, ["--incremental"]);
        incRuns.push(r);
        log(`scale ${scale} incremental run ${k}/${o.runs}: ${r.ok ? `${r.wall.toFixed(2)} s` : `FAILED ${r.why}`}`);
        if (!r.ok) break;
      }
      // Without the peers' own runs on the update (--no-peer-update-runs, to fit a
      // scale-10 session), their full refresh of the source data stands in: the
      // update changes 1% of the rows, so it is the same work to within that.
      const updList = o.peersRerun ? list : list.filter((e) => e.name === "medallion");
      const fullUpd = runAll(updList, data.update, `scale ${scale} full-of-update`);
      const incS = summarise(incRuns);
      const updSum = Object.fromEntries(list.map((e) => [e.name, fullUpd[e.name] ? summarise(fullUpd[e.name]) : sum[e.name]]));
      const upRef = updSum.medallion && !updSum.medallion.failed ? updSum.medallion : null;
      const incRows = [{ name: "medallion incremental", s: incS }];
      const notes = [];
      if (incS && !incS.failed && upRef) {
        const c = spawnSync(process.execPath, ["compare_gold.mjs", "--ours", list[0].out, "--theirs-home", inc],
          { cwd: o.nodeDir, encoding: "utf8" });
        notes.push(`Medallion incremental gold = Medallion full-refresh gold of the final data (§6): ${c.status === 0 ? "yes" : `NO\n${c.stdout}${c.stderr}`}`);
        incrementalRatio = (incS.wall / upRef.wall).toFixed(3);
      }
      for (const e of list) {
        if (!e.present) continue;
        let gold;
        const rerun = Boolean(fullUpd[e.name]);
        if (e.name !== "medallion" && upRef && updSum[e.name] && !updSum[e.name].failed)
          gold = rerun ? compareGold(list[0].out, e.out).equal : rows.find((r) => r.name === e.name)?.gold;
        incRows.push({ name: `${e.name} full${rerun ? "" : " (of the source data)"}`, s: updSum[e.name], gold });
      }
      lines.push("", table(`### Incremental, scale ${scale}: ${o.fraction * 100}% changed rows (\`medallion generate --update-of\`), median of ${o.runs}; ratios against Medallion's incremental run`, incRows, incS && !incS.failed ? incS : null));
      if (upRef && incS && !incS.failed) {
        const parts = list.filter((e) => updSum[e.name] && !updSum[e.name].failed)
          .map((e) => `${e.name} full${fullUpd[e.name] ? "" : " (of the source data)"} ${(incS.wall / updSum[e.name].wall).toFixed(3)}`);
        lines.push("", `Medallion incremental wall / full-refresh wall of the final data: ${parts.join(", ")}.`);
      }
      lines.push(...notes.map((n) => `${n}`));
    }
  } else {
    lines.push("", "incremental: not run (--no-incremental)");
  }

  // RATIO: our wall / fastest peer's wall, our RSS / Polars', incremental / full.
  const peersOk = rows.filter((r) => r.name !== "medallion" && r.s && !r.s.failed && r.gold === true);
  const fastest = peersOk.length ? peersOk.reduce((a, b) => (a.s.wall <= b.s.wall ? a : b)) : null;
  const polars = peersOk.find((r) => r.name === "polars");
  const ratio = `RATIO pipeline scale=${scale} vs_fastest_peer=${ref && fastest ? (ref.wall / fastest.s.wall).toFixed(3) : "n/a"}` +
    ` rss_vs_polars=${ref && polars ? (ref.rss / polars.s.rss).toFixed(3) : "n/a"} incremental_vs_full=${incrementalRatio}`;
  return { text: lines.join("\n"), ratio, fastest: fastest?.name };
}

function machine() {
  const cpu = cpus()[0]?.model ?? "?";
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${execFileSync("uname", ["-sr"], { encoding: "utf8" }).trim()}, ` +
    `Node ${process.version}`;
}

mkdirSync(o.work, { recursive: true });
const commit = (() => {
  try {
    return execFileSync("git", ["-C", o.root, "describe", "--always", "--dirty"], { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
})();
const peersCommit = (() => {
  try {
    const c = execFileSync("git", ["-C", o.peersDir, "log", "-1", "--format=%h", "--", "."], { encoding: "utf8" }).trim();
    return c ? `, peers from ${o.peersDir} at ${c}` : "";
  } catch {
    return "";
  }
})();
const header = `## bench/pipeline — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, commit ${commit}${peersCommit}\n\n` +
  `Machine: ${machine()}. Load average at start: ${loadavg().map((x) => x.toFixed(2)).join(", ")}.`;
const parts = [header];
const ratios = [];
for (const scale of o.scales) {
  const r = benchScale(scale);
  parts.push(r.text);
  ratios.push(r.ratio);
}
const report = parts.join("\n\n");
console.log(report);
console.log("");
if (o.record) {
  // One section per scale, replaced when that scale is run again.
  let text = existsSync(o.record) ? readFileSync(o.record, "utf8") : "# Benchmark results\n";
  o.scales.forEach((scale, i) => {
    const begin = `<!-- bench/pipeline scale=${scale} -->`, end = `<!-- /bench/pipeline scale=${scale} -->`;
    const section = `${begin}\n${header}\n\n${parts[i + 1]}\n\n\`\`\`\n${ratios[i]}\n\`\`\`\n${end}`;
    const a = text.indexOf(begin), b = text.indexOf(end);
    text = a >= 0 && b > a ? `${text.slice(0, a)}${section}${text.slice(b + end.length)}` : `${text.trimEnd()}\n\n${section}\n`;
  });
  writeFileSync(o.record, text);
  log(`results written to ${o.record}`);
}
for (const r of ratios) console.log(r);
