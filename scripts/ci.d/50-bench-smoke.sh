#!/usr/bin/env bash
# Smoke run of scripts/bench on a small corpus: the benchmark tooling works, and prints its
# figures; fails only when peak RSS exceeds 300 MB (the full run is `scripts/bench`, not in CI).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CALCMINE="${CALCMINE:?set CALCMINE to the calcmine binary}"
SHARED="${SHARED:?set SHARED to the shared folder}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$here/../bench" --mb 5 --rss-mb 5 --runs 1 --calcmine "$CALCMINE" --shared "$SHARED" \
  --work "$work" --check-rss
