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

// ---- reports a radiologist would recognise ----

/// A dialysis patient with metastatic pulmonary calcification: flagged (TAXONOMY.md §8), and
/// the report recommends nothing.
const GAP: &str = "HISTORY: End-stage renal disease on hemodialysis.\n\
FINDINGS: Diffuse centrilobular ground-glass nodules with calcification in both upper lobes, \
consistent with metastatic pulmonary calcification.\n\
IMPRESSION: Metastatic pulmonary calcification.\n";

/// The same report recommending the metabolic labs.
const RECOMMENDED: &str = "HISTORY: End-stage renal disease on hemodialysis.\n\
FINDINGS: Diffuse centrilobular ground-glass nodules with calcification in both upper lobes, \
consistent with metastatic pulmonary calcification.\n\
IMPRESSION: Metastatic pulmonary calcification. Recommend serum calcium, phosphate and PTH.\n";

/// A normal chest radiograph.
const NORMAL: &str = "FINDINGS: The lungs are clear. Heart size is normal. No pleural effusion.\n\
IMPRESSION: No acute cardiopulmonary process.\n";

/// Words of the reports above that must never appear in a `--no-text` output.
const REPORT_WORDS: &[&str] = &[
    "centrilobular",
    "ground-glass",
    "hemodialysis",
    "Recommend serum",
    "upper lobes",
    "cardiopulmonary",
];

/// The three reports as `.txt` files (the file stem is the report id).
fn three_reports(dir: &Path) -> Vec<std::path::PathBuf> {
    [
        ("gap", GAP),
        ("recommended", RECOMMENDED),
        ("normal", NORMAL),
    ]
    .iter()
    .map(|(id, text)| {
        let p = dir.join(format!("{id}.txt"));
        std::fs::write(&p, text).unwrap();
        p
    })
    .collect()
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
    use calcmine::schema::{AuditField, Kind};
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
    let df = ParquetReader::new(std::fs::File::open(&target).unwrap())
        .finish()
        .unwrap();
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
