//! Every modality's language (docs/taxonomy.md §1, §4–8): mammography, coronary CT angiography
//! and echocardiography, head, abdomen and musculoskeletal reports, and structured chest CT; the
//! exam and organ-system headers as the place of a finding that names none (`organ_source`).
//! Sentences written for these tests, as radiologists write them.

mod common;

use calcmine::{Mention, ReportResult};
use common::process;

fn codes(m: &Mention) -> (&str, &str, &str, &str) {
    (
        m.organ.as_str(),
        m.organ_source,
        m.site.as_str(),
        m.entity.as_str(),
    )
}

fn present(r: &ReportResult) -> Vec<&Mention> {
    r.mentions
        .iter()
        .filter(|m| m.status == calcmine::Status::Present)
        .collect()
}

// --- Mammography -----------------------------------------------------------------------------

#[test]
fn benign_macrocalcifications_on_a_screening_mammogram_are_breast_findings() {
    let r = process(
        "m1",
        "BILATERAL SCREENING MAMMOGRAM\n\nThe breasts are heterogeneously dense. Scattered benign \
         macrocalcifications in the left upper outer quadrant.\n\nIMPRESSION: BI-RADS 2: Benign.",
    );
    let p = present(&r);
    assert_eq!(p.len(), 1, "{:#?}", r.mentions);
    assert_eq!(p[0].term, "macrocalcification");
    assert_eq!(
        codes(p[0]),
        (
            "breast",
            "text",
            "upper_outer_quadrant",
            "benign_breast_calcification"
        )
    );
    assert_eq!(p[0].laterality, "left");
    assert_eq!(r.exam_modality, "mammography");
    assert_eq!(r.exam_region, "breast");
    assert_eq!(r.birads.as_deref(), Some("2"));
    // a cancer question, not a metabolic one
    assert!(!r.metabolic_workup, "{:?}", r.workup_reasons);
}

#[test]
fn a_finding_that_names_no_organ_takes_the_breast_from_birads_language() {
    let r = process(
        "m2",
        "grouped amorphous calcifications, suspicious for malignancy. opinion: birads 4b.",
    );
    let p = present(&r);
    assert_eq!(p.len(), 1, "{:#?}", r.mentions);
    assert_eq!(
        codes(p[0]),
        (
            "breast",
            "exam",
            "unspecified",
            "suspicious_breast_calcification"
        )
    );
    assert_eq!(p[0].distribution, "grouped");
    assert!(p[0].morphology.contains(&"amorphous".to_string()));
    assert_eq!(r.birads.as_deref(), Some("4B"));
}

#[test]
fn vascular_calcifications_on_a_mammogram_are_breast_arterial() {
    let r = process(
        "m3",
        "DIAGNOSTIC MAMMOGRAM RIGHT\nVascular calcifications are noted. No suspicious microcalcifications.",
    );
    let p = present(&r);
    assert_eq!(p.len(), 1, "{:#?}", r.mentions);
    assert_eq!(p[0].entity, "breast_arterial_calcification");
    assert_eq!(p[0].location_class, "vascular");
    // the negated microcalcifications are a mention, absent
    assert!(r
        .mentions
        .iter()
        .any(|m| m.term == "microcalcification" && m.status == calcmine::Status::Absent));
}

#[test]
fn misspelled_calcification_words_are_read() {
    for (text, term) in [
        (
            "Few benign macrocalifications in the right breast.",
            "macrocalcification",
        ),
        (
            "Coarse calcifcation in the pancreatic head.",
            "calcification",
        ),
        (
            "Punctate microcalcifcations in the left breast.",
            "microcalcification",
        ),
    ] {
        let r = process("typo", text);
        assert_eq!(r.mentions.len(), 1, "{text}: {:#?}", r.mentions);
        assert_eq!(r.mentions[0].term, term, "{text}");
    }
    // a word one letter from a calcification word is not read when it is another word
    assert!(process("x", "The classification is unchanged.")
        .mentions
        .is_empty());
}

// --- Cardiac -----------------------------------------------------------------------------------

