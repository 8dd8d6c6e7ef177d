//! `calcmine audit`, the follow-up audit: every outcome, the summary by work-up rule, the row
//! defined by the schema, and the command: its table and summary, outcomes from real flagging,
//! and the table in Parquet with typed columns.
//!
//! Work-up flags come from the flags stage (TAXONOMY.md §8); the first tests set them by hand on
//! results whose recommendations are found by the real pipeline, so the audit logic is tested
//! on its own.

mod common;

use std::collections::BTreeMap;

use calcmine::audit::{outcome, AuditSummary, Outcome};
use calcmine::model::WorkupReason;
use calcmine::output::schema::{AuditField, Val};
use calcmine::ReportResult;
use common::{calcmine, process, read_parquet, three_reports};

/// A report the flags stage would flag by `rules`.
fn flagged(id: &str, text: &str, rules: &[&str], priority: &'static str) -> ReportResult {
    let mut r = process(id, text);
    r.metabolic_workup = true;
    r.workup_priority = priority;
    r.workup_reasons = rules
        .iter()
        .map(|rule| WorkupReason {
            rule: rule.to_string(),
            mention_id: Some(1),
            sentence_index: 0,
            sentence: text.into(),
        })
        .collect();
    r
}

#[test]
fn every_outcome() {
    let recommended = flagged(
        "a",
        "IMPRESSION: Bilateral basal ganglia calcifications. Recommend serum calcium, phosphate and PTH levels.",
        &["brain_parenchymal"],
        "routine",
    );
    assert_eq!(outcome(&recommended), Outcome::WorkupRecommended);

    // imaging follow-up is not a metabolic work-up
    let gap = flagged(
        "b",
        "IMPRESSION: Medullary nephrocalcinosis. Follow-up renal ultrasound in 6 months.",
        &["metastatic_pattern"],
        "routine",
    );
    assert_eq!(outcome(&gap), Outcome::WorkupNotRecommended);
    assert!(outcome(&gap).is_gap());

    // a negated lab recommendation is no recommendation
    let negated = flagged(
        "c",
        "IMPRESSION: Nephrocalcinosis. Metabolic work-up is not required.",
        &["metastatic_pattern"],
        "routine",
    );
    assert_eq!(outcome(&negated), Outcome::WorkupNotRecommended);

    let cleared = process("d", "IMPRESSION: Calcified granuloma. No follow-up needed.");
    assert!(!cleared.metabolic_workup);
    assert_eq!(outcome(&cleared), Outcome::NotIndicated);

    let mut unreadable = process("e", "");
    unreadable.error = Some("line 3: unterminated quote".into());
    assert_eq!(outcome(&unreadable), Outcome::Error);
}

#[test]
fn summary_counts_and_rates_by_rule() {
    let mut s = AuditSummary::default();
    s.add(&flagged(
        "1",
        "Calciphylaxis of the thigh. Recommend serum calcium and phosphate.",
        &["calciphylaxis", "metabolic_context"],
        "urgent",
    ));
    s.add(&flagged(
        "2",
        "Nephrocalcinosis. Consider referral to nephrology.",
        &["metastatic_pattern", "metabolic_context"],
        "routine",
    ));
    s.add(&flagged(
        "3",
        "Metastatic pulmonary calcification. Recommend follow-up CT chest in 3 months.",
        &["metastatic_pattern"],
        "routine",
    ));
    s.add(&process("4", "Calcified granuloma."));
    s.add(&process(
        "5",
        "Benign calcified granuloma. Suggest correlation with serum calcium.",
    ));
    assert_eq!(s.reports, 5);
    assert_eq!(s.count(Outcome::WorkupRecommended), 1);
    assert_eq!(s.count(Outcome::WorkupNotRecommended), 2);
    assert_eq!(s.count(Outcome::NotIndicated), 2);
    assert_eq!(s.flagged().flagged, 3);
    // a report flagged by two rules counts under both
    let mc = s.by_rule["metabolic_context"];
    assert_eq!((mc.flagged, mc.recommended, mc.gaps()), (2, 1, 1));
    let mp = s.by_rule["metastatic_pattern"];
    assert_eq!((mp.flagged, mp.recommended, mp.gaps()), (2, 0, 2));
    assert_eq!(s.by_priority["urgent"].recommended, 1);
    assert_eq!(s.imaging_followup, 1);
    assert_eq!(s.imaging_followup_with_interval, 1);
    assert_eq!(
        s.labs_not_indicated, 1,
        "report 5 asks for labs without a flag"
    );
    assert_eq!(s.by_type["specialist_referral"], 1);

    let text = s.render();
    assert!(
        text.contains("work-up recommended in 1 of 3 flagged reports: 33.3%"),
        "{text}"
    );
    assert!(text.contains("metastatic_pattern"), "{text}");
    assert!(
        text.contains("imaging follow-up with a stated interval: 1 of 1"),
        "{text}"
    );
}

#[test]
fn audit_row_is_defined_by_schema() {
    let r = flagged(
        "b",
        "IMPRESSION: Medullary nephrocalcinosis. Follow-up renal ultrasound in 6 months.",
        &["metastatic_pattern"],
        "routine",
    );
    let cols = AuditField::columns(true);
    let names: Vec<&str> = cols.iter().map(|f| f.name()).collect();
    assert!(names.contains(&"outcome") && names.contains(&"followup_interval_days"));
    assert!(
        !names.contains(&"recommendations"),
        "--no-text leaves report text out"
    );
    let value = |name: &str| {
        let f = AuditField::ALL.iter().find(|f| f.name() == name).unwrap();
        f.value(&r)
    };
    assert_eq!(value("outcome"), Val::Str("workup_not_recommended"));
    assert_eq!(
        value("recommendation_types"),
        Val::List(vec!["imaging_followup".into()])
    );
    assert_eq!(value("followup_interval_days"), Val::Int(180));
    assert_eq!(
        value("workup_rules"),
        Val::List(vec!["metastatic_pattern".into()])
    );
}

