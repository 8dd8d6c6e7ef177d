//! `calcmine extract` from the outside: exit status, pipelines, `--no-text`, user targets, the
//! assertion dimensions in the output columns, the exclusions, and `--screen-only`. How each
//! input format is read is in stage_input.rs; the lexicon and targets files in cmd_lexicon.rs.

mod common;

use std::io::Read;
use std::process::{Command as StdCommand, Stdio};

use common::{bin, calcmine, rows, s4, summary, write};
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn exit_status_is_like_grep() {
    calcmine()
        .arg("extract")
        .write_stdin("Calcified granuloma.")
        .assert()
        .code(0);
    // mentions, but none present
    calcmine()
        .arg("extract")
        .write_stdin("No calcification. Noncalcified pulmonary nodule.")
        .assert()
        .code(1);
    calcmine()
        .arg("extract")
        .write_stdin("The lungs are clear.")
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("report_id\t"));
    calcmine()
        .args(["extract", "/nonexistent/reports.csv"])
        .assert()
        .code(2)
        .stderr(contains("/nonexistent/reports.csv"));
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("many.txt");
    let mut text = String::new();
    for i in 0..60_000 {
        text.push_str(&format!(
            "Report {i}: calcified granuloma in the right upper lobe; no pleural effusion.\n"
        ));
    }
    write(&p, text.as_bytes());
    let mut child = StdCommand::new(bin())
        .args(["extract", "--lines"])
        .arg(&p)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // read the header and a little more, then close our end like `head` does
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 4096];
    let n = stdout.read(&mut buf).unwrap();
    assert!(n > 0);
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
}

#[test]
fn no_text_leaves_report_text_out() {
    let report = "FINDINGS: Scattered calcified granulomata in the zygomatic region.";
    let with = calcmine()
        .arg("extract")
        .write_stdin(report)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&with.stdout).contains("zygomatic"));
    for format in ["tsv", "csv", "jsonl"] {
        let out = calcmine()
            .args(["extract", "--no-text", "--format", format])
            .write_stdin(report)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let s = String::from_utf8_lossy(&out);
        assert!(!s.contains("zygomatic"), "{format}: {s}");
        assert!(!s.contains("granulomata"), "{format}: {s}");
        assert!(s.contains("present"), "{format}: {s}");
    }
}

#[test]
fn user_targets_only() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.txt");
    write(
        &targets,
        b"# chest findings\npneumothorax\npleural effusion\n",
    );
    let out = calcmine()
        .args(["extract", "--only-targets", "--targets"])
        .arg(&targets)
        .write_stdin("No pneumothorax. Small left pleural effusion. Calcified granuloma.")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![
            s4("stdin", "body", "pneumothorax", "absent"),
            s4("stdin", "body", "pleural effusion", "present"),
        ]
    );
    // without --only-targets the calcification terms are found as well
    let out = calcmine()
        .args(["extract", "--targets"])
        .arg(&targets)
        .write_stdin("No pneumothorax. Calcified granuloma.")
        .output()
        .unwrap();
    assert_eq!(rows(&out.stdout).len(), 2);
    // --only-targets needs --targets
    calcmine()
        .args(["extract", "--only-targets"])
        .write_stdin("x")
        .assert()
        .code(2);
}

#[test]
fn every_assertion_dimension_in_the_output_columns() {
    let report = "Calcified granuloma in the right upper lobe.\n\
                  No calcified mediastinal lymph nodes.\n\
                  Possible calcification in the aortic valve.\n\
                  History of renal calcification.\n\
                  Evaluate for vascular calcification.\n\
                  Mother had nephrocalcinosis.\n";
    let out = calcmine()
        .args(["extract", "--lines", "--no-text"])
        .write_stdin(report)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let r = rows(&out);
    let flags = |i: usize| {
        (
            r[i]["status"].as_str(),
            r[i]["negated"].as_str(),
            r[i]["uncertain"].as_str(),
            r[i]["historical"].as_str(),
            r[i]["hypothetical"].as_str(),
            r[i]["experiencer"].as_str(),
        )
    };
    assert_eq!(r.len(), 6);
    assert_eq!(
        flags(0),
        ("present", "false", "false", "false", "false", "patient")
    );
    assert_eq!(
        flags(1),
        ("absent", "true", "false", "false", "false", "patient")
    );
    assert_eq!(
        flags(2),
        ("possible", "false", "true", "false", "false", "patient")
    );
    assert_eq!(
        flags(3),
        ("present", "false", "false", "true", "false", "patient")
    );
    assert_eq!(
        flags(4),
        ("hypothetical", "false", "false", "false", "true", "patient")
    );
    assert_eq!(
        flags(5),
        ("present", "false", "false", "false", "false", "other")
    );
}

#[test]
fn exclusions_are_not_calcifications() {
    let report = "LABS: Serum calcium 10.9 mg/dL.\n\
                  HISTORY: Hypertension treated with a calcium channel blocker.\n\
                  FINDINGS: Two noncalcified nodules in the left lower lobe. Non-calcified 4 mm nodule.\n";
    let out = calcmine()
        .arg("extract")
        .write_stdin(report)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let r = rows(&out);
    assert!(r.iter().all(|m| m["status"] != "present"), "{r:?}");
    assert!(r.iter().all(|m| m["term"] == "noncalcified"), "{r:?}");
    assert_eq!(r.len(), 2);
}

#[test]
fn screen_only_reads_every_report_and_finds_nothing() {
    // the benchmark row that measures reading and the first stage alone: the report below has
    // a present calcification, which a real run finds and a screen-only run must not
    let text = "report_id,text\nr1,Coronary artery calcification.\nr2,The lungs are clear.\n";
    let full = calcmine()
        .args(["extract", "--input-format", "csv"])
        .write_stdin(text)
        .assert()
        .code(0);
    assert_eq!(rows(&full.get_output().stdout).len(), 1);
    calcmine()
        .args(["extract", "--input-format", "csv", "--screen-only"])
        .write_stdin(text)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("calcification").not())
        .stderr(contains("2 reports read").and(contains("(screen only)")));
}

#[test]
fn repeated_report_ids_are_told_apart_by_source_and_line() {
    // two exports that both number their reports from 1
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    write(
        &a,
        "report_id,text\n1,Calcified granuloma in the right upper lobe.\n",
    );
    write(
        &b,
        "report_id,text\n1,No change.\n1,Coronary artery calcification.\n",
    );
    let out = calcmine()
        .args(["extract", "-q"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    let rows = rows(&out.stdout);
    assert_eq!(rows.len(), 2);
    let keys: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["report_id"].as_str(),
                r["source"].as_str(),
                r["line"].as_str(),
            )
        })
        .collect();
    assert_eq!(keys[0].0, keys[1].0, "the same report id");
    assert!(
        keys[0].1.ends_with("a.csv") && keys[1].1.ends_with("b.csv"),
        "{keys:?}"
    );
    assert_eq!(keys[1].2, "3", "the line of its record");
}
