#!/usr/bin/env bash
# The Python package (crates/calcmine-py, docs/python.md): build it with maturin into a venv,
# with the CI's CARGO_TARGET_DIR so that Polars and the engine are not compiled again, then run
# its pytest suite: the tables equal `calcmine mine`'s on the shared corpora (Parquet and CSV),
# every input kind, the edge cases, errors, explain, four threads on one engine, and the Spark
# mapInArrow job (local[2]) against a single-machine run.
# Needs network access to PyPI (maturin, pytest, polars, pandas, pyarrow, pyspark) and Java 17
# for the Spark test; fails loudly without them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
CALCMINE="${CALCMINE:?set CALCMINE to the calcmine binary}"
SHARED="${SHARED:?set SHARED to ../shared}"
venv="${CALCMINE_PYENV:-${TMPDIR:-/tmp}/calcmine-pyenv}"
if ! "$venv/bin/python" -c "import maturin, pytest, polars, pandas, pyarrow, pyspark" 2>/dev/null; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check maturin pytest polars pandas pyarrow pyspark \
    || { echo "45-python: pip install failed" >&2; exit 1; }
fi
# maturin builds the extension with cargo into CARGO_TARGET_DIR (the CI's: Polars reused)
start=$(date +%s)
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
(cd "$root/crates/calcmine-py" && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
  "$venv/bin/maturin" develop --release --locked) >"$log" 2>&1 \
  || { cat "$log" >&2; echo "45-python: maturin develop failed" >&2; exit 1; }
echo "45-python: package built and installed in $(( $(date +%s) - start )) s"
CALCMINE="$CALCMINE" SHARED="$SHARED" PYSPARK_PYTHON="$venv/bin/python" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider -W ignore::FutureWarning "$root/crates/calcmine-py/tests"
