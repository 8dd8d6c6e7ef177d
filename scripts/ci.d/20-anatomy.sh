#!/usr/bin/env bash
# Anatomy agreement on Open-i (issue 3): present mentions in gold-positive reports against the
# MeSH anatomy qualifiers (aorta; lung and lobe/lingula/apex/base/hilum; lymph nodes;
# mediastinum; paratracheal; laterality). The agreement is defined in
# scripts/anatomy_agreement.py: a gold code agrees when one present mention (findings or
# impression) satisfies all its anatomy qualifiers. Fails below 0.90.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${CALCMINE:?path to the calcmine binary}" "${SHARED:?path to the shared folder}"
python3 scripts/anatomy_agreement.py "$CALCMINE" "$SHARED/corpora/openi-dev.csv" 0.90
