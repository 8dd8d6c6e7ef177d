//! Report-level answers a radiologist would accept (issue "Clinically right at the report
//! level"; TAXONOMY.md §2, §6, §7, §8, §9): what counts for the report, assertion that does not
//! misfire on ages or on the reason for the exam, causes that apply only at their place and
//! side, labs as conditions, suppressors shown with the rule they removed, and every way a
//! report asks for a work-up.

mod common;

use calcmine::{Mention, ReportResult};
use common::{calcmine, run};

fn rules(r: &ReportResult) -> Vec<&str> {
    r.workup_reasons.iter().map(|w| w.rule.as_str()).collect()
}

fn types(r: &ReportResult) -> Vec<String> {
    r.recommendation_types()
}

/// The one mention of the sentence that contains `words`.
fn mention<'a>(r: &'a ReportResult, words: &str) -> &'a Mention {
    let found: Vec<&Mention> = r
        .mentions
        .iter()
        .filter(|m| m.sentence.contains(words))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one mention in {words:?}: {:#?}",
        r.mentions
    );
    found[0]
}

// --- §2: what counts for the report ----------------------------------------------------------

#[test]
fn counts_is_present_the_patients_and_an_imaging_finding() {
    let r = run(
        "FAMILY HISTORY: Father with basal ganglia calcification.\n\
         INDICATION: Headache. Coronary artery calcification on a prior CT.\n\
         FINDINGS: No intracranial calcification. Dense calcification of the left globus pallidus.",
    );
    let father = mention(&r, "basal ganglia");
    assert_eq!(father.status.as_str(), "present");
    assert_eq!(father.experiencer, "other");
    assert!(
        !father.counts,
        "a relative's finding is never the patient's"
    );
    let indication = mention(&r, "Coronary artery calcification");
    assert_eq!(indication.section, "indication");
    assert!(
        !indication.counts,
        "the reason for the exam is not a finding"
    );
    let absent = &r
        .mentions
        .iter()
        .find(|m| m.negated)
        .expect("the denied one");
    assert!(!absent.counts);
    let pallidus = mention(&r, "globus pallidus");
    assert!(pallidus.counts);
    assert_eq!(r.n_counted(), 1);
    // the father's basal ganglia calcification fires no brain work-up of the patient's; the
    // patient's own pallidal calcification does
    assert_eq!(rules(&r), vec!["brain_parenchymal"]);
    assert_eq!(r.workup_reasons[0].mention_id, Some(pallidus.mention_id));
}

#[test]
fn exit_status_follows_what_counts() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("family.txt");
    std::fs::write(
        &p,
        "FAMILY HISTORY: Mother with nephrocalcinosis.\nINDICATION: Coronary calcification on \
         a prior CT.\nFINDINGS: Normal kidneys. No calcification.\n",
    )
    .unwrap();
    // nothing counts: extract exits 1 (no calcification), flag exits 1 (not flagged)
    calcmine().args(["extract", "-q"]).arg(&p).assert().code(1);
    calcmine().args(["flag", "-q"]).arg(&p).assert().code(1);
    let q = dir.path().join("own.txt");
    std::fs::write(
        &q,
        "FINDINGS: Medullary nephrocalcinosis of both kidneys.\n",
    )
    .unwrap();
    calcmine().args(["extract", "-q"]).arg(&q).assert().code(0);
    calcmine().args(["flag", "-q"]).arg(&q).assert().code(0);
}

#[test]
fn one_finding_is_one_mention() {
    let r = run(
        "FINDINGS: Amorphous calcification in the supraspinatus tendon, consistent with \
         calcific tendinitis.",
    );
    assert_eq!(r.mentions.len(), 1, "{:#?}", r.mentions);
    assert_eq!(r.mentions[0].entity, "calcific_tendinopathy");
    let r = run("FINDINGS: Both kidneys demonstrate medullary nephrocalcinosis.");
    assert_eq!(r.mentions.len(), 1, "{:#?}", r.mentions);
    assert_eq!(r.mentions[0].entity, "nephrocalcinosis");
    let r = run(
        "FINDINGS: Coarse calcifications throughout the pancreas, in keeping with chronic \
         calcific pancreatitis.",
    );
    assert_eq!(r.mentions.len(), 1, "{:#?}", r.mentions);
    let mut spans: Vec<(usize, usize)> = r.mentions.iter().map(|m| (m.start, m.end)).collect();
    spans.dedup();
    assert_eq!(
        spans.len(),
        r.mentions.len(),
        "two mentions never share a span"
    );
}

// --- §2: assertion on ages and on the reason for the exam ------------------------------------

