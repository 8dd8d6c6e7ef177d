#!/usr/bin/env bash
# Parquet input (issue 18): the same reports as CSV and as Parquet written by pyarrow (string,
# large_string, dictionary; several row groups; a Spark-like directory of parts) and by Python
# Polars give the same rows from `extract` and `flag`; a missing column names the columns; null
# texts are counted; and the peak RSS of `mine` on a large Parquet file in ONE row group against
# the same reports as CSV (bounded memory: read a slice at a time). Needs PyPI (pyarrow, polars).
# Env: CALCMINE (the binary). PARQUET_LARGE_N: reports in the large file (default 500000).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="$here/../python"
CALCMINE="${CALCMINE:?set CALCMINE to the calcmine binary}"
venv="${CALCMINE_PYENV:-${TMPDIR:-/tmp}/calcmine-pyenv}"
if ! "$venv/bin/python" -c "import pyarrow, duckdb, polars" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pyarrow duckdb polars \
    || { echo "35-parquet-input: pip install pyarrow duckdb polars failed" >&2; exit 1; }
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" "$py/check_parquet_input.py" "$CALCMINE" "$work" "${PARQUET_LARGE_N:-500000}"
