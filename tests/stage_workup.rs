//! The work-up stage (today's `flags` module; TAXONOMY.md §8): the metabolic work-up flag, as
//! report text and the decision it must get: each rule, each suppressor, the indication not
//! counting, and a user's own threshold in `workup.toml`.

mod common;

use calcmine::ReportResult;
use common::{calcmine, run};

fn rules(r: &ReportResult) -> Vec<&str> {
    r.workup_reasons.iter().map(|w| w.rule.as_str()).collect()
}

/// The suppressors that set a finding aside, each once.
fn suppressors(r: &ReportResult) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    for x in &r.workup_suppressed_by {
        if !v.contains(&x.suppressor.as_str()) {
            v.push(x.suppressor.as_str());
        }
    }
    v
}

// --- work-up rules (§8) ------------------------------------------------------------------------

#[test]
fn rule_ca_phos_product_high() {
    // calcium 11 and phosphorus 6 are also above their ranges: hypercalcaemia and
    // hyperphosphataemia beside a vascular calcification is metabolic context too
    let r = run("Calcium 11 mg/dL, phosphorus 6 mg/dL. Vascular calcifications.");
    assert_eq!(rules(&r), vec!["ca_phos_product_high", "metabolic_context"]);
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
    assert!(suppressors(&r).contains(&"physiologic"));
}

#[test]
fn suppressed_by_calcified_granuloma() {
    let r = run("Chronic kidney disease. Calcified granuloma in the left upper lobe.");
    assert!(!r.metabolic_workup);
    assert_eq!(suppressors(&r), vec!["calcified_granuloma"]);
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
    assert_eq!(suppressors(&r), vec!["post_traumatic"]);
    let r = run("ESRD. Postsurgical calcification along the sternotomy.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
    assert_eq!(suppressors(&r), vec!["post_surgical"]);
    let r = run("Dialysis. Calcinosis in the fingertips from scleroderma.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
    assert_eq!(suppressors(&r), vec!["ctd_calcinosis"]);
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
    assert_eq!(suppressors(&r), vec!["renal_stable"]);
    let r = run("New punctate calcification in the lower pole of the left kidney.");
    assert_eq!(rules(&r), vec!["unexplained_parenchymal"]);
}

#[test]
fn indication_mentions_do_not_fire() {
    let r = run("INDICATION: Evaluate for nephrocalcinosis.\nFINDINGS: Normal kidneys.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
}

// --- a user's threshold, through `calcmine flag` ------------------------------------------------

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
