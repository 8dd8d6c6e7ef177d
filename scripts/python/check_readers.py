#!/usr/bin/env python3
"""Read calcmine's Parquet tables back with three independent readers (pyarrow, DuckDB,
Python Polars) and check every column has its documented type.

  check_readers.py OUT_DIR SCHEMA_JSON EXPECTED_REPORTS

OUT_DIR holds mine's mentions.parquet and reports.parquet, and audit.parquet (`calcmine audit
--format parquet`) when present; every table must have EXPECTED_REPORTS report rows except
mentions.

SCHEMA_JSON is `calcmine mine --print-schema`: the columns and kinds from schema.rs.
Documented types (README, "Output tables"):
  kind          pyarrow                         DuckDB      Polars
  string        string / large_string / string_view  VARCHAR  String
  categorical   dictionary<values=string>       VARCHAR     Categorical
  int64         int64                           BIGINT      Int64
  boolean       bool                            BOOLEAN     Boolean
  float64       double                          DOUBLE      Float64
  list<string>  list / large_list of string     VARCHAR[]   List(String)
  list<struct<…>>  list / large_list of struct  STRUCT(…)[] List(Struct)
"""
import json, sys

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

out_dir, schema_path, expected_reports = sys.argv[1], sys.argv[2], int(sys.argv[3])
schema = json.load(open(schema_path))
failures = []


def is_str(t):
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def record_fields(kind):
    """`list<struct<name: kind, ...>>` (work-up reasons, recommendations): its (name, kind)s."""
    if kind.startswith("list<struct<") and kind.endswith(">>"):
        return [tuple(f.split(": ", 1)) for f in kind[len("list<struct<"):-2].split(", ")]
    return None


def arrow_ok(kind, t):
    fields = record_fields(kind)
    if fields:
        if not (pa.types.is_list(t) or pa.types.is_large_list(t)) or not pa.types.is_struct(t.value_type):
            return False
        st = t.value_type
        return [st.field(i).name for i in range(st.num_fields)] == [n for n, _ in fields] and all(
            arrow_ok(k, st.field(n).type) for n, k in fields)
    return {
        "string": lambda: is_str(t),
        "categorical": lambda: pa.types.is_dictionary(t) and is_str(t.value_type),
        "int64": lambda: t == pa.int64(),
        "boolean": lambda: t == pa.bool_(),
        "float64": lambda: t == pa.float64(),
        "list<string>": lambda: (pa.types.is_list(t) or pa.types.is_large_list(t)) and is_str(t.value_type),
    }[kind]()


class Kinds(dict):
    """A kind's type for one reader; list-of-struct kinds built from their fields."""

    def __init__(self, scalars, records):
        super().__init__(scalars)
        self.records = records

    def __getitem__(self, kind):
        fields = record_fields(kind)
        if fields:
            return self.records([(n, dict.__getitem__(self, k)) for n, k in fields])
        return dict.__getitem__(self, kind)


DUCK = Kinds({"string": "VARCHAR", "categorical": "VARCHAR", "int64": "BIGINT", "boolean": "BOOLEAN",
              "float64": "DOUBLE", "list<string>": "VARCHAR[]"},
             lambda fs: "STRUCT(" + ", ".join(f"{n} {t}" for n, t in fs) + ")[]")
POLARS = Kinds({"string": pl.String, "categorical": pl.Categorical, "int64": pl.Int64, "boolean": pl.Boolean,
                "float64": pl.Float64, "list<string>": pl.List(pl.String)},
               lambda fs: pl.List(pl.Struct(dict(fs))))

# Columns whose type is documented by name (README, column types): the schema must not drift
# from them, and the checks below run on these names whatever --print-schema says.
DOCUMENTED = {
    "reports": {
        "metabolic_workup": "boolean", "workup_priority": "categorical", "workup_rules": "list<string>",
        "conditions": "list<string>", "labs": "list<string>", "recommendation_types": "list<string>",
        "followup_interval_days": "int64", "calcium_mg_dl": "float64", "phosphate_mg_dl": "float64",
        "ca_phos_product": "float64", "pth_pg_ml": "float64", "vitamin_d_ng_ml": "float64",
        "egfr": "float64", "ckd_stage": "int64", "n_present": "int64", "error": "string",
    },
    "mentions": {
        "status": "categorical", "negated": "boolean", "process": "categorical",
        "location_class": "categorical", "compartment": "categorical", "organ": "string",
        "site": "string", "laterality": "categorical", "morphology": "list<string>",
        "distribution": "categorical", "predominance": "categorical", "entity": "string",
        "mechanism": "categorical", "mechanism_basis": "string", "start": "int64",
    },
    "audit": {
        "outcome": "categorical", "metabolic_workup": "boolean", "workup_rules": "list<string>",
        "recommendation_types": "list<string>", "followup_interval_days": "int64",
    },
}
for table, cols in DOCUMENTED.items():
    got = {c["name"]: c["type"] for c in schema.get(table, [])}
    for name, kind in cols.items():
        if got.get(name) != kind:
            failures.append(f"schema {table}.{name}: {got.get(name)}, documented {kind}")

