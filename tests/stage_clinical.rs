//! The clinical stage (TAXONOMY.md §7): lab values read from report text and converted to
//! mg/dL (or kept unparsed when implausible), the Ca × P product, the CKD stage, and conditions
//! with their negation; and the first-stage screen letting clinical context alone through.

mod common;

use common::{engine, run};

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
    // a bare number is read in the one unit whose plausible range holds it: 2.5 is mmol/L
    let r = run("Calcium 2.5.");
    assert!(close(r.lab("calcium"), 2.5 * 4.008), "{:?}", r.labs);
    // and unparsed where no range holds it
    let r = run("Calcium 4.5.");
    assert_eq!(r.lab("calcium"), None, "{:?}", r.labs);
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
