//! What every command shares: one exit-status convention (found / nothing found / error, like
//! grep), each `--help` saying it, and `--no-text` keeping report text out of `flag`, `audit`
//! (every format, Parquet included) and `explain`. Each command's own tests are in cmd_*.rs.

mod common;

use std::path::Path;

use common::{calcmine, three_reports};

/// Words of the three reports (common::three_reports) that must never appear in a `--no-text`
/// output.
const REPORT_WORDS: &[&str] = &[
    "centrilobular",
    "ground-glass",
    "hemodialysis",
    "Recommend serum",
    "upper lobes",
    "cardiopulmonary",
];

#[test]
fn no_text_leaves_report_text_out_of_flag_audit_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let files = three_reports(dir.path());
    let mut runs: Vec<(String, Vec<u8>)> = Vec::new();
    for format in ["tsv", "csv", "jsonl"] {
        for cmd in ["flag", "audit"] {
            let out = calcmine()
                .args([cmd, "--no-text", "--format", format])
                .args(&files)
                .output()
                .unwrap();
            assert!(out.status.code().is_some_and(|c| c <= 1), "{cmd}");
            let mut all = out.stdout;
            all.extend(out.stderr); // the audit summary and the summary line
            runs.push((format!("{cmd} --format {format}"), all));
        }
    }
    let target = dir.path().join("audit.parquet");
    let out = calcmine()
        .args(["audit", "--no-text", "--format", "parquet", "-o"])
        .arg(&target)
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    runs.push((
        "audit --format parquet".into(),
        std::fs::read(&target).unwrap(),
    ));
    let out = calcmine()
        .args(["explain", "--no-text", "--first", "3", "--color", "never"])
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    // what explain still shows without text: the codes and the rules
    assert!(
        shown.contains("entity=metastatic_pulmonary_calcification"),
        "{shown}"
    );
    assert!(shown.contains("rule metastatic_pattern"), "{shown}");
    runs.push(("explain".into(), out.stdout));
    for (what, bytes) in &runs {
        let s = String::from_utf8_lossy(bytes);
        for w in REPORT_WORDS {
            assert!(!s.contains(w), "{what} --no-text writes {w:?}:\n{s}");
        }
    }
    // and the same outputs without --no-text do carry the text (the check can fail)
    let out = calcmine()
        .args(["flag", "--format", "jsonl"])
        .args(&files)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("centrilobular"));
}

#[test]
fn exit_statuses_follow_one_convention_and_each_help_says_it() {
    let dir = tempfile::tempdir().unwrap();
    let files = three_reports(dir.path());
    let (gap, normal) = (&files[0], &files[2]);
    let missing = dir.path().join("missing.txt");
    let code = |args: &[&str], file: &Path| {
        calcmine()
            .args(args)
            .arg("-q")
            .arg(file)
            .output()
            .unwrap()
            .status
            .code()
    };
    // found / not found / error, like grep
    for (cmd, found) in [("extract", gap), ("flag", gap), ("audit", gap)] {
        assert_eq!(code(&[cmd], found), Some(0), "{cmd} found");
        assert_eq!(code(&[cmd], normal), Some(1), "{cmd} on a normal report");
        assert_eq!(code(&[cmd], &missing), Some(2), "{cmd} on a missing file");
    }
    let explain = |file: &Path| {
        calcmine()
            .arg("explain")
            .arg(file)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(explain(gap), Some(0));
    assert_eq!(explain(normal), Some(1));
    // mine writes tables: success whatever they hold, a shard with no calcification included
    let out = dir.path().join("mined");
    let mine = |file: &Path| {
        calcmine()
            .args(["mine", "-q", "--out"])
            .arg(&out)
            .arg(file)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(mine(normal), Some(0));
    assert!(out.join("reports.parquet").exists());
    assert_eq!(mine(gap), Some(0));
    assert_eq!(mine(&missing), Some(2));
    // each subcommand documents its statuses
    for cmd in [
        &["extract"][..],
        &["flag"],
        &["audit"],
        &["explain"],
        &["mine"],
        &["eval"],
        &["lexicon", "check"],
    ] {
        let help = calcmine().args(cmd).arg("--help").output().unwrap();
        let help = String::from_utf8_lossy(&help.stdout);
        assert!(help.contains("Exit status"), "{cmd:?} --help:\n{help}");
    }
}