import os  # noqa: E402

heights = {}
tables = ["mentions", "reports"] + (["audit"] if os.path.exists(f"{out_dir}/audit.parquet") else [])
for table in tables:
    path = f"{out_dir}/{table}.parquet"
    cols = schema[table]
    names = [c["name"] for c in cols]
    # pyarrow
    t = pq.read_table(path)
    if t.column_names != names:
        failures.append(f"pyarrow {table}: columns {t.column_names} != {names}")
    for c in cols:
        typ = t.schema.field(c["name"]).type
        if not arrow_ok(c["type"], typ):
            failures.append(f"pyarrow {table}.{c['name']}: {typ}, documented {c['type']}")
    # DuckDB
    desc = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    got = {row[0]: row[1] for row in desc}
    if [row[0] for row in desc] != names:
        failures.append(f"duckdb {table}: columns differ")
    for c in cols:
        # DuckDB quotes the field names that are keywords (STRUCT("rule" VARCHAR, …))
        if (got.get(c["name"]) or "").replace('"', "") != DUCK[c["type"]]:
            failures.append(f"duckdb {table}.{c['name']}: {got.get(c['name'])}, documented {DUCK[c['type']]}")
    n_duck = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
    # Polars
    df = pl.read_parquet(path)
    for c in cols:
        if df.schema[c["name"]] != POLARS[c["type"]]:
            failures.append(f"polars {table}.{c['name']}: {df.schema[c['name']]}, documented {c['type']}")
    if not (t.num_rows == n_duck == df.height):
        failures.append(f"{table}: row counts differ: pyarrow {t.num_rows}, duckdb {n_duck}, polars {df.height}")
    heights[table] = t.num_rows
    print(f"{table}.parquet: {t.num_rows} rows, {len(cols)} columns; pyarrow, DuckDB and Polars agree")

for table in tables[1:]:
    if heights[table] != expected_reports:
        failures.append(f"{table}: {heights[table]} rows, {expected_reports} reports in the input")
failed = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out_dir}/reports.parquet') WHERE error IS NOT NULL").fetchall()[0][0]
print(f"reports with an error row: {failed}")
if failed < 1:
    failures.append("the malformed input row has no error row")
# a list column and a categorical column are usable as such
present = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out_dir}/mentions.parquet') WHERE status = 'present'").fetchall()[0][0]
print(f"present mentions (DuckDB): {present}")
if present < 1:
    failures.append("no present mention found")

# lab values are numbers, CKD stage an integer, the taxonomy columns hold codes (DuckDB)
reports_pq = f"{out_dir}/reports.parquet"
labs = duckdb.sql(f"SELECT count(*), min(calcium_mg_dl), max(calcium_mg_dl) FROM read_parquet('{reports_pq}') "
                  "WHERE calcium_mg_dl IS NOT NULL").fetchall()[0]
print(f"reports with a serum calcium (mg/dL): {labs[0]}, range {labs[1]}..{labs[2]}")
if labs[0] < 1 or not (5.0 <= labs[1] <= labs[2] <= 20.0):
    failures.append(f"calcium_mg_dl: {labs}")
flagged = duckdb.sql(f"SELECT count(*) FROM read_parquet('{reports_pq}') WHERE metabolic_workup "
                     "AND list_contains(conditions, 'esrd')").fetchall()[0][0]
print(f"flagged reports with ESRD among their conditions: {flagged}")
if flagged < 1:
    failures.append("no flagged report lists esrd in its conditions")
organs = dict(duckdb.sql(f"SELECT organ, count(*) FROM read_parquet('{out_dir}/mentions.parquet') "
                         "WHERE status = 'present' GROUP BY organ").fetchall())
print(f"present mentions by organ: {organs}")
for organ in ("lung", "aorta", "coronary_artery"):
    if organ not in organs:
        failures.append(f"no present {organ} mention")
if "audit" in tables:
    outcomes = dict(duckdb.sql(f"SELECT outcome::VARCHAR, count(*) FROM read_parquet('{out_dir}/audit.parquet') "
                               "GROUP BY 1").fetchall())
    print(f"audit outcomes: {outcomes}")
    for o in ("workup_recommended", "workup_not_recommended", "not_indicated", "error"):
        if o not in outcomes:
            failures.append(f"audit: no {o} row")

if failures:
    print("\n".join("FAIL: " + f for f in failures), file=sys.stderr)
    sys.exit(1)
print("readers: all documented column types check out")
