#!/usr/bin/env python3
"""Run calcmine over a reports table with Apache Spark, in-process: the Python package on the
executors, through DataFrame.mapInArrow.

Each partition's Arrow record batches go straight into `calcmine.Engine` (no subprocess, no
JSON): one engine per executor process, compiled once and reused for every batch, and the
mention (or report) rows come back as Arrow record batches with the column names, order and
types calcmine documents (`calcmine.schema()`, the same as `calcmine mine --print-schema`),
written as Parquet, one part file per partition.

  spark-submit calcmine_arrow.py --input reports.csv --out mined/ \\
      [--partitions 64] [--id-col report_id --text-col text] [--table mentions --table reports] \\
      [--no-text]

Needs the `calcmine` package installed on every executor (pip install crates/calcmine-py, or
ship a wheel with --py-files / a conda-pack environment). The pipe job beside it
(calcmine_spark.py) needs only the binary. The `source` and `line` columns of the reports table
say where calcmine read a record: here the partition's batch and its row, not the original file.
"""
import argparse
import os
import sys

TABLES = {"mentions": "extract", "reports": "flag", "audit": "audit"}


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="reports table: .csv (header) or .parquet or .jsonl")
    ap.add_argument("--out", required=True, help="output directory (one dataset per table)")
    ap.add_argument("--partitions", type=int, default=0, help="repartition the input (0: keep)")
    ap.add_argument("--id-col", default="report_id")
    ap.add_argument("--text-col", default="text")
    ap.add_argument("--table", action="append", default=[], choices=sorted(TABLES),
                    help="a table to write (default: mentions and reports)")
    ap.add_argument("--no-text", action="store_true")
    ap.add_argument("--threads", type=int, default=1,
                    help="calcmine threads per task (default 1: Spark runs a task per core)")
    ap.add_argument("--master", default=None, help="e.g. local[2] (default: spark-submit's)")
    return ap.parse_args(argv)


def arrow_schema(table, no_text):
    """The Arrow schema Spark receives: calcmine's columns, categoricals as plain strings."""
    import calcmine
    import pyarrow as pa

    types = {"string": pa.string(), "categorical": pa.string(), "int64": pa.int64(),
             "boolean": pa.bool_(), "float64": pa.float64(), "list<string>": pa.list_(pa.string())}

    def of(kind):
        if kind.startswith("list<struct<") and kind.endswith(">>"):
            return pa.list_(pa.struct([(n, types[k]) for n, k in record_fields(kind)]))
        return types[kind]

    return pa.schema([(c["name"], of(c["type"])) for c in calcmine.schema(no_text)[table]])


def record_fields(kind):
    """The fields of a `list<struct<name: kind, ...>>` column kind, as (name, kind) pairs."""
    return [tuple(f.split(": ", 1)) for f in kind[len("list<struct<"):-2].split(", ")]


def spark_schema(table, no_text):
    from pyspark.sql import types as T

    types = {"string": T.StringType(), "categorical": T.StringType(), "int64": T.LongType(),
             "boolean": T.BooleanType(), "float64": T.DoubleType(),
             "list<string>": T.ArrayType(T.StringType())}
    import calcmine

    def of(kind):
        if kind.startswith("list<struct<") and kind.endswith(">>"):
            return T.ArrayType(T.StructType([T.StructField(n, types[k], True)
                                             for n, k in record_fields(kind)]))
        return types[kind]

    return T.StructType([T.StructField(c["name"], of(c["type"]), True)
                         for c in calcmine.schema(no_text)[table]])


_engine = None


def mine_batches(batches, table, no_text, threads):
    """The mapInArrow function: each record batch of reports (columns report_id, text) to the
    batches of one calcmine table. The engine is built once per Python worker process."""
    global _engine
    import calcmine
    import pyarrow as pa

    if _engine is None:
        _engine = calcmine.Engine()
    run = getattr(_engine, TABLES[table])
    schema = arrow_schema(table, no_text)
    import polars as pl

    for batch in batches:
        out = run(pa.Table.from_batches([batch]), id_col="report_id", text_col="text",
                  no_text=no_text, threads=threads)
        if table == "audit":
            out = out.table
        # Spark reads plain strings: categoricals as their values, string views as strings
        out = out.with_columns(pl.col(pl.Categorical).cast(pl.String))
        for b in out.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(schema).to_batches():
            yield b


def read_reports(spark, path):
    if path.endswith(".parquet"):
        return spark.read.parquet(path)
    if path.endswith(".jsonl") or path.endswith(".json"):
        return spark.read.json(path)
    return spark.read.csv(path, header=True, multiLine=True, escape='"')


def run(spark, a):
    from pyspark.sql import functions as F

    # the executors import this file for `mine_batches` (and keep its engine between batches)
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    reports = read_reports(spark, a.input)
    if a.partitions:
        reports = reports.repartition(a.partitions)
    reports = reports.select(F.col(a.id_col).cast("string").alias("report_id"),
                             F.col(a.text_col).cast("string").alias("text"))
    written = {}
    for table in a.table or ["mentions", "reports"]:
        no_text, threads = a.no_text, a.threads
        df = reports.mapInArrow(lambda it, t=table: mine_batches(it, t, no_text, threads),
                                spark_schema(table, no_text))
        target = f"{a.out.rstrip('/')}/{table}"
        df.write.mode("overwrite").parquet(target)
        written[table] = target
    return written


def main(argv=None):
    from pyspark.sql import SparkSession

    a = parse_args(argv)
    b = SparkSession.builder.appName("calcmine-arrow")
    if a.master:
        b = b.master(a.master)
    spark = b.getOrCreate()
    try:
        for name, target in run(spark, a).items():
            print(f"calcmine-arrow: {name} -> {target}", file=sys.stderr)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
