#!/usr/bin/env python3
"""Turn the Open-i MeSH coding into a calcmine report-level gold CSV (stdlib only).

Protocol of ../shared/corpora/README.md:
  gold positive  MeSH contains `Calcinosis` or `Calcified Granuloma`;
  not scored     MeSH contains `Atherosclerosis` and no gold-positive code (left out);
  gold negative  everything else.
The `organ` column maps the qualifiers of the first gold-positive code to TAXONOMY.md §4 organ
names. Nodal qualifiers win over the lung they sit in: `lymph nodes`, and also `hilum`,
`mediastinum` and `paratracheal` without a named lymph node, because a calcification a
radiologist places in the hilum, the mediastinum or beside the trachea on a chest film is a
calcified node (the vessels and airways there do not calcify that way; the aorta has its own
qualifier). So `Calcinosis/lung/hilum/right` is `lymph_node`, not `lung`. The column is left
empty where no qualifier names an organ ("scattered", "multiple"), so that report is not scored
on organ. Informational: no floor.
Usage: openi_gold.py openi-dev.csv > gold.csv   (write it outside the repository)
"""
import csv
import sys

POSITIVE = ("calcinosis", "calcified granuloma")


# MeSH qualifier -> TAXONOMY.md organ, in order of precedence (nodal stations first)
ORGANS = [
    ("lymph nodes", "lymph_node"),
    ("hilum", "lymph_node"),
    ("mediastinum", "lymph_node"),
    ("paratracheal", "lymph_node"),
    ("aorta", "aorta"),
    ("aorta, thoracic", "aorta"),
    ("pleura", "pleura"),
    ("lung", "lung"),
]


def codes(mesh):
    return [[p.strip().lower() for p in c.split("/")] for c in mesh.split(";") if c.strip()]


def organ(parts):
    for qualifier, name in ORGANS:
        if qualifier in parts[1:]:
            return name
    return ""


def main(path):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["report_id", "present", "organ"])
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cs = codes(row["MeSH"])
            pos = [c for c in cs if c[0] in POSITIVE]
            if not pos and any(c[0] == "atherosclerosis" for c in cs):
                continue
            out.writerow([row["uid"], 1 if pos else 0, organ(pos[0]) if pos else ""])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
