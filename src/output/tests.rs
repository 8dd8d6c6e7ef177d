//! Frames and the cohort summary on hand-made mentions: the column types and the counts.

use super::frame::*;
use super::schema::*;
use super::summary::*;
use calcmine_core::model::Mention;
use calcmine_core::model::Status;
use polars::prelude::*;

fn mention(report: &str, organ: &str, status: Status, morph: &[&str]) -> Mention {
    let mut m = Mention::new(report, "calcification", 0, 13, "calcification");
    m.organ = organ.into();
    m.status = status;
    m.negated = status == Status::Absent;
    m.counts = status == Status::Present;
    m.morphology = morph.iter().map(|s| s.to_string()).collect();
    m
}

#[test]
fn mention_frame_has_the_documented_types() {
    let fields = MentionField::columns(false);
    let mut b = FrameBuilder::new::<Mention>(fields.clone(), false, 4);
    b.push(&mention(
        "r1",
        "kidney",
        Status::Present,
        &["punctate", "coarse"],
    ));
    b.push(&mention("r2", "lung", Status::Absent, &[]));
    let df = b.take::<Mention>().unwrap();
    assert_eq!(df.height(), 2);
    assert_eq!(df.width(), fields.len());
    for f in fields {
        let got = df.column(f.name()).unwrap().dtype().clone();
        let want = match f.kind() {
            Kind::Int => DataType::Int64,
            Kind::Bool => DataType::Boolean,
            Kind::List => DataType::List(Box::new(DataType::String)),
            Kind::Category => {
                assert!(got.is_categorical(), "{}: {got:?}", f.name());
                continue;
            }
            Kind::Str => DataType::String,
            Kind::Float => DataType::Float64,
            Kind::Records(_) => unreachable!("no mention column holds records"),
        };
        assert_eq!(got, want, "{}", f.name());
    }
    let morph = df
        .column("morphology")
        .unwrap()
        .list()
        .unwrap()
        .get_as_series(0);
    assert_eq!(morph.unwrap().len(), 2);
    // the builder starts over after take
    assert!(b.is_empty());
}

#[test]
fn column_by_column_equals_row_by_row() {
    let rows = vec![
        mention("r1", "kidney", Status::Present, &["punctate", "coarse"]),
        mention("r1", "lung", Status::Absent, &[]),
        mention("r2", "aorta", Status::Possible, &["dense"]),
    ];
    for flat in [false, true] {
        let fields = MentionField::columns(false);
        let mut by_row = FrameBuilder::new::<Mention>(fields.clone(), flat, 4);
        for m in &rows {
            by_row.push::<Mention>(m);
        }
        let mut by_column = FrameBuilder::new::<Mention>(fields, flat, 4);
        by_column.extend::<Mention, _>(rows.iter());
        assert_eq!(by_column.len(), 3);
        let (a, b) = (
            by_row.take::<Mention>().unwrap(),
            by_column.take::<Mention>().unwrap(),
        );
        assert!(a.equals_missing(&b), "flat = {flat}");
    }
}

#[test]
fn csv_frames_join_lists() {
    let mut b = FrameBuilder::new::<Mention>(vec![MentionField::Morphology], true, 1);
    b.push(&mention(
        "r1",
        "kidney",
        Status::Present,
        &["punctate", "coarse"],
    ));
    let df = b.take::<Mention>().unwrap();
    let s = df
        .column("morphology")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .map(str::to_string);
    assert_eq!(s.as_deref(), Some("punctate|coarse"));
}

#[test]
fn summary_counts_mentions_and_distinct_reports() {
    let mut rows = SummaryRows::default();
    rows.push(&mention("r1", "kidney", Status::Present, &[]), true);
    rows.push(&mention("r1", "kidney", Status::Present, &[]), true);
    rows.push(&mention("r2", "kidney", Status::Present, &[]), false);
    rows.push(&mention("r2", "lung", Status::Absent, &[]), false);
    let df = rows.take().unwrap();
    let reps = vec![
        ReportSummary {
            failed: false,
            has_present: true,
            flagged: true,
            priority: "routine",
        },
        ReportSummary {
            failed: false,
            has_present: true,
            flagged: false,
            priority: "none",
        },
        ReportSummary {
            failed: true,
            has_present: false,
            flagged: false,
            priority: "none",
        },
    ];
    let mut s = Summary::default();
    s.add_batch(&df, &reps).unwrap();
    let c = s.groups[&(
        "kidney".into(),
        "indeterminate".into(),
        "present".into(),
        "true".into(),
    )];
    assert_eq!((c.mentions, c.reports, c.flagged_reports), (3, 2, 1));
    assert_eq!(
        (s.reports, s.failed, s.with_present, s.flagged),
        (3, 1, 2, 1)
    );
    let f = s.frame().unwrap();
    assert_eq!(f.height(), 2 + 5);
}

/// A flagged report: two rules, one from a lab and one from a mention, and a suppression.
fn flagged_report() -> calcmine_core::model::ReportResult {
    use calcmine_core::model::{ReportResult, Suppression, WorkupReason};
    ReportResult {
        report_id: "r1".into(),
        workup_priority: "urgent",
        metabolic_workup: true,
        workup_reasons: vec![
            WorkupReason {
                rule: "ca_phos_product_high".into(),
                mention_id: None,
                sentence_index: 0,
                sentence: "Calcium 11 mg/dL, phosphorus 6 mg/dL.".into(),
            },
            WorkupReason {
                rule: "metastatic_pattern".into(),
                mention_id: Some(2),
                sentence_index: 1,
                sentence: "Medullary nephrocalcinosis.".into(),
            },
        ],
        workup_suppressed_by: vec![Suppression {
            suppressor: "calcified_granuloma".into(),
            rule: "unexplained_parenchymal".into(),
            mention_id: 1,
            sentence_index: 1,
        }],
        ..Default::default()
    }
}

