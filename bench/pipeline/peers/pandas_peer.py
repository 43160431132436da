#!/usr/bin/python3
# pandas_peer.py — the pandas peer of bench/pipeline: PIPELINE.md's bronze →
# silver → gold written the way a pandas user would (read_csv with dtypes,
# boolean masks, sort + drop_duplicates, groupby/agg, merge), on Debian's
# python3-pandas 1.5.
#
#   python3 pandas_peer.py --input CSV_DIR --out OUT_DIR --as-of YYYY-MM-DD --threads N
#
# Debian packages no Parquet engine for pandas (no pyarrow, no fastparquet), so
# this peer reads the CSV copies of bench/pipeline/README.md and writes every
# layer as CSV (OUT_DIR/<layer>/<table>.csv, same conventions: ISO dates,
# timestamps with six digits, decimals with two digits, null = empty field).
# Only for the harness's gold comparison, the four small gold CSVs are then
# turned into Parquet by gold_to_parquet.mjs (DuckDB through node), counted in
# the gold layer's time. pandas is single-threaded: --threads is accepted and
# ignored. Decimals are held as exact integer cents (Int64), never as floats.
import argparse
import csv
import datetime as dt
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import uuid

try:
    import numpy as np
    import pandas as pd
except ImportError:
    # `python3` on PATH may be a non-Debian Python without Debian's pandas.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

HERE = os.path.dirname(os.path.abspath(__file__))
WS = " \t\n\v\f\r"  # §3 step 1: ASCII white space only
CODE_COLUMNS = {"SOURCE", "TARIFF_CODE", "ICD10_CODE", "GENDER", "FALLS_RISK", "PLAN_TYPE", "STATUS", "PAYER", "METHOD"}
DIRECT_IDENTIFIERS = {"FIRST_NAME", "SURNAME", "ID_NUMBER", "DATE_OF_BIRTH", "PHONE", "MEDICAL_AID_NR"}

# §1 column kinds: s utf8, i32/i64 integers, dec decimal(12,2), date, ts timestamp(us).
SOURCES = {
    "billing": dict(BILL_ID="i64", LINE_NR="i32", SOURCE="s", PATIENT_NR="s", SERVICE_DATE="date", TARIFF_CODE="s",
                    ICD10_CODE="s", QUANTITY="i32", UNIT_PRICE="dec", AMOUNT="dec", MEDICAL_AID="s", CREATED_AT="ts",
                    UPDATED_AT="ts"),
    "patients": dict(PATIENT_NR="s", FIRST_NAME="s", SURNAME="s", ID_NUMBER="s", DATE_OF_BIRTH="date", GENDER="s",
                     MEDICAL_AID="s", MEDICAL_AID_NR="s", PHONE="s", CREATED_AT="ts", UPDATED_AT="ts"),
    "geriatric_assessments": dict(ASSESSMENT_ID="i64", PATIENT_NR="s", ASSESSMENT_DATE="date", ADL_SCORE="i32",
                                  IADL_SCORE="i32", MMSE_SCORE="i32", FRAILTY_SCORE="i32", FALLS_RISK="s",
                                  ASSESSOR="s", UPDATED_AT="ts"),
    "patient_plans": dict(PLAN_ID="i64", PATIENT_NR="s", PLAN_TYPE="s", ICD10_CODE="s", START_DATE="date",
                          END_DATE="date", STATUS="s", UPDATED_AT="ts"),
    "bill_payments": dict(PAYMENT_ID="i64", BILL_ID="i64", PAYMENT_DATE="date", AMOUNT="dec", PAYER="s", METHOD="s",
                          UPDATED_AT="ts"),
    "tariff_codes": dict(TARIFF_CODE="s", DESCRIPTION="s", CATEGORY="s"),
    "pmb_conditions": dict(ICD10_CODE="s", PMB_CODE="s", DESCRIPTION="s"),
}
KEYS = {"billing": ["BILL_ID", "LINE_NR"], "patients": ["PATIENT_NR"], "geriatric_assessments": ["ASSESSMENT_ID"],
        "patient_plans": ["PLAN_ID"], "bill_payments": ["PAYMENT_ID"]}
BRONZE_META = dict(_source_system="s", _run_id="s", _ingested_at="s")
READ_DTYPE = {"s": object, "i32": "Int32", "i64": "Int64", "dec": object, "date": object, "ts": object, "b": "boolean",
              "f64": "float64"}
TS_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


