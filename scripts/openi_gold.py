#!/usr/bin/env python3
"""Turn the Open-i MeSH coding into a calcmine report-level gold CSV (stdlib only).

Protocol of ../shared/corpora/README.md:
  gold positive  MeSH contains `Calcinosis` or `Calcified Granuloma`;
  not scored     MeSH contains `Atherosclerosis` and no gold-positive code (left out);
  gold negative  everything else.
Usage: openi_gold.py openi-dev.csv > gold.csv   (write it outside the repository)
"""
import csv
import sys

POSITIVE = ("calcinosis", "calcified granuloma")


def descriptors(mesh):
    return [code.split("/")[0].strip().lower() for code in mesh.split(";") if code.strip()]


def main(path):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["report_id", "present"])
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            d = descriptors(row["MeSH"])
            positive = any(x in POSITIVE for x in d)
            if not positive and "atherosclerosis" in d:
                continue
            out.writerow([row["uid"], 1 if positive else 0])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
