#!/usr/bin/env python3
"""Parquet input against CSV input (issue 18): the same reports written as CSV and as Parquet by
pyarrow (string, large_string and dictionary text columns; integer ids; several row groups; a
directory of part files as Spark writes it, with _SUCCESS and .crc files) and by Python Polars
(string_view) give the same rows from `calcmine extract` and `calcmine flag` (the provenance
columns `source` and `line` aside: they name the file and row). Then the peak memory of `calcmine
mine` on a large Parquet file written as ONE row group (pyarrow's default holds a million rows
to a row group), against the same reports as CSV.

  check_parquet_input.py CALCMINE WORKDIR [LARGE_N]
"""
import csv
import io
import os
import subprocess
import sys
import time

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

SENTENCES = [
    "A 6 mm calcified granuloma in the right upper lobe is unchanged.",
    "No renal calculi or nephrocalcinosis.",
    "Dense coronary artery calcification.",
    "The lungs are clear. No pleural effusion.",
    "Possible punctate calcification in the left breast. Café-au-lait spots.",
    "Calcified right hilar lymph nodes, consistent with prior granulomatous disease.",
    "Non-calcified 4 mm nodule in the lingula.",
    "History of end-stage renal disease on hemodialysis. Calcium 11.8 mg/dL.",
    "Heart size is normal.",
]


def reports(n):
    """(note_id, note_text) pairs; every 50th text is null (an empty report in the CSV)."""
    out = []
    for i in range(n):
        a, b, c = (SENTENCES[(i * k + j) % len(SENTENCES)] for k, j in ((1, 0), (5, 1), (3, 2)))
        # every text differs (no dictionary page could hold them all)
        text = None if i % 50 == 7 else f"FINDINGS: Exam {i}. {a} {b}\nIMPRESSION: {c}"
        out.append((1000 + i, text))
    return out


def run(calcmine, *args):
    p = subprocess.run([calcmine, *args, "-q"], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"calcmine {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.stdout


def rows(tsv, drop=("source", "line")):
    r = list(csv.reader(io.StringIO(tsv), delimiter="\t"))
    keep = [i for i, h in enumerate(r[0]) if h not in drop]
    return [[row[i] for i in keep] for row in r]


def peak_rss_mb(cmd):
    """Peak RSS of a command in MB, by GNU time (`%M`). Not by wait4's rusage here: a child
    forked from this Python process starts with its memory counted, so its maximum would be
    Python's. Without /usr/bin/time, the high-water mark (VmHWM) polled from /proc."""
    t = time.time()
    if os.path.exists("/usr/bin/time"):
        p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed: {p.stderr}")
        return int(p.stderr.strip().splitlines()[-1]) / 1024, time.time() - t
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hwm = 0
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.02)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed")
    return hwm / 1024, time.time() - t


