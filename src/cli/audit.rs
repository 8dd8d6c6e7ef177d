//! `calcmine audit`: one row per report with its work-up flag, recommendation types and audit
//! outcome, and a summary of counts and rates by work-up rule.

use std::io::Write;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;

use super::{report_stats, InputArgs, LexiconArgs, OutputArgs, RunArgs};
use crate::audit::{outcome, AuditSummary};
use crate::error::{Error, Result};
use crate::input::{Flow, ReadStats};
use crate::output::{Sink, TableWriter};
use crate::pipeline::Engine;
use crate::schema::AuditField;

#[derive(Args, Debug)]
#[command(
    after_help = "Outcomes: workup_recommended (flagged for a metabolic work-up and metabolic labs are recommended), workup_not_recommended (flagged, no metabolic-labs recommendation: a gap), not_indicated (not flagged), error (the report could not be read).\nThe summary goes to stderr when the table goes to stdout, and to stdout when the table goes to a file.\nExit status: 0 when a gap was found, 1 when none was, 2 on error."
)]
pub struct AuditArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub run: RunArgs,
    /// Write only the gaps: reports flagged for a work-up without a metabolic-labs
    /// recommendation (the summary still counts every report).
    #[arg(long)]
    pub gaps_only: bool,
    /// Do not print the summary.
    #[arg(long)]
    pub no_summary: bool,
}

pub fn run(a: AuditArgs) -> Result<u8> {
    let started = Instant::now();
    let engine = Engine::new(a.lexicon.load()?);
    let fields = AuditField::columns(a.output.no_text);
    let to_stdout = !a
        .output
        .output
        .as_deref()
        .is_some_and(|p| p.as_os_str() != "-");
    let sink = Sink::open(a.output.output.as_deref())?;
    let mut out = TableWriter::new(
        sink,
        a.output.format,
        fields.iter().map(|f| f.name()).collect(),
    )?;
    let mut stats = ReadStats::default();
    let counter = Arc::new(AtomicU64::new(0));
    let mut summary = AuditSummary::default();
    let mut failure = None;
    crate::run::run(
        &engine,
        &a.input.inputs(),
        &a.run.run_options(),
        &mut stats,
        &counter,
        &mut |r| {
            summary.add(&r);
            if a.gaps_only && !outcome(&r).is_gap() {
                return Flow::Continue(());
            }
            let row: Vec<_> = fields.iter().map(|f| f.value(&r)).collect();
            if let Err(e) = out.row(&row) {
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
    let gaps = summary.count(crate::audit::Outcome::WorkupNotRecommended);
    let errors = report_stats(
        &stats,
        a.run.quiet,
        &format!(", {gaps} gaps"),
        started.elapsed().as_secs_f64(),
    );
    if !a.no_summary {
        let text = summary.render();
        if to_stdout {
            eprint!("{text}");
        } else {
            let mut o = std::io::stdout().lock();
            o.write_all(text.as_bytes())
                .and_then(|_| o.flush())
                .map_err(|e| Error::io("<stdout>", e))?;
        }
    }
    Ok(if errors {
        2
    } else if gaps > 0 {
        0
    } else {
        1
    })
}
