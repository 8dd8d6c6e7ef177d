#!/usr/bin/env python3
"""Spark test: calcmine under PySpark (local[2], RDD.pipe) equals a single-machine `mine` run.

  spark_test.py CALCMINE WORKDIR

Builds a synthetic reports table, runs scripts/spark/calcmine_spark.py over it in 4
partitions with its default stages (`extract` for mentions, `flag` for reports), and checks
that the union of the partition outputs (the Parquet datasets Spark wrote) holds exactly the
rows of `calcmine mine`'s mentions.parquet and reports.parquet: the same columns in the same
order with the same types, and the same values. The only columns not compared by value are
`source` and `line` of the reports table: they say where calcmine read each record (mine: the
CSV file and its line; Spark: the partition piped on stdin), which is the point of running
elsewhere.
"""
import glob, os, subprocess, sys

import pyarrow.parquet as pq

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "spark"))
import calcmine_spark  # noqa: E402

binary, work = sys.argv[1], sys.argv[2]
n = 3000
reports = os.path.join(work, "reports.csv")
subprocess.run([sys.executable, os.path.join(here, "make_reports.py"), reports, str(n)], check=True)

single = os.path.join(work, "single")
r = subprocess.run([binary, "mine", "-q", reports, "--out", single])
assert r.returncode == 0, f"mine exited {r.returncode}"

from pyspark.sql import SparkSession  # noqa: E402

spark = (SparkSession.builder.master("local[2]").appName("calcmine-test")
         .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
out = os.path.join(work, "spark")
try:
    written = calcmine_spark.run(spark, calcmine_spark.parse_args(
        ["--input", reports, "--out", out, "--binary", binary, "--partitions", "4"]))
finally:
    spark.stop()


import pyarrow as pa  # noqa: E402

# where a record was read: differs by design between a file and a piped partition
PROVENANCE = {"reports": ("source", "line"), "mentions": ("source", "line")}


def plain_type(t):
    """The type as the reader sees it: categoricals are strings, string views are strings."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_large_list(t) or pa.types.is_list(t):
        return ("list", plain_type(t.value_type))
    if pa.types.is_struct(t):
        return ("struct", tuple((t.field(i).name, plain_type(t.field(i).type)) for i in range(t.num_fields)))
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    return str(t)


def hashable(v):
    """A cell as a hashable value: lists as tuples, structs as tuples of (field, value)."""
    if isinstance(v, list):
        return tuple(hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple((k, hashable(x)) for k, x in v.items())
    return v


def rows(table, skip=()):
    cols = [c for c in table.column_names if c not in skip]
    out = []
    for row in table.select(cols).to_pylist():
        out.append(tuple(hashable(row[c]) for c in cols))
    return sorted(out, key=lambda t: tuple("" if x is None else str(x) for x in t[:2]))


ok = True
for name in ("mentions", "reports"):
    spark_t = pq.read_table(written[name])
    mine_t = pq.read_table(os.path.join(single, f"{name}.parquet"))
    parts = [p for p in glob.glob(os.path.join(written[name], "part-*.parquet")) if pq.read_metadata(p).num_rows > 0]
    if spark_t.column_names != mine_t.column_names:
        print(f"FAIL {name}: columns differ:\n spark {spark_t.column_names}\n mine  {mine_t.column_names}",
              file=sys.stderr)
        ok = False
        continue
    types = [(c, plain_type(spark_t.schema.field(c).type), plain_type(mine_t.schema.field(c).type))
             for c in mine_t.column_names]
    for c, st, mt in types:
        if st != mt:
            print(f"FAIL {name}.{c}: spark {st}, mine {mt}", file=sys.stderr)
            ok = False
    skip = PROVENANCE.get(name, ())
    spark_rows, mine_rows = rows(spark_t, skip), rows(mine_t, skip)
    print(f"spark {name}: {len(spark_rows)} rows from {len(parts)} non-empty partition files; "
          f"mine: {len(mine_rows)} rows; {len(mine_t.column_names)} columns"
          + (f" ({', '.join(skip)} not compared by value)" if skip else ""))
    if len(parts) < 2:
        print(f"FAIL {name}: expected several partition outputs", file=sys.stderr)
        ok = False
    if spark_rows != mine_rows:
        a, b = set(spark_rows), set(mine_rows)
        print(f"FAIL {name}: rows differ: {len(a - b)} only in spark, {len(b - a)} only in mine", file=sys.stderr)
        for x in list(a - b)[:3] + list(b - a)[:3]:
            print("  ", x, file=sys.stderr)
        ok = False
    if name == "reports":
        flagged = sum(1 for r in spark_t.column("metabolic_workup").to_pylist() if r)
        labs = sum(1 for r in spark_t.column("calcium_mg_dl").to_pylist() if r is not None)
        print(f"spark reports: {flagged} flagged, {labs} with a serum calcium")
        if flagged < 1 or labs < 1:
            print("FAIL reports: the report-level stage carried no flag or no lab value", file=sys.stderr)
            ok = False
if not ok:
    sys.exit(1)
print("spark: union of partition outputs == single-machine mine (mentions and reports), every column and type")
