#!/usr/bin/env bash
# Every modality (issue 16), protocols of ../shared/corpora/README.md, via scripts/score_corpora.py
# (only id and text reach calcmine; the source's modality is used for grouping alone):
#   multi-dev.jsonl  per modality group: calcification words read >= 0.97 in every group with at
#                    least 20 words; present mentions with an organ >= 0.90 over all groups and
#                    >= 0.95 in mammography; CDD-CESM report-level calc_tag F1 >= 0.95
#   ct-dev.jsonl     vascular set: vascular F1 >= 0.99, coronary F1 >= 0.98; all-findings set:
#                    report F1 >= 0.99, organ recall >= 0.95 (gold.uncertain reports left out)
# Prints every figure; fails below a floor. Env: CALCMINE (the binary), SHARED (the shared
# folder). For review: scripts/score_corpora.py ... --no-floors --misses DIR (TSV per measure).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
CALCMINE="${CALCMINE:?set CALCMINE to the calcmine binary}"
SHARED="${SHARED:?set SHARED to the shared folder}"
python3 "$here/scripts/score_corpora.py" --calcmine "$CALCMINE" --shared "$SHARED"
