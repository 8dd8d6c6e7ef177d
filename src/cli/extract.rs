//! `calcmine extract`: one row per mention, streamed.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;

use super::args::{report_stats, InputArgs, LexiconArgs, OutputArgs, RunArgs};
use crate::output::schema::MentionField;
use crate::output::{Sink, TableWriter};
use calcmine_core::error::Result;
use calcmine_core::input::{Flow, ReadStats};
use calcmine_core::model::Status;
use calcmine_core::pipeline::Engine;

#[derive(Args, Debug)]
#[command(
    after_help = "Exit status: 0 when a present mention was found, 1 when none was, 2 on error (an input that cannot be read, or a malformed record: named on stderr, the other reports still written)."
)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Read, split and screen every report (the first stage) and analyse none, so no row is
    /// written: what reading and screening cost, which benchmarks compare with. Not for
    /// results.
    #[arg(long)]
    pub screen_only: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// A batch of reports' mention rows, formatted, and their counts.
#[derive(Default)]
struct Batch {
    rows: String,
    reports: u64,
    mentions: u64,
    present: u64,
    flagged: u64,
}

pub fn run(a: ExtractArgs) -> Result<u8> {
    let started = Instant::now();
    // mentions only: no recommendation stage, so reports without a target word are skipped
    let engine = Engine::without_recommendations(a.lexicon.load()?).screen_only(a.screen_only);
    let fields = MentionField::columns(a.output.no_text);
    let sink = Sink::open(a.output.output.as_deref())?;
    let mut out = TableWriter::new(
        sink,
        a.output.format,
        fields.iter().map(|f| f.name()).collect(),
    )?;
    let mut stats = ReadStats::default();
    let counter = Arc::new(AtomicU64::new(0));
    let inputs = a.input.inputs();
    let total = if inputs.example {
        None
    } else {
        crate::progress::input_size(&inputs.paths)
    };
    let mut progress =
        crate::progress::Progress::new(a.run.show_progress(), total, counter.clone());
    let (mut mentions, mut present, mut flagged) = (0u64, 0u64, 0u64);
    let mut failure = None;
    let rows = out.row_format().clone();
    calcmine_core::run::run_batches(
        &engine,
        &inputs,
        &a.run.run_options(),
        &mut stats,
        &counter,
        // rows are formatted, and the results freed, on the worker threads
        &|results| {
            let mut b = Batch {
                reports: results.len() as u64,
                ..Default::default()
            };
            let mut values = Vec::with_capacity(fields.len());
            for r in &results {
                b.flagged += r.metabolic_workup as u64;
                for m in &r.mentions {
                    b.mentions += 1;
                    b.present += (m.status == Status::Present) as u64;
                    values.clear();
                    values.extend(fields.iter().map(|f| f.value(m)));
                    rows.push_row(&mut b.rows, &values);
                }
            }
            b
        },
        &mut |b| {
            progress.reports_done(b.reports);
            (mentions, present, flagged) = (
                mentions + b.mentions,
                present + b.present,
                flagged + b.flagged,
            );
            if let Err(e) = out.write_rows(&b.rows) {
                failure = Some(e);
                return Flow::Break(());
            }
            Flow::Continue(())
        },
    );
    progress.finish();
    if let Some(e) = failure {
        return Err(e);
    }
    out.finish()?;
    let errors = report_stats(
        &stats,
        a.run.quiet,
        &format!(
            ", {mentions} mentions ({present} present), {flagged} flagged{}",
            if a.screen_only { " (screen only)" } else { "" }
        ),
        started.elapsed().as_secs_f64(),
    );
    Ok(if errors {
        2
    } else if present > 0 {
        0
    } else {
        1
    })
}
