#!/usr/bin/env python3
"""Anatomy agreement of calcmine's present mentions with the Open-i MeSH anatomy qualifiers.

Definition (the figure .ci/run checks):
- Reports: gold positive ones only — MeSH contains a `Calcinosis` or `Calcified Granuloma` code
  (corpora README). Atherosclerosis-only reports are not gold positive and are not scored.
- Gold codes: every `Calcinosis/...` or `Calcified Granuloma/...` code of those reports that
  carries at least one anatomy qualifier among: aorta (also "aorta, thoracic"); lung; upper lobe,
  middle lobe, lower lobe, lingula, apex, base, hilum; lymph nodes; mediastinum; paratracheal;
  right, left, bilateral. Other qualifiers (size, number, "scattered", "blood vessels", ...)
  are ignored; a code with no anatomy qualifier is not counted.
- A gold code AGREES when ONE present mention of the report, in the findings or impression
  section, satisfies ALL its anatomy qualifiers:
    aorta        -> organ aorta
    lung         -> organ lung, or a lung site (upper/middle/lower lobe, lingula, apex, base,
                    hilum, mid_zone, subpleural)
    <lobe/zone>  -> site upper_lobe / middle_lobe / lower_lobe / lingula / apex / base / hilum
    lymph nodes  -> organ lymph_node (location_class nodal)
    mediastinum  -> site mediastinum, subcarinal or paratracheal (the mediastinal node stations)
    paratracheal -> site paratracheal
    right/left/bilateral -> laterality equal; "bilateral" also agrees when the report's
                    matching mentions (same other qualifiers) include both a left and a right one
- Figure: agreeing gold codes / gold codes. Also printed: qualifier-level recall (each
  (code, qualifier) pair satisfied by some present mention).

Usage: anatomy_agreement.py CALCMINE OPENI_CSV [FLOOR]
Exit status 1 when the figure is below FLOOR (default 0.90).
"""
import csv
import json
import subprocess
import sys
from collections import defaultdict

LUNG_SITES = {"upper_lobe", "middle_lobe", "lower_lobe", "lingula", "apex", "base", "hilum",
              "mid_zone", "subpleural"}
SITE_OF = {"upper lobe": "upper_lobe", "middle lobe": "middle_lobe", "lower lobe": "lower_lobe",
           "lingula": "lingula", "apex": "apex", "base": "base", "hilum": "hilum",
           "paratracheal": "paratracheal"}
ANATOMY = {"aorta", "aorta, thoracic", "lung", "lymph nodes", "mediastinum", "right", "left",
           "bilateral"} | set(SITE_OF)


def satisfies(m, q):
    if q in ("aorta", "aorta, thoracic"):
        return m["organ"] == "aorta"
    if q == "lung":
        return m["organ"] == "lung" or m["site"] in LUNG_SITES
    if q in SITE_OF:
        return m["site"] == SITE_OF[q]
    if q == "lymph nodes":
        return m["organ"] == "lymph_node" or m["location_class"] == "nodal"
    if q == "mediastinum":
        return m["site"] in ("mediastinum", "subcarinal", "paratracheal")
    if q in ("right", "left", "bilateral"):
        return m["laterality"] == q
    return True


def agrees(mentions, quals):
    if any(all(satisfies(m, q) for q in quals) for m in mentions):
        return True
    if "bilateral" in quals:
        rest = [q for q in quals if q != "bilateral"]
        sides = {m["laterality"] for m in mentions if all(satisfies(m, q) for q in rest)}
        return {"left", "right"} <= sides
    return False


def main():
    calcmine, path = sys.argv[1], sys.argv[2]
    floor = float(sys.argv[3]) if len(sys.argv) > 3 else 0.90
    gold = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes = [c.strip() for c in row["MeSH"].split(";")]
            pos = [c for c in codes if c.split("/")[0] in ("Calcinosis", "Calcified Granuloma")]
            if pos:
                gold[row["uid"]] = pos
    out = subprocess.run(
        [calcmine, "extract", path, "--text-col", "findings", "--text-col", "impression",
         "--id-col", "uid", "--format", "jsonl", "--quiet"],
        capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.stderr.write(out.stderr)
        sys.exit(2)
    mentions = defaultdict(list)
    for line in out.stdout.splitlines():
        m = json.loads(line)
        if m["status"] == "present" and m["section"] in ("findings", "impression"):
            mentions[m["report_id"]].append(m)
    codes = agree = pairs = pairs_ok = 0
    misses = []
    for uid, pos in gold.items():
        for code in pos:
            quals = [q for q in code.split("/")[1:] if q in ANATOMY]
            if not quals:
                continue
            codes += 1
            ms = mentions.get(uid, [])
            for q in quals:
                pairs += 1
                pairs_ok += any(satisfies(m, q) for m in ms)
            if agrees(ms, quals):
                agree += 1
            else:
                misses.append((uid, code, [(m["organ"], m["site"], m["laterality"]) for m in ms]))
    fig = agree / codes if codes else 0.0
    print(f"anatomy agreement (gold codes with anatomy, one present mention matching all "
          f"qualifiers): {agree}/{codes} = {fig:.3f} (floor {floor:.2f})")
    print(f"qualifier-level recall: {pairs_ok}/{pairs} = {pairs_ok / pairs if pairs else 0:.3f}")
    if "-v" in sys.argv:
        for x in misses:
            print("MISS", *x)
    sys.exit(0 if fig >= floor else 1)


if __name__ == "__main__":
    main()