# ---------------------------------------------------------------- typed CSV I/O
def read_table(path, kinds, usecols=None, parse=True):
    """Reads one CSV with the dtypes of `kinds`; dates and timestamps become
    datetime64, decimals integer cents (unless `parse` is off: then they stay text)."""
    cols = usecols or list(kinds)
    df = pd.read_csv(path, usecols=cols, dtype={c: READ_DTYPE[kinds[c]] for c in cols},
                     keep_default_na=False, na_values=[""])
    for c in cols if parse else []:
        k = kinds[c]
        if k == "date":
            df[c] = pd.to_datetime(df[c], format="%Y-%m-%d")
        elif k == "ts":
            df[c] = pd.to_datetime(df[c], format=TS_FORMAT)
        elif k == "dec":
            # Exactly two decimals in the input: the digits without the point are the cents.
            df[c] = df[c].str.replace(".", "", regex=False).astype("Int64")
    return df


CENT_DIGITS = np.array([f"{i:02d}" for i in range(100)], dtype=object)


def cents_text(s):
    """Integer cents → exact decimal text with two digits ("-12.50")."""
    v = s.fillna(0).to_numpy(dtype="int64")
    mag = np.abs(v)
    text = np.where(v < 0, "-", "").astype(object) + (mag // 100).astype(str).astype(object) + "." \
        + CENT_DIGITS[mag % 100]
    return pd.Series(text, index=s.index).where(s.notna(), None)


def write_table(df, path, kinds):
    """Writes `df` as CSV in the reader's conventions (kinds say which columns
    are dates, timestamps and cents)."""
    out = df.copy(deep=False)
    for c, k in kinds.items():
        if c not in out:
            continue
        if k == "date":
            out[c] = out[c].dt.strftime("%Y-%m-%d")
        elif k == "ts":
            out[c] = out[c].dt.strftime(TS_FORMAT)
        elif k == "dec":
            out[c] = cents_text(out[c])
    out.to_csv(path, index=False, na_rep="", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


# ---------------------------------------------------------------- bronze (§2)
def bronze(src, out, run_id, ingested_at):
    # Bronze keeps values as read: dates, timestamps and decimals pass through as
    # their CSV text (already in the layer's format), integers and strings typed.
    for table, kinds in SOURCES.items():
        df = read_table(f"{src}/{table}.csv", kinds, parse=False)
        df["_source_system"] = "parquet"
        df["_run_id"] = run_id
        df["_ingested_at"] = ingested_at
        write_table(df, f"{out}/bronze/{table}_raw.csv", {})


# ---------------------------------------------------------------- silver (§3)
def normalised(out, table):
    kinds = SOURCES[table]
    df = read_table(f"{out}/bronze/{table}_raw.csv", {**kinds, **BRONZE_META}, usecols=list(kinds))
    for c, k in kinds.items():
        if k != "s":
            continue
        s = df[c].str.strip(WS)
        if c in CODE_COLUMNS:
            s = s.str.upper()  # codes are ASCII in the generator's data
        df[c] = s.mask(s == "")
    return df  # the RangeIndex is the source order


def deduplicated(df, key):
    has_key = df[key].notna().all(axis=1)
    # Stable sort: equal UPDATED_AT keep source order, so keep="last" is the later row; NaT sorts first (oldest).
    latest = df[has_key].sort_values("UPDATED_AT", kind="stable", na_position="first")
    latest = latest[~latest.duplicated(key, keep="last")]
    return pd.concat([latest, df[~has_key]]).sort_index()


def reasons(df, key, rules):
    conds = [df[key].isna().any(axis=1).to_numpy()]
    conds += [np.asarray(cond.fillna(False) if hasattr(cond, "fillna") else cond, dtype=bool) for _, cond in rules]
    names = ["key_missing"] + [name for name, _ in rules]
    return pd.Series(np.select(conds, names, default=None), index=df.index, dtype=object)


def patient_keys(nrs, key):
    codes, uniques = pd.factorize(nrs)
    digests = np.array([hmac.new(key, u.encode("utf-8"), hashlib.sha256).hexdigest() for u in uniques] + [None],
                       dtype=object)
    return pd.Series(digests[codes], index=nrs.index)  # code -1 (null) picks the trailing None


def split(out, table, df, rules, run_id, key):
    """Steps 3–4: writes the rejects and returns the valid rows with PATIENT_KEY."""
    kinds = SOURCES[table]
    df["_reject_reason"] = reasons(df, KEYS[table], rules)
    df["_run_id"] = run_id
    columns = list(kinds)
    if "PATIENT_NR" in df:
        df.insert(df.columns.get_loc("PATIENT_NR"), "PATIENT_KEY", patient_keys(df["PATIENT_NR"], key))
        columns = ["PATIENT_KEY" if c == "PATIENT_NR" else c for c in columns if c not in DIRECT_IDENTIFIERS]
    bad = df["_reject_reason"].notna()
    write_table(df.loc[bad, columns + ["_reject_reason", "_run_id"]], f"{out}/silver/{table}_rejects.csv", kinds)
    return df[~bad].copy()


def reference(out, table, run_id):
    code = next(iter(SOURCES[table]))
    df = normalised(out, table)
    df = df[df[code].notna()].drop_duplicates(code, keep="last")
    df["_run_id"] = run_id
    write_table(df, f"{out}/silver/{table}.csv", SOURCES[table])
    return df


SILVER_KINDS = {
    "billing": dict(BILL_ID="i64", LINE_NR="i32", SOURCE="s", PATIENT_KEY="s", SERVICE_DATE="date",
                    SERVICE_MONTH="date", TARIFF_CODE="s", TARIFF_CATEGORY="s", ICD10_CODE="s", IS_PMB="b",
                    QUANTITY="i32", UNIT_PRICE="dec", AMOUNT="dec", MEDICAL_AID="s", UPDATED_AT="ts"),
    "patients": dict(PATIENT_KEY="s", GENDER="s", BIRTH_YEAR="i32", AGE="i32", AGE_BAND="s", MEDICAL_AID="s",
                     UPDATED_AT="ts"),
    "geriatric_assessments": dict(ASSESSMENT_ID="i64", PATIENT_KEY="s", ASSESSMENT_DATE="date", ADL_SCORE="i32",
                                  IADL_SCORE="i32", MMSE_SCORE="i32", FRAILTY_SCORE="i32", FRAILTY_BAND="s",
                                  FALLS_RISK="s", COGNITIVE_IMPAIRMENT="b", UPDATED_AT="ts"),
    "patient_plans": dict(PLAN_ID="i64", PATIENT_KEY="s", PLAN_TYPE="s", ICD10_CODE="s", START_DATE="date",
                          END_DATE="date", STATUS="s", IS_PMB="b", IS_ACTIVE="b", UPDATED_AT="ts"),
    "bill_payments": dict(PAYMENT_ID="i64", BILL_ID="i64", PAYMENT_DATE="date", AMOUNT="dec", PAYER="s", METHOD="s",
                          UPDATED_AT="ts"),
}


def write_silver(out, table, df):
    kinds = SILVER_KINDS[table]
    write_table(df[list(kinds) + ["_run_id"]], f"{out}/silver/{table}.csv", kinds)


def band(values, bounds):
    """np.select over (condition, label) pairs, None where none holds."""
    return np.select([np.asarray(c, dtype=bool) for c, _ in bounds], [b for _, b in bounds], default=None)


def month_start(s):
    return s.dt.to_period("M").dt.to_timestamp()


def silver(out, as_of, run_id, key):
    tariffs = reference(out, "tariff_codes", run_id)
    pmb = set(reference(out, "pmb_conditions", run_id)["ICD10_CODE"])
    as_of_ts = pd.Timestamp(as_of)

    b = deduplicated(normalised(out, "billing"), KEYS["billing"])
    b = split(out, "billing", b, [
        ("patient_nr_missing", b["PATIENT_NR"].isna()),
        ("service_date_missing", b["SERVICE_DATE"].isna()),
        ("service_date_in_future", b["SERVICE_DATE"] > as_of_ts),
        ("quantity_not_positive", b["QUANTITY"].isna() | (b["QUANTITY"] <= 0)),
        ("amount_missing", b["AMOUNT"].isna()),
        ("amount_negative", b["AMOUNT"] < 0),
        ("unknown_tariff_code", ~b["TARIFF_CODE"].isin(tariffs["TARIFF_CODE"])),
    ], run_id, key)
    b["SERVICE_MONTH"] = month_start(b["SERVICE_DATE"])
    b["TARIFF_CATEGORY"] = b["TARIFF_CODE"].map(tariffs.set_index("TARIFF_CODE")["CATEGORY"])
    b["IS_PMB"] = b["ICD10_CODE"].isin(pmb)
    write_silver(out, "billing", b)
    bill_ids = b["BILL_ID"].unique()
    del b

    p = deduplicated(normalised(out, "patients"), KEYS["patients"])
    dob = p["DATE_OF_BIRTH"]
    p = split(out, "patients", p, [
        ("patient_nr_missing", p["PATIENT_NR"].isna()),
        ("date_of_birth_missing", dob.isna()),
        ("date_of_birth_invalid", (dob > as_of_ts) | (dob < pd.Timestamp("1900-01-01"))),
    ], run_id, key)
    dob = p["DATE_OF_BIRTH"]
    p["GENDER"] = p["GENDER"].map({"M": "M", "MALE": "M", "F": "F", "FEMALE": "F"}).fillna("U")
    p["BIRTH_YEAR"] = dob.dt.year.astype("Int32")
    later_in_year = (dob.dt.month > as_of.month) | ((dob.dt.month == as_of.month) & (dob.dt.day > as_of.day))
    p["AGE"] = (as_of.year - dob.dt.year - later_in_year.astype(int)).astype("Int32")
    p["AGE_BAND"] = pd.cut(p["AGE"].astype("float64"), [-np.inf, 17, 44, 64, 74, 84, np.inf],
                           labels=["0-17", "18-44", "45-64", "65-74", "75-84", "85+"]).astype(object)
    write_silver(out, "patients", p)
    del p

    a = deduplicated(normalised(out, "geriatric_assessments"), KEYS["geriatric_assessments"])

    def out_of_range(c, lo, hi):
        return ((a[c] < lo) | (a[c] > hi)).fillna(False)

    a = split(out, "geriatric_assessments", a, [
        ("patient_nr_missing", a["PATIENT_NR"].isna()),
        ("assessment_date_missing", a["ASSESSMENT_DATE"].isna()),
        ("score_out_of_range", out_of_range("ADL_SCORE", 0, 6) | out_of_range("IADL_SCORE", 0, 8)
         | out_of_range("MMSE_SCORE", 0, 30) | out_of_range("FRAILTY_SCORE", 1, 9)),
    ], run_id, key)
    a["FALLS_RISK"] = a["FALLS_RISK"].where(a["FALLS_RISK"].isin(["LOW", "MEDIUM", "HIGH"]), None)
    f = a["FRAILTY_SCORE"]
    a["FRAILTY_BAND"] = band(f, [(f.between(1, 3).fillna(False), "FIT"), ((f == 4).fillna(False), "VULNERABLE"),
                                 (f.between(5, 6).fillna(False), "FRAIL"),
                                 (f.between(7, 9).fillna(False), "SEVERELY_FRAIL")])
    a["COGNITIVE_IMPAIRMENT"] = a["MMSE_SCORE"] < 24  # nullable boolean: NA where MMSE is NA
    write_silver(out, "geriatric_assessments", a)
    del a

    pp = deduplicated(normalised(out, "patient_plans"), KEYS["patient_plans"])
    pp = split(out, "patient_plans", pp, [
        ("patient_nr_missing", pp["PATIENT_NR"].isna()),
        ("start_date_missing", pp["START_DATE"].isna()),
        ("end_before_start", pp["END_DATE"] < pp["START_DATE"]),
    ], run_id, key)
    pp["IS_PMB"] = pp["ICD10_CODE"].isin(pmb)
    pp["IS_ACTIVE"] = (pp["STATUS"] == "ACTIVE") & (pp["START_DATE"] <= as_of_ts) \
        & (pp["END_DATE"].isna() | (pp["END_DATE"] >= as_of_ts))
    write_silver(out, "patient_plans", pp)
    del pp

    pay = deduplicated(normalised(out, "bill_payments"), KEYS["bill_payments"])
    pay = split(out, "bill_payments", pay, [
        ("bill_id_missing", pay["BILL_ID"].isna()),
        ("payment_date_missing", pay["PAYMENT_DATE"].isna()),
        ("amount_not_positive", pay["AMOUNT"].isna() | (pay["AMOUNT"] <= 0)),
        ("unknown_bill", ~pay["BILL_ID"].isin(bill_ids)),
    ], run_id, key)
    write_silver(out, "bill_payments", pay)


# ---------------------------------------------------------------- gold (§4)
GOLD_KINDS = {
    "grouped_billing": dict(SOURCE="s", SERVICE_MONTH="date", TARIFF_CATEGORY="s", LINE_COUNT="i64",
                            BILL_COUNT="i64", PATIENT_COUNT="i64", TOTAL_AMOUNT="dec", AVG_AMOUNT="f64"),
    "pmb_geriatric": dict(AGE_BAND="s", GENDER="s", FRAILTY_BAND="s", PATIENT_COUNT="i64", ASSESSED_COUNT="i64",
                          AVG_MMSE="f64", AVG_ADL="f64", COGNITIVE_IMPAIRMENT_COUNT="i64", BILLED_12M="dec"),
    "outstanding_balances": dict(SOURCE="s", MEDICAL_AID="s", AGING_BUCKET="s", BILL_COUNT="i64",
                                 OUTSTANDING_AMOUNT="dec"),
    "monthly_revenue": dict(MONTH="date", BILLED_AMOUNT="dec", COLLECTED_AMOUNT="dec", COLLECTION_RATE="f64"),
}


def write_gold(out, table, df):
    kinds = GOLD_KINDS[table]
    write_table(df.reset_index()[list(kinds)], f"{out}/gold/{table}.csv", kinds)


def gold(out, as_of):
    silver_csv = lambda t: f"{out}/silver/{t}.csv"  # noqa: E731
    sk = SILVER_KINDS
    billing = read_table(silver_csv("billing"), sk["billing"], usecols=[
        "BILL_ID", "SOURCE", "PATIENT_KEY", "SERVICE_DATE", "SERVICE_MONTH", "TARIFF_CATEGORY", "AMOUNT", "MEDICAL_AID"])
    payments = read_table(silver_csv("bill_payments"), sk["bill_payments"], usecols=["BILL_ID", "PAYMENT_DATE", "AMOUNT"])
    as_of_ts = pd.Timestamp(as_of)

    g = billing.groupby(["SOURCE", "SERVICE_MONTH", "TARIFF_CATEGORY"], dropna=False).agg(
        LINE_COUNT=("BILL_ID", "size"), BILL_COUNT=("BILL_ID", "nunique"), PATIENT_COUNT=("PATIENT_KEY", "nunique"),
        TOTAL_AMOUNT=("AMOUNT", "sum"))
    g["AVG_AMOUNT"] = g["TOTAL_AMOUNT"].astype("float64") / 100.0 / g["LINE_COUNT"]
    write_gold(out, "grouped_billing", g)

    patients = read_table(silver_csv("patients"), sk["patients"], usecols=["PATIENT_KEY", "AGE", "AGE_BAND", "GENDER"])
    plans = read_table(silver_csv("patient_plans"), sk["patient_plans"], usecols=["PATIENT_KEY", "IS_PMB", "IS_ACTIVE"])
    assessments = read_table(silver_csv("geriatric_assessments"), sk["geriatric_assessments"], usecols=[
        "ASSESSMENT_ID", "PATIENT_KEY", "ASSESSMENT_DATE", "MMSE_SCORE", "ADL_SCORE", "FRAILTY_BAND",
        "COGNITIVE_IMPAIRMENT"])
    pmb_patients = plans.loc[plans["IS_ACTIVE"] & plans["IS_PMB"], "PATIENT_KEY"]
    eligible = patients[(patients["AGE"] >= 65) & patients["PATIENT_KEY"].isin(pmb_patients)]
    latest = assessments.sort_values(["ASSESSMENT_DATE", "ASSESSMENT_ID"]).drop_duplicates("PATIENT_KEY", keep="last")
    recent = billing[(billing["SERVICE_DATE"] > as_of_ts - pd.Timedelta(days=365)) & (billing["SERVICE_DATE"] <= as_of_ts)]
    billed = recent.groupby("PATIENT_KEY")["AMOUNT"].sum().rename("BILLED")
    e = eligible.merge(latest, on="PATIENT_KEY", how="left").merge(billed, left_on="PATIENT_KEY", right_index=True,
                                                                   how="left")
    e["FRAILTY_BAND"] = e["FRAILTY_BAND"].fillna("NOT_ASSESSED")
    e["IMPAIRED"] = e["COGNITIVE_IMPAIRMENT"].fillna(False).astype(int)
    e["BILLED"] = e["BILLED"].fillna(0)
    g = e.groupby(["AGE_BAND", "GENDER", "FRAILTY_BAND"]).agg(
        PATIENT_COUNT=("PATIENT_KEY", "size"), ASSESSED_COUNT=("ASSESSMENT_ID", "count"),
        AVG_MMSE=("MMSE_SCORE", "mean"), AVG_ADL=("ADL_SCORE", "mean"), COGNITIVE_IMPAIRMENT_COUNT=("IMPAIRED", "sum"),
        BILLED_12M=("BILLED", "sum"))
    g["AVG_MMSE"] = g["AVG_MMSE"].astype("float64")
    g["AVG_ADL"] = g["AVG_ADL"].astype("float64")
    write_gold(out, "pmb_geriatric", g)

    # Smallest non-null SOURCE / MEDICAL_AID per bill (Python's str order is code point order = UTF-8 byte order).
    bills = billing.groupby("BILL_ID").agg(BILLED=("AMOUNT", "sum"), BILL_DATE=("SERVICE_DATE", "min"))
    for c in ["SOURCE", "MEDICAL_AID"]:
        # Not groupby(...).min(): on object columns pandas falls back to a Python loop per group.
        smallest = billing[["BILL_ID", c]].dropna().sort_values(c, kind="stable").drop_duplicates("BILL_ID")
        bills[c] = smallest.set_index("BILL_ID")[c]
    paid = payments.groupby("BILL_ID")["AMOUNT"].sum()
    bills["OUTSTANDING"] = bills["BILLED"] - paid.reindex(bills.index).fillna(0)
    o = bills[bills["OUTSTANDING"] > 0].copy()
    o["MEDICAL_AID"] = o["MEDICAL_AID"].fillna("PRIVATE")
    d = (as_of_ts - o["BILL_DATE"]).dt.days
    o["AGING_BUCKET"] = band(d, [(d <= 30, "0-30"), (d <= 60, "31-60"), (d <= 90, "61-90"), (d <= 180, "91-180"),
                                 (d >= 181, "181+")])
    g = o.groupby(["SOURCE", "MEDICAL_AID", "AGING_BUCKET"], dropna=False).agg(
        BILL_COUNT=("OUTSTANDING", "size"), OUTSTANDING_AMOUNT=("OUTSTANDING", "sum"))
    write_gold(out, "outstanding_balances", g)

    m = pd.concat([billing.groupby("SERVICE_MONTH")["AMOUNT"].sum().rename("BILLED_AMOUNT"),
                   payments.groupby(month_start(payments["PAYMENT_DATE"]))["AMOUNT"].sum().rename("COLLECTED_AMOUNT")],
                  axis=1).fillna(0)  # a full outer join on the month index
    m.index.name = "MONTH"
    m["COLLECTION_RATE"] = (m["COLLECTED_AMOUNT"].astype("float64") / m["BILLED_AMOUNT"].astype("float64")) \
        .where(m["BILLED_AMOUNT"] != 0)
    write_gold(out, "monthly_revenue", m)


def gold_parquet(out):
    """The harness compares gold as Parquet; pandas cannot write it here."""
    node_dir = os.environ.get("PANDAS_PEER_NODE_DIR",
                              os.path.join(HERE, "..", "..", "..", "build", "bench-node-pipeline"))
    if not os.path.isdir(os.path.join(node_dir, "node_modules", "@duckdb")):
        print(f"pandas_peer: no @duckdb/node-api under {node_dir}: gold left as CSV only", file=sys.stderr)
        return
    subprocess.run(["node", os.path.join(HERE, "gold_to_parquet.mjs"), node_dir, f"{out}/gold"], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--as-of", required=True, type=dt.date.fromisoformat)
    ap.add_argument("--threads", type=int, default=1)  # pandas runs on one thread whatever N is
    o = ap.parse_args()
    key = os.environ.get("MEDALLION_HASH_KEY", "medallion-test-key").encode("utf-8")
    run_id = str(uuid.uuid4())
    ingested_at = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f+00:00")
    out = os.path.abspath(o.out)
    for layer in ["bronze", "silver", "gold"]:
        os.makedirs(f"{out}/{layer}", exist_ok=True)
    print("pandas_peer: no Parquet engine for pandas here: every layer is written as CSV "
          "(gold also as Parquet through DuckDB for the comparison)", file=sys.stderr)
    steps = [("bronze", lambda: bronze(os.path.abspath(o.input), out, run_id, ingested_at)),
             ("silver", lambda: silver(out, o.as_of, run_id, key)),
             ("gold", lambda: (gold(out, o.as_of), gold_parquet(out)))]
    for layer, step in steps:
        start = time.perf_counter()
        step()
        print(json.dumps({"layer": layer, "seconds": round(time.perf_counter() - start, 3)}, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    main()