#[test]
fn coronary_cta_plaque_and_calcium_are_coded_to_their_segments() {
    let r = process(
        "c1",
        "CORONARY CT ANGIOGRAPHY\nCalcific plaque in the proximal LAD with mild stenosis. Ostial \
         calcification of the second diagonal branch. Calcium in the mid RCA.",
    );
    let p = present(&r);
    let sites: Vec<&str> = p.iter().map(|m| m.site.as_str()).collect();
    assert_eq!(sites, ["lad", "diagonal", "rca"], "{:#?}", r.mentions);
    for m in &p {
        assert_eq!(m.organ, "coronary_artery");
        assert_eq!(m.entity, "coronary_artery_calcification");
    }
    assert_eq!(r.exam_region, "heart");
}

#[test]
fn calcium_as_a_lab_is_not_a_deposit() {
    let r = process("c2", "Serum calcium 10.1 mg/dL. Calcium was repleted.");
    assert!(r.mentions.is_empty(), "{:#?}", r.mentions);
}

#[test]
fn a_calcium_score_of_zero_denies_coronary_calcification_and_is_reported() {
    let r = process("c3", "CT CALCIUM SCORING\nTotal coronary calcium score: 0.");
    assert_eq!(r.mentions.len(), 1, "{:#?}", r.mentions);
    assert_eq!(r.mentions[0].status, calcmine::Status::Absent);
    assert_eq!(r.coronary_calcium_score, Some(0.0));

    let r = process("c4", "Agatston score of 412, above the 90th percentile.");
    assert_eq!(r.mentions.len(), 1, "{:#?}", r.mentions);
    assert_eq!(r.mentions[0].status, calcmine::Status::Present);
    assert_eq!(r.mentions[0].organ, "coronary_artery");
    assert_eq!(r.coronary_calcium_score, Some(412.0));
}

#[test]
fn echocardiogram_annular_and_papillary_calcification_are_cardiac() {
    let r = process(
        "e1",
        "TRANSTHORACIC ECHOCARDIOGRAM\nMitral annular calcification with fibrocalcific mitral \
         leaflets. Aortic valve and papillary muscle calcifications.",
    );
    let p = present(&r);
    assert!(
        p.iter()
            .any(|m| m.site == "mitral_annulus" && m.entity == "mitral_annular_calcification"),
        "{:#?}",
        r.mentions
    );
    assert!(
        p.iter().any(|m| m.site == "aortic_valve"),
        "{:#?}",
        r.mentions
    );
    assert!(
        p.iter().any(|m| m.site == "papillary_muscle"),
        "{:#?}",
        r.mentions
    );
    assert!(p.iter().all(|m| m.organ == "heart"), "{:#?}", r.mentions);
    assert_eq!(r.exam_modality, "echocardiography");
}

// --- Chest CT ----------------------------------------------------------------------------------

#[test]
fn a_structured_report_header_gives_the_organ() {
    let r = process(
        "ct1",
        "FINDINGS:\nLUNGS: Few scattered calcified granulomas.\nMEDIASTINUM: Calcified \
         subcarinal lymph node.\nUPPER ABDOMEN: Scattered calcifications.",
    );
    let p = present(&r);
    assert_eq!(p.len(), 3, "{:#?}", r.mentions);
    assert_eq!(
        (p[0].organ.as_str(), p[0].organ_source),
        ("lung", "section")
    );
    assert_eq!(
        (p[1].organ.as_str(), p[1].organ_source),
        ("lymph_node", "text")
    );
    // a region header names no organ: the finding's stays unspecified
    assert_eq!(
        (p[2].organ.as_str(), p[2].organ_source),
        ("unspecified", "none")
    );
    // the headers stay inside the findings section
    assert!(p.iter().all(|m| m.section == "findings"));
}

