//! Micro-benchmarks of the hot path (`cargo bench --bench pipeline`): one report through the
//! engine (with and without a calcification, so the prefilter path shows), a batch of reports
//! through it as `mine`'s workers process them, and a batch of results into Polars frames. End-to-end throughput against the parse-only floor is measured
//! by `scripts/bench`, on a generated corpus.

use calcmine::model::{Mention, Report, ReportResult};
use calcmine::output::frame::FrameBuilder;
use calcmine::output::schema::{MentionField, ReportField};
use calcmine::{Engine, Lexicon};

fn main() {
    divan::main();
}

const WITH_TARGET: &str =
    "FINDINGS: Heart size is normal. A 6 mm calcified granuloma in the right upper lobe is \
unchanged. No pleural effusion. Dense coronary artery calcification.\nIMPRESSION: No acute \
cardiopulmonary process. Healed granulomatous disease.";
const WITHOUT_TARGET: &str = "FINDINGS: Heart size is normal. The lungs are clear. No pleural \
effusion or pneumothorax. No acute osseous abnormality.\nIMPRESSION: No acute cardiopulmonary \
process.";

fn engine() -> Engine {
    Engine::new(Lexicon::bundled().expect("bundled lexicon"))
}

fn report(text: &str) -> Report {
    Report {
        id: "r1".into(),
        text: text.into(),
        ..Default::default()
    }
}

#[divan::bench(args = ["with_target", "without_target"])]
fn process(bencher: divan::Bencher, which: &str) {
    let text = if which == "with_target" {
        WITH_TARGET
    } else {
        WITHOUT_TARGET
    };
    let e = engine();
    let r = report(text);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| e.process(divan::black_box(&r)));
}

/// A batch as the workers process it (`Engine::process_batch_taking`: one first-stage scan for
/// the batch), one report in four with a target, against the same reports one at a time.
#[divan::bench(args = ["batch", "one_by_one"])]
fn batch_of_1000_reports(bencher: divan::Bencher, how: &str) {
    let e = engine();
    let texts: Vec<&str> = (0..1000)
        .map(|i| {
            if i % 4 == 0 {
                WITH_TARGET
            } else {
                WITHOUT_TARGET
            }
        })
        .collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .with_inputs(|| texts.iter().map(|t| report(t)).collect::<Vec<Report>>())
        .bench_local_values(|mut reports| {
            if how == "batch" {
                e.process_batch_taking(&mut reports)
            } else {
                reports.iter_mut().map(|r| e.process_taking(r)).collect()
            }
        });
}

#[divan::bench]
fn prefilter_miss(bencher: divan::Bencher) {
    let e = engine();
    bencher
        .counter(divan::counter::BytesCount::new(WITHOUT_TARGET.len()))
        .bench(|| e.may_match(divan::black_box(WITHOUT_TARGET)));
}

#[divan::bench]
fn frames_of_1000_reports(bencher: divan::Bencher) {
    let e = engine();
    let results: Vec<ReportResult> = (0..1000)
        .map(|i| {
            e.process(&report(if i % 4 == 0 {
                WITH_TARGET
            } else {
                WITHOUT_TARGET
            }))
        })
        .collect();
    bencher.bench(|| {
        let mut m = FrameBuilder::new::<Mention>(MentionField::columns(false), false, 1000);
        let mut r = FrameBuilder::new::<ReportResult>(ReportField::columns(false), false, 1000);
        for res in &results {
            for mention in &res.mentions {
                m.push::<Mention>(mention);
            }
            r.push::<ReportResult>(res);
        }
        (
            m.take::<Mention>().map(|d| d.height()),
            r.take::<ReportResult>().map(|d| d.height()),
        )
    });
}
