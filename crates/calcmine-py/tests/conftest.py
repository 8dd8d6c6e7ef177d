"""Fixtures: the calcmine binary (CALCMINE), the shared corpora (SHARED), and the tables
`calcmine mine` writes for them, made once per session."""
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

# openi-dev.csv: every text column a section, as the CI evaluations read it
OPENI_ARGS = ["--id-col", "uid", "--text-col", "indication", "--text-col", "comparison",
              "--text-col", "findings", "--text-col", "impression"]
OPENI_KW = dict(id_col="uid", text_col=["indication", "comparison", "findings", "impression"])


def _binary():
    b = os.environ.get("CALCMINE")
    if b:
        return b
    for d in (os.environ.get("CARGO_TARGET_DIR"), os.path.join(ROOT, "target")):
        if d and os.path.exists(os.path.join(d, "release", "calcmine")):
            return os.path.join(d, "release", "calcmine")
    return shutil.which("calcmine")


@pytest.fixture(scope="session")
def calcmine_bin():
    b = _binary()
    if not b:
        pytest.skip("no calcmine binary: set CALCMINE")
    return b


@pytest.fixture(scope="session")
def corpora():
    shared = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
    d = os.path.join(shared, "corpora")
    if not os.path.isdir(d):
        pytest.skip("no shared corpora: set SHARED")
    return d


@pytest.fixture(scope="session")
def mined(calcmine_bin, corpora, tmp_path_factory):
    """`calcmine mine` on the corpora, Parquet and CSV: {corpus: {format: out_dir}}."""
    out = {}
    base = tmp_path_factory.mktemp("mine")
    for name, path, args in (
        ("openi", os.path.join(corpora, "openi-dev.csv"), OPENI_ARGS),
        ("multi", os.path.join(corpora, "multi-dev.jsonl"), []),
    ):
        out[name] = {}
        for fmt in ("parquet", "csv"):
            d = str(base / f"{name}-{fmt}")
            subprocess.run([calcmine_bin, "mine", "-q", path, *args, "--format", fmt, "--out", d],
                           check=True)
            out[name][fmt] = d
        d = str(base / f"{name}-notext")
        subprocess.run([calcmine_bin, "mine", "-q", path, *args, "--no-text", "--out", d], check=True)
        out[name]["notext"] = d
    return out
