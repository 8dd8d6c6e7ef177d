"""The Python package's tables equal the command line's: `calcmine mine` on the shared corpora
(Parquet read by Polars: same columns, dtypes, rows and values; CSV: same header and rows), for
every kind of input, and the edge cases (empty, null texts, non-string ids, no_text, threads).

Columns are never listed here: they come from the tables themselves, so a change of the schema
(src/output/schema.rs) needs no change of these tests."""
import os
import threading

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import calcmine
from conftest import OPENI_KW

# Where calcmine read a record: the CLI's file and its line, the package's table and its row
# (the point of reading from memory); compared by presence and type, not by value.
PROVENANCE = {"source", "line"}


@pytest.fixture(scope="module")
def engine():
    return calcmine.Engine()


def read_corpus(corpora, name):
    if name == "openi":
        return pl.read_csv(os.path.join(corpora, "openi-dev.csv"), infer_schema=False)
    return pl.read_ndjson(os.path.join(corpora, "multi-dev.jsonl"))


KW = {"openi": OPENI_KW, "multi": {}}


def assert_same_table(got, want, what):
    assert got.columns == want.columns, f"{what}: columns differ"
    for c in want.columns:
        assert got.schema[c] == want.schema[c], f"{what}.{c}: {got.schema[c]} != {want.schema[c]}"
    cols = [c for c in want.columns if c not in PROVENANCE]
    assert got.height == want.height, f"{what}: {got.height} rows, the CLI {want.height}"
    assert_frame_equal(got.select(cols), want.select(cols), categorical_as_str=True)


@pytest.mark.parametrize("corpus", ["openi", "multi"])
def test_mine_equals_cli_parquet(engine, mined, corpora, corpus):
    data = read_corpus(corpora, corpus)
    m = engine.mine(data, **KW[corpus])
    for table, got in (("mentions", m.mentions), ("reports", m.reports)):
        want = pl.read_parquet(os.path.join(mined[corpus]["parquet"], f"{table}.parquet"))
        assert want.height > 0
        assert_same_table(got, want, f"{corpus} {table}")
    want = pl.read_csv(os.path.join(mined[corpus]["parquet"], "summary.csv"))
    assert m.summary.columns == want.columns
    assert m.summary.height == want.height
    assert m.stats["reports"] == data.height


@pytest.mark.parametrize("corpus", ["openi", "multi"])
def test_mine_equals_cli_csv(engine, mined, corpora, corpus):
    """`mine --format csv`: the same header and rows; text columns equal value for value."""
    m = engine.mine(read_corpus(corpora, corpus), **KW[corpus])
    for table, got in (("mentions", m.mentions), ("reports", m.reports)):
        want = pl.read_csv(os.path.join(mined[corpus]["csv"], f"{table}.csv"), infer_schema=False)
        assert got.columns == want.columns
        assert got.height == want.height
        text = [c for c, t in got.schema.items()
                if c not in PROVENANCE and t in (pl.String, pl.Categorical)]
        assert text, "no text column to compare"
        for c in text:
            g = got[c].cast(pl.String).fill_null("").to_list()
            w = want[c].fill_null("").to_list()
            assert g == w, f"{corpus} {table}.{c} differs from the CSV"


@pytest.mark.parametrize("corpus", ["openi", "multi"])
def test_extract_and_flag_equal_mine(engine, mined, corpora, corpus):
    data = read_corpus(corpora, corpus)
    want_m = pl.read_parquet(os.path.join(mined[corpus]["parquet"], "mentions.parquet"))
    want_r = pl.read_parquet(os.path.join(mined[corpus]["parquet"], "reports.parquet"))
    assert_same_table(engine.extract(data, **KW[corpus]), want_m, f"{corpus} extract")
    assert_same_table(engine.flag(data, **KW[corpus]), want_r, f"{corpus} flag")


def test_no_text_equals_cli(engine, mined, corpora):
    m = engine.mine(read_corpus(corpora, "multi"), no_text=True)
    for table, got in (("mentions", m.mentions), ("reports", m.reports)):
        want = pl.read_parquet(os.path.join(mined["multi"]["notext"], f"{table}.parquet"))
        assert_same_table(got, want, f"no_text {table}")
        names = [c["name"] for c in calcmine.schema(no_text=True)[table]]
        assert got.columns == names
    with_text = [c["name"] for c in calcmine.schema()["mentions"]]
    assert set(with_text) - set(m.mentions.columns), "no_text left every column in"
    assert "text" not in m.mentions.columns and "sentence" not in m.mentions.columns