#[test]
fn work_up_reasons_are_a_list_of_structs_in_parquet_and_json_in_csv() {
    let r = flagged_report();
    let empty = calcmine_core::model::ReportResult {
        report_id: "r2".into(),
        workup_priority: "none",
        ..Default::default()
    };
    let fields = ReportField::columns(false);
    let mut b = FrameBuilder::new::<calcmine_core::model::ReportResult>(fields.clone(), false, 2);
    b.extend::<calcmine_core::model::ReportResult, _>([r.clone(), empty.clone()].iter());
    let df = b.take::<calcmine_core::model::ReportResult>().unwrap();
    let reasons = df.column("workup_reasons").unwrap();
    let DataType::List(inner) = reasons.dtype() else {
        panic!("{:?}", reasons.dtype())
    };
    let DataType::Struct(sf) = inner.as_ref() else {
        panic!("{inner:?}")
    };
    let names: Vec<&str> = sf.iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["rule", "sentence_index", "sentence"]);
    let first = reasons.list().unwrap().get_as_series(0).unwrap();
    assert_eq!(first.len(), 2);
    let st = first.struct_().unwrap();
    let idx = st.field_by_name("sentence_index").unwrap();
    assert_eq!(idx.i64().unwrap().get(1), Some(1));
    let rules = st.field_by_name("rule").unwrap();
    assert_eq!(rules.str().unwrap().get(1), Some("metastatic_pattern"));
    // the report without reasons has an empty list, not a null
    let second = reasons.list().unwrap().get_as_series(1).unwrap();
    assert_eq!(second.len(), 0);
    let sup = df
        .column("workup_suppressed_by")
        .unwrap()
        .list()
        .unwrap()
        .get_as_series(0)
        .unwrap();
    assert_eq!(
        sup.str().unwrap().get(0),
        Some("calcified_granuloma:unexplained_parenchymal"),
        "the suppressor with the rule it removed"
    );

    // CSV: the same records as a JSON array in the cell
    let mut flat = FrameBuilder::new::<calcmine_core::model::ReportResult>(fields, true, 2);
    flat.push(&r);
    let df = flat.take::<calcmine_core::model::ReportResult>().unwrap();
    let cell = df
        .column("workup_reasons")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&cell).unwrap();
    assert_eq!(v[0]["rule"], "ca_phos_product_high");
    assert_eq!(v[1]["sentence_index"], 1);
    assert_eq!(v[1]["sentence"], "Medullary nephrocalcinosis.");
}

#[test]
fn the_reasons_table_has_a_row_per_rule_fired_and_per_finding_set_aside() {
    use crate::output::reasons::{ReasonField, ReasonRow};
    let rows = ReasonRow::of(&flagged_report());
    let outcomes: Vec<(&str, &str, Option<u32>)> = rows
        .iter()
        .map(|x| (x.rule.as_str(), x.outcome, x.mention_id))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("ca_phos_product_high", "fired", None),
            ("metastatic_pattern", "fired", Some(2)),
            ("unexplained_parenchymal", "suppressed", Some(1)),
        ]
    );
    assert_eq!(rows[2].suppressor.as_deref(), Some("calcified_granuloma"));
    let mut b = FrameBuilder::new::<ReasonRow>(ReasonField::columns(true), false, 3);
    b.extend::<ReasonRow, _>(rows.iter());
    let df = b.take::<ReasonRow>().unwrap();
    assert_eq!(df.height(), 3);
    assert!(
        df.column("sentence").is_err(),
        "--no-text leaves the sentence out"
    );
    assert_eq!(df.column("mention_id").unwrap().null_count(), 1);
}

#[test]
fn summary_rates_have_four_decimals_and_the_present_row_counts_its_flagged() {
    let mut s = Summary::default();
    let mentions = DataFrame::new(
        0,
        vec![
            Column::new("organ".into(), Vec::<String>::new()),
            Column::new("mechanism".into(), Vec::<String>::new()),
            Column::new("status".into(), Vec::<String>::new()),
            Column::new("counts".into(), Vec::<String>::new()),
            Column::new("report_id".into(), Vec::<String>::new()),
            Column::new("flagged".into(), Vec::<bool>::new()),
        ],
    )
    .unwrap();
    let report = |present: bool, flagged: bool| ReportSummary {
        failed: false,
        has_present: present,
        flagged,
        priority: if flagged { "routine" } else { "none" },
    };
    s.add_batch(
        &mentions,
        &[
            report(true, true),
            report(true, false),
            report(false, false),
        ],
    )
    .unwrap();
    let df = s.frame().unwrap();
    let kinds = df.column("kind").unwrap().str().unwrap().clone();
    let i = (0..df.height())
        .find(|&i| kinds.get(i) == Some("with_present_mention"))
        .unwrap();
    assert_eq!(df.column("reports").unwrap().u64().unwrap().get(i), Some(2));
    assert_eq!(
        df.column("flagged_reports").unwrap().u64().unwrap().get(i),
        Some(1)
    );
    // 2 of 3 reports: 0.6667, not 0.6666666666666666
    assert_eq!(
        df.column("rate").unwrap().f64().unwrap().get(i),
        Some(0.6667)
    );
}
