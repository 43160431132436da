"""json_lines_equal.py A B — exit 0 when two JSON-lines files hold equal rows by
the rules of shared/conformance/parquet/README.md ("Comparison"), else print the
first difference and exit 1.

Integers compare exactly (Python ints are unbounded), numbers with a fraction or
exponent as doubles, so 3, 3.0 and 3e0 are equal and -0.0 equals 0.0; booleans
are never numbers."""
import json
import sys


def equal(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def main():
    with open(sys.argv[1], encoding="utf-8") as fa, open(sys.argv[2], encoding="utf-8") as fb:
        lines_a, lines_b = fa.read().splitlines(), fb.read().splitlines()
    for i, (la, lb) in enumerate(zip(lines_a, lines_b), 1):
        try:
            va, vb = json.loads(la), json.loads(lb)
        except ValueError as e:
            print(f"line {i}: not JSON: {e}")
            return 1
        if not equal(va, vb):
            print(f"line {i} differs:\n  {sys.argv[1]}: {la[:600]}\n  {sys.argv[2]}: {lb[:600]}")
            return 1
    if len(lines_a) != len(lines_b):
        print(f"{sys.argv[1]} has {len(lines_a)} lines, {sys.argv[2]} has {len(lines_b)}")
        return 1
    return 0


sys.exit(main())
