// polars_peer.mjs — the Polars peer of bench/pipeline: PIPELINE.md's bronze →
// silver → gold written the way a Polars user would, with nodejs-polars' lazy API
// (scanParquet, lazy frames, one collect or sink per output), writing Parquet.
//
//   node polars_peer.mjs --input SRC_DIR --out OUT_DIR --as-of YYYY-MM-DD --threads N
//
// Follows the peer contract of bench/pipeline/README.md: one JSON line per layer
// on stdout, each layer reads only what the previous one wrote. Polars sizes its
// thread pool from POLARS_MAX_THREADS when it loads, so the module is imported
// after that variable is settled (the harness sets it; --threads fills it in
// when it is missing). Polars has no HMAC, so PATIENT_KEY is computed once per
// distinct PATIENT_NR with node:crypto and joined back as a small lookup frame.
import { createHmac, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    if (!["input", "out", "as-of", "threads"].includes(name) || i + 1 >= argv.length) {
      throw new Error(`polars_peer: bad option ${argv[i]}`);
    }
    opts[name] = argv[i + 1];
  }
  for (const k of ["input", "out", "as-of", "threads"]) if (!opts[k]) throw new Error(`polars_peer: --${k} is required`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts["as-of"])) throw new Error("polars_peer: --as-of must be YYYY-MM-DD");
  if (!/^[1-9]\d*$/.test(opts.threads)) throw new Error("polars_peer: --threads must be a positive integer");
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
process.env.POLARS_MAX_THREADS ??= opts.threads;
const pl = (await import("nodejs-polars")).default;
const { col, lit, when } = pl;

const SRC = resolve(opts.input);
const OUT = resolve(opts.out);
const KEY = process.env.MEDALLION_HASH_KEY ?? "medallion-test-key";
const RUN_ID = randomUUID();
const INGESTED_AT = new Date();
const [AS_Y, AS_M, AS_D] = opts["as-of"].split("-").map(Number);
const AS_OF_DAYS = Date.UTC(AS_Y, AS_M - 1, AS_D) / 86400000;
const AS_OF = new Date(AS_OF_DAYS * 86400000);
const PARQUET = { compression: "snappy" };

// §3 step 1: ASCII white space only (Polars' default strip is Unicode-wide).
const WS = " \t\n\u000b\f\r";
const CODE_COLUMNS = new Set(["SOURCE", "TARIFF_CODE", "ICD10_CODE", "GENDER", "FALLS_RISK", "PLAN_TYPE", "STATUS", "PAYER", "METHOD"]);
const DIRECT_IDENTIFIERS = ["FIRST_NAME", "SURNAME", "ID_NUMBER", "DATE_OF_BIRTH", "PHONE", "MEDICAL_AID_NR"];

// Source tables: string columns (to normalise) and dedup keys, from §1.
const TABLES = {
  billing: { key: ["BILL_ID", "LINE_NR"], strings: ["SOURCE", "PATIENT_NR", "TARIFF_CODE", "ICD10_CODE", "MEDICAL_AID"] },
  patients: {
    key: ["PATIENT_NR"],
    strings: ["PATIENT_NR", "FIRST_NAME", "SURNAME", "ID_NUMBER", "GENDER", "MEDICAL_AID", "MEDICAL_AID_NR", "PHONE"],
  },
  geriatric_assessments: { key: ["ASSESSMENT_ID"], strings: ["PATIENT_NR", "FALLS_RISK", "ASSESSOR"] },
  patient_plans: { key: ["PLAN_ID"], strings: ["PATIENT_NR", "PLAN_TYPE", "ICD10_CODE", "STATUS"] },
  bill_payments: { key: ["PAYMENT_ID"], strings: ["PAYER", "METHOD"] },
  tariff_codes: { key: ["TARIFF_CODE"], strings: ["TARIFF_CODE", "DESCRIPTION", "CATEGORY"] },
  pmb_conditions: { key: ["ICD10_CODE"], strings: ["ICD10_CODE", "PMB_CODE", "DESCRIPTION"] },
};

const bronzePath = (t) => `${OUT}/bronze/${t}_raw.parquet`;
const silverPath = (t) => `${OUT}/silver/${t}.parquet`;
const goldPath = (t) => `${OUT}/gold/${t}.parquet`;

function timed(layer, fn) {
  const start = process.hrtime.bigint();
  fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ layer, seconds: Number(seconds.toFixed(3)) }) + "\n");
}

