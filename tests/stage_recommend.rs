//! The recommend stage (TAXONOMY.md §9): recommendation statements from realistic impressions,
//! their types, their intervals, the statements that are not recommendations, their report
//! columns, and a user's own recommendation terms.

mod common;

use calcmine::{Engine, Lexicon, Report};
use common::{engine, run};

/// (type, interval_days) of every recommendation found in `text`.
fn recs(text: &str) -> Vec<(String, Option<u32>)> {
    let r = run(text);
    r.recommendations
        .iter()
        .map(|r| (r.kind.clone(), r.interval_days))
        .collect()
}

fn kinds(text: &str) -> Vec<String> {
    recs(text).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn imaging_followup_with_interval() {
    assert_eq!(
        recs("IMPRESSION: 6 mm nodule in the right upper lobe. Recommend follow-up CT chest in 3 months."),
        vec![("imaging_followup".into(), Some(90))]
    );
    assert_eq!(
        recs("Follow-up radiograph is suggested in 2 to 4 weeks after antibiotics."),
        vec![("imaging_followup".into(), Some(14))]
    );
    assert_eq!(
        recs("IMPRESSION:\nSmall renal calcifications. Follow-up ultrasound in 6-12 months."),
        vec![("imaging_followup".into(), Some(180))],
        "a range is due from its start"
    );
    assert_eq!(
        recs("Dedicated CT is recommended for further evaluation."),
        vec![("imaging_followup".into(), None)]
    );
}

#[test]
fn range_end_is_kept() {
    let r = engine().process(&Report {
        id: "r".into(),
        text: "Recommend follow-up CT in 6-12 months.".into(),
        ..Default::default()
    });
    assert_eq!(r.recommendations[0].interval_days, Some(180));
    assert_eq!(r.recommendations[0].interval_max_days, Some(360));
    assert_eq!(r.recommendations[0].text, "follow-up CT");
}

#[test]
fn metabolic_labs() {
    assert_eq!(
        kinds("IMPRESSION: Bilateral basal ganglia calcifications. Suggest correlation with serum calcium, phosphate and PTH levels."),
        vec!["metabolic_labs"]
    );
    assert_eq!(
        kinds("Nephrocalcinosis. Recommend metabolic work-up including vitamin D level."),
        vec!["metabolic_labs"]
    );
    assert_eq!(
        kinds("IMPRESSION: Metastatic pulmonary calcification. Metabolic evaluation."),
        vec!["metabolic_labs"],
        "a standalone request in the impression"
    );
}

#[test]
fn referral_genetic_and_clinical_correlation() {
    assert_eq!(
        kinds("Consider referral to nephrology."),
        vec!["specialist_referral"]
    );
    assert_eq!(
        kinds("Genetic testing for CSF1R mutation may be considered."),
        vec!["genetic_testing"]
    );
    assert_eq!(
        kinds("IMPRESSION: Soft tissue calcification. Correlate clinically."),
        vec!["clinical_correlation"]
    );
    assert_eq!(
        kinds("Possible nondisplaced left seventh rib fracture; correlate with point tenderness."),
        vec!["clinical_correlation"]
    );
    assert_eq!(
        kinds("Recommend follow-up with endocrinology."),
        vec!["specialist_referral"],
        "a follow-up with a specialist is a referral, not imaging"
    );
}

#[test]
fn several_types_in_one_statement() {
    assert_eq!(
        kinds("Recommend serum calcium and PTH levels and follow-up CT in 6 months."),
        vec!["metabolic_labs", "imaging_followup"]
    );
    let r = recs("Recommend serum calcium and PTH levels and follow-up CT in 6 months.");
    assert_eq!(r[1].1, Some(180));
    assert_eq!(
        r[0].1, None,
        "the interval belongs to the CT, the nearest action before it"
    );
}

#[test]
fn negated_recommendations_are_not_recommendations() {
    assert!(kinds("IMPRESSION: Calcified granuloma. No follow-up needed.").is_empty());
    assert!(kinds("Benign calcified granuloma; follow-up imaging is not required.").is_empty());
    assert!(kinds("No further imaging follow-up is necessary.").is_empty());
    assert_eq!(
        kinds("No interval change; recommend follow-up CT in 12 months."),
        vec!["imaging_followup"],
        "a semicolon ends the negation's scope"
    );
}

#[test]
fn description_is_not_recommendation() {
    // "suggest" describing the image, with a lab word nearby
    assert!(kinds(
        "Findings suggest metastatic calcification in the setting of elevated serum calcium."
    )
    .is_empty());
    assert!(kinds("No consolidation to suggest pneumonia.").is_empty());
    // lab results stated are not lab requests
    assert!(kinds("Consider metastatic calcification related to elevated calcium.").is_empty());
    assert!(kinds("RECOMMENDATION: calcium 11.8 mg/dL and PTH 640 pg/mL noted; suggest endocrinology referral.")
        == vec!["specialist_referral"]);
    // the indication names the follow-up that brought the patient
    assert!(kinds("INDICATION: Followup lung nodule.\nFINDINGS: Calcified granuloma.").is_empty());
    // comparison with earlier imaging is not a follow-up
    assert!(kinds("FINDINGS: Stable when compared with prior CT.").is_empty());
    assert!(
        kinds("IMPRESSION: Renal calcifications unchanged since the follow-up CT of March.")
            .is_empty()
    );
}

#[test]
fn recommendation_without_calcification_term() {
    // the prefilter must let it through: the audit reads every report
    assert_eq!(
        kinds("FINDINGS: 8 mm nodule in the left lower lobe.\nIMPRESSION: Recommend CT chest in 3 months."),
        vec!["imaging_followup"]
    );
}

#[test]
fn recommendation_section_needs_no_cue() {
    assert_eq!(
        recs("RECOMMENDATION: CT chest in 3 months. Serum calcium and phosphate."),
        vec![
            ("imaging_followup".into(), Some(90)),
            ("metabolic_labs".into(), None)
        ]
    );
}

#[test]
fn comparison_with_earlier_imaging_asks_for_nothing_new() {
    assert!(
        kinds("IMPRESSION: Comparison with an outside chest radiograph would be helpful.")
            .is_empty()
    );
    assert!(kinds("Correlation with prior films would be helpful if available.").is_empty());
    assert_eq!(
        kinds("Recommend comparison with old films or follow-up chest radiograph in 3 months."),
        vec!["imaging_followup"],
        "the follow-up beyond the comparison is still recommended"
    );
}

#[test]
fn imperatives_and_softer_cues() {
    assert_eq!(
        kinds("FINDINGS: Lucency at the left sixth rib. Correlate for focal tenderness."),
        vec!["clinical_correlation"]
    );
    assert_eq!(
        kinds("Consideration may be given to a dedicated rib series."),
        vec!["imaging_followup"]
    );
    assert_eq!(
        kinds("Serum PTH and 25-OH vitamin D may be of benefit."),
        vec!["metabolic_labs"]
    );
}

#[test]
fn more_ways_to_say_not_needed() {
    for text in [
        "IMPRESSION: Punctate renal calcification. This does not require follow-up.",
        "Typical benign granuloma: follow-up CT is not recommended.",
        "Metabolic work-up was negative.",
        "We do not recommend genetic testing.",
    ] {
        assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
    }
}

#[test]
fn report_columns() {
    use calcmine::output::schema::{ReportField, Val};
    let r = engine().process(&Report {
        id: "r".into(),
        text: "IMPRESSION: Nodule. Recommend serum calcium. Follow-up CT in 6 months, or sooner if symptomatic; repeat CT chest in 12 months.".into(),
        ..Default::default()
    });
    let value = |name: &str| {
        ReportField::ALL
            .iter()
            .find(|f| f.name() == name)
            .unwrap()
            .value(&r)
    };
    assert_eq!(
        value("recommendation_types"),
        Val::List(vec!["metabolic_labs".into(), "imaging_followup".into()])
    );
    assert_eq!(
        value("followup_interval_days"),
        Val::Int(180),
        "the shortest interval"
    );
    let none = engine().process(&Report {
        id: "n".into(),
        text: "Calcified granuloma.".into(),
        ..Default::default()
    });
    assert_eq!(
        ReportField::FollowupIntervalDays.value(&none),
        Val::Null,
        "null, not 0, when no interval is stated"
    );
}

#[test]
fn user_lexicon_extends_and_mistakes_name_file_and_line() {
    use calcmine::lexicon::LexiconOptions;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("local.toml"),
        "[[recommendation]]\nid = \"densitometry\"\nrole = \"action\"\ntype = \"imaging_followup\"\nterms = [\"bone densitometry\"]\n",
    )
    .unwrap();
    let lex = Lexicon::load(&LexiconOptions {
        dir: Some(dir.path().into()),
        ..Default::default()
    })
    .unwrap();
    let r = Engine::new(lex).process(&Report {
        id: "r".into(),
        text: "Diffuse osteopenia. Recommend bone densitometry.".into(),
        ..Default::default()
    });
    assert_eq!(r.recommendations[0].kind, "imaging_followup");

    std::fs::write(
        dir.path().join("local.toml"),
        "# mine\n[[recommendation]]\nid = \"labs\"\nrole = \"action\"\ntype = \"labs\"\nterms = [\"magnesium\"]\n",
    )
    .unwrap();
    let err = Lexicon::load(&LexiconOptions {
        dir: Some(dir.path().into()),
        ..Default::default()
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("local.toml:2:"), "{err}");
    assert!(err.contains("unknown type `labs`"), "{err}");
}
