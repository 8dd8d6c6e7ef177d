//! Clinical context, labs and the metabolic work-up flag (TAXONOMY.md §7–8), as report text and
//! the decision it must get; and the `calcmine flag` command.

use assert_cmd::Command;
use calcmine::{Engine, Lexicon, Report, ReportResult};

fn engine() -> &'static Engine {
    static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| Engine::new(Lexicon::bundled().expect("bundled lexicon loads")))
}

fn run(text: &str) -> ReportResult {
    engine().process(&Report {
        id: "r".into(),
        text: text.into(),
        ..Default::default()
    })
}

fn rules(r: &ReportResult) -> Vec<&str> {
    r.workup_reasons.iter().map(|w| w.rule.as_str()).collect()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 0.01)
}

// --- labs (§7) ---------------------------------------------------------------------------------

#[test]
fn labs_are_converted_to_mg_dl() {
    let r = run("Labs: serum calcium 2.9 mmol/L, phosphate 2.1 mmol/L.");
    assert!(close(r.lab("calcium"), 2.9 * 4.008), "{:?}", r.labs);
    assert!(close(r.lab("phosphate"), 2.1 * 3.097), "{:?}", r.labs);
    let r = run("Calcium 11.2 mg/dL. Phosphorus 5.8 mg/dL. PTH 840 pg/mL. 25-OH vitamin D 12 ng/mL. eGFR 14 mL/min/1.73m2. CKD stage 5.");
    assert!(close(r.lab("calcium"), 11.2));
    assert!(close(r.lab("phosphate"), 5.8));
    assert!(close(r.lab("pth"), 840.0));
    assert!(close(r.lab("vitamin_d_25oh"), 12.0));
    assert!(close(r.lab("egfr"), 14.0));
    assert!(close(r.lab("ckd_stage"), 5.0));
    let r = run("Stage IV chronic kidney disease. PTH 30 pmol/L. Vitamin D 50 nmol/L.");
    assert!(close(r.lab("ckd_stage"), 4.0), "{:?}", r.labs);
    assert!(close(r.lab("pth"), 30.0 * 9.43));
    assert!(close(r.lab("vitamin_d_25oh"), 50.0 * 0.4006));
}

#[test]
fn a_duration_after_ckd_is_not_a_stage() {
    let r = run("History of CKD 3 years, now on dialysis.");
    assert_eq!(r.lab("ckd_stage"), None, "{:?}", r.labs);
    let r = run("CKD 3 for 2 years. CKD stage 4 (6 months).");
    assert!(close(r.lab("ckd_stage"), 3.0), "{:?}", r.labs);
    let r = run("Chronic kidney disease stage 4 since 2019.");
    assert!(close(r.lab("ckd_stage"), 4.0), "{:?}", r.labs);
}

#[test]
fn product_is_computed_when_both_are_present() {
    let r = run("Calcium 10 mg/dL and phosphorus 6 mg/dL.");
    assert!(close(r.lab("ca_phos_product"), 60.0), "{:?}", r.labs);
    let r = run("Calcium 10 mg/dL.");
    assert_eq!(r.lab("ca_phos_product"), None);
    // a stated product is used as stated
    let r = run("Calcium-phosphate product of 72 mg2/dL2.");
    assert!(close(r.lab("ca_phos_product"), 72.0), "{:?}", r.labs);
}

#[test]
fn implausible_values_are_unparsed_and_not_used() {
    for text in ["Serum calcium 90 mg/dL.", "Serum calcium 0 mg/dL."] {
        let r = run(text);
        assert_eq!(r.labs.len(), 1, "{text}: {:?}", r.labs);
        assert!(!r.labs[0].parsed, "{text}");
        assert_eq!(r.lab("calcium"), None, "{text}");
    }
    // a bare number in an unknown unit is not guessed: 2.5 read as mg/dL is implausible
    let r = run("Calcium 2.5.");
    assert_eq!(r.lab("calcium"), None);
}

#[test]
fn not_labs() {
    // tumour marker, calcium score, a short name without a unit
    let r = run("CA 19-9 was 40. Coronary artery calcium score of 400. Breast ca 2 years ago.");
    assert!(r.labs.iter().all(|l| l.name != "calcium"), "{:?}", r.labs);
}