// ---------------------------------------------------------------- bronze (§2)
function bronze() {
  for (const table of Object.keys(TABLES)) {
    pl.scanParquet(`${SRC}/${table}.parquet`)
      .withColumns(
        lit("parquet").alias("_source_system"),
        lit(RUN_ID).alias("_run_id"),
        lit(INGESTED_AT).cast(pl.Datetime("us", "UTC")).alias("_ingested_at"),
      )
      .sinkParquet(bronzePath(table), PARQUET)
      .collectSync();
  }
}

// ---------------------------------------------------------------- silver (§3)

// Step 1 on a bronze table, metadata columns dropped; `_row` keeps source order.
function normalised(table) {
  const { strings } = TABLES[table];
  const exprs = strings.map((c) => {
    let e = col(c).str.stripChars(WS);
    // Codes are ASCII in the generator's data; toUpperCase is Unicode-wide, which
    // equals ASCII-only upper-casing on ASCII text.
    if (CODE_COLUMNS.has(c)) e = e.str.toUpperCase();
    return when(e.str.lengths().eq(0)).then(lit(null).cast(pl.String)).otherwise(e).alias(c);
  });
  return pl
    .scanParquet(bronzePath(table))
    .drop("_source_system", "_run_id", "_ingested_at")
    .withRowIndex("_row")
    .withColumns(...exprs);
}

// Step 2: the latest UPDATED_AT per key (null oldest, later source row on a tie);
// rows with a null key part pass through unchanged (they fail key_missing).
function deduplicated(lf, key) {
  const hasKey = pl.allHorizontal(key.map((k) => col(k).isNotNull()));
  const latest = lf
    .filter(hasKey)
    .sort({ by: "UPDATED_AT", nullsLast: false, maintainOrder: true }) // stable: ties stay in source order
    .unique({ subset: key, keep: "last" });
  return pl.concat([latest, lf.filter(hasKey.not())], { how: "vertical" });
}

// Step 3: the first failing rule's name, or null; key_missing comes first.
function reasonOf(key, rules) {
  let chain = when(pl.anyHorizontal(key.map((k) => col(k).isNull()))).then(lit("key_missing"));
  for (const [name, cond] of rules) chain = chain.when(cond).then(lit(name));
  return chain.otherwise(lit(null).cast(pl.String)).alias("_reject_reason");
}

// Step 4: PATIENT_KEY for every distinct PATIENT_NR of `df`, as a lookup frame.
function patientKeys(df) {
  const nrs = df.getColumn("PATIENT_NR").dropNulls().unique().toArray();
  const keys = nrs.map((nr) => createHmac("sha256", KEY).update(nr, "utf8").digest("hex"));
  return pl.DataFrame({ PATIENT_NR: nrs, PATIENT_KEY: keys }, { schema: { PATIENT_NR: pl.String, PATIENT_KEY: pl.String } }).lazy();
}

// Runs steps 1–4 on a keyed table: returns the validated frame (with
// _reject_reason) and writes the rejects file in source column order.
function validate(table, rules, lookups = (lf) => lf) {
  const { key } = TABLES[table];
  const source = normalised(table);
  const columns = source.columns.filter((c) => c !== "_row");
  const checked = lookups(deduplicated(source, key)).withColumns(reasonOf(key, rules)).collectSync();
  let lf = checked.lazy();
  let rejectColumns = columns;
  if (columns.includes("PATIENT_NR")) {
    lf = lf.join(patientKeys(checked), { on: "PATIENT_NR", how: "left" });
    rejectColumns = columns
      .filter((c) => !DIRECT_IDENTIFIERS.includes(c))
      .map((c) => (c === "PATIENT_NR" ? "PATIENT_KEY" : c));
  }
  lf = lf.withColumns(lit(RUN_ID).alias("_run_id"));
  lf.filter(col("_reject_reason").isNotNull())
    .select(...rejectColumns, "_reject_reason", "_run_id")
    .sinkParquet(silverPath(`${table}_rejects`), PARQUET)
    .collectSync();
  return lf.filter(col("_reject_reason").isNull());
}

function writeSilver(lf, table, columns) {
  lf.select(...columns, "_run_id").sinkParquet(silverPath(table), PARQUET).collectSync();
}

// Reference tables: the later source row of a duplicate code wins, null codes are ignored.
function reference(table) {
  const [code] = TABLES[table].key;
  const df = normalised(table)
    .filter(col(code).isNotNull())
    .unique({ subset: [code], keep: "last", maintainOrder: true })
    .drop("_row")
    .withColumns(lit(RUN_ID).alias("_run_id"))
    .collectSync();
  df.writeParquet(silverPath(table), PARQUET);
  return df;
}

