//! `calcmine explain` in a pipe (plain markers) and in a terminal (colour), the way a user runs
//! it to see why a mention got its status; `--first`, `--id`, and what it shows of the work-up
//! rule and the mechanism's basis.

mod common;

use common::{bin, calcmine, GAP};

const REPORT: &str = "FINDINGS: Bilateral basal ganglia calcifications. No calcified granuloma.\n\
IMPRESSION: Recommend serum calcium and PTH levels. Follow-up CT in 6-12 months.\n";

#[test]
fn in_a_pipe_marks_are_plain() {
    let out = calcmine()
        .arg("explain")
        .write_stdin(REPORT)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains('\x1b'), "no escape codes in a pipe: {out}");
    assert!(
        out.contains("Bilateral basal ganglia [[calcifications]]."),
        "{out}"
    );
    assert!(out.contains("<<No>> [[calcified granuloma]]"), "{out}");
    assert!(
        out.contains("Recommend {{serum calcium}} and PTH levels"),
        "{out}"
    );
    assert!(out.contains("\"calcified granuloma\" absent"), "{out}");
    assert!(out.contains("decided by: negated \"No\""), "{out}");
    assert!(out.contains("metabolic_labs — \"serum calcium\""), "{out}");
    assert!(out.contains("imaging_followup in 180–360 days"), "{out}");
}

#[test]
fn first_n_and_colour_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"text\":\"Calcified granuloma.\"}\n{\"id\":\"b\",\"text\":\"No calcification.\"}\n{\"id\":\"c\",\"text\":\"Possible calcification.\"}\n",
    )
    .unwrap();
    let out = calcmine()
        .args(["explain", "--first", "2", "--color", "always"])
        .arg(&input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("report a") && out.contains("report b") && !out.contains("report c"));
    assert!(
        out.contains("\x1b[1;31mCalcified granuloma\x1b[0m"),
        "{out:?}"
    );
    // --id picks one report; absent only: exit status 1
    calcmine()
        .args(["explain", "--id", "b"])
        .arg(&input)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("<<No>> [[calcification]]"));
}

/// Under a pseudo-terminal (`script` from util-linux, no root-installed tool), `--color auto`
/// colours. Skipped, saying so, where util-linux `script` is not installed (macOS, BSD).
#[test]
fn in_a_terminal_it_colours() {
    let bin = bin();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("report.txt");
    std::fs::write(&input, REPORT).unwrap();
    let cmd = format!("'{}' explain '{}'", bin.display(), input.display());
    let util_linux = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("util-linux"));
    if !util_linux {
        eprintln!("skipped: `script` from util-linux is not installed");
        return;
    }
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env_remove("NO_COLOR")
        .output()
        .expect("script runs");
    assert!(out.status.success(), "{out:?}");
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains("\x1b[1;31mcalcifications\x1b[0m"),
        "present mention in red: {out:?}"
    );
    assert!(
        out.contains("\x1b[4;35mNo\x1b[0m"),
        "trigger underlined: {out:?}"
    );
    assert!(out.contains("\x1b[1;34mserum calcium\x1b[0m"), "{out:?}");
    assert!(
        !out.contains("[["),
        "no plain markers in a terminal: {out:?}"
    );
}

#[test]
fn explain_shows_the_workup_rule_and_the_mechanism_basis() {
    let out = calcmine()
        .args(["explain", "--color", "never"])
        .write_stdin(GAP)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "a present mention: exit 0");
    let text = String::from_utf8(out.stdout).unwrap();
    // one finding, one mention: the diagnosis that explains the calcification codes it
    assert!(
        text.contains(
            "[[calcification in both upper lobes, consistent with metastatic pulmonary calcification]]"
        ),
        "{text}"
    );
    // the mechanism and the words that decided it
    assert!(
        text.contains("mechanism: metastatic (basis: metastatic pulmonary calcification)"),
        "{text}"
    );
    assert!(
        text.contains("work-up rules of its sentence: metastatic_pattern"),
        "{text}"
    );
    assert!(text.contains("conditions: esrd, dialysis"), "{text}");
    assert!(
        text.contains("audit outcome workup_not_recommended"),
        "{text}"
    );
    assert!(
        text.contains("rule metastatic_pattern: Diffuse centrilobular"),
        "{text}"
    );
}
