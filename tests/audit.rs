//! The follow-up audit: every outcome, the summary by work-up rule, and the command.
//!
//! Work-up flags come from the flags stage (TAXONOMY.md §8); these tests set them by hand on
//! results whose recommendations are found by the real pipeline, so the audit logic is tested
//! on its own.

use assert_cmd::Command;
use calcmine::audit::{outcome, AuditSummary, Outcome};
use calcmine::model::WorkupReason;
use calcmine::output::schema::{AuditField, Val};
use calcmine::{Engine, Lexicon, Report, ReportResult};

fn process(id: &str, text: &str) -> ReportResult {
    let engine = Engine::new(Lexicon::bundled().expect("bundled lexicon"));
    engine.process(&Report {
        id: id.into(),
        text: text.into(),
        ..Default::default()
    })
}

/// A report the flags stage would flag by `rules`.
fn flagged(id: &str, text: &str, rules: &[&str], priority: &'static str) -> ReportResult {
    let mut r = process(id, text);
    r.metabolic_workup = true;
    r.workup_priority = priority;
    r.workup_reasons = rules
        .iter()
        .map(|rule| WorkupReason {
            rule: rule.to_string(),
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
    let assert = Command::cargo_bin("calcmine")
        .unwrap()
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
    let assert = Command::cargo_bin("calcmine")
        .unwrap()
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
