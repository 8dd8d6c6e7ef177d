//! Scoring on hand-made gold and results: the figures and the disagreements.

use super::*;
use calcmine_core::model::Status;

#[test]
fn confusion_figures_by_hand() {
    // 6 TP, 2 FP, 1 FN, 11 TN
    let mut c = Confusion::default();
    for (g, p, n) in [
        (true, true, 6),
        (false, true, 2),
        (true, false, 1),
        (false, false, 11),
    ] {
        for _ in 0..n {
            c.add(g, p);
        }
    }
    assert_eq!(c.precision().value, Some(0.75));
    assert_eq!(c.recall().value, Some(6.0 / 7.0));
    assert_eq!(c.accuracy().value, Some(17.0 / 20.0));
    assert!((c.f1().unwrap() - 12.0 / 15.0).abs() < 1e-12);
}

#[test]
fn f1_bootstrap_interval_brackets_the_estimate_and_is_reproducible() {
    let mut items = vec![(true, true); 40];
    items.extend(vec![(false, true); 5]);
    items.extend(vec![(true, false); 5]);
    items.extend(vec![(false, false); 50]);
    let a = f1_estimate(&items);
    let (lo, hi) = a.ci.unwrap();
    assert!((a.value.unwrap() - 0.8889).abs() < 1e-4);
    assert!(
        lo < 0.8889 && 0.8889 < hi && hi <= 1.0 && lo > 0.7,
        "{lo} {hi}"
    );
    assert_eq!(a, f1_estimate(&items));
}

fn mention(status: Status, section: &str, organ: &str, sentence: &str) -> Mention {
    let mut m = Mention::new("r", "calcification", 0, 1, "x");
    m.status = status;
    m.section = section.into();
    m.organ = organ.into();
    m.sentence = sentence.into();
    // as the pipeline decides it: present, the patient's, outside the indication
    m.in_findings = section != "indication";
    m.counts = m.decide_counts();
    m
}

fn result(id: &str, mentions: Vec<Mention>) -> (String, ReportResult) {
    (
        id.to_string(),
        ReportResult {
            report_id: id.into(),
            mentions,
            ..Default::default()
        },
    )
}

#[test]
fn report_level_gold_scored_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("gold.csv");
    std::fs::write(
        &p,
        "report_id,present,organ\n\
         a,1,lung\n\
         b,1,aorta\n\
         c,0,\n\
         d,0,\n\
         e,,\n\
         f,yes,kidney\n",
    )
    .unwrap();
    let Gold::Reports(gold) = Gold::load(&p).unwrap() else {
        panic!("report-level layout expected")
    };
    let results: HashMap<String, ReportResult> = [
        // a: calcified granuloma in the lung — TP, organ right
        result(
            "a",
            vec![mention(
                Status::Present,
                "findings",
                "lung",
                "Calcified granuloma.",
            )],
        ),
        // b: only in the history — FN, organ none
        result(
            "b",
            vec![mention(
                Status::Present,
                "indication",
                "aorta",
                "History of aortic calcification.",
            )],
        ),
        // c: negated — TN
        result(
            "c",
            vec![mention(
                Status::Absent,
                "findings",
                "lung",
                "No calcification.",
            )],
        ),
        // d: present — FP
        result(
            "d",
            vec![mention(
                Status::Present,
                "impression",
                "heart",
                "Mitral annular calcification.",
            )],
        ),
        // e: not judged
        result(
            "e",
            vec![mention(
                Status::Present,
                "findings",
                "lung",
                "Calcified nodule.",
            )],
        ),
        // f: two findings, the gold organ among them — TP, organ right
        result(
            "f",
            vec![
                mention(Status::Present, "findings", "lung", "Calcified granuloma."),
                mention(Status::Present, "findings", "kidney", "Nephrocalcinosis."),
            ],
        ),
    ]
    .into_iter()
    .collect();
    let ev = score_reports(&gold, &results);
    let FieldScore::Binary { confusion, .. } = ev.field("present").unwrap() else {
        panic!()
    };
    assert_eq!(
        *confusion,
        Confusion {
            tp: 2,
            fp: 1,
            fn_: 1,
            tn: 1
        }
    );
    let organ = ev.field("organ").unwrap();
    assert_eq!(organ.n(), 3);
    assert_eq!(organ.accuracy().value, Some(2.0 / 3.0));
    let FieldScore::Categorical { matrix, .. } = organ else {
        panic!()
    };
    assert_eq!(matrix.get(&("aorta".into(), "none".into())), Some(&1));
    let ids: Vec<(&str, &str)> = ev
        .disagreements
        .iter()
        .map(|d| (d.field.as_str(), d.report_id.as_str()))
        .collect();
    assert_eq!(
        ids,
        vec![("present", "b"), ("organ", "b"), ("present", "d")]
    );
    assert_eq!(
        ev.disagreements[2].evidence,
        "Mitral annular calcification."
    );
}

