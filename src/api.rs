//! Tables from reports held in memory, for front ends that are not the command line (the
//! Python package, `crates/calcmine-py`): a table given as Polars frames runs through the same
//! machinery as `calcmine mine` (batches on all cores, in input order, bounded memory,
//! [`calcmine_core::run::run_source`]) and comes back as the frames `mine`, `extract`, `flag`
//! and `audit` write, built per batch on the workers by [`FrameBuilder`] from the columns of
//! [`crate::output::schema`]: the same columns and types as `mentions.parquet` and
//! `reports.parquet`, whatever the schema becomes.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use polars::prelude::{DataFrame, PolarsResult};

use crate::output::frame::FrameBuilder;
use crate::output::schema::{AuditField, MentionField, ReportField};
use crate::output::summary::{ReportSummary, Summary, SummaryRows};
use calcmine_core::audit::AuditSummary;
use calcmine_core::error::{Error, Result};
use calcmine_core::input::{read_frames, Flow, FrameColumns, InputOptions, ReadStats};
use calcmine_core::model::{Mention, ReportResult};
use calcmine_core::pipeline::Engine;
use calcmine_core::run::RunOptions;

/// Which tables a run builds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Want {
    /// One row per mention (`extract`, `mentions.parquet`).
    pub mentions: bool,
    /// One row per report (`flag`, `reports.parquet`).
    pub reports: bool,
    /// The cohort summary (`summary.csv`).
    pub summary: bool,
    /// One row per report with its audit outcome, and the audit summary (`audit`).
    pub audit: bool,
}

/// The tables of a run, those asked for.
#[derive(Debug, Default)]
pub struct Tables {
    pub mentions: Option<DataFrame>,
    pub reports: Option<DataFrame>,
    pub summary: Option<DataFrame>,
    pub audit: Option<DataFrame>,
    /// The audit summary as `calcmine audit` prints it.
    pub audit_summary: Option<String>,
    /// What was read: reports, failed ones (with their errors), bytes, null texts.
    pub stats: ReadStats,
}

/// One batch of results as frames, built on the worker that processed it.
#[derive(Default)]
struct Batch {
    mentions: Option<DataFrame>,
    reports: Option<DataFrame>,
    audit: Option<DataFrame>,
    summary: Option<Summary>,
    audit_summary: Option<AuditSummary>,
}

fn batch(results: &[ReportResult], want: Want, no_text: bool) -> PolarsResult<Batch> {
    let mut b = Batch::default();
    if want.mentions {
        let n = results.iter().map(|r| r.mentions.len()).sum();
        let mut f = FrameBuilder::new::<Mention>(MentionField::columns(no_text), false, n);
        f.extend::<Mention, _>(results.iter().flat_map(|r| r.mentions.iter()));
        b.mentions = Some(f.take::<Mention>()?);
    }
    if want.reports {
        let fields = ReportField::columns(no_text);
        let mut f = FrameBuilder::new::<ReportResult>(fields, false, results.len());
        f.extend::<ReportResult, _>(results.iter());
        b.reports = Some(f.take::<ReportResult>()?);
    }
    if want.audit {
        let fields = AuditField::columns(no_text);
        let mut f = FrameBuilder::new::<ReportResult>(fields, false, results.len());
        f.extend::<ReportResult, _>(results.iter());
        b.audit = Some(f.take::<ReportResult>()?);
        let mut s = AuditSummary::default();
        results.iter().for_each(|r| s.add(r));
        b.audit_summary = Some(s);
    }
    if want.summary {
        // as `mine` does: the batch's mentions with their report's flag, and its reports
        let mut rows = SummaryRows::default();
        for r in results {
            for m in &r.mentions {
                rows.push(m, r.metabolic_workup);
            }
        }
        let per_report: Vec<ReportSummary> = results.iter().map(ReportSummary::of).collect();
        let mut s = Summary::default();
        s.add_batch(&rows.take()?, &per_report)?;
        b.summary = Some(s);
    }
    Ok(b)
}

/// The frames of the batches, one after the other; a frame without rows (with the columns
/// `empty` builds) when there was none.
fn stack(
    parts: Vec<DataFrame>,
    empty: impl FnOnce() -> polars::prelude::Schema,
) -> PolarsResult<DataFrame> {
    let mut parts = parts.into_iter();
    let Some(mut acc) = parts.next() else {
        return Ok(DataFrame::empty_with_schema(&empty()));
    };
    for p in parts {
        acc.vstack_mut(&p)?;
    }
    Ok(acc)
}

