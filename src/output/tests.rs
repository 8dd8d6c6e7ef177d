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
    let c = s.groups[&("kidney".into(), "indeterminate".into(), "present".into())];
    assert_eq!((c.mentions, c.reports, c.flagged_reports), (3, 2, 1));
    assert_eq!(
        (s.reports, s.failed, s.with_present, s.flagged),
        (3, 1, 2, 1)
    );
    let f = s.frame().unwrap();
    assert_eq!(f.height(), 2 + 5);
}
