#!/usr/bin/env bash
# The fuzz smoke (issue 21): every cargo-fuzz target of fuzz/ for 60 s on one core, seeded
# with real reports from ../shared. A crash fails CI with its input in fuzz/artifacts/. The
# long runs and their figures: docs/safety.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/fuzz "${FUZZ_SECONDS:-60}"