const CSV: &str = "report_id,impression\n\
r1,\"Calcified granuloma. Recommend follow-up CT chest in 3 months.\"\n\
r2,\"Basal ganglia calcification. Suggest correlation with serum calcium, phosphate and PTH levels.\"\n\
r3,\"No acute disease. No follow-up needed.\"\n";

#[test]
fn command_writes_table_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports.csv");
    std::fs::write(&input, CSV).unwrap();
    let assert = calcmine()
        .args(["audit", "-q", "--text-col", "impression", "--format", "tsv"])
        .arg(&input)
        .assert()
        .code(1); // no gaps
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    let col = |name: &str| rows[0].iter().position(|c| *c == name).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][col("recommendation_types")], "imaging_followup");
    assert_eq!(rows[1][col("followup_interval_days")], "90");
    assert_eq!(rows[2][col("recommendation_types")], "metabolic_labs");
    assert_eq!(rows[2][col("followup_interval_days")], "");
    assert_eq!(
        rows[3][col("recommendation_types")],
        "",
        "negated follow-up"
    );
    assert!(
        err.contains("calcmine audit: 3 reports"),
        "summary on stderr: {err}"
    );

    // --out: table to the file, summary to stdout; --gaps-only keeps the header only here
    let table = dir.path().join("gaps.jsonl");
    let assert = calcmine()
        .args(["audit", "-q", "--text-col", "impression", "--gaps-only"])
        .args(["--format", "jsonl", "--out"])
        .arg(&table)
        .arg(&input)
        .assert()
        .code(1);
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(out.contains("not_indicated"), "{out}");
    assert_eq!(std::fs::read_to_string(&table).unwrap(), "");
}

/// JSON-lines output as objects keyed by report id.
fn jsonl_by_id(stdout: &[u8]) -> BTreeMap<String, serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            (v["report_id"].as_str().expect("report_id").to_string(), v)
        })
        .collect()
}

#[test]
fn audit_outcomes_come_from_real_flagging() {
    let dir = tempfile::tempdir().unwrap();
    let out = calcmine()
        .args(["audit", "--format", "jsonl", "-q", "--no-summary"])
        .args(three_reports(dir.path()))
        .output()
        .unwrap();
    // a gap was found: exit 0
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = jsonl_by_id(&out.stdout);
    assert_eq!(rows["gap"]["outcome"], "workup_not_recommended");
    assert_eq!(rows["gap"]["metabolic_workup"], true);
    let rules = rows["gap"]["workup_rules"].as_array().unwrap();
    assert!(
        rules.iter().any(|r| r == "metastatic_pattern"),
        "metastatic pulmonary calcification is a metastatic pattern: {rules:?}"
    );
    assert_eq!(rows["recommended"]["outcome"], "workup_recommended");
    assert_eq!(
        rows["recommended"]["recommendation_types"],
        serde_json::json!(["metabolic_labs"])
    );
    assert_eq!(rows["normal"]["outcome"], "not_indicated");
    assert_eq!(rows["normal"]["metabolic_workup"], false);

    // without the gap report there is no gap: exit 1
    let files = three_reports(dir.path());
    let out = calcmine()
        .args(["audit", "-q", "--no-summary"])
        .args(&files[1..])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn audit_writes_parquet_with_typed_columns() {
    use calcmine::output::schema::{AuditField, Kind};
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("audit.parquet");
    let out = calcmine()
        .args(["audit", "--format", "parquet", "-q", "--no-summary", "-o"])
        .arg(&target)
        .args(three_reports(dir.path()))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let df = read_parquet(&target);
    assert_eq!(df.height(), 3);
    let names: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
    let want: Vec<&str> = AuditField::columns(false)
        .iter()
        .map(|f| f.name())
        .collect();
    assert_eq!(names, want);
    for f in AuditField::columns(false) {
        let got = df.column(f.name()).unwrap().dtype();
        let ok = match f.kind() {
            Kind::Category => got.is_categorical(),
            Kind::Int => got == &DataType::Int64,
            Kind::Bool => got == &DataType::Boolean,
            Kind::Float => got == &DataType::Float64,
            Kind::Str => got == &DataType::String,
            Kind::List => got == &DataType::List(Box::new(DataType::String)),
            Kind::Records(fields) => match got {
                DataType::List(inner) => match inner.as_ref() {
                    DataType::Struct(sf) => sf
                        .iter()
                        .map(|x| x.name().as_str())
                        .eq(fields.iter().map(|(n, _)| *n)),
                    _ => false,
                },
                _ => false,
            },
        };
        assert!(ok, "{}: {got:?}", f.name());
    }
    let outcome = df
        .column("outcome")
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    let outcome: Vec<Option<&str>> = outcome.str().unwrap().iter().collect();
    assert_eq!(
        outcome,
        [
            Some("workup_not_recommended"),
            Some("workup_recommended"),
            Some("not_indicated")
        ]
    );
    // Parquet is binary: it needs a file
    let out = calcmine()
        .args(["audit", "--format", "parquet", "-q"])
        .args(three_reports(dir.path()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out FILE"));
}