/// Run the reports of a table held in memory (`frames`: its chunks, in order; `cols`: its
/// columns, resolved with [`FrameColumns::resolve`]; `name`: the table's name in messages)
/// through `engine`, and build the tables `want` asks for.
///
/// A record that could not be analysed (longer than `input.max_report_bytes`) is no error
/// here: it has its row, with `error` set, as in `mine`, and its message is in `stats.errors`.
/// A table that cannot be read at all (a column Polars cannot read as text) is an error.
#[allow(clippy::too_many_arguments)]
pub fn run_frames(
    engine: &Engine,
    frames: &[DataFrame],
    cols: &FrameColumns,
    name: &str,
    input: &InputOptions,
    run: &RunOptions,
    no_text: bool,
    want: Want,
) -> Result<Tables> {
    let read_error: Mutex<Option<Error>> = Mutex::new(None);
    let read = |stats: &mut ReadStats, f: &mut dyn FnMut(_) -> Flow| {
        if let Err(e) = read_frames(frames, cols, name, input, stats, f) {
            if let Ok(mut slot) = read_error.lock() {
                *slot = Some(e);
            }
        }
    };
    let mut stats = ReadStats::default();
    let (mut mentions, mut reports, mut audit) = (Vec::new(), Vec::new(), Vec::new());
    let mut summary = Summary::default();
    let mut audit_summary = AuditSummary::default();
    let mut failure = None;
    calcmine_core::run::run_source(
        engine,
        Box::new(read),
        run,
        &mut stats,
        &Arc::new(AtomicU64::new(0)),
        &|results, texts| {
            // the texts are not kept: freed at once, with their batch
            drop(texts);
            batch(&results, want, no_text)
        },
        &mut |b, _| match b {
            Ok(b) => {
                mentions.extend(b.mentions);
                reports.extend(b.reports);
                audit.extend(b.audit);
                if let Some(s) = b.summary {
                    summary.merge(&s);
                }
                if let Some(s) = b.audit_summary {
                    audit_summary.merge(&s);
                }
                Flow::Continue(())
            }
            Err(e) => {
                failure = Some(e);
                Flow::Break(())
            }
        },
    );
    if let Some(e) = read_error.into_inner().ok().flatten() {
        return Err(e);
    }
    let tables = || -> PolarsResult<Tables> {
        if let Some(e) = failure {
            return Err(e);
        }
        Ok(Tables {
            mentions: match want.mentions {
                true => Some(stack(mentions, || {
                    FrameBuilder::new::<Mention>(MentionField::columns(no_text), false, 0)
                        .schema::<Mention>()
                })?),
                false => None,
            },
            reports: match want.reports {
                true => Some(stack(reports, || {
                    FrameBuilder::new::<ReportResult>(ReportField::columns(no_text), false, 0)
                        .schema::<ReportResult>()
                })?),
                false => None,
            },
            audit: match want.audit {
                true => Some(stack(audit, || {
                    FrameBuilder::new::<ReportResult>(AuditField::columns(no_text), false, 0)
                        .schema::<ReportResult>()
                })?),
                false => None,
            },
            summary: match want.summary {
                true => Some(summary.frame()?),
                false => None,
            },
            audit_summary: want.audit.then(|| audit_summary.render()),
            stats: ReadStats::default(),
        })
    };
    let mut t = tables().map_err(|e| Error::output("the tables", e))?;
    t.stats = stats;
    Ok(t)
}

/// How `calcmine explain` shows one report given on stdin: the terminal explanation (without
/// colour), or with `html` the page `explain --html` writes.
pub fn explain(engine: &Engine, text: &str, id: &str, html: bool, no_text: bool) -> String {
    let report = calcmine_core::model::Report {
        id: id.to_string(),
        text: text.to_string(),
        source: "<stdin>".into(),
        line: 1,
        record: 1,
        ..Default::default()
    };
    let r = engine.process(&report);
    if html {
        crate::html::explain_page(&[(report, r)], &engine.lexicon, no_text)
    } else {
        crate::explain::explain_with(&report, &r, &engine.lexicon, false, no_text)
    }
}