// --- conditions (§7) ---------------------------------------------------------------------------

#[test]
fn conditions_with_negation() {
    let r = run("History of ESRD on hemodialysis. No history of hyperparathyroidism. Family history of hypercalcemia.");
    assert!(r.has_condition("esrd"));
    assert!(r.has_condition("dialysis"));
    assert!(!r.has_condition("hyperparathyroidism"));
    assert!(!r.has_condition("hypercalcaemia"));
    let r = run("No history of CKD. Renal calcifications.");
    assert!(!r.has_condition("ckd"));
}

// --- work-up rules (§8) ------------------------------------------------------------------------

#[test]
fn rule_ca_phos_product_high() {
    let r = run("Calcium 11 mg/dL, phosphorus 6 mg/dL. Vascular calcifications.");
    assert_eq!(rules(&r), vec!["ca_phos_product_high"]);
    assert_eq!(r.workup_priority, "urgent");
    assert!(r.workup_reasons[0].sentence.contains("phosphorus 6"));
    // the threshold is "above 55": 55 itself does not fire, 56 does
    let r = run("Calcium-phosphate product 55 mg2/dL2.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
    let r = run("Calcium-phosphate product 56 mg2/dL2.");
    assert_eq!(rules(&r), vec!["ca_phos_product_high"]);
    // mmol/L values: 2.5 × 4.008 × 1.6 × 3.097 = 49.6: below
    let r = run("Calcium 2.5 mmol/L, phosphate 1.6 mmol/L.");
    assert!(!r.metabolic_workup);
}

#[test]
fn rule_calciphylaxis_present_or_possible() {
    let r = run("Extensive vascular calcification of the thighs; possible calciphylaxis.");
    assert!(
        rules(&r).contains(&"calciphylaxis"),
        "{:?}",
        r.workup_reasons
    );
    assert_eq!(r.workup_priority, "urgent");
    let r = run("No calciphylaxis.");
    assert!(!r.metabolic_workup);
}

#[test]
fn rule_metastatic_pattern() {
    let r = run("Medullary nephrocalcinosis.");
    assert_eq!(rules(&r), vec!["metastatic_pattern"]);
    assert_eq!(r.workup_priority, "routine");
    let r = run("Lobulated periarticular calcified mass of the hip with fluid-calcium levels.");
    assert!(
        rules(&r).contains(&"metastatic_pattern"),
        "{:?}",
        r.workup_reasons
    );
    // gout is grouped with metastatic calcification but a tophus is no calcium work-up
    let r = run("Calcified gouty tophus at the first metatarsophalangeal joint.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
}

#[test]
fn rule_metabolic_context() {
    let r = run(
        "INDICATION: Secondary hyperparathyroidism.\nFINDINGS: Calcified right hilar lymph nodes.",
    );
    assert_eq!(rules(&r), vec!["metabolic_context"]);
    // context alone, nothing calcified: no flag
    let r = run("INDICATION: Secondary hyperparathyroidism.\nFINDINGS: The lungs are clear.");
    assert!(!r.metabolic_workup);
    // seed 004: soft-tissue calcification without metabolic context is not assumed metabolic
    let r = run("Calcification in the soft tissues of the left thigh.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
}

#[test]
fn rule_brain_parenchymal() {
    let r = run("Symmetric calcifications of the basal ganglia.");
    assert_eq!(rules(&r), vec!["brain_parenchymal"]);
    let r = run("Punctate calcifications in the periventricular white matter.");
    assert_eq!(rules(&r), vec!["brain_parenchymal"]);
}

#[test]
fn rule_unexplained_parenchymal() {
    let r = run("Multiple pancreatic calcifications.");
    assert_eq!(rules(&r), vec!["unexplained_parenchymal"]);
    let r = run("Diffuse calcification of the lungs.");
    assert!(
        rules(&r).contains(&"unexplained_parenchymal"),
        "{:?}",
        r.workup_reasons
    );
    // focal lung calcification is not the diffuse pattern
    let r = run("Calcification in the right lower lobe.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
}

// --- suppressors (§8) --------------------------------------------------------------------------

#[test]
fn suppressed_by_physiologic() {
    let r = run("Calcification of the pineal gland and choroid plexus. Dialysis patient.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
    assert!(r.workup_suppressed_by.contains(&"physiologic".to_string()));
}

#[test]
fn suppressed_by_calcified_granuloma() {
    let r = run("Chronic kidney disease. Calcified granuloma in the left upper lobe.");
    assert!(!r.metabolic_workup);
    assert_eq!(r.workup_suppressed_by, vec!["calcified_granuloma"]);
}

#[test]
fn suppressed_by_atherosclerosis_only_without_metabolic_context() {
    let r = run("Atherosclerotic calcification of the aorta. Hyperparathyroidism.");
    assert!(
        r.metabolic_workup,
        "with metabolic context atherosclerosis does not suppress"
    );
    // hypertension is no metabolic context; the aorta alone fires no rule
    let r = run("Atherosclerotic calcification of the aorta.");
    assert!(!r.metabolic_workup);
}

#[test]
fn suppressed_by_post_traumatic_post_surgical_and_ctd() {
    let r = run("ESRD. Post-traumatic calcification of the left thigh muscles.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
    assert_eq!(r.workup_suppressed_by, vec!["post_traumatic"]);
    let r = run("ESRD. Postsurgical calcification along the sternotomy.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
    assert_eq!(r.workup_suppressed_by, vec!["post_surgical"]);
    let r = run("Dialysis. Calcinosis in the fingertips from scleroderma.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
    assert_eq!(r.workup_suppressed_by, vec!["ctd_calcinosis"]);
}

#[test]
fn suppressed_by_chronic_pancreatitis() {
    let r = run("Coarse pancreatic calcifications compatible with chronic pancreatitis.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
}

#[test]
fn suppressed_by_stable_renal_calcification() {
    let r = run("Stable punctate calcification in the lower pole of the left kidney.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
    assert_eq!(r.workup_suppressed_by, vec!["renal_stable"]);
    let r = run("New punctate calcification in the lower pole of the left kidney.");
    assert_eq!(rules(&r), vec!["unexplained_parenchymal"]);
}

#[test]
fn indication_mentions_do_not_fire() {
    let r = run("INDICATION: Evaluate for nephrocalcinosis.\nFINDINGS: Normal kidneys.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
}

// --- the command -------------------------------------------------------------------------------

fn calcmine() -> Command {
    Command::cargo_bin("calcmine").expect("binary built")
}

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

#[test]
fn reports_with_nothing_of_interest_are_skipped_but_context_alone_is_read() {
    assert!(!engine().may_match("The lungs are clear. No effusion."));
    assert!(engine().may_match("History of end-stage renal disease."));
    assert!(engine().may_match("Serum phosphate 7.1 mg/dL."));
    assert!(engine().may_match("Ca 2.9 mmol/L."));
    let r = run("History of end-stage renal disease. The lungs are clear.");
    assert!(r.has_condition("esrd"));
    assert!(!r.metabolic_workup);
}

#[test]
fn a_user_can_change_the_threshold_in_workup_toml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bundled = include_str!("../lexicons/workup.toml");
    assert!(bundled.contains("above = 55.0"));
    std::fs::write(
        dir.path().join("workup.toml"),
        bundled.replace("above = 55.0", "above = 60.0"),
    )
    .expect("write");
    let report = "Calcium-phosphate product 58 mg2/dL2.\n";
    let default = calcmine()
        .args(["flag", "-q"])
        .write_stdin(report)
        .output()
        .expect("runs");
    assert_eq!(default.status.code(), Some(0), "58 > 55 flags by default");
    let changed = calcmine()
        .args(["flag", "-q", "--only-flagged", "--lexicons"])
        .arg(dir.path())
        .write_stdin(report)
        .output()
        .expect("runs");
    assert_eq!(
        changed.status.code(),
        Some(1),
        "58 < 60 with the user's threshold"
    );
    // --only-flagged: the header and no row
    assert_eq!(String::from_utf8_lossy(&changed.stdout).lines().count(), 1);
}