#[test]
fn an_age_is_not_a_history() {
    let r = run("INDICATION: 52-year-old man with cough.\n\
         FINDINGS: Calcified granuloma in the right upper lobe.");
    let m = mention(&r, "Calcified granuloma");
    assert!(!m.historical, "{:?}", m.triggers);
    let r = run("72 year old woman. Densely calcified fibroadenoma in the left breast.");
    assert!(!mention(&r, "calcified").historical);
    // a history still is one
    let r = run("History of calcified granuloma in the right upper lobe.");
    assert!(mention(&r, "calcified").historical);
}

#[test]
fn the_reason_for_the_exam_is_not_a_hypothesis() {
    let r = run(
        "INDICATION: Recalled from screening for calcifications in the right breast.\n\
         FINDINGS: Grouped punctate calcifications in the right breast at 10 o'clock.",
    );
    let m = &r.mentions[0];
    assert!(!m.hypothetical, "{:?}", m.triggers);
    assert_eq!(m.status.as_str(), "present");
    // "to rule out" still asks a question
    let r = run("INDICATION: To rule out vascular calcification.");
    assert_eq!(r.mentions[0].status.as_str(), "hypothetical");
}

// --- §6: causes apply where they are ---------------------------------------------------------

const LUMPECTOMY: &str = "HISTORY: 61-year-old woman with right breast cancer, status post \
    right lumpectomy and radiation.\n";

#[test]
fn a_right_lumpectomy_does_not_explain_a_left_breast_calcification() {
    let r = run(&format!(
        "{LUMPECTOMY}FINDINGS: New cluster of amorphous calcifications in the left breast upper \
         outer quadrant. Post-surgical changes in the right breast are stable."
    ));
    let m = mention(&r, "amorphous");
    assert_eq!(m.laterality, "left");
    assert_ne!(m.mechanism, "iatrogenic", "basis {:?}", m.mechanism_basis);
    assert_eq!(m.mechanism, "indeterminate");
}

#[test]
fn a_right_lumpectomy_explains_a_right_breast_calcification() {
    let r = run(&format!(
        "{LUMPECTOMY}FINDINGS: Coarse calcifications in the right breast, stable. No suspicious \
         mass."
    ));
    let m = mention(&r, "Coarse calcifications");
    assert_eq!(m.laterality, "right");
    assert_eq!(m.mechanism, "iatrogenic", "basis {:?}", m.mechanism_basis);
}

#[test]
fn a_hip_arthroplasty_explains_ossification_about_that_hip_only() {
    let r = run("HISTORY: Status post right hip arthroplasty.\n\
         FINDINGS: Heterotopic ossification about the left hip. Calcification adjacent to the \
         right hip prosthesis.");
    let left = mention(&r, "Heterotopic");
    assert_ne!(left.mechanism, "iatrogenic");
    let right = mention(&r, "Calcification adjacent");
    assert_eq!(right.mechanism, "iatrogenic");
}

// --- §7: labs --------------------------------------------------------------------------------

#[test]
fn unitless_labs_are_read_in_the_unit_whose_range_holds_them() {
    let r = run("LABS: Ca 11.4, Phos 6.9.\nFINDINGS: Punctate calcifications in both kidneys.");
    assert_eq!(r.lab("calcium"), Some(11.4));
    assert_eq!(r.lab("phosphate"), Some(6.9));
    let r = run("LABS: Calcium 2.9.\nFINDINGS: Punctate renal calcifications.");
    let ca = r.lab("calcium").expect("calcium 2.9 is mmol/L");
    assert!((ca - 2.9 * 4.008).abs() < 1e-9);
    // phosphate 2.0 is a plausible mg/dL and a plausible mmol/L value: unparsed
    let r = run("LABS: Phosphate 2.0.\nFINDINGS: Punctate renal calcifications.");
    let p = r.labs.iter().find(|l| l.name == "phosphate").expect("read");
    assert!(!p.parsed && p.value.is_none());
    // "CA 2" is not a calcium: a short name without a unit needs a value only one unit holds
    let r = run("LABS: CA 125 was 40.");
    assert!(r.lab("calcium").is_none());
}

#[test]
fn a_calcium_above_the_reference_range_is_hypercalcaemia() {
    let r = run(
        "LABS: Calcium 12.5 mg/dL.\nFINDINGS: Punctate calcifications in the renal \
         medullary pyramids bilaterally.",
    );
    assert!(r.has_condition("hypercalcaemia"), "{:?}", r.conditions);
    assert!(
        rules(&r).contains(&"metabolic_context"),
        "{:?}",
        r.workup_reasons
    );
    // within the range: no condition
    let r = run("LABS: Calcium 9.6 mg/dL.\nFINDINGS: Calcified granuloma in the left lower lobe.");
    assert!(!r.has_condition("hypercalcaemia"));
    assert!(!r.metabolic_workup);
}

#[test]
fn a_phosphate_above_the_reference_range_is_hyperphosphataemia() {
    let r = run("Phosphorus 6.9 mg/dL. Extensive vascular calcification of the thighs.");
    assert!(r.has_condition("hyperphosphataemia"), "{:?}", r.conditions);
    assert!(rules(&r).contains(&"metabolic_context"));
}

