#!/usr/bin/env python3
"""The Python package against the binary on the same corpus, interleaved rounds, medians.

  bench_python.py CALCMINE CORPUS.csv [--runs 5] [--threads N]

Per round: `calcmine mine CORPUS --out DIR` (the binary: reading the CSV, analysing, writing
Parquet), then one Python process that loads CORPUS with Polars and runs `engine.mine(df)` on it
(the package: the tables built in memory, nothing written). Each in its own process, so peak
RSS (wait4's ru_maxrss) is the run's own. Printed: wall medians (min-max), MB/s of the input
file, peak RSS; for Python also the time of `engine.mine` alone and of the Polars CSV load.
Run it with the venv's python (where calcmine, polars are installed).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import polars as pl, calcmine
engine = calcmine.Engine()
t1 = time.perf_counter()
df = pl.read_csv(sys.argv[1])
t2 = time.perf_counter()
threads = int(sys.argv[2]) if sys.argv[2] != "0" else None
m = engine.mine(df, threads=threads)
t3 = time.perf_counter()
print(json.dumps({"start": t1 - t0, "load": t2 - t1, "mine": t3 - t2,
                  "mentions": m.mentions.height, "reports": m.reports.height}))
"""


def timed(cmd):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
    return wall, ru.ru_maxrss / 1024, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("calcmine")
    ap.add_argument("corpus")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0, help="0: all cores")
    a = ap.parse_args()
    size = os.path.getsize(a.corpus) / 1e6
    work = tempfile.mkdtemp(prefix="calcmine-pybench-")
    cli, py = [], []
    try:
        for i in range(a.runs):
            out = os.path.join(work, "out")
            shutil.rmtree(out, ignore_errors=True)
            j = ["-j", str(a.threads)] if a.threads else []
            cli.append(timed([a.calcmine, "mine", "-q", a.corpus, *j, "--out", out])[:2])
            wall, rss, res = timed([sys.executable, "-c", CHILD, a.corpus, str(a.threads)])
            py.append((wall, rss, json.loads(res)))
            print(f"round {i + 1}: mine {cli[-1][0]:.2f} s, python {wall:.2f} s "
                  f"(engine.mine {py[-1][2]['mine']:.2f} s)", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def row(name, walls, rss):
        m = statistics.median(walls)
        print(f"| {name} | {m:.2f} ({min(walls):.2f}-{max(walls):.2f}) | {size / m:.1f} | "
              f"{statistics.median(rss):.0f} MB |")

    print(f"{size:.1f} MB, {a.runs} interleaved rounds, threads: {a.threads or 'all'}, "
          f"load average {os.getloadavg()[0]:.2f} at the end\n")
    print("| run | median s (min-max) | MB/s | peak RSS |\n|---|---|---|---|")
    row("`calcmine mine` (CSV in, Parquet out)", [w for w, _ in cli], [r for _, r in cli])
    row("Python process: start, Polars CSV load, `engine.mine`", [w for w, _, _ in py], [r for _, r, _ in py])
    row("`engine.mine(df)` alone (frame in memory)", [r["mine"] for _, _, r in py], [r for _, r, _ in py])
    row("Polars `read_csv` alone", [r["load"] for _, _, r in py], [r for _, r, _ in py])
    r = py[0][2]
    print(f"\n{r['reports']} reports, {r['mentions']} mentions; engine compiled in "
          f"{statistics.median(x['start'] for _, _, x in py):.2f} s (imports included)")


if __name__ == "__main__":
    main()
