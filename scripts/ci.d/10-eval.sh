#!/usr/bin/env bash
# Corpus evaluation of the core (issue 2) as a thin use of `calcmine eval`:
#   openi-dev.csv  report level, MeSH protocol of ../shared/corpora/README.md: F1 >= 0.99
#   negex-dev.tsv  sentence level, each row's concept the only target:
#                  negated-class F1 >= 0.95 and accuracy >= 0.975
# Env: CALCMINE (the binary), SHARED (the shared folder). Gold and disagreements go to a temp
# dir (set EVAL_KEEP=DIR to keep them there for review), never into the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
CALCMINE="${CALCMINE:?set CALCMINE to the calcmine binary}"
SHARED="${SHARED:?set SHARED to the shared folder}"
corpora="$SHARED/corpora"
tmp="${EVAL_KEEP:-$(mktemp -d)}"
mkdir -p "$tmp"
[ -n "${EVAL_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
status=0

echo "--- openi-dev.csv (report level: Calcinosis / Calcified Granuloma; findings + impression)"
python3 "$here/scripts/openi_gold.py" "$corpora/openi-dev.csv" >"$tmp/openi-gold.csv"
"$CALCMINE" eval --gold "$tmp/openi-gold.csv" "$corpora/openi-dev.csv" \
  --id-col uid --text-col findings --text-col impression \
  --disagreements "$tmp/openi-disagreements.tsv" \
  --min-f1 present=0.99 || status=1

echo
echo "--- negex-dev.tsv (sentence level: negated vs affirmed)"
"$CALCMINE" eval --gold "$corpora/negex-dev.tsv" \
  --disagreements "$tmp/negex-disagreements.tsv" \
  --min-f1 negated=0.95 --min-accuracy negated=0.975 || status=1

exit $status
