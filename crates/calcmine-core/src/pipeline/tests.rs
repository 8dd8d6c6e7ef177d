//! The engine end to end on short reports: what each stage hands the next.
use super::*;

fn engine() -> Engine {
    Engine::new(Lexicon::bundled().unwrap())
}

fn report(text: &str) -> Report {
    Report {
        id: "r1".into(),
        text: text.into(),
        ..Default::default()
    }
}

#[test]
fn an_engine_without_recommendations_reads_only_reports_with_a_target() {
    // recommendation language and no calcification word: read for recommendations only
    let advice = report("IMPRESSION: Recommend follow-up chest CT in 12 months.");
    let finding = report("FINDINGS: Coarse calcification of the aortic arch.");
    let with = engine();
    assert!(with.may_match(&advice.text));
    assert_eq!(with.process(&advice).recommendations.len(), 1);
    // built without the stage, or switched off after: the same screen
    let without = Engine::without_recommendations(Lexicon::bundled().unwrap());
    let switched = engine().with_recommendations(false);
    for e in [&without, &switched] {
        assert!(!e.may_match(&advice.text));
        assert!(e.process(&advice).recommendations.is_empty());
        assert!(e.may_match(&finding.text));
        assert_eq!(e.process(&finding).mentions.len(), 1);
    }
    // and switched back on, the full screen again
    let back = without.with_recommendations(true);
    assert!(back.may_match(&advice.text));
    assert_eq!(back.process(&advice).recommendations.len(), 1);
}

#[test]
fn a_batch_processed_at_once_gives_each_report_what_it_gets_alone() {
    let e = engine();
    let texts = [
        "FINDINGS: Calcified granuloma in the right upper lobe.",
        "The lungs are clear. No pleural effusion.",
        "IMPRESSION: No renal calculi. Calcium 11.2 mg/dL; recommend PTH.",
        "",
        "Granulome calcifié du lobe supérieur droit. Nephrocalcinosis.",
        "calci",
        "fied granuloma",
        "Mild coronary artery calcification. Follow-up CT in 12 months.",
    ];
    let mut batch: Vec<Report> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Report {
            id: format!("r{i}"),
            source: "batch.csv".into(),
            line: i as u64 + 2,
            ..report(t)
        })
        .collect();
    // a report that could not be read keeps its error and is not analysed
    batch[7].error = Some("unterminated quote".into());
    let alone: Vec<String> = batch
        .iter()
        .map(|r| format!("{:?}", e.process(r)))
        .collect();
    let together: Vec<String> = e
        .process_batch_taking(&mut batch)
        .iter()
        .map(|r| format!("{r:?}"))
        .collect();
    assert_eq!(together, alone);
    assert!(alone[0].contains("mention_id") && alone[0].contains("granuloma"));
    assert!(alone[7].contains("unterminated quote"));
    assert!(
        !alone[6].contains("mention_id"),
        "no word across two reports: {}",
        alone[6]
    );
}

#[test]
fn a_report_processed_in_place_gives_the_same_result_and_keeps_its_text() {
    let e = engine();
    let mut r = report("FINDINGS: Calcified granuloma in the right upper lobe.");
    r.source = "archive.csv".into();
    let copied = e.process(&r);
    let moved = e.process_taking(&mut r);
    assert_eq!(format!("{copied:?}"), format!("{moved:?}"));
    assert_eq!(
        (moved.report_id.as_str(), &*moved.source),
        ("r1", "archive.csv")
    );
    assert_eq!(moved.mentions[0].report_id, "r1");
    // what moved is gone from the report; the text, freed later with its batch, is not
    assert!(r.id.is_empty() && r.source.is_empty());
    assert!(r.text.starts_with("FINDINGS"));
}

#[test]
fn a_report_typed_in_capitals_is_read_as_in_lower_case() {
    let r = engine().process(&report(
        "FINDINGS: MÖNCKEBERG SCLEROSIS OF THE FEMORAL ARTERIES. NO PANCREATIC CALCIFICATIONS.",
    ));
    let got: Vec<(&str, &str, &str)> = r
        .mentions
        .iter()
        .map(|m| (m.term.as_str(), m.text.as_str(), m.status.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("monckeberg_sclerosis", "MÖNCKEBERG SCLEROSIS", "present"),
            ("calcification", "CALCIFICATIONS", "absent")
        ]
    );
}

#[test]
fn lab_patterns_are_compiled_for_the_first_report_that_states_a_lab() {
    let e = engine();
    let r = e.process(&report(
        "FINDINGS: Dense coronary artery calcification. No pleural effusion.",
    ));
    assert_eq!(r.mentions.len(), 1);
    assert!(r.labs.is_empty());
    assert!(
        e.labs.get().is_none(),
        "compiled for a report without a lab"
    );
    // two workers reach the first lab at once: one compiles, the other waits, both read it
    let lab = report("HISTORY: ESRD on dialysis, serum calcium 11.2 mg/dL. Nephrocalcinosis.");
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| e.process(&lab));
        let b = s.spawn(|| e.process(&lab));
        (a.join().unwrap(), b.join().unwrap())
    });
    for r in [a, b] {
        let calcium: Vec<_> = r.labs.iter().filter(|l| l.name == "calcium").collect();
        assert_eq!(calcium.len(), 1, "{:?}", r.labs);
        assert_eq!(calcium[0].value, Some(11.2));
    }
    assert!(e.labs.get().is_some());
}

fn statuses(text: &str) -> Vec<(String, &'static str)> {
    engine()
        .process(&report(text))
        .mentions
        .iter()
        .map(|m| (m.text.clone(), m.status.as_str()))
        .collect()
}

#[test]
fn calcified_granuloma_is_present() {
    assert_eq!(
        statuses("Calcified granuloma in the right upper lobe."),
        vec![("Calcified granuloma".into(), "present")]
    );
}

#[test]
fn negation_uncertainty_and_pseudo_triggers() {
    assert_eq!(
        statuses("No calcification."),
        vec![("calcification".into(), "absent")]
    );
    assert_eq!(
        statuses("Possible calcified granuloma."),
        vec![("calcified granuloma".into(), "possible")]
    );
    assert_eq!(
        statuses("No change in the calcified granuloma."),
        vec![("calcified granuloma".into(), "present")]
    );
    assert_eq!(
        statuses("Stable non-calcified nodule."),
        vec![("non-calcified".into(), "absent")]
    );
}

#[test]
fn offsets_index_the_report_as_read() {
    let t = "FINDINGS:\nThe lungs are clear.   Dense CALCIFIED  granuloma.";
    let r = engine().process(&report(t));
    let m = &r.mentions[0];
    assert_eq!(&t[m.start..m.end], "CALCIFIED  granuloma");
    assert_eq!(m.section, "findings");
    assert_eq!(m.sentence_index, 1);
}