#[test]
fn a_removed_dialysis_catheter_is_not_dialysis() {
    let r = run("INDICATION: Status post dialysis catheter removal.\n\
         FINDINGS: Atherosclerotic calcification of the aortic arch.");
    assert!(!r.has_condition("dialysis"), "{:?}", r.conditions);
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
    let r = run("INDICATION: End-stage renal disease on hemodialysis.\n\
         FINDINGS: Atherosclerotic calcification of the aortic arch.");
    assert_eq!(rules(&r), vec!["metabolic_context"]);
}

// --- §8: the work-up flag --------------------------------------------------------------------

#[test]
fn suppressors_are_shown_with_the_rule_they_removed() {
    let r = run("INDICATION: Chronic kidney disease.\n\
         FINDINGS: Calcified granuloma in the right upper lobe. No other calcification.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
    assert_eq!(
        r.workup_suppressed_by.len(),
        1,
        "{:?}",
        r.workup_suppressed_by
    );
    let x = &r.workup_suppressed_by[0];
    assert_eq!(
        (x.suppressor.as_str(), x.rule.as_str()),
        ("calcified_granuloma", "metabolic_context")
    );
    assert_eq!(x.mention_id, mention(&r, "granuloma").mention_id);
}

#[test]
fn a_suppressor_beside_a_rule_that_fired_anyway_is_not_listed() {
    let r = run("INDICATION: Chronic kidney disease.\n\
         FINDINGS: Calcified granuloma in the right upper lobe. Medullary nephrocalcinosis.");
    assert!(
        rules(&r).contains(&"metabolic_context"),
        "{:?}",
        r.workup_reasons
    );
    assert!(
        !r.workup_suppressed_by
            .iter()
            .any(|x| x.rule == "metabolic_context"),
        "{:?}",
        r.workup_suppressed_by
    );
}

#[test]
fn chronic_calcific_pancreatitis_in_the_sentence_explains_the_pancreas() {
    let r = run(
        "FINDINGS: Pancreatic parenchymal calcifications consistent with chronic calcific \
         pancreatitis.",
    );
    assert!(
        !rules(&r).contains(&"unexplained_parenchymal"),
        "{:?}",
        r.workup_reasons
    );
    // and only the pancreas: a renal parenchymal calcification in the same report still fires
    let r = run(
        "FINDINGS: Pancreatic parenchymal calcifications consistent with chronic calcific \
         pancreatitis. Punctate calcifications in the renal parenchyma of both kidneys.",
    );
    assert_eq!(rules(&r), vec!["unexplained_parenchymal"]);
    let fired = r.workup_reasons[0].mention_id.expect("a mention fired it");
    let m = r.mentions.iter().find(|m| m.mention_id == fired).unwrap();
    assert_eq!(m.organ, "kidney");
}

#[test]
fn breast_calcifications_fire_no_metabolic_rule() {
    let r = run("INDICATION: Chronic kidney disease.\n\
         FINDINGS: Grouped amorphous calcifications in the left breast. BI-RADS 4.");
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
}

// --- §9: recommendations ---------------------------------------------------------------------

#[test]
fn every_way_of_asking_for_metabolic_labs() {
    for sentence in [
        "Please check PTH and vitamin D.",
        "Findings could be correlated with calcium and phosphate levels.",
        "Recommend evaluation for hyperparathyroidism.",
        "Suggest serum calcium, phosphate and PTH.",
    ] {
        let r = run(&format!(
            "FINDINGS: Medullary nephrocalcinosis bilaterally.\nIMPRESSION: {sentence}"
        ));
        assert!(
            types(&r).contains(&"metabolic_labs".to_string()),
            "{sentence}: {:?}",
            r.recommendations
        );
        assert_eq!(calcmine::audit::outcome(&r).as_str(), "workup_recommended");
    }
}

#[test]
fn a_biopsy_recommendation_has_its_type() {
    let r = run(
        "IMPRESSION: Suspicious grouped calcifications in the left breast. BI-RADS 4B. \
         Stereotactic biopsy is recommended.",
    );
    assert!(
        types(&r).contains(&"biopsy".to_string()),
        "{:?}",
        r.recommendations
    );
    // a biopsy done is no request
    let r = run(
        "FINDINGS: Benign calcifications at the biopsy site in the right breast, with a \
         biopsy clip. BI-RADS 2.",
    );
    assert!(
        !types(&r).contains(&"biopsy".to_string()),
        "{:?}",
        r.recommendations
    );
    let r = run(
        "IMPRESSION: Probably benign calcifications. BI-RADS 3. Short-interval follow-up \
         in 6 months.",
    );
    assert_eq!(types(&r), vec!["imaging_followup".to_string()]);
    assert_eq!(r.followup_interval_days(), Some(180));
}
