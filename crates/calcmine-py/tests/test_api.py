"""The rest of the API against the command line: errors as exceptions with the CLI's message,
explain (text and HTML), audit, and objects that are not tables (a TypeError, never a crash)."""
import os
import subprocess

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import calcmine

REPORT = ("FINDINGS: Calcified granuloma in the right upper lobe. No pleural effusion.\n"
          "IMPRESSION: Coronary artery calcification. Recommend calcium score.")


def test_missing_column_lists_the_columns():
    df = pl.DataFrame({"uid": ["1"], "findings": ["x"]})
    with pytest.raises(calcmine.CalcmineError) as e:
        calcmine.Engine().extract(df, text_col="impression")
    msg = str(e.value)
    assert "no text column `impression`" in msg and "uid, findings" in msg
    assert isinstance(e.value, ValueError)
    with pytest.raises(calcmine.CalcmineError, match="looked for text, report"):
        calcmine.Engine().extract(df)


def test_missing_column_message_is_the_clis(calcmine_bin, tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("uid,findings\n1,x\n")
    cli = subprocess.run([calcmine_bin, "extract", str(p), "--text-col", "impression"],
                         capture_output=True, text=True)
    assert cli.returncode == 2
    with pytest.raises(calcmine.CalcmineError) as e:
        calcmine.Engine().extract(pl.read_csv(p), text_col="impression")
    # the same message, naming the table instead of the file
    assert str(e.value).replace("<data>", str(p)) in cli.stderr


def test_lexicon_mistake_names_file_and_line(calcmine_bin, tmp_path):
    d = tmp_path / "lex"
    d.mkdir()
    (d / "targets.toml").write_text('[[target]]\nid = "x"\nphrases = [\n')
    with pytest.raises(calcmine.CalcmineError) as e:
        calcmine.Engine(lexicons=str(d))
    msg = str(e.value)
    assert "targets.toml" in msg
    cli = subprocess.run([calcmine_bin, "extract", "--lexicons", str(d)], input="x",
                         capture_output=True, text=True)
    assert cli.returncode != 0
    assert msg in cli.stderr


def test_explain_equals_cli(calcmine_bin):
    cli = subprocess.run([calcmine_bin, "explain", "--color", "never"], input=REPORT,
                         capture_output=True, text=True)
    assert cli.stdout and calcmine.explain(REPORT) == cli.stdout
    html = subprocess.run([calcmine_bin, "explain", "--html"], input=REPORT,
                          capture_output=True, text=True)
    assert html.stdout.startswith("<!") and calcmine.explain(REPORT, html=True) == html.stdout
    no_text = subprocess.run([calcmine_bin, "explain", "--color", "never", "--no-text"], input=REPORT,
                             capture_output=True, text=True)
    assert calcmine.explain(REPORT, no_text=True) == no_text.stdout


def test_audit_equals_cli(calcmine_bin, corpora, tmp_path):
    path = os.path.join(corpora, "multi-dev.jsonl")
    out = tmp_path / "audit.parquet"
    cli = subprocess.run([calcmine_bin, "audit", "-q", path, "-o", str(out)], capture_output=True, text=True)
    assert cli.returncode in (0, 1), cli.stderr
    a = calcmine.Engine().audit(pl.read_ndjson(path))
    want = pl.read_parquet(out)
    assert a.table.columns == want.columns
    cols = [c for c in want.columns if c not in ("source", "line")]
    assert_frame_equal(a.table.select(cols), want.select(cols), categorical_as_str=True)
    assert a.summary == cli.stdout


@pytest.mark.parametrize("bad", [42, 3.5, object(), b"bytes", "one text", None])
def test_not_a_table_is_a_type_error(bad):
    with pytest.raises(TypeError):
        calcmine.Engine().extract(bad)


@pytest.mark.parametrize("bad", [[1, 2], [("a", 3)], [("a", "b", "c")], ["text", ("a", "b")], [{"text": "x"}]])
def test_bad_items_are_type_errors(bad):
    with pytest.raises(TypeError):
        calcmine.Engine().extract(bad)


def test_bad_options():
    e = calcmine.Engine()
    with pytest.raises(ValueError):
        e.extract(["x"], to="excel")
    with pytest.raises(ValueError):
        e.extract(["x"], threads=0)
    with pytest.raises(TypeError):
        e.extract(["x"], text_col=[1])
    with pytest.raises(calcmine.CalcmineError):
        calcmine.Engine(no_default_lexicons=True)
    with pytest.raises(TypeError):
        calcmine.explain(None)


def test_odd_column_types_are_errors_not_crashes():
    import pyarrow as pa

    t = pa.table({"id": ["a"], "text": pa.array([[1, 2]], pa.list_(pa.int64()))})
    with pytest.raises(calcmine.CalcmineError):
        calcmine.Engine().extract(t)
    t = pa.table({"id": [b"\xff"], "text": [b"calcified \xff granuloma"]})
    r = calcmine.Engine().mine(t)
    assert r.stats["invalid_utf8"] >= 1 and r.reports.height == 1


def test_max_report_bytes():
    r = calcmine.Engine().mine(["calcified granuloma " * 10], max_report_bytes=50)
    assert r.stats["failed"] == 1 and r.reports["error"][0]
    assert calcmine.Engine().mine(["calcified granuloma " * 10], max_report_bytes=0).stats["failed"] == 0


def test_schema_is_the_clis(calcmine_bin):
    import json

    cli = subprocess.run([calcmine_bin, "mine", "--print-schema"], capture_output=True, text=True, check=True)
    assert calcmine.schema() == json.loads(cli.stdout)


def test_user_targets(tmp_path):
    t = tmp_path / "targets.txt"
    t.write_text("pneumothorax\n")
    e = calcmine.Engine(targets=[str(t)], only_targets=True)
    m = e.extract(["No pneumothorax. Calcified granuloma."])
    assert m.height == 1 and m["status"].cast(pl.String)[0] == "absent"