#[test]
fn coordinated_places_give_one_mention_each_on_their_own_span() {
    let r = process(
        "ct2",
        "There are wall calcifications in the aortic arch, in the descending aorta and in the coronary arteries.",
    );
    let p = present(&r);
    assert_eq!(p.len(), 3, "{:#?}", r.mentions);
    assert!(p.iter().any(|m| m.organ == "coronary_artery"));
    let mut spans: Vec<(usize, usize)> = p.iter().map(|m| (m.start, m.end)).collect();
    spans.dedup();
    assert_eq!(spans.len(), 3, "never two mentions on one span: {spans:?}");
}

// --- Abdomen, head, musculoskeletal ------------------------------------------------------------

#[test]
fn renal_subcortical_calcification_is_renal_cortex_not_brain() {
    let r = process(
        "a1",
        "Linear calcification in the subcortical area of the lower pole of the left kidney.",
    );
    let m = &r.mentions[0];
    assert_eq!((m.organ.as_str(), m.site.as_str()), ("kidney", "cortex"));
    assert!(
        r.workup_reasons
            .iter()
            .all(|w| w.rule != "brain_parenchymal"),
        "{:?}",
        r.workup_reasons
    );
}

#[test]
fn pelvic_calcifications_explained_as_phleboliths_are_one_venous_finding() {
    let r = process("a2", "Pelvic calcifications likely represent phleboliths.");
    assert_eq!(r.mentions.len(), 1, "{:#?}", r.mentions);
    let m = &r.mentions[0];
    assert_eq!(
        (m.organ.as_str(), m.entity.as_str()),
        ("vein", "phlebolith")
    );
}

#[test]
fn thalamic_and_dentate_calcification_on_a_head_ct_have_their_sites() {
    let r = process(
        "h1",
        "CT HEAD WITHOUT CONTRAST\nBilateral symmetric calcifications of the thalami and dentate nuclei.",
    );
    let sites: Vec<&str> = r.mentions.iter().map(|m| m.site.as_str()).collect();
    assert!(
        sites.contains(&"thalamus") && sites.contains(&"dentate_nucleus"),
        "{sites:?}"
    );
    assert!(r.mentions.iter().all(|m| m.organ == "brain"));
    assert_eq!((&*r.exam_modality, &*r.exam_region), ("ct", "head"));
}

#[test]
fn calcific_tendinitis_explaining_a_shoulder_finding_is_one_mention_on_the_exam_side() {
    let r = process(
        "k1",
        "XR RIGHT SHOULDER 3 VIEWS\nAmorphous calcification in the supraspinatus tendon, \
         consistent with calcific tendinitis.",
    );
    assert_eq!(r.mentions.len(), 1, "{:#?}", r.mentions);
    let m = &r.mentions[0];
    assert_eq!(
        (m.organ.as_str(), m.site.as_str(), m.entity.as_str()),
        ("tendon", "supraspinatus", "calcific_tendinopathy")
    );
    assert_eq!(m.laterality, "right");
    assert_eq!(r.exam_modality, "radiograph");
}

// --- The exam description column ---------------------------------------------------------------

#[test]
fn the_exam_column_of_a_table_gives_the_exam_and_the_organ() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("notes.csv");
    std::fs::write(
        &csv,
        "note_id,note_title,note_text\n\
         1,MAMMO SCREENING BILATERAL,Scattered punctate calcifications. Stable.\n\
         2,CT CHEST WITHOUT CONTRAST,Scattered punctate calcifications. Stable.\n",
    )
    .unwrap();
    let out = common::calcmine()
        .args(["extract", "--format", "csv"])
        .arg(&csv)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let head = rows.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let got: Vec<(String, String, String)> = rows
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[col("report_id")].to_string(),
                r[col("organ")].to_string(),
                r[col("organ_source")].to_string(),
            )
        })
        .collect();
    // the note_title column is read by default (the OMOP NOTE table's)
    assert_eq!(
        got,
        [
            ("1".into(), "breast".into(), "exam".into()),
            ("2".into(), "unspecified".into(), "none".into())
        ]
    );
    // a named exam column must be there
    let out = common::calcmine()
        .args(["extract", "--exam-col", "procedure"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no exam column `procedure`"));
}
