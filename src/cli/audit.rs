//! `calcmine audit`: one row per report with its work-up flag, recommendation types and audit
//! outcome, and a summary of counts and rates by work-up rule.

use std::io::Write;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;

use super::args::{report_stats, InputArgs, LexiconArgs, OutputArgs, RunArgs};
use crate::output::schema::AuditField;
use crate::output::table::{RowTable, TableFormat, ROW_GROUP};
use crate::output::{AtomicFile, Format, Sink, TableWriter};
use calcmine_core::audit::{outcome, AuditSummary};
use calcmine_core::error::{Error, Result};
use calcmine_core::input::{Flow, ReadStats};
use calcmine_core::model::ReportResult;
use calcmine_core::pipeline::Engine;

#[derive(Args, Debug)]
#[command(
    after_help = "Formats: tsv, csv, jsonl, parquet (needs -o FILE); without --format, -o FILE's extension chooses (.gz and .zst compress a text format).\nOutcomes: workup_recommended (flagged for a metabolic work-up and metabolic labs are recommended), workup_not_recommended (flagged, no metabolic-labs recommendation: a gap), not_indicated (not flagged), error (the report could not be read).\nThe summary goes to stderr when the table goes to stdout, and to stdout when the table goes to a file.\nExit status: 0 when a gap was found, 1 when none was, 2 on error."
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
    let engine = Engine::new(a.lexicon.load()?).with_linked_words(false);
    let target = a.output.target(
        &[Format::Tsv, Format::Csv, Format::Jsonl, Format::Parquet],
        "audit",
    )?;
    let fields = AuditField::columns(a.output.no_text);
    let to_file = a.output.output.as_deref().filter(|p| p.as_os_str() != "-");
    // the Parquet file outlives its writer, which borrows it; committed after the writer ends
    let mut parquet_file = match (target.format, to_file) {
        (Format::Parquet, Some(p)) => Some(AtomicFile::create(p)?),
        _ => None,
    };
    let mut out = match parquet_file.as_mut() {
        Some(file) => Table::Parquet(Box::new(RowTable::open(
            file,
            TableFormat::Parquet,
            &fields,
            ROW_GROUP,
        )?)),
        None => Table::Text(
            TableWriter::new(
                Sink::open_as(to_file, target.compress)?,
                target.format,
                fields.iter().map(|f| f.name()).collect(),
            )?
            .csv_safe(a.output.csv_safe),
        ),
    };
    let to_stdout = to_file.is_none();
    let mut stats = ReadStats::default();
    let counter = Arc::new(AtomicU64::new(0));
    let mut summary = AuditSummary::default();
    let mut failure = None;
    calcmine_core::run::run(
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
            if let Err(e) = out.row(&fields, &r) {
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
    if let Some(f) = parquet_file {
        f.commit()?;
    }
    let gaps = summary.count(calcmine_core::audit::Outcome::WorkupNotRecommended);
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

/// The audit table being written, row by row.
enum Table<'a> {
    Text(TableWriter),
    Parquet(Box<RowTable<'a, AuditField>>),
}

impl Table<'_> {
    fn row(&mut self, fields: &[AuditField], r: &ReportResult) -> Result<()> {
        match self {
            Table::Text(w) => {
                let row: Vec<_> = fields.iter().map(|f| f.value(r)).collect();
                w.row(&row)
            }
            Table::Parquet(p) => p.row(r),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Table::Text(w) => w.finish(),
            Table::Parquet(p) => p.finish(),
        }
    }
}
