#!/usr/bin/env python3
"""Run calcmine over a reports table with Apache Spark, without changing calcmine.

Each partition of the reports table is streamed as JSON lines ({"report_id", "text"}) through
the calcmine binary with RDD.pipe; calcmine's JSON-lines output becomes a Spark DataFrame with
the column names, order and types calcmine documents (`calcmine mine --print-schema`), written
as Parquet, one part file per partition.

  spark-submit calcmine_spark.py --input reports.csv --out mined/ \\
      [--binary ./calcmine] [--partitions 64] [--id-col report_id --text-col text] \\
      [--stage mentions="extract --format jsonl"] [--stage reports="flag --format jsonl"] \\
      [--no-text]

A stage is NAME=CALCMINE-ARGS: one output dataset `OUT/NAME/` produced by `calcmine ARGS`
reading JSON lines on stdin, its columns those of the `mine` table called NAME
(`mentions`, `reports`, `audit`). The default is both of mine's tables:
`mentions="extract --format jsonl"` (one row per mention) and `reports="flag --format jsonl"`
(one row per report, every report, with the work-up flag, labs and recommendations). An audit
is one more stage: `--stage audit="audit --format jsonl --no-summary"`. The `source` and
`line` columns say where calcmine read a record: under Spark that is the partition piped on
stdin, not the original file.

On a cluster, ship the binary with `--files /path/to/calcmine` and pass `--binary ./calcmine`
(it runs in each executor's working directory). Report text never leaves the executors except
as the mention rows you ask for; use --no-text to leave text out of the output.
"""
import argparse, json, shlex, subprocess, sys

from pyspark.sql import SparkSession
from pyspark.sql import types as T

SPARK_TYPES = {
    "string": T.StringType(),
    "categorical": T.StringType(),
    "int64": T.LongType(),
    "boolean": T.BooleanType(),
    "float64": T.DoubleType(),
    "list<string>": T.ArrayType(T.StringType()),
}


DEFAULT_STAGES = ["mentions=extract --format jsonl", "reports=flag --format jsonl"]


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="reports table: .csv (header) or .parquet or .jsonl")
    ap.add_argument("--out", required=True, help="output directory (one dataset per stage)")
    ap.add_argument("--binary", default="calcmine")
    ap.add_argument("--partitions", type=int, default=0, help="repartition the input (0: keep)")
    ap.add_argument("--id-col", default="report_id")
    ap.add_argument("--text-col", default="text")
    ap.add_argument("--stage", action="append", default=[], metavar="NAME=ARGS")
    ap.add_argument("--no-text", action="store_true")
    ap.add_argument("--master", default=None, help="e.g. local[2] (default: spark-submit's)")
    return ap.parse_args(argv)


def spark_type(kind):
    """A calcmine column kind as a Spark type; `list<struct<name: kind, ...>>` (work-up
    reasons, recommendations) as an array of structs."""
    if kind.startswith("list<struct<") and kind.endswith(">>"):
        fields = [f.split(": ", 1) for f in kind[len("list<struct<"):-2].split(", ")]
        return T.ArrayType(T.StructType([T.StructField(n, SPARK_TYPES[k], True) for n, k in fields]))
    return SPARK_TYPES[kind]


def stage_schema(binary, table, no_text):
    """The Spark schema of a mine table, from calcmine itself (schema.rs is the one source)."""
    cmd = [binary, "mine", "--print-schema"] + (["--no-text"] if no_text else [])
    cols = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)[table]
    return T.StructType([T.StructField(c["name"], spark_type(c["type"]), True) for c in cols])


def read_reports(spark, path):
    if path.endswith(".parquet"):
        return spark.read.parquet(path)
    if path.endswith(".jsonl") or path.endswith(".json"):
        return spark.read.json(path)
    return spark.read.csv(path, header=True, multiLine=True, escape='"')


def run(spark, a):
    stages = a.stage or DEFAULT_STAGES
    reports = read_reports(spark, a.input)
    if a.partitions:
        reports = reports.repartition(a.partitions)
    lines = reports.select(a.id_col, a.text_col).rdd.map(
        lambda row: json.dumps({"report_id": str(row[0]), "text": row[1] or ""})
    )
    written = {}
    for stage in stages:
        name, _, args = stage.partition("=")
        args = shlex.split(args) + ["--input-format", "jsonl", "--quiet", "--threads", "1"]
        if a.no_text:
            args.append("--no-text")
        # calcmine exits 1 when a partition has nothing to report (no present mention, no
        # flagged report, no audit gap): not an error; 2 (an error) fails the task
        cmd = " ".join(shlex.quote(x) for x in [a.binary] + args)
        piped = lines.pipe(f"sh -c {shlex.quote(cmd + '; s=$?; [ $s -le 1 ]')}", checkCode=True)
        schema = stage_schema(a.binary, name, a.no_text)
        df = spark.read.schema(schema).json(piped)
        target = f"{a.out.rstrip('/')}/{name}"
        df.write.mode("overwrite").parquet(target)
        written[name] = target
    return written


def main(argv=None):
    a = parse_args(argv)
    b = SparkSession.builder.appName("calcmine")
    if a.master:
        b = b.master(a.master)
    spark = b.getOrCreate()
    try:
        for name, target in run(spark, a).items():
            print(f"calcmine-spark: {name} -> {target}", file=sys.stderr)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
