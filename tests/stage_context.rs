//! The context stage: assertion rules (negation, uncertainty, history, hypotheticals, the
//! experiencer, and where a trigger's scope ends), one test per rule, each as the sentences a
//! radiologist or a discharge summary would write. Calcification sentences use the bundled
//! lexicon; general clinical concepts use user targets, the way `--targets FILE --only-targets`
//! does.

mod common;

use calcmine::{Engine, Lexicon, Report};
// a new engine on the bundled calcification lexicon, beside the user engines below
use common::bundled_engine as calc_engine;

/// An engine whose only targets are these phrases (the assertion engine on other concepts).
fn user_engine(phrases: &[&str]) -> Engine {
    let mut lex = Lexicon::bundled().expect("bundled lexicon");
    lex.targets.clear();
    lex.excludes.clear();
    lex.add_plain_targets("<test targets>", &phrases.join("\n"));
    Engine::new(lex)
}

/// (matched text, status) of every mention.
fn statuses(engine: &Engine, text: &str) -> Vec<(String, &'static str)> {
    let r = engine.process(&Report {
        id: "t".into(),
        text: text.into(),
        ..Default::default()
    });
    r.mentions
        .iter()
        .map(|m| (m.text.clone(), m.status.as_str()))
        .collect()
}

fn status_of(engine: &Engine, text: &str, target: &str) -> &'static str {
    statuses(engine, text)
        .into_iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(target))
        .unwrap_or_else(|| panic!("`{target}` not found in `{text}`"))
        .1
}

#[test]
fn a_trigger_overlapping_the_target_gives_way_to_the_shorter_trigger() {
    // "no acute" and "no focal" are negation triggers, but here "acute" and "focal" belong to
    // the target: the plain "no" still negates it.
    let e = user_engine(&[
        "acute distress",
        "focal neurologic deficits",
        "acute fracture",
    ]);
    assert_eq!(
        status_of(
            &e,
            "Alert and oriented, in no acute distress.",
            "acute distress"
        ),
        "absent"
    );
    assert_eq!(
        status_of(
            &e,
            "She has no focal neurologic deficits.",
            "focal neurologic deficits"
        ),
        "absent"
    );
    assert_eq!(
        status_of(&e, "No acute fracture is seen.", "acute fracture"),
        "absent"
    );
    // and nothing changes where the words are not negated
    assert_eq!(
        status_of(
            &e,
            "He appeared in acute distress on arrival.",
            "acute distress"
        ),
        "present"
    );
}

#[test]
fn a_phrase_listed_as_pre_and_post_trigger_works_in_both_directions() {
    // "resolved" follows what it negates in discharge summaries and precedes it in problem lists
    let e = user_engine(&["nausea", "vomiting", "small bowel obstruction", "pneumonia"]);
    assert_eq!(
        statuses(&e, "His nausea and vomiting resolved."),
        vec![
            ("nausea".to_string(), "absent"),
            ("vomiting".to_string(), "absent")
        ]
    );
    assert_eq!(
        status_of(
            &e,
            "Partial small bowel obstruction, resolved.",
            "small bowel obstruction"
        ),
        "absent"
    );
    assert_eq!(
        status_of(&e, "Resolved right lower lobe pneumonia.", "pneumonia"),
        "absent"
    );
    // the calcification lexicon too
    assert_eq!(
        status_of(
            &calc_engine(),
            "The punctate calcification in the left breast resolved.",
            "calcification"
        ),
        "absent"
    );
}

#[test]
fn without_describing_the_comparison_or_the_technique_negates_nothing() {
    let c = calc_engine();
    assert_eq!(
        status_of(
            &c,
            "Right hilar calcified lymph nodes without significant change from the prior study.",
            "calcified"
        ),
        "present"
    );
    assert_eq!(
        status_of(
            &c,
            "CT of the chest without contrast shows dense coronary artery calcification.",
            "calcification"
        ),
        "present"
    );
    assert_eq!(
        status_of(
            &c,
            "MRI of the brain with and without contrast: calcified meningioma along the falx.",
            "calcified"
        ),
        "present"
    );
    // "without" before the finding itself still negates
    assert_eq!(
        status_of(
            &c,
            "Well-circumscribed nodule without calcification.",
            "calcification"
        ),
        "absent"
    );
}