# --- every kind of input gives the same tables

TEXTS = [
    "Calcified granuloma in the right upper lobe.",
    "No calcification. Coronary artery calcification is present.",
    "Nephrolithiasis. Serum calcium 11.2 mg/dL. Recommend PTH.",
    "Normal chest.",
]


def by_kind():
    import pandas as pd
    import pyarrow as pa

    ids = [f"r{i}" for i in range(len(TEXTS))]
    df = pl.DataFrame({"id": ids, "text": TEXTS})
    table = pa.table({"id": ids, "text": TEXTS})
    return {
        "polars": df,
        "lazy": df.lazy(),
        "pandas": pd.DataFrame({"id": ids, "text": TEXTS}),
        "arrow": table,
        "arrow-large": table.cast(pa.schema([("id", pa.large_string()), ("text", pa.large_string())])),
        "arrow-dict": pa.table({"id": ids, "text": pa.array(TEXTS).dictionary_encode()}),
        "batches": pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=1)),
        "pairs": list(zip(ids, TEXTS)),
        "pair-generator": ((i, t) for i, t in zip(ids, TEXTS)),
    }


def test_every_input_kind(engine):
    want = engine.mine(pl.DataFrame({"id": [f"r{i}" for i in range(len(TEXTS))], "text": TEXTS}))
    assert want.mentions.height >= 3
    for kind, data in by_kind().items():
        got = engine.mine(data, to="polars")
        assert_same_table(got.mentions, want.mentions, kind)
        assert_same_table(got.reports, want.reports, kind)


def test_texts_alone_are_numbered(engine):
    r = engine.flag(TEXTS)
    assert r["report_id"].to_list() == [str(i) for i in range(1, len(TEXTS) + 1)]


def test_pandas_in_pandas_out(engine):
    import pandas as pd

    out = engine.extract(pd.DataFrame({"id": ["a"], "text": [TEXTS[0]]}))
    assert isinstance(out, pd.DataFrame) and len(out) >= 1
    assert isinstance(engine.extract(pd.DataFrame({"id": ["a"], "text": [TEXTS[0]]}), to="polars"),
                      pl.DataFrame)
    import pyarrow as pa

    assert isinstance(engine.flag(TEXTS, to="arrow"), pa.Table)


def test_empty_table(engine):
    empty = pl.DataFrame({"id": [], "text": []}, schema={"id": pl.String, "text": pl.String})
    m = engine.mine(empty)
    full = engine.mine(TEXTS)
    assert m.mentions.height == 0 and m.reports.height == 0
    assert m.mentions.schema == full.mentions.schema
    assert m.reports.schema == full.reports.schema
    assert engine.extract([]).height == 0


def test_null_texts(engine):
    df = pl.DataFrame({"id": ["a", "b", "c"], "text": [TEXTS[0], None, TEXTS[1]]})
    m = engine.mine(df)
    assert m.reports["report_id"].to_list() == ["a", "b", "c"]
    assert m.stats["null_texts"] == 1
    assert "b" not in m.mentions["report_id"].to_list()
    assert engine.mine([TEXTS[0], None]).reports.height == 2


def test_non_string_ids(engine):
    import pandas as pd

    r = engine.flag(pl.DataFrame({"id": [10, 20], "text": TEXTS[:2]}))
    assert r["report_id"].to_list() == ["10", "20"]
    r = engine.flag(pd.DataFrame({"report_id": [1.5, None], "text": TEXTS[:2]}), to="polars")
    assert r["report_id"].to_list() == ["1.5", "2"]
    r = engine.flag([(7, TEXTS[0]), (None, TEXTS[1])])
    assert r["report_id"].to_list() == ["7", "2"]


def test_four_threads_share_one_engine(engine, corpora):
    data = read_corpus(corpora, "multi")
    want = engine.mine(data)
    got = [None] * 4

    def work(i):
        got[i] = engine.mine(data, threads=1 + i % 2)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for g in got:
        assert_same_table(g.mentions, want.mentions, "threaded mentions")
        assert_same_table(g.reports, want.reports, "threaded reports")
