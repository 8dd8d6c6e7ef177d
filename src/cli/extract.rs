//! `calcmine extract`: one row per mention, streamed (TSV, CSV, JSON lines, OMOP NOTE_NLP), or
//! as a Parquet table.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;

use polars::prelude::{DataFrame, PolarsResult};

use super::args::{report_stats, usage, InputArgs, LexiconArgs, NoteNlpArgs, OutputArgs, RunArgs};
use crate::output::frame::FrameBuilder;
use crate::output::omop::{IdScheme, NoteNlpRow};
use crate::output::schema::MentionField;
use crate::output::table::{NoteNlpTable, TableFormat, TableOut, ROW_GROUP};
use crate::output::{AtomicFile, Format, Sink, TableWriter};
use calcmine_core::error::{Error, Result};
use calcmine_core::input::{Flow, ReadStats};
use calcmine_core::model::Mention;
use calcmine_core::pipeline::Engine;

#[derive(Args, Debug)]
#[command(
    after_help = "Formats: tsv, csv, jsonl (streamed), parquet (typed like mine's mentions.parquet; needs -o FILE), note_nlp (OMOP CDM v5.4 NOTE_NLP rows as CSV: one per mention, the report id as note_id; see docs/omop.md). Without --format, -o FILE's extension chooses (.tsv, .csv, .jsonl, .parquet; .gz and .zst compress).\nExit status: 0 when a present mention was found, 1 when none was, 2 on error (an input that cannot be read, or a malformed record: named on stderr, the other reports still written)."
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
    #[command(flatten)]
    pub note_nlp: NoteNlpArgs,
}

/// A batch of reports' rows (formatted text, a frame, or NOTE_NLP rows), and their counts.
struct Batch {
    rows: Rows,
    reports: u64,
    mentions: u64,
    present: u64,
    flagged: u64,
    /// Mentions left out past the cap of a report.
    over_cap: u64,
}

enum Rows {
    Text(String),
    Frame(PolarsResult<DataFrame>),
    NoteNlp(Result<Vec<NoteNlpRow>>),
}