#[test]
fn no_further_negates_unless_it_is_no_further_change() {
    let e = user_engine(&["coffee-ground emesis", "infection"]);
    assert_eq!(
        status_of(
            &e,
            "The patient had no further episodes of coffee-ground emesis.",
            "coffee-ground emesis"
        ),
        "absent"
    );
    assert_eq!(
        status_of(
            &e,
            "There were no further signs or symptoms of infection.",
            "infection"
        ),
        "absent"
    );
    assert_eq!(
        status_of(
            &calc_engine(),
            "No further change in the calcified granuloma of the right upper lobe.",
            "calcified granuloma"
        ),
        "present"
    );
}

#[test]
fn a_labelled_item_answered_none_is_negated() {
    let e = user_engine(&["allergies", "pleural effusion"]);
    assert_eq!(status_of(&e, "ALLERGIES - NONE.", "allergies"), "absent");
    assert_eq!(
        status_of(&e, "Pleural effusion: none.", "pleural effusion"),
        "absent"
    );
    assert_eq!(
        status_of(
            &calc_engine(),
            "Vascular calcification: none.",
            "calcification"
        ),
        "absent"
    );
}

#[test]
fn positive_for_ends_a_negation_scope() {
    let e = user_engine(&["biliary dilatation", "cholecystolithiasis"]);
    assert_eq!(
        statuses(
            &e,
            "MRI showed no biliary dilatation and was positive for cholecystolithiasis."
        ),
        vec![
            ("biliary dilatation".to_string(), "absent"),
            ("cholecystolithiasis".to_string(), "present")
        ]
    );
}

#[test]
fn pseudo_triggers_and_terminators_still_hold() {
    let c = calc_engine();
    assert_eq!(
        status_of(
            &c,
            "No interval change in the calcified granuloma.",
            "calcified granuloma"
        ),
        "present"
    );
    assert_eq!(
        status_of(
            &c,
            "No pneumothorax but there is a calcified granuloma in the left apex.",
            "calcified granuloma"
        ),
        "present"
    );
}

#[test]
fn every_assertion_dimension() {
    let c = calc_engine();
    let one = |text: &str| {
        let r = c.process(&Report {
            id: "t".into(),
            text: text.into(),
            ..Default::default()
        });
        assert_eq!(r.mentions.len(), 1, "{text}: {:?}", r.mentions);
        r.mentions.into_iter().next().unwrap()
    };
    let m = one("No calcified mediastinal lymph nodes.");
    assert!(m.negated && m.status.as_str() == "absent");
    let m = one("Possible calcification in the aortic valve.");
    assert!(m.uncertain && !m.negated && m.status.as_str() == "possible");
    let m = one("Focus of calcification cannot be excluded in the left breast.");
    assert!(m.uncertain, "backward uncertainty");
    let m = one("History of calcified granuloma in the right upper lobe.");
    assert!(m.historical && m.status.as_str() == "present");
    let m = one("Evaluate for vascular calcification.");
    assert!(m.hypothetical && m.status.as_str() == "hypothetical");
    let m = one("Her mother had nephrocalcinosis.");
    assert_eq!(m.experiencer, "other");
    assert!(!m.counts);
}

#[test]
fn a_comma_opening_a_new_clause_ends_the_scope() {
    let c = calc_engine();
    // post-negation does not reach back across ", the ..."
    assert_eq!(
        status_of(
            &c,
            "Calcified granuloma in the right upper lobe, the pneumonia has resolved.",
            "calcified granuloma"
        ),
        "present"
    );
    // nor does a pre-negation reach forward across it
    assert_eq!(
        status_of(
            &c,
            "No pleural effusion, the calcified granuloma is unchanged.",
            "calcified granuloma"
        ),
        "present"
    );
    let e = user_engine(&["hemodynamically stable"]);
    assert_eq!(
        status_of(
            &e,
            "Due to no evidence of active bleeding, the patient remained hemodynamically stable.",
            "hemodynamically stable"
        ),
        "present"
    );
    // "and" before a subject pronoun starts a new clause as well
    let e = user_engine(&["difficult to keep focused", "confused"]);
    assert_eq!(
        status_of(
            &e,
            "He is not terribly cooperative and he is difficult to keep focused.",
            "difficult to keep focused"
        ),
        "present"
    );
    // a list of negated findings goes on with bare nouns: still negated
    assert_eq!(
        status_of(
            &c,
            "No effusion, pneumothorax, or calcified lymph nodes.",
            "calcified"
        ),
        "absent"
    );
}
