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

#[test]
fn explain_shows_the_workup_rule_and_the_mechanism_basis() {
    let out = calcmine()
        .args(["explain", "--color", "never"])
        .write_stdin(GAP)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "a present mention: exit 0");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[[calcification]]"), "{text}");
    // the mechanism and what made it metastatic: the patient's end-stage renal disease
    assert!(
        text.contains("mechanism: metastatic (basis: End-stage renal disease)"),
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
fn mine_reports_carry_typed_taxonomy_and_lab_columns() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("ckd5.txt");
    std::fs::write(
        &report,
        "HISTORY: Chronic kidney disease stage 5. Serum calcium 2.61 mmol/L, phosphate 2.1 mmol/L, \
         PTH 450 pg/mL.\n\
         FINDINGS: Punctate calcifications in both kidneys, consistent with medullary \
         nephrocalcinosis.\n\
         IMPRESSION: Medullary nephrocalcinosis. Follow-up renal ultrasound in 6 months.\n",
    )
    .unwrap();
    let out_dir = dir.path().join("mined");
    let out = calcmine()
        .args(["mine", "-q", "--out"])
        .arg(&out_dir)
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| {
        ParquetReader::new(std::fs::File::open(out_dir.join(name)).unwrap())
            .finish()
            .unwrap()
    };
    let reports = read("reports.parquet");
    let float = |c: &str| {
        let col = reports.column(c).unwrap();
        assert_eq!(col.dtype(), &DataType::Float64, "{c}");
        col.f64().unwrap().get(0)
    };
    // mmol/L converted to mg/dL (× 4.008, × 3.097), the product computed, 3 decimals
    assert_eq!(float("calcium_mg_dl"), Some(10.461));
    assert_eq!(float("phosphate_mg_dl"), Some(6.504));
    assert_eq!(float("ca_phos_product"), Some(68.034));
    assert_eq!(float("pth_pg_ml"), Some(450.0));
    assert_eq!(float("egfr"), None);
    let int = |c: &str| {
        let col = reports.column(c).unwrap();
        assert_eq!(col.dtype(), &DataType::Int64, "{c}");
        col.i64().unwrap().get(0)
    };
    assert_eq!(int("ckd_stage"), Some(5));
    assert_eq!(int("followup_interval_days"), Some(180));
    let list = |c: &str| {
        let col = reports.column(c).unwrap();
        assert_eq!(
            col.dtype(),
            &DataType::List(Box::new(DataType::String)),
            "{c}"
        );
        let s = col.list().unwrap().get_as_series(0).unwrap();
        s.str()
            .unwrap()
            .iter()
            .map(|x| x.unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(list("recommendation_types"), ["imaging_followup"]);
    assert!(list("conditions").contains(&"ckd".to_string()));
    assert!(list("workup_rules").contains(&"ca_phos_product_high".to_string()));
    assert_eq!(
        reports
            .column("metabolic_workup")
            .unwrap()
            .bool()
            .unwrap()
            .get(0),
        Some(true)
    );
    // the mention codes: the kidney, medullary, metastatic in CKD
    let mentions = read("mentions.parquet");
    let strings = |c: &str| -> Vec<String> {
        let col = mentions.column(c).unwrap().cast(&DataType::String).unwrap();
        col.str()
            .unwrap()
            .iter()
            .map(|x| x.unwrap_or_default().to_string())
            .collect()
    };
    assert!(mentions
        .column("mechanism")
        .unwrap()
        .dtype()
        .is_categorical());
    assert!(mentions
        .column("compartment")
        .unwrap()
        .dtype()
        .is_categorical());
    assert!(
        strings("organ").iter().all(|o| o == "kidney"),
        "{:?}",
        strings("organ")
    );
    assert!(
        strings("mechanism").iter().any(|m| m == "metastatic"),
        "{:?}",
        strings("mechanism")
    );
    assert_eq!(
        mentions.column("morphology").unwrap().dtype(),
        &DataType::List(Box::new(DataType::String))
    );
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