/// Where the rows go.
enum Out<'a> {
    Text(TableWriter),
    Table(Box<TableOut<'a>>),
    NoteNlp(Box<NoteNlpTable<'a>>),
}

pub fn run(a: ExtractArgs) -> Result<u8> {
    let started = Instant::now();
    let allowed = [
        Format::Tsv,
        Format::Csv,
        Format::Jsonl,
        Format::Parquet,
        Format::NoteNlp,
    ];
    let target = a.output.target(&allowed, "extract")?;
    if a.note_nlp.any() && target.format != Format::NoteNlp {
        return Err(usage(
            "--concept-map, --section-concept-map, --nlp-datetime and --note-nlp-id-start are for --format note_nlp",
        ));
    }
    let lexicon = a.lexicon.load()?;
    let note_nlp = match target.format {
        Format::NoteNlp => Some(a.note_nlp.note_nlp(&lexicon, a.output.no_text)?),
        _ => None,
    };
    // mentions only: no recommendation stage, so reports without a target word are skipped
    let engine = Engine::without_recommendations(lexicon)
        .screen_only(a.screen_only)
        .with_linked_words(false);
    let fields = MentionField::columns(a.output.no_text);
    let path = a.output.output.as_deref();
    // a Parquet file outlives its writer, which borrows it; committed after the writer ends
    let mut parquet_file = match (target.format, path) {
        (Format::Parquet, Some(p)) => Some(AtomicFile::create(p)?),
        _ => None,
    };
    let mut out = match (target.format, parquet_file.as_mut()) {
        (Format::Parquet, Some(file)) => {
            let name = file.path().display().to_string();
            let schema = FrameBuilder::new::<Mention>(fields.clone(), false, 0).schema::<Mention>();
            Out::Table(Box::new(
                TableOut::open(file, TableFormat::Parquet, &schema, ROW_GROUP)
                    .map_err(|e| Error::output(&name, e))?,
            ))
        }
        (Format::NoteNlp, _) => Out::NoteNlp(Box::new(NoteNlpTable::text(
            Sink::open_as(path, target.compress)?,
            IdScheme::new(a.note_nlp.note_nlp_id_start, None)?,
        )?)),
        (format, _) => Out::Text(
            TableWriter::new(
                Sink::open_as(path, target.compress)?,
                format,
                fields.iter().map(|f| f.name()).collect(),
            )?
            .csv_safe(a.output.csv_safe),
        ),
    };
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
    let (mut mentions, mut present, mut flagged, mut over_cap) = (0u64, 0u64, 0u64, 0u64);
    let mut failure = None;
    let row_format = match &out {
        Out::Text(w) => Some(w.row_format().clone()),
        _ => None,
    };
    let format = target.format;
    calcmine_core::run::run_batches(
        &engine,
        &inputs,
        &a.run.run_options(),
        &mut stats,
        &counter,
        // rows are formatted, and the results freed, on the worker threads
        &|results| {
            let mut b = Batch {
                rows: Rows::Text(String::new()),
                reports: results.len() as u64,
                mentions: 0,
                present: 0,
                flagged: 0,
                over_cap: 0,
            };
            for r in &results {
                b.flagged += r.metabolic_workup as u64;
                b.over_cap += r.over_cap as u64;
                for m in &r.mentions {
                    b.mentions += 1;
                    b.present += m.counts as u64;
                }
            }
            b.rows = match (format, &row_format, &note_nlp) {
                (Format::NoteNlp, _, Some(n)) => Rows::NoteNlp(
                    results
                        .iter()
                        .map(|r| n.rows(r))
                        .collect::<Result<Vec<_>>>()
                        .map(|v| v.concat()),
                ),
                (Format::Parquet, _, _) => {
                    let mut f = FrameBuilder::new::<Mention>(fields.clone(), false, 0);
                    f.extend::<Mention, _>(results.iter().flat_map(|r| r.mentions.iter()));
                    Rows::Frame(f.take::<Mention>())
                }
                (_, Some(rows), _) => {
                    let mut text = String::new();
                    let mut values = Vec::with_capacity(fields.len());
                    for m in results.iter().flat_map(|r| r.mentions.iter()) {
                        values.clear();
                        values.extend(fields.iter().map(|f| f.value(m)));
                        rows.push_row(&mut text, &values);
                    }
                    Rows::Text(text)
                }
                _ => Rows::Text(String::new()),
            };
            b
        },
        &mut |b| {
            progress.reports_done(b.reports);
            (mentions, present, flagged, over_cap) = (
                mentions + b.mentions,
                present + b.present,
                flagged + b.flagged,
                over_cap + b.over_cap,
            );
            let written = match (&mut out, b.rows) {
                (Out::Text(w), Rows::Text(text)) => w.write_rows(&text),
                (Out::Table(t), Rows::Frame(df)) => df
                    .and_then(|df| t.write(df))
                    .map(|_| ())
                    .map_err(|e| Error::output("the mentions table", e)),
                (Out::NoteNlp(t), Rows::NoteNlp(rows)) => rows.and_then(|rows| t.write(rows)),
                _ => Ok(()),
            };
            if let Err(e) = written {
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
    match out {
        Out::Text(w) => w.finish()?,
        Out::Table(t) => t
            .finish()
            .map_err(|e| Error::output("the mentions table", e))?,
        Out::NoteNlp(t) => t.finish()?,
    }
    if let Some(f) = parquet_file {
        f.commit()?;
    }
    if over_cap > 0 {
        super::args::warn(format_args!(
            "warning: {over_cap} mentions (or labs, conditions, recommendations) left out past the cap of {} per report",
            calcmine_core::pipeline::MAX_ITEMS_PER_REPORT
        ));
    }
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