const isIn = (c, values) => col(c).isIn(lit(values)).fillNull(false);

function silver() {
  const tariffs = reference("tariff_codes");
  const pmb = reference("pmb_conditions").getColumn("ICD10_CODE");
  const tariffLookup = tariffs.lazy().select(col("TARIFF_CODE"), col("CATEGORY").alias("TARIFF_CATEGORY"), lit(true).alias("_known_tariff"));

  const billing = validate(
    "billing",
    [
      ["patient_nr_missing", col("PATIENT_NR").isNull()],
      ["service_date_missing", col("SERVICE_DATE").isNull()],
      ["service_date_in_future", col("SERVICE_DATE").gt(lit(AS_OF).cast(pl.Date))],
      ["quantity_not_positive", col("QUANTITY").isNull().or(col("QUANTITY").ltEq(0))],
      ["amount_missing", col("AMOUNT").isNull()],
      ["amount_negative", col("AMOUNT").lt(0)],
      ["unknown_tariff_code", col("_known_tariff").isNull()],
    ],
    (lf) => lf.join(tariffLookup, { on: "TARIFF_CODE", how: "left" }),
  )
    .withColumns(col("SERVICE_DATE").dt.truncate("1mo").alias("SERVICE_MONTH"), isIn("ICD10_CODE", pmb).alias("IS_PMB"))
    .collectSync();
  writeSilver(billing.lazy(), "billing", [
    "BILL_ID", "LINE_NR", "SOURCE", "PATIENT_KEY", "SERVICE_DATE", "SERVICE_MONTH", "TARIFF_CODE", "TARIFF_CATEGORY",
    "ICD10_CODE", "IS_PMB", "QUANTITY", "UNIT_PRICE", "AMOUNT", "MEDICAL_AID", "UPDATED_AT",
  ]);

  const dob = col("DATE_OF_BIRTH");
  const age = lit(AS_Y)
    .sub(dob.dt.year())
    .sub(when(dob.dt.month().gt(AS_M).or(dob.dt.month().eq(AS_M).and(dob.dt.day().gt(AS_D)))).then(lit(1)).otherwise(lit(0)))
    .cast(pl.Int32);
  const patients = validate("patients", [
    ["patient_nr_missing", col("PATIENT_NR").isNull()],
    ["date_of_birth_missing", dob.isNull()],
    ["date_of_birth_invalid", dob.gt(lit(AS_OF).cast(pl.Date)).or(dob.lt(lit(new Date(Date.UTC(1900, 0, 1))).cast(pl.Date)))],
  ]).withColumns(
    when(col("GENDER").isIn(["M", "MALE"])).then(lit("M"))
      .when(col("GENDER").isIn(["F", "FEMALE"])).then(lit("F"))
      .otherwise(lit("U"))
      .alias("GENDER"),
    dob.dt.year().cast(pl.Int32).alias("BIRTH_YEAR"),
    age.alias("AGE"),
  ).withColumns(
    when(col("AGE").lt(18)).then(lit("0-17"))
      .when(col("AGE").lt(45)).then(lit("18-44"))
      .when(col("AGE").lt(65)).then(lit("45-64"))
      .when(col("AGE").lt(75)).then(lit("65-74"))
      .when(col("AGE").lt(85)).then(lit("75-84"))
      .otherwise(lit("85+"))
      .alias("AGE_BAND"),
  );
  writeSilver(patients, "patients", ["PATIENT_KEY", "GENDER", "BIRTH_YEAR", "AGE", "AGE_BAND", "MEDICAL_AID", "UPDATED_AT"]);

  const outOfRange = (c, lo, hi) => col(c).isNotNull().and(col(c).lt(lo).or(col(c).gt(hi)));
  const frailty = col("FRAILTY_SCORE");
  const assessments = validate("geriatric_assessments", [
    ["patient_nr_missing", col("PATIENT_NR").isNull()],
    ["assessment_date_missing", col("ASSESSMENT_DATE").isNull()],
    ["score_out_of_range", outOfRange("ADL_SCORE", 0, 6).or(outOfRange("IADL_SCORE", 0, 8))
      .or(outOfRange("MMSE_SCORE", 0, 30)).or(outOfRange("FRAILTY_SCORE", 1, 9))],
  ]).withColumns(
    when(col("FALLS_RISK").isIn(["LOW", "MEDIUM", "HIGH"])).then(col("FALLS_RISK")).otherwise(lit(null).cast(pl.String)).alias("FALLS_RISK"),
    when(frailty.ltEq(3)).then(lit("FIT"))
      .when(frailty.eq(4)).then(lit("VULNERABLE"))
      .when(frailty.ltEq(6)).then(lit("FRAIL"))
      .when(frailty.ltEq(9)).then(lit("SEVERELY_FRAIL"))
      .otherwise(lit(null).cast(pl.String))
      .alias("FRAILTY_BAND"),
    col("MMSE_SCORE").lt(24).alias("COGNITIVE_IMPAIRMENT"),
  );
  writeSilver(assessments, "geriatric_assessments", [
    "ASSESSMENT_ID", "PATIENT_KEY", "ASSESSMENT_DATE", "ADL_SCORE", "IADL_SCORE", "MMSE_SCORE", "FRAILTY_SCORE",
    "FRAILTY_BAND", "FALLS_RISK", "COGNITIVE_IMPAIRMENT", "UPDATED_AT",
  ]);

  const asOfDate = lit(AS_OF).cast(pl.Date);
  const plans = validate("patient_plans", [
    ["patient_nr_missing", col("PATIENT_NR").isNull()],
    ["start_date_missing", col("START_DATE").isNull()],
    ["end_before_start", col("END_DATE").lt(col("START_DATE"))],
  ]).withColumns(
    isIn("ICD10_CODE", pmb).alias("IS_PMB"),
    col("STATUS").eq(lit("ACTIVE")).and(col("START_DATE").ltEq(asOfDate))
      .and(col("END_DATE").isNull().or(col("END_DATE").gtEq(asOfDate)))
      .fillNull(false)
      .alias("IS_ACTIVE"),
  );
  writeSilver(plans, "patient_plans", [
    "PLAN_ID", "PATIENT_KEY", "PLAN_TYPE", "ICD10_CODE", "START_DATE", "END_DATE", "STATUS", "IS_PMB", "IS_ACTIVE", "UPDATED_AT",
  ]);

  const billIds = billing.lazy().select(col("BILL_ID").unique(), lit(true).alias("_known_bill"));
  const payments = validate(
    "bill_payments",
    [
      ["bill_id_missing", col("BILL_ID").isNull()],
      ["payment_date_missing", col("PAYMENT_DATE").isNull()],
      ["amount_not_positive", col("AMOUNT").isNull().or(col("AMOUNT").ltEq(0))],
      ["unknown_bill", col("_known_bill").isNull()],
    ],
    (lf) => lf.join(billIds, { on: "BILL_ID", how: "left" }),
  );
  writeSilver(payments, "bill_payments", ["PAYMENT_ID", "BILL_ID", "PAYMENT_DATE", "AMOUNT", "PAYER", "METHOD", "UPDATED_AT"]);
}

