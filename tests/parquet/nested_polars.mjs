// nested_polars.mjs — Polars (nodejs-polars) as a second independent Parquet
// engine for test_nested_*.c: it reads our nested files back, and writes
// nested files for our reader.
//
//   node nested_polars.mjs read FILE...  -> FILE.polars.jsonl for each FILE: its rows
//                                           as JSON lines (Polars' own serialiser; for the
//                                           types the tests use this is the canonical form)
//   node nested_polars.mjs write DIR     -> DIR/polars_nested_*.parquet
//
// Run from a folder whose node_modules holds nodejs-polars 0.25.2.
import fs from "node:fs";
import pl from "nodejs-polars";

function readFiles(files) {
  for (const file of files) {
    const df = pl.readParquet(file);
    fs.writeFileSync(file + ".polars.jsonl", df.height ? df.writeJSON({ format: "lines" }) : "");
  }
}

// Null lists, empty lists and lists of nulls; null structs and structs of
// nulls; lists of structs, structs of lists, lists of lists, several levels.
function nestedFrame(n) {
  const ids = Array.from({ length: n }, (_, i) => i);
  const list = ids.map((i) => (i % 5 === 0 ? null : i % 7 === 0 ? [] : i % 3 === 0 ? [null, i] : [i, -i, i * 3]));
  const text = ids.map((i) => (i % 6 === 0 ? null : "t" + (i % 50)));
  const quarter = ids.map((i) => (i % 8 === 0 ? null : (i % 400) / 4));
  let df = pl.DataFrame({
    id: pl.Series("id", ids, pl.Int64),
    l: pl.Series("l", list, pl.List(pl.Int64)),
    s: pl.Series("s", text, pl.Utf8),
    q: pl.Series("q", quarter, pl.Float64),
  });
  const id = pl.col("id");
  df = df.withColumns(
    pl.when(id.modulo(4).eq(1)).then(pl.lit(null))
      .otherwise(pl.struct([pl.col("id").alias("a"), pl.col("s").alias("b"), pl.col("l").alias("c")])).alias("st"),
    pl.when(id.modulo(9).eq(2)).then(pl.lit(null)).otherwise(pl.concatList([pl.col("l"), pl.col("l")])).alias("ll"),
    pl.when(id.modulo(10).eq(3)).then(pl.lit(null))
      .otherwise(pl.struct([pl.col("q").alias("x"), pl.col("s").alias("y")])).alias("inner"),
  );
  df = df.withColumns(
    pl.concatList([pl.col("st"), pl.col("st")]).alias("ls"),
    pl.struct([pl.col("inner"), pl.col("ll").alias("lists")]).alias("deep"),
  );
  return df.select("id", "l", "st", "ll", "ls", "deep");
}

// Lists of lists (and deeper) come from grouping: JS arrays of arrays do not
// construct in nodejs-polars.
function groupedFrame(df) {
  return df
    .withColumns(pl.col("id").div(3).floor().cast(pl.Int64).alias("g"))
    .groupBy("g")
    .agg(pl.col("l").alias("lol"), pl.col("ls").alias("lols"), pl.col("deep").alias("deeps"))
    .sort("g");
}

function writeFiles(dir) {
  const df = nestedFrame(3000);
  df.writeParquet(dir + "/polars_nested_snappy.parquet", { compression: "snappy", rowGroupSize: 700 });
  groupedFrame(df).writeParquet(dir + "/polars_nested_grouped.parquet", { compression: "uncompressed" });
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === "read") readFiles(rest);
else if (mode === "write" && rest.length === 1) writeFiles(rest[0]);
else {
  process.stderr.write("usage: node nested_polars.mjs read FILE... | write DIR\n");
  process.exit(2);
}
