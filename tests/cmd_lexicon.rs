//! `calcmine lexicon check` and the user files every command loads with `--lexicons DIR` and
//! `--targets FILE`: the families counted, and the mistakes of a lexicon or targets file (TOML
//! syntax, unknown fields and categories, not UTF-8, empty) named by file and line.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{calcmine, s4, summary, write};
use predicates::str::contains;

/// `lexicon check`'s summary as family → count.
fn check_counts(dir: Option<&Path>) -> BTreeMap<String, u64> {
    let mut c = calcmine();
    c.args(["lexicon", "check"]);
    if let Some(d) = dir {
        c.arg(d);
    }
    let out = c.output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8(out.stdout).expect("utf-8");
    let body = line
        .trim()
        .strip_prefix("ok: ")
        .and_then(|s| s.split("; digest").next())
        .expect("ok: …; digest …");
    body.split(", ")
        .map(|part| {
            let (n, name) = part.split_once(' ').expect("N family");
            let name = name.split(" (").next().unwrap_or(name);
            (name.to_string(), n.parse().expect("a count"))
        })
        .collect()
}

#[test]
fn lexicon_check_counts_every_family() {
    let bundled = check_counts(None);
    for family in [
        "files",
        "targets",
        "exclusions",
        "triggers",
        "sections",
        "anatomy",
        "descriptors",
        "causes",
        "conditions",
        "labs",
        "mechanism rules",
        "work-up rules",
        "suppressors",
        "recommendations",
    ] {
        let n = bundled.get(family).copied().unwrap_or(0);
        assert!(n > 0, "bundled lexicon: {family} counted {n}: {bundled:?}");
    }
    // a user file adding one anatomy entry and one condition is counted in those families only
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("local.toml"),
        "[[anatomy]]\nid = \"azygos_node\"\nterms = [\"azygos node\"]\norgan = \"lymph_node\"\n\
         location_class = \"nodal\"\n\n[[condition]]\nid = \"sarcoidosis_local\"\nterms = [\"sarcoid\"]\n",
    )
    .unwrap();
    let user = check_counts(Some(dir.path()));
    for (family, n) in &bundled {
        let want = match family.as_str() {
            "files" | "anatomy" | "conditions" => n + 1,
            _ => *n,
        };
        assert_eq!(user[family], want, "{family}");
    }
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
fn lexicon_mistakes_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    // a TOML syntax error: an unclosed string on line 3
    std::fs::write(
        dir.path().join("broken.toml"),
        "[[target]]\nid = \"osteoma\"\nterms = [\"calcified osteoma]\n",
    )
    .unwrap();
    calcmine()
        .args(["lexicon", "check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("broken.toml:3"));
    std::fs::remove_file(dir.path().join("broken.toml")).unwrap();
    // an unknown field (a typo of `terms`) on line 6
    std::fs::write(
        dir.path().join("typo.toml"),
        "# my targets\n\n[[target]]\nid = \"osteoma\"\nterms = [\"calcified osteoma\"]\ntrems = [\"osteoma\"]\n",
    )
    .unwrap();
    calcmine()
        .args(["lexicon", "check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("typo.toml:"))
        .stderr(contains("trems"));
    std::fs::remove_file(dir.path().join("typo.toml")).unwrap();
    // an unknown scope category: the line of the key (a BOM from the editor changes nothing)
    std::fs::write(
        dir.path().join("scope.toml"),
        "\u{feff}[scope]\nnegated = 5\nnegatd = 6\n",
    )
    .unwrap();
    calcmine()
        .args(["lexicon", "check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("scope.toml:3"))
        .stderr(contains("negatd"));
}

#[test]
fn lexicon_and_targets_files_that_are_not_utf8_or_empty_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("latin1.toml"),
        b"[[target]]\nid = \"mo\"\nterms = [\"M\xf6nckeberg sclerosis\"]\n".as_slice(),
    )
    .unwrap();
    calcmine()
        .args(["lexicon", "check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("latin1.toml:3: not UTF-8"));
    // a targets file with nothing but comments would silently find nothing
    let t = dir.path().join("none.txt");
    std::fs::write(&t, "# to do\n\n").unwrap();
    calcmine()
        .args(["extract", "--only-targets", "--targets"])
        .arg(&t)
        .write_stdin("Small pneumothorax.")
        .assert()
        .code(2)
        .stderr(contains("none.txt:1: no target phrases"));
}

#[test]
fn targets_file_with_comments_blank_lines_crlf_and_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("targets.txt");
    std::fs::write(
        &t,
        "\u{feff}pleural effusion   # fluid\r\n\r\n# findings to look for\r\n   \r\npneumothorax\r\n#\r\n",
    )
    .unwrap();
    let out = calcmine()
        .args(["extract", "--lines", "--only-targets", "--targets"])
        .arg(&t)
        .write_stdin("No pleural effusion or pneumothorax.\nSmall pneumothorax.\n")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![
            s4("1", "body", "pleural effusion", "absent"),
            s4("1", "body", "pneumothorax", "absent"),
            s4("2", "body", "pneumothorax", "present"),
        ]
    );
}
