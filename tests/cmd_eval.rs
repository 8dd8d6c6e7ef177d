//! `calcmine eval` from the outside: figures computed by hand on small gold files (report-level
//! and sentence-level NegEx layout), the disagreements file, floors turning into the exit
//! status, and a bad gold file named by file and line.

mod common;

use std::path::Path;

use common::{calcmine, write};
use predicates::str::contains;

/// Five reports: calcmine finds calcification present in 1, 2 and 5.
fn reports(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("reports.csv");
    write(
        &p,
        "uid,findings,impression\n\
         1,Calcified granuloma in the right upper lobe.,No acute disease.\n\
         2,Heart size normal.,Dense aortic knob calcification.\n\
         3,No calcified lymph nodes.,Normal chest.\n\
         4,The lungs are clear.,No acute cardiopulmonary abnormality.\n\
         5,Mitral annular calcification.,Stable.\n",
    );
    p
}

#[test]
fn report_level_figures_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let input = reports(dir.path());
    // gold: 1 yes (TP), 2 yes (TP), 3 yes (FN), 4 no (TN), 5 no (FP)
    let gold = dir.path().join("gold.csv");
    write(&gold, "report_id,present\n1,1\n2,1\n3,1\n4,0\n5,0\n");
    let dis = dir.path().join("disagreements.tsv");
    let out = calcmine()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg(&input)
        .args([
            "--id-col",
            "uid",
            "--text-col",
            "findings",
            "--text-col",
            "impression",
        ])
        .arg("--disagreements")
        .arg(&dis)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8_lossy(&out);
    // P = 2/3, R = 2/3, F1 = 2/3, accuracy = 3/5; Wilson interval of 2/3 is [0.2077, 0.9385]
    assert!(s.contains("precision  0.6667  [0.2077, 0.9385]"), "{s}");
    assert!(s.contains("recall     0.6667  [0.2077, 0.9385]"), "{s}");
    assert!(s.contains("f1         0.6667"), "{s}");
    assert!(s.contains("accuracy   0.6000  [0.2307, 0.8824]"), "{s}");
    let d = std::fs::read_to_string(&dis).unwrap();
    let lines: Vec<&str> = d.lines().collect();
    assert_eq!(lines[0], "field\treport_id\tgold\tpredicted\tevidence");
    assert_eq!(lines.len(), 3, "{d}");
    assert!(lines[1].starts_with("present\t3\ttrue\tfalse\t"), "{d}");
    assert!(lines[1].contains("No calcified lymph nodes."), "{d}");
    assert_eq!(
        lines[2],
        "present\t5\tfalse\ttrue\tMitral annular calcification."
    );

    // a floor above the figures: exit 1 and say which
    calcmine()
        .args(["eval", "-q", "--gold"])
        .arg(&gold)
        .arg(&input)
        .args([
            "--id-col",
            "uid",
            "--text-col",
            "findings",
            "--text-col",
            "impression",
        ])
        .args(["--min-f1", "present=0.7"])
        .assert()
        .code(1)
        .stderr(contains("present f1 0.6667 is below the floor 0.7000"));
    // a floor on a field the gold does not have is a usage error, not a silent pass
    calcmine()
        .args(["eval", "-q", "--gold"])
        .arg(&gold)
        .arg(&input)
        .args([
            "--id-col",
            "uid",
            "--text-col",
            "findings",
            "--text-col",
            "impression",
        ])
        .args(["--min-f1", "negated=0.5"])
        .assert()
        .code(2);
}

#[test]
fn sentence_level_negex_layout() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("negex.tsv");
    write(
        &gold,
        "Report No.\tConcept\tSentence\tNegation\n\
         1\tchest pain\t\"He denies CHEST PAIN or dyspnea.\"\tNegated\n\
         1\tdyspnea\t\"He denies chest pain or DYSPNEA.\"\tNegated\n\
         2\tfever\t\"She had a FEVER of 101.\"\tNegated\n\
         2\tcough\t\"Cough was not productive; no COUGH at night was reported.\"\tNegated\n\
         3\tedema\t\"Trace EDEMA, not pitting.\"\tAffirmed\n",
    );
    let dis = dir.path().join("d.tsv");
    let out = calcmine()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg("--disagreements")
        .arg(&dis)
        .args(["--min-accuracy", "1"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8_lossy(&out);
    // the fever row is labelled Negated on purpose (an annotation slip): 3 TP, 1 FN, 1 TN, so
    // P = 1, R = 3/4, F1 = 6/7, accuracy 4/5, and the floor of 1 fails
    assert!(
        s.contains("negated  (positive class: Negated; n = 5)"),
        "{s}"
    );
    assert!(s.contains("precision  1.0000  [0.4385, 1.0000]"), "{s}");
    assert!(s.contains("recall     0.7500  [0.3006, 0.9544]"), "{s}");
    assert!(s.contains("f1         0.8571"), "{s}");
    assert!(s.contains("accuracy   0.8000  [0.3755, 0.9638]"), "{s}");
    let d = std::fs::read_to_string(&dis).unwrap();
    assert_eq!(d.lines().count(), 2, "{d}");
    assert!(
        d.contains("Negated\tAffirmed\tfever: She had a FEVER of 101."),
        "{d}"
    );
    // sentence-level gold takes no input
    calcmine()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg(dir.path().join("x.csv"))
        .assert()
        .code(2);
}

#[test]
fn bad_gold_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.csv");
    write(&gold, "report_id,present\n1,1\n2,maybe\n");
    calcmine()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg(&gold)
        .assert()
        .code(2)
        .stderr(contains("gold.csv:3"))
        .stderr(contains("maybe"));
}
