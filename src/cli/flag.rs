//! `calcmine flag`: one row per report — every report, flagged or not, failed ones with their
//! error — with mention counts, labs, conditions and the metabolic work-up decision.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;

use super::args::{report_stats, InputArgs, LexiconArgs, OutputArgs, RunArgs};
use crate::output::schema::ReportField;
use crate::output::{Sink, TableWriter};
use calcmine_core::error::Result;
use calcmine_core::input::{Flow, ReadStats};
use calcmine_core::pipeline::Engine;

#[derive(Args, Debug)]
#[command(
    after_help = "Exit status: 0 when a report is flagged for a metabolic work-up, 1 when none is, 2 on error (an input that cannot be read, or a malformed record: named on stderr, its row written with `error`)."
)]
pub struct FlagArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub run: RunArgs,
    /// Write only the reports that warrant a work-up.
    #[arg(long)]
    pub only_flagged: bool,
}

pub fn run(a: FlagArgs) -> Result<u8> {
    let started = Instant::now();
    let engine = Engine::new(a.lexicon.load()?);
    let fields = ReportField::columns(a.output.no_text);
    let sink = Sink::open(a.output.output.as_deref())?;
    let mut out = TableWriter::new(
        sink,
        a.output.format,
        fields.iter().map(|f| f.name()).collect(),
    )?;
    let mut stats = ReadStats::default();
    let counter = Arc::new(AtomicU64::new(0));
    let (mut flagged, mut urgent) = (0u64, 0u64);
    let mut failure = None;
    let rows = out.row_format().clone();
    calcmine_core::run::run_batches(
        &engine,
        &a.input.inputs(),
        &a.run.run_options(),
        &mut stats,
        &counter,
        // rows are formatted, and the results freed, on the worker threads
        &|results| {
            let (mut text, mut flagged, mut urgent) = (String::new(), 0u64, 0u64);
            let mut values = Vec::with_capacity(fields.len());
            for r in &results {
                if r.metabolic_workup {
                    flagged += 1;
                    urgent += (r.workup_priority == "urgent") as u64;
                } else if a.only_flagged {
                    continue;
                }
                values.clear();
                values.extend(fields.iter().map(|f| f.value(r)));
                rows.push_row(&mut text, &values);
            }
            (text, flagged, urgent)
        },
        &mut |(text, f, u)| {
            (flagged, urgent) = (flagged + f, urgent + u);
            if let Err(e) = out.write_rows(&text) {
                failure = Some(e);
                return Flow::Break(());
            }
            Flow::Continue(())
        },
    );
    if let Some(e) = failure {
        return Err(e);
    }
    out.finish()?;
    let errors = report_stats(
        &stats,
        a.run.quiet,
        &format!(", {flagged} flagged for a metabolic work-up ({urgent} urgent)"),
        started.elapsed().as_secs_f64(),
    );
    Ok(if errors {
        2
    } else if flagged > 0 {
        0
    } else {
        1
    })
}