// ---------------------------------------------------------------- gold (§4)
const sum18 = (c) => col(c).sum().cast(pl.Decimal(18, 2));
const count64 = (e) => e.cast(pl.Int64);
const ZERO = lit(0).cast(pl.Decimal(12, 2));

function gold() {
  const billing = pl.scanParquet(silverPath("billing"));
  const payments = pl.scanParquet(silverPath("bill_payments"));
  const asOfDate = lit(AS_OF).cast(pl.Date);

  billing
    .groupBy(["SOURCE", "SERVICE_MONTH", "TARIFF_CATEGORY"])
    .agg(
      count64(pl.len()).alias("LINE_COUNT"),
      count64(col("BILL_ID").nUnique()).alias("BILL_COUNT"),
      count64(col("PATIENT_KEY").nUnique()).alias("PATIENT_COUNT"),
      sum18("AMOUNT").alias("TOTAL_AMOUNT"),
    )
    .withColumns(col("TOTAL_AMOUNT").cast(pl.Float64).div(col("LINE_COUNT").cast(pl.Float64)).alias("AVG_AMOUNT"))
    .sinkParquet(goldPath("grouped_billing"), PARQUET)
    .collectSync();

  const eligible = pl
    .scanParquet(silverPath("patients"))
    .filter(col("AGE").gtEq(65))
    .join(
      pl.scanParquet(silverPath("patient_plans")).filter(col("IS_ACTIVE").and(col("IS_PMB"))).select("PATIENT_KEY"),
      { on: "PATIENT_KEY", how: "semi" },
    );
  const latest = pl
    .scanParquet(silverPath("geriatric_assessments"))
    .sort(["ASSESSMENT_DATE", "ASSESSMENT_ID"])
    .unique({ subset: ["PATIENT_KEY"], keep: "last" })
    .select("PATIENT_KEY", "ASSESSMENT_ID", "FRAILTY_BAND", "MMSE_SCORE", "ADL_SCORE", "COGNITIVE_IMPAIRMENT");
  const billed12m = billing
    .filter(col("SERVICE_DATE").gt(lit(new Date((AS_OF_DAYS - 365) * 86400000)).cast(pl.Date)).and(col("SERVICE_DATE").ltEq(asOfDate)))
    .groupBy("PATIENT_KEY")
    .agg(col("AMOUNT").sum().alias("_billed"));
  eligible
    .join(latest, { on: "PATIENT_KEY", how: "left" })
    .join(billed12m, { on: "PATIENT_KEY", how: "left" })
    .withColumns(col("FRAILTY_BAND").fillNull(lit("NOT_ASSESSED")))
    .groupBy(["AGE_BAND", "GENDER", "FRAILTY_BAND"])
    .agg(
      count64(pl.len()).alias("PATIENT_COUNT"),
      count64(col("ASSESSMENT_ID").count()).alias("ASSESSED_COUNT"),
      col("MMSE_SCORE").mean().cast(pl.Float64).alias("AVG_MMSE"),
      col("ADL_SCORE").mean().cast(pl.Float64).alias("AVG_ADL"),
      count64(col("COGNITIVE_IMPAIRMENT").fillNull(false).sum()).alias("COGNITIVE_IMPAIRMENT_COUNT"),
      col("_billed").fillNull(ZERO).sum().cast(pl.Decimal(18, 2)).alias("BILLED_12M"),
    )
    .sinkParquet(goldPath("pmb_geriatric"), PARQUET)
    .collectSync();

  const paid = payments.groupBy("BILL_ID").agg(col("AMOUNT").sum().alias("PAID"));
  const days = lit(AS_OF_DAYS).sub(col("BILL_DATE").cast(pl.Int32));
  billing
    .groupBy("BILL_ID")
    .agg(
      col("AMOUNT").sum().alias("BILLED"),
      col("SERVICE_DATE").min().alias("BILL_DATE"),
      col("SOURCE").min(),
      col("MEDICAL_AID").min(),
    )
    .join(paid, { on: "BILL_ID", how: "left" })
    .withColumns(col("BILLED").sub(col("PAID").fillNull(ZERO)).alias("OUTSTANDING"))
    .filter(col("OUTSTANDING").gt(0))
    .withColumns(
      col("MEDICAL_AID").fillNull(lit("PRIVATE")),
      when(days.ltEq(30)).then(lit("0-30"))
        .when(days.ltEq(60)).then(lit("31-60"))
        .when(days.ltEq(90)).then(lit("61-90"))
        .when(days.ltEq(180)).then(lit("91-180"))
        .otherwise(lit("181+"))
        .alias("AGING_BUCKET"),
    )
    .groupBy(["SOURCE", "MEDICAL_AID", "AGING_BUCKET"])
    .agg(count64(pl.len()).alias("BILL_COUNT"), sum18("OUTSTANDING").alias("OUTSTANDING_AMOUNT"))
    .sinkParquet(goldPath("outstanding_balances"), PARQUET)
    .collectSync();

  // Both sides stacked under one MONTH and summed: the full outer join of §4
  // without a join, a missing side summing to 0.00.
  pl.concat(
    [
      billing.select(col("SERVICE_MONTH").alias("MONTH"), col("AMOUNT").alias("B"), ZERO.alias("C")),
      payments.select(col("PAYMENT_DATE").dt.truncate("1mo").alias("MONTH"), ZERO.alias("B"), col("AMOUNT").alias("C")),
    ],
    { how: "vertical" },
  )
    .groupBy("MONTH")
    .agg(sum18("B").alias("BILLED_AMOUNT"), sum18("C").alias("COLLECTED_AMOUNT"))
    .withColumns(
      when(col("BILLED_AMOUNT").eq(0)).then(lit(null).cast(pl.Float64))
        .otherwise(col("COLLECTED_AMOUNT").cast(pl.Float64).div(col("BILLED_AMOUNT").cast(pl.Float64)))
        .alias("COLLECTION_RATE"),
    )
    .sinkParquet(goldPath("monthly_revenue"), PARQUET)
    .collectSync();
}

for (const layer of ["bronze", "silver", "gold"]) mkdirSync(`${OUT}/${layer}`, { recursive: true });
try {
  timed("bronze", bronze);
  timed("silver", silver);
  timed("gold", gold);
} catch (e) {
  process.stderr.write(`polars_peer: ${e.stack || e.message}\n`);
  process.exit(1);
}