#[test]
fn gold_from_a_spreadsheet_export_with_bom_and_uid_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("gold.csv");
    std::fs::write(&p, "\u{feff}uid,Present\r\n17,Yes\r\n18,no\r\n19,\r\n").unwrap();
    let Gold::Reports(g) = Gold::load(&p).unwrap() else {
        panic!("report-level layout expected")
    };
    assert_eq!(g.fields, vec!["present"]);
    let got: Vec<(&str, Option<&str>)> = g
        .rows
        .iter()
        .map(|(id, v)| (id.as_str(), v.get("present").map(String::as_str)))
        .collect();
    assert_eq!(
        got,
        vec![("17", Some("yes")), ("18", Some("no")), ("19", None)]
    );
}

#[test]
fn sentence_level_gold_uses_the_upper_case_occurrence() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("gold.tsv");
    std::fs::write(
        &p,
        "Report No.\tConcept\tSentence\tNegation\n\
         1\tchest pain\t\"He denies chest pain at rest but has CHEST PAIN on exertion.\"\tAffirmed\n\
         1\tfever\t\"No FEVER or chills.\"\tNegated\n\
         2\tcough\t\"The patient reports a COUGH.\"\tAffirmed\n\
         2\tedema\t\"EDEMA has resolved.\"\tNegated\n",
    )
    .unwrap();
    let Gold::Sentences(rows) = Gold::load(&p).unwrap() else {
        panic!("sentence layout expected")
    };
    assert_eq!(rows.len(), 4);
    let ev = score_sentences(&rows, &Lexicon::bundled().unwrap());
    let FieldScore::Binary { confusion, .. } = ev.field("negated").unwrap() else {
        panic!()
    };
    assert_eq!(
        *confusion,
        Confusion {
            tp: 2,
            fp: 0,
            fn_: 0,
            tn: 2
        },
        "{:?}",
        ev.disagreements
    );
}

#[test]
fn floors_fail_below_and_name_unknown_fields() {
    let mut c = Confusion::default();
    let items = vec![(true, true), (true, false), (false, false), (false, false)];
    for &(g, p) in &items {
        c.add(g, p);
    }
    let ev = Evaluation {
        fields: vec![FieldScore::Binary {
            name: "negated".into(),
            positive: "Negated".into(),
            negative: "Affirmed".into(),
            confusion: c,
            items,
        }],
        ..Default::default()
    };
    let f = |s: &str| vec![s.parse::<Floor>().unwrap()];
    assert!(check_floors(&ev, &f("0.6"), &f("0.75")).unwrap().is_empty());
    assert_eq!(check_floors(&ev, &f("negated=0.7"), &[]).unwrap().len(), 1);
    assert!(check_floors(&ev, &f("present=0.5"), &[]).is_err());
    assert!("1.5".parse::<Floor>().is_err());
}
