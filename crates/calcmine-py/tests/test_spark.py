"""Spark: the mapInArrow job (scripts/spark/calcmine_arrow.py, the package on the executors) in
local[2] over 4 partitions equals a single-machine `calcmine mine` run, every column and type.
Skipped without pyspark or Java."""
import glob
import os
import shutil
import subprocess
import sys

import polars as pl
import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "scripts", "spark"))

# where a record was read (the CSV file and its line; the partition's batch and its row)
PROVENANCE = {"reports": ("source", "line"), "mentions": ("source", "line")}


def rows(df, skip):
    cols = [c for c in df.columns if c not in skip]
    df = df.select([pl.col(c).cast(pl.String) if df.schema[c] == pl.Categorical else pl.col(c) for c in cols])
    return sorted((tuple(tuple(v) if isinstance(v, list) else v for v in r) for r in df.iter_rows()),
                  key=lambda t: tuple("" if x is None else str(x) for x in t))


def test_map_in_arrow_equals_mine(calcmine_bin, tmp_path):
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("no java (Spark needs Java 17)")
    import calcmine_arrow
    from pyspark.sql import SparkSession

    reports = str(tmp_path / "reports.csv")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "python", "make_reports.py"), reports, "3000"],
                   check=True)
    single = str(tmp_path / "single")
    subprocess.run([calcmine_bin, "mine", "-q", reports, "--out", single], check=True)
    # the executors' Python is this one (with calcmine installed)
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (SparkSession.builder.master("local[2]").appName("calcmine-arrow-test")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        written = calcmine_arrow.run(spark, calcmine_arrow.parse_args(
            ["--input", reports, "--out", str(tmp_path / "spark"), "--partitions", "4"]))
    finally:
        spark.stop()
    for table in ("mentions", "reports"):
        parts = [p for p in glob.glob(os.path.join(written[table], "part-*.parquet"))
                 if pl.scan_parquet(p).select(pl.len()).collect().item() > 0]
        assert len(parts) >= 2, f"{table}: expected several partition outputs"
        got = pl.concat([pl.read_parquet(p) for p in parts])
        want = pl.read_parquet(os.path.join(single, f"{table}.parquet"))
        assert got.columns == want.columns
        for c in want.columns:
            w = pl.String if want.schema[c] == pl.Categorical else want.schema[c]
            assert got.schema[c] == w, f"{table}.{c}: spark {got.schema[c]}, mine {w}"
        skip = PROVENANCE.get(table, ())
        g, w = rows(got, skip), rows(want, skip)
        assert len(g) == len(w) > 0
        assert g == w, f"{table}: the Spark rows differ from mine's"
    flagged = pl.read_parquet(os.path.join(written["reports"], "part-*.parquet"))["metabolic_workup"].sum()
    assert flagged >= 1
