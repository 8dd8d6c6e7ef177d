//! The pieces working together through the command line: flagging feeding the audit and
//! `explain`, `--no-text` across the report-level commands, the typed taxonomy and lab columns
//! of `mine`, the audit table in Parquet, `lexicon check` counting every family, and the exit
//! statuses.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

fn calcmine() -> Command {
    Command::cargo_bin("calcmine").expect("calcmine binary")
}

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
