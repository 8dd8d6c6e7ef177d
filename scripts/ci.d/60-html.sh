#!/usr/bin/env bash
# The HTML pages in a real browser: `mine --html` on openi-dev.csv and multi-dev.jsonl, and one
# `explain --html` page, opened from file:// in Debian's headless Chromium (Selenium from PyPI
# with Debian's chromedriver): no console error, no request but file://, every chart drawn, the
# filter box filters, a review link opens its review; a screenshot of each page is kept
# (paths printed). Installs chromium and chromium-driver with apt-get when missing (as root);
# skips, saying why, only when they cannot be installed.
# Env: CALCMINE (the binary), SHARED (the shared folder); CALCMINE_SHOTS (where screenshots go,
# default /tmp/calcmine-html-shots).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="$here/../python"
CALCMINE="${CALCMINE:?set CALCMINE to the calcmine binary}"
SHARED="${SHARED:?set SHARED to the shared folder}"
shots="${CALCMINE_SHOTS:-/tmp/calcmine-html-shots}"

if ! command -v chromium >/dev/null || ! [ -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "60-html: installing chromium and chromium-driver (apt-get)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        chromium chromium-driver >/dev/null; } || true
  fi
fi
if ! command -v chromium >/dev/null || ! [ -x /usr/bin/chromedriver ]; then
  echo "60-html: SKIP: chromium and chromium-driver could not be installed (not root, no apt-get, or no package source)"
  exit 0
fi
venv="${CALCMINE_PYENV:-${TMPDIR:-/tmp}/calcmine-pyenv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check selenium \
    || { echo "60-html: pip install selenium failed" >&2; exit 1; }
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# size and time of each page's run
timed() {
  local name="$1"; shift
  local t0 ms
  t0=$(date +%s%N)
  "$@"
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  printf '60-html: %s: %d ms\n' "$name" "$ms"
}
openi=(--id-col uid --text-col indication --text-col comparison --text-col findings --text-col impression)
timed "mine --html openi-dev.csv" \
  "$CALCMINE" mine -q --html "$SHARED/corpora/openi-dev.csv" "${openi[@]}" --out "$work/openi"
timed "mine --html multi-dev.jsonl" \
  "$CALCMINE" mine -q --html "$SHARED/corpora/multi-dev.jsonl" --out "$work/multi"
# explain exits 1 when no report shown has a present mention: not a failure here
mkdir -p "$work/explain"
"$CALCMINE" explain --html --first 40 "$SHARED/corpora/multi-dev.jsonl" -o "$work/explain/explain.html" \
  || [ $? -eq 1 ]
for f in "$work/openi/report.html" "$work/multi/report.html" "$work/explain/explain.html"; do
  if grep -Eq 'https?://' "$f"; then
    echo "60-html: FAIL $f refers to the network (http:// or https://)" >&2
    exit 1
  fi
done
"$venv/bin/python" "$py/check_html.py" "$shots" \
  "$work/openi/report.html" "$work/multi/report.html" "$work/explain/explain.html"
