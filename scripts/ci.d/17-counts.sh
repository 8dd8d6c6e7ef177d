#!/usr/bin/env bash
# One definition of what counts (TAXONOMY.md §2) on real reports: for every report of
# openi-dev.csv and multi-dev.jsonl, n_present equals its mentions with `counts`, summary.csv's
# totals equal those of reports.parquet, and reasons.parquet joins to the reports and mentions
# (scripts/python/check_counts.py). Needs PyPI (polars).
# Env: CALCMINE (the binary), SHARED (the shared folder).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CALCMINE="${CALCMINE:?set CALCMINE to the calcmine binary}"
venv="${CALCMINE_PYENV:-${TMPDIR:-/tmp}/calcmine-pyenv}"
if ! "$venv/bin/python" -c "import polars" 2>/dev/null; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check polars \
    || { echo "17-counts: pip install polars failed" >&2; exit 1; }
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
py="$venv/bin/python"
"$py" "$here/../python/check_counts.py" "$CALCMINE" "$work" openi "$SHARED/corpora/openi-dev.csv" \
  --id-col uid --text-col indication --text-col comparison --text-col findings --text-col impression
"$py" "$here/../python/check_counts.py" "$CALCMINE" "$work" multi "$SHARED/corpora/multi-dev.jsonl"
