#!/usr/bin/env python3
"""check_legacy.py HOME DUCKDB_DUMP — the legacy outputs against the gold Delta
tables: for every gold table, the SQLite file (read with Python's sqlite3, i.e.
libsqlite3) and the DuckDB file (as DuckDB itself dumped it) hold gold_<table>
with the same rows (multisets; doubles within a relative 1e-9, the rest
exactly) and column types that keep the values: a Delta decimal is DuckDB
DECIMAL(p,s) and exact text in SQLite, a date is DuckDB DATE and ISO text in
SQLite. The Delta rows come from `medallion cat` (canonical JSON lines)."""
import json, math, os, sqlite3, subprocess, sys

home, dump = sys.argv[1], sys.argv[2]
medallion = os.environ["MEDALLION_BIN"]
duck = {}
with open(dump) as f:
    for line in f:
        t = json.loads(line)
        duck[t["table"]] = t
db = sqlite3.connect(os.path.join(home, "legacy", "medallion.sqlite"))
failures = []

def delta_schema(table_dir):
    """Column name -> Delta type, from the last metaData action of the log."""
    log = os.path.join(table_dir, "_delta_log")
    schema = None
    for name in sorted(os.listdir(log)):
        if name.endswith(".json"):
            for line in open(os.path.join(log, name)):
                action = json.loads(line)
                if "metaData" in action:
                    schema = json.loads(action["metaData"]["schemaString"])
    return {f["name"]: f["type"] for f in schema["fields"]}

def norm(v, is_double):
    if v is None:
        return None
    if is_double:
        return float(v)
    return str(v)

def same(a, b, cols, doubles):
    for x, y, c in zip(a, b, cols):
        if x is None or y is None:
            if x is not y:
                return False
        elif c in doubles:
            if not (x == y or abs(x - y) <= 1e-9 * max(abs(x), abs(y))):
                return False
        elif x != y:
            return False
    return True

def sort_key(row):
    return [(0, "") if v is None else (1, f"{v:.9e}") if isinstance(v, float) else (2, v) for v in row]

def compare(what, expected, got, cols, doubles):
    if len(expected) != len(got):
        failures.append(f"{what}: {len(got)} rows, expected {len(expected)}")
        return
    for a, b in zip(sorted(expected, key=sort_key), sorted(got, key=sort_key)):
        if not same(a, b, cols, doubles):
            failures.append(f"{what}: row {b} differs from the Delta row {a}")
            return

tables = sorted(os.listdir(os.path.join(home, "gold")))
for table in tables:
    table_dir = os.path.join(home, "gold", table)
    types = {c: t for c, t in delta_schema(table_dir).items() if not c.startswith("_")}
    cols = list(types)
    doubles = {c for c, t in types.items() if t == "double"}
    out = subprocess.run([medallion, "cat", table_dir], check=True, capture_output=True, text=True).stdout
    expected = [[norm(json.loads(l).get(c), c in doubles) for c in cols] for l in out.splitlines() if l]
    name = "gold_" + table

    # SQLite: declared types and the stored value types.
    info = {r[1]: r[2] for r in db.execute(f'PRAGMA table_info("{name}")')}
    if set(info) != set(cols):
        failures.append(f"sqlite {name}: columns {sorted(info)}, expected {sorted(cols)}")
        continue
    for c, t in types.items():
        stored = {r[0] for r in db.execute(f'SELECT DISTINCT typeof("{c}") FROM "{name}"')} - {"null"}
        if t.startswith("decimal") or t == "date" or t == "string":
            if stored - {"text"}:
                failures.append(f"sqlite {name}.{c} ({t}): stored as {stored}, expected text")
        elif t == "double" and stored - {"real", "integer"}:
            failures.append(f"sqlite {name}.{c} (double): stored as {stored}")
        elif t in ("long", "integer") and stored - {"integer"}:
            failures.append(f"sqlite {name}.{c} ({t}): stored as {stored}")
    rows = [[norm(v, c in doubles) for v, c in zip(r, cols)]
            for r in db.execute("SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{name}"')]
    compare(f"sqlite {name}", expected, rows, cols, doubles)

    # DuckDB: column types and rows.
    if name not in duck:
        failures.append(f"duckdb: no table {name}")
        continue
    dt = duck[name]["types"]
    for c, t in types.items():
        want = {"long": "BIGINT", "integer": "INTEGER", "double": "DOUBLE", "string": "VARCHAR", "date": "DATE"}.get(t)
        if t.startswith("decimal"):
            want = t.replace("decimal", "DECIMAL")
        if dt.get(c) != want:
            failures.append(f"duckdb {name}.{c}: type {dt.get(c)}, expected {want} (Delta {t})")
    order = list(dt)
    rows = [[norm(r[order.index(c)], c in doubles) for c in cols] for r in duck[name]["rows"]]
    compare(f"duckdb {name}", expected, rows, cols, doubles)
    print(f"{name}: {len(expected)} rows, {len(cols)} columns: sqlite and duckdb agree with the Delta table")

for f in failures:
    print("FAILED:", f)
sys.exit(1 if failures or not tables else 0)