def main(calcmine, work, large_n=500_000):
    os.makedirs(work, exist_ok=True)
    data = reports(1200)
    ids = [i for i, _ in data]
    texts = [t for _, t in data]
    with open(f"{work}/notes.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["note_id", "note_text"])
        w.writerows((i, t or "") for i, t in data)

    inputs = {}
    for name, typ in (("string", pa.string()), ("large_string", pa.large_string())):
        t = pa.table({"note_id": pa.array(ids, pa.int64()), "note_text": pa.array(texts, typ)})
        pq.write_table(t, f"{work}/{name}.parquet", row_group_size=250)  # 5 row groups
        inputs[f"pyarrow {name}, 5 row groups"] = f"{work}/{name}.parquet"
    t = pa.table({"note_id": pa.array(ids, pa.int32()),
                  "note_text": pa.array(texts, pa.string()).dictionary_encode()})
    pq.write_table(t, f"{work}/dictionary.parquet", row_group_size=500)
    inputs["pyarrow dictionary, int32 ids, 3 row groups"] = f"{work}/dictionary.parquet"
    # a Spark-like directory of parts (part order = row order), with files that are not parts
    os.makedirs(f"{work}/parts/_temporary", exist_ok=True)
    for k in range(4):
        part = pa.table({"note_id": pa.array(ids[k * 300:(k + 1) * 300], pa.int64()),
                         "note_text": pa.array(texts[k * 300:(k + 1) * 300], pa.string())})
        pq.write_table(part, f"{work}/parts/part-{k:05d}-abc.snappy.parquet", compression="snappy")
        open(f"{work}/parts/.part-{k:05d}-abc.snappy.parquet.crc", "w").write("crc")
    open(f"{work}/parts/_SUCCESS", "w").close()
    pq.write_table(part, f"{work}/parts/_temporary/part-99999.parquet")
    inputs["pyarrow directory of 4 parts (+ _SUCCESS, .crc, _temporary/)"] = f"{work}/parts"
    pl.DataFrame({"note_id": ids, "note_text": texts}).write_parquet(
        f"{work}/polars.parquet", row_group_size=400)
    inputs["Polars string_view, 3 row groups"] = f"{work}/polars.parquet"

    want_mentions = rows(run(calcmine, "extract", f"{work}/notes.csv"))
    want_reports = rows(run(calcmine, "flag", f"{work}/notes.csv"))
    assert len(want_reports) == 1201 and len(want_mentions) > 1000
    bad = 0
    for label, path in inputs.items():
        got_m = rows(run(calcmine, "extract", path))
        got_r = rows(run(calcmine, "flag", path))
        same = got_m == want_mentions and got_r == want_reports
        print(f"{'ok  ' if same else 'FAIL'} {label}: {len(got_r) - 1} reports, "
              f"{len(got_m) - 1} mentions, as from the CSV")
        bad += not same
    # a missing column names the columns there are
    p = subprocess.run([calcmine, "flag", f"{work}/string.parquet", "--text-col", "impression"],
                       capture_output=True, text=True)
    named = p.returncode == 2 and "columns: note_id, note_text" in p.stderr
    print(f"{'ok  ' if named else 'FAIL'} a missing column is an error naming the columns")
    bad += not named
    nulls = subprocess.run([calcmine, "flag", f"{work}/string.parquet"],
                           capture_output=True, text=True).stderr
    counted = "24 null texts read as empty" in nulls
    print(f"{'ok  ' if counted else 'FAIL'} null texts counted: {nulls.strip()}")
    bad += not counted

    # bounded memory: a large Parquet file in a single row group
    big = reports(large_n)
    t = pa.table({"note_id": pa.array([i for i, _ in big], pa.int64()),
                  "note_text": pa.array([x or "" for _, x in big], pa.large_string())})
    pq.write_table(t, f"{work}/large.parquet", row_group_size=large_n)
    with open(f"{work}/large.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["note_id", "note_text"])
        w.writerows((i, x or "") for i, x in big)
    del big, t
    text_mb = os.path.getsize(f"{work}/large.csv") / 1e6
    pq_mb = os.path.getsize(f"{work}/large.parquet") / 1e6
    print(f"large input: {large_n} reports, {text_mb:.0f} MB as CSV, {pq_mb:.1f} MB as Parquet "
          f"(one row group of {large_n} rows)")
    for label, path in (("Parquet", f"{work}/large.parquet"), ("CSV", f"{work}/large.csv")):
        rss, secs = peak_rss_mb([calcmine, "mine", path, "--out", f"{work}/mined-{label}", "-q",
                                 "-j2"])
        print(f"peak RSS of mine -j2 on the {label}: {rss:.0f} MB ({secs:.1f} s)")
    a = pl.read_parquet(f"{work}/mined-Parquet/reports.parquet").drop("source", "line")
    b = pl.read_parquet(f"{work}/mined-CSV/reports.parquet").drop("source", "line")
    same = a.equals(b)
    print(f"{'ok  ' if same else 'FAIL'} mine on the large Parquet and CSV: the same reports table")
    bad += not same
    if bad:
        sys.exit(f"{bad} Parquet input check(s) failed")
    print("Parquet input: all checks passed")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(x) for x in sys.argv[3:4]))
