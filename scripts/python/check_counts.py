#!/usr/bin/env python3
"""One definition of what counts (TAXONOMY.md §2), checked on real reports.

Runs `calcmine mine` on a corpus and checks, with Polars reading the tables:
  - every report's `n_present` equals the number of its mentions with `counts`;
  - `counts` is exactly: status present, experiencer patient, an imaging-finding section;
  - summary.csv's cohort rows equal the totals of reports.parquet (all reports, failed, with a
    mention that counts and how many of those are flagged, flagged overall and by priority),
    and its mention rows add up to the mentions table (overall and those that count);
  - reasons.parquet: the rules that fired for each report are its `workup_rules`, every
    mention_id joins to a mention of the same report, and a suppressed rule never fired.
Usage: check_counts.py CALCMINE WORKDIR NAME CORPUS [calcmine mine options...]
"""
import subprocess
import sys

import polars as pl


def main():
    calcmine, work, name, corpus, *opts = sys.argv[1:]
    out = f"{work}/{name}"
    subprocess.run([calcmine, "mine", "-q", corpus, "--out", out, *opts], check=True)
    m = pl.read_parquet(f"{out}/mentions.parquet")
    r = pl.read_parquet(f"{out}/reports.parquet")
    why = pl.read_parquet(f"{out}/reasons.parquet")
    s = pl.read_csv(f"{out}/summary.csv")
    bad = []

    # counts, per mention
    expect = (
        (pl.col("status").cast(pl.String) == "present")
        & (pl.col("experiencer").cast(pl.String) == "patient")
        & ~pl.col("section").cast(pl.String).is_in(["indication", "family_history", "comparison"])
    )
    wrong = m.filter(pl.col("counts") != expect)
    if wrong.height:
        bad.append(f"{wrong.height} mentions whose `counts` is not present+patient+finding")

    # n_present per report
    per = m.group_by("report_id").agg(pl.col("counts").sum().alias("counted"))
    j = r.join(per, on="report_id", how="left").with_columns(pl.col("counted").fill_null(0))
    off = j.filter(pl.col("n_present") != pl.col("counted"))
    if off.height:
        bad.append(f"{off.height} reports whose n_present is not their mentions with counts, e.g. "
                   f"{off.select('report_id', 'n_present', 'counted').head(3).to_dicts()}")

    # summary.csv against the reports table
    cohort = {(k, st): (n, f) for k, st, n, f in
              s.filter(pl.col("organ") == "*").select("kind", "status", "reports", "flagged_reports").iter_rows()}
    with_present = r.filter(pl.col("n_present") > 0)
    flagged = r.filter(pl.col("metabolic_workup"))
    want = {
        ("all_reports", "*"): (r.height, flagged.height),
        ("failed", "*"): (r.filter(pl.col("error").is_not_null()).height, 0),
        ("with_present_mention", "present"): (with_present.height,
                                              with_present.filter(pl.col("metabolic_workup")).height),
        ("flagged", "*"): (flagged.height, flagged.height),
    }
    for p, n in flagged.group_by("workup_priority").len().iter_rows():
        want[("flagged", str(p))] = (n, n)
    for k, v in want.items():
        if cohort.get(k) != v:
            bad.append(f"summary.csv {k}: {cohort.get(k)} != reports.parquet {v}")
    groups = s.filter(pl.col("kind") == "mentions")
    if groups["mentions"].sum() != m.height:
        bad.append(f"summary.csv mentions {groups['mentions'].sum()} != mentions table {m.height}")
    counted = groups.filter(pl.col("counts"))["mentions"].sum()
    if counted != r["n_present"].sum():
        bad.append(f"summary.csv counted mentions {counted} != sum of n_present {r['n_present'].sum()}")

    # reasons.parquet against the reports and mentions tables
    fired = (why.filter(pl.col("outcome").cast(pl.String) == "fired")
             .group_by("report_id").agg(pl.col("rule").cast(pl.String).sort().alias("fired")))
    rules = (r.filter(pl.col("workup_rules").list.len() > 0)
             .select("report_id", pl.col("workup_rules").list.sort().alias("rules")))
    both = rules.join(fired, on="report_id", how="full", coalesce=True)
    diff = both.filter(pl.col("rules").is_null() | pl.col("fired").is_null()
                       | (pl.col("rules") != pl.col("fired")))
    if diff.height:
        bad.append(f"{diff.height} reports whose reasons.parquet rules differ from workup_rules")
    keyed = why.filter(pl.col("mention_id").is_not_null())
    orphan = keyed.join(m.select("report_id", "mention_id"), on=["report_id", "mention_id"], how="anti")
    if orphan.height:
        bad.append(f"{orphan.height} reasons rows whose mention_id joins to no mention")
    sup = why.filter(pl.col("outcome").cast(pl.String) == "suppressed").select("report_id", pl.col("rule").cast(pl.String))
    both_ways = sup.join(why.filter(pl.col("outcome").cast(pl.String) == "fired")
                         .select("report_id", pl.col("rule").cast(pl.String)), on=["report_id", "rule"])
    if both_ways.height:
        bad.append(f"{both_ways.height} rules both fired and listed as suppressed in one report")

    print(f"{name}: {r.height} reports, {m.height} mentions ({int(m['counts'].sum())} count), "
          f"{flagged.height} flagged, {why.height} reasons rows "
          f"({sup.height} findings set aside)")
    for b in bad:
        print(f"FAIL {name}: {b}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
