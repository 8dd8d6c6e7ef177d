#!/usr/bin/env bash
# Parquet tables of `calcmine mine` and `calcmine audit --format parquet` read back by pyarrow, DuckDB and Python Polars (from PyPI)
# with the documented column types. Needs network access to PyPI; fails loudly without it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="$here/../python"
CALCMINE="${CALCMINE:?set CALCMINE to the calcmine binary}"
venv="${CALCMINE_PYENV:-${TMPDIR:-/tmp}/calcmine-pyenv}"
if ! "$venv/bin/python" -c "import pyarrow, duckdb, polars" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pyarrow duckdb polars \
    || { echo "30-readers: pip install pyarrow duckdb polars failed" >&2; exit 1; }
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
n=500
python3 "$py/make_reports.py" "$work/reports.csv" "$n" --malformed
"$CALCMINE" mine --print-schema > "$work/schema.json"
status=0
"$CALCMINE" mine -q "$work/reports.csv" --out "$work/out" 2>/dev/null || status=$?
# 2: the malformed row is reported (and has its row); anything else is a failure
[ "$status" -le 2 ] || { echo "30-readers: calcmine mine exited $status" >&2; exit 1; }
status=0
"$CALCMINE" audit -q --no-summary --format parquet -o "$work/out/audit.parquet" "$work/reports.csv" 2>/dev/null || status=$?
[ "$status" -le 2 ] || { echo "30-readers: calcmine audit exited $status" >&2; exit 1; }
"$venv/bin/python" "$py/check_readers.py" "$work/out" "$work/schema.json" $((n + 1))
