//! `calcmine flag`: one row per report — every report, flagged or not, failed ones with their
//! error — with mention counts, labs, conditions and the metabolic work-up decision.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;

use polars::prelude::{DataFrame, PolarsResult};

use super::args::{report_stats, InputArgs, LexiconArgs, OutputArgs, RunArgs};
use crate::output::frame::FrameBuilder;
use crate::output::schema::ReportField;
use crate::output::table::{TableFormat, TableOut, ROW_GROUP};
use crate::output::{AtomicFile, Format, Sink, TableWriter};
use calcmine_core::error::{Error, Result};
use calcmine_core::input::{Flow, ReadStats};
use calcmine_core::model::ReportResult;
use calcmine_core::pipeline::Engine;

#[derive(Args, Debug)]
#[command(
    after_help = "Formats: tsv, csv, jsonl (streamed), parquet (typed like mine's reports.parquet; needs -o FILE). Without --format, -o FILE's extension chooses (.tsv, .csv, .jsonl, .parquet; .gz and .zst compress).\nExit status: 0 when a report is flagged for a metabolic work-up, 1 when none is, 2 on error (an input that cannot be read, or a malformed record: named on stderr, its row written with `error`)."
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

/// A batch's rows: formatted text, or a frame for Parquet.
enum Rows {
    Text(String),
    Frame(PolarsResult<DataFrame>),
}

/// Where the rows go.
enum Out<'a> {
    Text(TableWriter),
    Table(Box<TableOut<'a>>),
}

pub fn run(a: FlagArgs) -> Result<u8> {
    let started = Instant::now();
    let allowed = [Format::Tsv, Format::Csv, Format::Jsonl, Format::Parquet];
    let target = a.output.target(&allowed, "flag")?;
    let engine = Engine::new(a.lexicon.load()?).with_linked_words(false);
    let fields = ReportField::columns(a.output.no_text);
    let path = a.output.output.as_deref();
    // a Parquet file outlives its writer, which borrows it; committed after the writer ends
    let mut parquet_file = match (target.format, path) {
        (Format::Parquet, Some(p)) => Some(AtomicFile::create(p)?),
        _ => None,
    };
    let name = path.map_or("<stdout>".into(), |p| p.display().to_string());
    let table_err = |e| Error::output(&name, e);
    let mut out = match parquet_file.as_mut() {
        Some(file) => {
            let schema = FrameBuilder::new::<ReportResult>(fields.clone(), false, 0)
                .schema::<ReportResult>();
            Out::Table(Box::new(
                TableOut::open(file, TableFormat::Parquet, &schema, ROW_GROUP)
                    .map_err(table_err)?,
            ))
        }
        None => Out::Text(
            TableWriter::new(
                Sink::open_as(path, target.compress)?,
                target.format,
                fields.iter().map(|f| f.name()).collect(),
            )?
            .csv_safe(a.output.csv_safe),
        ),
    };
    let mut stats = ReadStats::default();
    let counter = Arc::new(AtomicU64::new(0));
    let (mut flagged, mut urgent) = (0u64, 0u64);
    let mut failure = None;
    let rows = match &out {
        Out::Text(w) => Some(w.row_format().clone()),
        Out::Table(_) => None,
    };
    calcmine_core::run::run_batches(
        &engine,
        &a.input.inputs(),
        &a.run.run_options(),
        &mut stats,
        &counter,
        // rows are formatted, and the results freed, on the worker threads
        &|results| {
            let (mut flagged, mut urgent) = (0u64, 0u64);
            for r in &results {
                if r.metabolic_workup {
                    flagged += 1;
                    urgent += (r.workup_priority == "urgent") as u64;
                }
            }
            let kept = results
                .iter()
                .filter(|r| r.metabolic_workup || !a.only_flagged);
            let batch = match &rows {
                Some(rows) => {
                    let mut text = String::new();
                    let mut values = Vec::with_capacity(fields.len());
                    for r in kept {
                        values.clear();
                        values.extend(fields.iter().map(|f| f.value(r)));
                        rows.push_row(&mut text, &values);
                    }
                    Rows::Text(text)
                }
                None => {
                    let mut f = FrameBuilder::new::<ReportResult>(fields.clone(), false, 0);
                    f.extend::<ReportResult, _>(kept);
                    Rows::Frame(f.take::<ReportResult>())
                }
            };
            (batch, flagged, urgent)
        },
        &mut |(batch, f, u)| {
            (flagged, urgent) = (flagged + f, urgent + u);
            let written = match (&mut out, batch) {
                (Out::Text(w), Rows::Text(text)) => w.write_rows(&text),
                (Out::Table(t), Rows::Frame(df)) => {
                    df.and_then(|df| t.write(df)).map(|_| ()).map_err(table_err)
                }
                _ => Ok(()),
            };
            if let Err(e) = written {
                failure = Some(e);
                return Flow::Break(());
            }
            Flow::Continue(())
        },
    );
    if let Some(e) = failure {
        return Err(e);
    }
    match out {
        Out::Text(w) => w.finish()?,
        Out::Table(t) => t.finish().map_err(table_err)?,
    }
    if let Some(f) = parquet_file {
        f.commit()?;
    }
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
