//! `calcmine flag` from the outside: one row per report with the work-up decision, its labs and
//! conditions, the exit status, and `--no-text`. The decisions themselves are tested in
//! stage_workup.rs and stage_clinical.rs.

mod common;

use common::calcmine;

#[test]
fn flag_writes_one_row_per_report_and_exits_0_when_one_is_flagged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("reports.csv");
    std::fs::write(
        &csv,
        "id,text\n\
         a,\"ESRD on dialysis. Serum calcium 2.8 mmol/L, phosphate 2.2 mmol/L. Diffuse pulmonary calcifications.\"\n\
         b,\"Calcified granuloma in the right upper lobe.\"\n\
         c,\"The lungs are clear.\"\n",
    )
    .expect("write");
    let out = calcmine()
        .args(["flag", "--format", "jsonl", "-q"])
        .arg(&csv)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(rows.len(), 3, "every report gets a row");
    let a = &rows[0];
    assert_eq!(a["report_id"], "a");
    assert_eq!(a["metabolic_workup"], true);
    assert_eq!(a["workup_priority"], "urgent");
    assert!(a["workup_rules"]
        .as_array()
        .expect("list")
        .iter()
        .any(|x| x == "ca_phos_product_high"));
    assert!((a["calcium_mg_dl"].as_f64().expect("float") - 11.22).abs() < 0.01);
    assert!(a["conditions"]
        .as_array()
        .expect("list")
        .iter()
        .any(|x| x == "dialysis"));
    let b = &rows[1];
    assert_eq!(b["metabolic_workup"], false);
    assert_eq!(b["n_present"], 1);
    assert_eq!(b["calcium_mg_dl"], serde_json::Value::Null);
    assert_eq!(b["ckd_stage"], serde_json::Value::Null);
    assert_eq!(rows[2]["n_mentions"], 0);
}

#[test]
fn flag_exits_1_when_nothing_is_flagged_and_no_text_drops_sentences() {
    let out = calcmine()
        .args(["flag", "--no-text", "-q"])
        .write_stdin("Calcified granuloma in the right upper lobe.\n")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(!s.contains("workup_reasons"));
    assert!(!s.contains("granuloma"));
}
