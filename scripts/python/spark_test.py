#!/usr/bin/env python3
"""Spark test: calcmine under PySpark (local[2], RDD.pipe) equals a single-machine `mine` run.

  spark_test.py CALCMINE WORKDIR

Builds a synthetic reports table, runs scripts/spark/calcmine_spark.py over it in 4
partitions, and checks that the union of the partition outputs (the Parquet dataset Spark
wrote) holds exactly the rows of `calcmine mine`'s mentions.parquet, column for column.
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
assert r.returncode in (0, 1), f"mine exited {r.returncode}"

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


def rows(table):
    cols = table.column_names
    out = []
    for row in table.to_pylist():
        out.append(tuple(tuple(row[c]) if isinstance(row[c], list) else row[c] for c in cols))
    return cols, sorted(out, key=lambda t: (t[0], t[1]))


parts = [p for p in glob.glob(os.path.join(written["mentions"], "part-*.parquet")) if pq.read_metadata(p).num_rows > 0]
spark_cols, spark_rows = rows(pq.read_table(written["mentions"]))
mine_cols, mine_rows = rows(pq.read_table(os.path.join(single, "mentions.parquet")))
print(f"spark: {len(spark_rows)} mention rows from {len(parts)} non-empty partition files; "
      f"mine: {len(mine_rows)} rows")
ok = True
if spark_cols != mine_cols:
    print(f"FAIL: columns differ:\n spark {spark_cols}\n mine  {mine_cols}", file=sys.stderr)
    ok = False
if len(parts) < 2:
    print("FAIL: expected several partition outputs", file=sys.stderr)
    ok = False
if spark_rows != mine_rows:
    a, b = set(spark_rows), set(mine_rows)
    print(f"FAIL: rows differ: {len(a - b)} only in spark, {len(b - a)} only in mine", file=sys.stderr)
    for x in list(a - b)[:3] + list(b - a)[:3]:
        print("  ", x, file=sys.stderr)
    ok = False
if not ok:
    sys.exit(1)
print("spark: union of partition outputs == single-machine mine (mentions), every column")
