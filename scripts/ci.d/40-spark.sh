#!/usr/bin/env bash
# calcmine under Apache Spark (PySpark local[2], RDD.pipe through `calcmine extract` and
# `calcmine flag`): the
# union of the partition outputs must equal a single-machine `calcmine mine` run (mentions and
# reports tables).
# Needs Java 17 and network access to PyPI (pyspark); fails loudly without them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CALCMINE="${CALCMINE:?set CALCMINE to the calcmine binary}"
java -version >/dev/null 2>&1 || { echo "40-spark: java not found (Spark needs Java 17)" >&2; exit 1; }
venv="${CALCMINE_PYENV:-${TMPDIR:-/tmp}/calcmine-pyenv}"
if ! "$venv/bin/python" -c "import pyspark, pyarrow" 2>/dev/null; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pyspark pyarrow \
    || { echo "40-spark: pip install pyspark pyarrow failed" >&2; exit 1; }
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
PYSPARK_PYTHON="$venv/bin/python" "$venv/bin/python" "$here/../python/spark_test.py" "$CALCMINE" "$work"
