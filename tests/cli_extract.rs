//! `calcmine extract` from the outside: every input format, bad input, exit status, pipelines,
//! `--no-text`, user targets, `lexicon check`, the assertion dimensions and the exclusions.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn calcmine() -> Command {
    Command::cargo_bin("calcmine").expect("the calcmine binary is built")
}

/// Rows of a TSV output as maps column → value.
fn rows(stdout: &[u8]) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = String::from_utf8_lossy(stdout);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// (report_id, section, term, status) of each row.
fn summary(stdout: &[u8]) -> Vec<(String, String, String, String)> {
    rows(stdout)
        .into_iter()
        .map(|r| {
            (
                r["report_id"].clone(),
                r["section"].clone(),
                r["term"].clone(),
                r["status"].clone(),
            )
        })
        .collect()
}

fn s4(a: &str, b: &str, c: &str, d: &str) -> (String, String, String, String) {
    (a.into(), b.into(), c.into(), d.into())
}

fn write(path: &Path, contents: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, contents).unwrap();
}

#[test]
fn stdin_is_one_report_or_one_per_line() {
    let out = calcmine()
        .arg("extract")
        .write_stdin("FINDINGS: Calcified granuloma in the right upper lobe.\nIMPRESSION: No acute disease.\n")
        .assert()
        .code(0)
        .stderr(contains("1 reports read"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![s4("stdin", "findings", "calcified_granuloma", "present")]
    );
    let out = calcmine()
        .args(["extract", "--lines"])
        .write_stdin("Calcified granuloma in the left apex.\nNo pleural calcification.\n")
        .assert()
        .code(0)
        .stderr(contains("2 reports read"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![
            s4("1", "body", "calcified_granuloma", "present"),
            s4("2", "body", "calcification", "absent"),
        ]
    );
}

#[test]
fn txt_file_and_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("cxr/b/r2.txt"),
        b"IMPRESSION:\nDense aortic knob calcification.\n",
    );
    write(
        &dir.path().join("cxr/r1.txt"),
        b"Findings: Calcified granuloma in the lingula.",
    );
    write(&dir.path().join("cxr/notes.csv"), b"id,text\nx,calcified\n");
    let out = calcmine()
        .arg("extract")
        .arg(dir.path().join("cxr/r1.txt"))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![s4("r1", "findings", "calcified_granuloma", "present")]
    );
    // a directory is every .txt below it, sorted by path; other files are not reports
    let out = calcmine()
        .arg("extract")
        .arg(dir.path().join("cxr"))
        .assert()
        .code(0)
        .stderr(contains("2 reports read"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![
            s4("r2", "impression", "calcification", "present"),
            s4("r1", "findings", "calcified_granuloma", "present"),
        ]
    );
}

#[test]
fn csv_with_repeated_text_columns_makes_sections_in_the_order_given() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("reports.csv");
    write(
        &p,
        b"uid,indication,findings,impression\n\
          11,History of calcified granuloma.,\"Heart size normal. Calcified granuloma, right upper lobe.\",No acute disease.\n\
          12,Cough.,No calcification.,Clear lungs.\n",
    );
    let out = calcmine()
        .args(["extract", "--id-col", "uid"])
        .args(["--text-col", "impression", "--text-col", "findings"])
        .arg(&p)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let r = rows(&out);
    assert_eq!(
        summary(&out),
        vec![
            s4("11", "findings", "calcified_granuloma", "present"),
            s4("12", "findings", "calcification", "absent"),
        ]
    );
    // the impression column comes first in the report text, so the finding starts after it
    let start: usize = r[0]["start"].parse().unwrap();
    assert!(start > "No acute disease.".len(), "{start}");
    assert_eq!(r[0]["sentence"], "Calcified granuloma, right upper lobe.");
}

#[test]
fn tsv_jsonl_and_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("r.tsv");
    write(
        &tsv,
        b"report_id\ttext\nt1\tMitral annular calcification.\nt2\tNo acute disease.\n",
    );
    let out = calcmine()
        .arg("extract")
        .arg(&tsv)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![s4("t1", "text", "calcification", "present")]
    );

    let jsonl = dir.path().join("r.jsonl");
    write(
        &jsonl,
        b"{\"note_id\": \"j1\", \"report\": \"Coronary artery calcification is noted.\"}\n\
          {\"note_id\": \"j2\", \"report\": \"No vascular calcification.\"}\n",
    );
    let out = calcmine()
        .arg("extract")
        .arg(&jsonl)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    // each text column is a section named after the column
    assert_eq!(
        summary(&out),
        vec![
            s4("j1", "report", "calcification", "present"),
            s4("j2", "report", "calcification", "absent"),
        ]
    );

    // .gz versions read the same as the plain ones
    for (name, plain) in [("r.tsv.gz", &tsv), ("r.jsonl.gz", &jsonl)] {
        let gz = dir.path().join(name);
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&std::fs::read(plain).unwrap()).unwrap();
        write(&gz, &enc.finish().unwrap());
        let a = calcmine().arg("extract").arg(plain).output().unwrap();
        let b = calcmine().arg("extract").arg(&gz).output().unwrap();
        assert_eq!(a.stdout, b.stdout, "{name}");
        assert_eq!(b.status.code(), Some(0), "{name}");
    }
}

#[test]
fn malformed_csv_row_and_json_line_are_reported_with_file_and_line_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    write(
        &csv,
        b"report_id,text\n1,Calcified granuloma.\n2,No calcification,extra,fields\n3,Splenic calcifications.\n",
    );
    let out = calcmine()
        .arg("extract")
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(contains("bad.csv:3"))
        .stderr(contains("3 reports read (1 failed"))
        .get_output()
        .stdout
        .clone();
    // processing went on after the bad row
    let ids: Vec<String> = summary(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, vec!["1", "3"]);

    let jsonl = dir.path().join("bad.jsonl");
    write(
        &jsonl,
        b"{\"id\": \"a\", \"text\": \"Calcified granuloma.\"}\n{\"id\": \"b\", \"text\": \n{\"id\": \"c\", \"text\": \"Renal calculus.\"}\n",
    );
    calcmine()
        .arg("extract")
        .arg(&jsonl)
        .assert()
        .code(2)
        .stderr(contains("bad.jsonl:2"))
        .stderr(contains("3 reports read (1 failed"));
}

#[test]
fn invalid_utf8_is_decoded_lossily_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("latin1.txt");
    // "Calcified granuloma, caf\xe9." in Latin-1: one invalid sequence
    write(&p, b"Calcified granuloma near the caf\xe9 sign.\n");
    let out = calcmine()
        .arg("extract")
        .arg(&p)
        .assert()
        .code(0)
        .stderr(contains("1 invalid UTF-8 sequences replaced"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![s4("latin1", "body", "calcified_granuloma", "present")]
    );
}

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
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("calcmine"))
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
fn lexicon_check_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("mine.toml"),
        b"[[trigger]]\ncategory = \"negated\"\ndirection = \"forward\"\nterms = [\"no\"]\n\n\
          [[trigger]]\ncategory = \"negatd\"\ndirection = \"forward\"\nterms = [\"absent\"]\n",
    );
    calcmine()
        .args(["lexicon", "check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("mine.toml:7"))
        .stderr(contains("negatd"));
    calcmine()
        .args(["lexicon", "check"])
        .assert()
        .code(0)
        .stdout(contains("ok"));
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
