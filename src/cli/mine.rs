//! `calcmine mine`: a whole archive into analysis-ready tables.
//!
//! Writes into `--out DIR`: `mentions.parquet` (one row per mention), `reports.parquet` (one
//! row per input report, failures included), `reasons.parquet` (one row per work-up rule fired
//! or finding set aside, joining to the mentions by `report_id` and `mention_id`), `summary.csv` (the cohort by organ × mechanism ×
//! status, and flag rates) and `run.json` (what was run). With `--format csv` the two tables
//! are `mentions.csv` and `reports.csv`. Tables are built as Polars frames one batch of reports
//! at a time and appended (in row groups of up to `--row-group` rows), so memory does not grow with the
//! input. Every file is written under a temporary name and renamed into place only after all
//! of them are complete: after an error or an interrupt no file has its final name.
//!
//! With `--html`, also `report.html`: the cohort page (`crate::html`), gathered on the workers
//! batch by batch alongside the frames, with the reviews of some reports (the only part that
//! needs their text, which the tables do not keep with `--no-text`).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use polars::io::SerWriter;
use polars::prelude::{CsvWriter, DataFrame, PolarsResult};

use super::args::{bounded, report_stats, InputArgs, LexiconArgs, NoteNlpArgs, RunArgs};
use crate::html::{Cohort, PageInfo};
use crate::output::frame::FrameBuilder;
use crate::output::omop::{IdScheme, NoteNlp, NoteNlpRow};
use crate::output::outdir::OutDir;
use crate::output::reasons::{ReasonField, ReasonRow};
use crate::output::schema::{MentionField, ReportField};
use crate::output::summary::{ReportSummary, Summary, SummaryRows};
use crate::output::table::{NoteNlpTable, TableFormat, TableOut};
use crate::progress::{input_size, Progress};
use calcmine_core::error::{Error, Result};
use calcmine_core::input::{Flow, ReadStats};
use calcmine_core::model::{Mention, Report, ReportResult};
use calcmine_core::pipeline::Engine;
use calcmine_core::run::Shard;

#[derive(Args, Debug)]
#[command(
    after_help = "Exit status: 0 when the tables were written (whatever they hold: a shard without a calcification is a success for a batch scheduler), 2 on error: an input that cannot be read or an output that cannot be written (nothing written), or a malformed record (named on stderr; the tables are written, its row with `error`)."
)]
pub struct MineArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    /// Directory to write mentions, reports, summary.csv and run.json into (created if missing).
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present_any = ["parse_only", "print_schema"]
    )]
    pub out: Option<PathBuf>,
    /// Format of the mentions and reports tables.
    #[arg(long, value_enum, default_value = "parquet")]
    pub format: TableFormat,
    /// Leave report text (sentences, matched text, trigger words, work-up reason sentences)
    /// out of every output.
    #[arg(long)]
    pub no_text: bool,
    /// Process only shard K of N (1-based): reports whose id hashes (64-bit FNV-1a) to K.
    /// The union of the N shards' tables is the unsharded run's.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Reports per batch handed to a worker thread (frames are built per batch).
    // 4096: measured against 8192 and 2048 on the 104 MB corpus (9 interleaved runs): -3 % wall
    // at -j2 (a shorter last batch, less in flight), the same at -j1, lower peak RSS.
    #[arg(long, value_name = "N", default_value_t = 4096, value_parser = bounded::<1, 1_048_576>)]
    pub batch: usize,
    /// Rows per Parquet row group (batches are gathered up to this many rows; near the end of
    /// the input, row groups are cut shorter).
    #[arg(long, value_name = "N", default_value_t = 65536, value_parser = bounded::<1, 16_777_216>)]
    pub row_group: usize,
    /// Only read the inputs and split them into reports, writing nothing: the parse-only floor
    /// that benchmarks compare end-to-end throughput with.
    #[arg(long)]
    pub parse_only: bool,
    /// Read, split and screen every report (the first stage), analyse none, and write the
    /// tables as if no report named anything: the ceiling of this design on this input,
    /// which benchmarks compare with. Not for results.
    #[arg(long, conflicts_with = "parse_only")]
    pub screen_only: bool,
    /// Print the columns of the mentions and reports tables with their types (JSON) and exit.
    #[arg(long)]
    pub print_schema: bool,
    /// Also write the mentions as OMOP CDM v5.4 NOTE_NLP rows: note_nlp.parquet (note_nlp.csv
    /// with --format csv), the report id as note_id (docs/omop.md).
    #[arg(long)]
    pub note_nlp: bool,
    /// Also write report.html: one self-contained page (no network access when opened) with
    /// the cohort at a glance, charts, the flagged reports and audit gaps, and the review of
    /// some reports. With --no-text: codes, rule ids and counts only.
    #[arg(long)]
    pub html: bool,
    /// Reports reviewed in report.html at most (the gaps first, then other flagged reports,
    /// then other reports with a finding); the rest are listed.
    #[arg(long, value_name = "N", default_value_t = 500, requires = "html", value_parser = bounded::<0, 100_000>)]
    pub html_reviews: usize,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub note_nlp_options: NoteNlpArgs,
}

/// Counts for run.json and the summary line.
#[derive(Debug, Default, Clone)]
struct Counts {
    reports: u64,
    failed: u64,
    mentions: u64,
    present: u64,
    flagged: u64,
    /// Items left out past the cap of a report, the reports that had some, and the first ids.
    over_cap: u64,
    reports_over_cap: u64,
    over_cap_ids: Vec<String>,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.reports += o.reports;
        self.failed += o.failed;
        self.mentions += o.mentions;
        self.present += o.present;
        self.flagged += o.flagged;
        self.over_cap += o.over_cap;
        self.reports_over_cap += o.reports_over_cap;
        let room = 5usize.saturating_sub(self.over_cap_ids.len());
        self.over_cap_ids
            .extend(o.over_cap_ids.iter().take(room).cloned());
    }
}

/// One batch of reports as frames, built on the worker thread that processed it.
struct BatchFrames {
    mentions: DataFrame,
    /// The work-up decisions, one row per rule fired or finding set aside.
    reasons: DataFrame,
    note_nlp: Vec<NoteNlpRow>,
    reports: DataFrame,
    summary: Summary,
    counts: Counts,
    /// `--html`: the batch's part of the cohort page.
    cohort: Option<Cohort>,
}

/// How to turn a batch of results into frames (shared read-only by the workers).
struct Framer {
    mention_fields: Vec<MentionField>,
    report_fields: Vec<ReportField>,
    reason_fields: Vec<ReasonField>,
    flat: bool,
    note_nlp: Option<NoteNlp>,
    /// `--html`: the cohort page's reviews at most, and whether they show report text.
    html: Option<(usize, bool)>,
}

impl Framer {
    fn frames(&self, results: Vec<ReportResult>, reports: Vec<Report>) -> Result<BatchFrames> {
        // the texts are needed only for the HTML reviews: else freed at once, with their batch
        let reports = if self.html.is_some() {
            reports
        } else {
            drop(reports);
            Vec::new()
        };
        let note_nlp = match &self.note_nlp {
            Some(n) => results
                .iter()
                .map(|r| n.rows(r))
                .collect::<Result<Vec<_>>>()?
                .concat(),
            None => Vec::new(),
        };
        self.tables(results, reports, note_nlp)
            .map_err(|e| Error::output("the tables", e))
    }

    fn tables(
        &self,
        results: Vec<ReportResult>,
        reports: Vec<Report>,
        note_nlp: Vec<NoteNlpRow>,
    ) -> PolarsResult<BatchFrames> {
        let n = results.len();
        let n_mentions: usize = results.iter().map(|r| r.mentions.len()).sum();
        let mut mentions =
            FrameBuilder::new::<Mention>(self.mention_fields.clone(), self.flat, n_mentions);
        let mut report_rows =
            FrameBuilder::new::<ReportResult>(self.report_fields.clone(), self.flat, n);
        let mut rows = SummaryRows::default();
        let mut per_report = Vec::with_capacity(n);
        let mut counts = Counts::default();
        for r in &results {
            counts.reports += 1;
            counts.failed += r.error.is_some() as u64;
            counts.flagged += r.metabolic_workup as u64;
            if r.over_cap > 0 {
                counts.over_cap += r.over_cap as u64;
                counts.reports_over_cap += 1;
                if counts.over_cap_ids.len() < 5 {
                    counts.over_cap_ids.push(r.report_id.clone());
                }
            }
            for m in &r.mentions {
                rows.push(m, r.metabolic_workup);
                counts.mentions += 1;
                counts.present += m.counts as u64;
            }
            per_report.push(ReportSummary::of(r));
        }
        mentions.extend::<Mention, _>(results.iter().flat_map(|r| r.mentions.iter()));
        let reason_rows: Vec<ReasonRow> = results
            .iter()
            .filter(|r| !r.workup_reasons.is_empty() || !r.workup_suppressed_by.is_empty())
            .flat_map(ReasonRow::of)
            .collect();
        let mut reasons = FrameBuilder::new::<ReasonRow>(
            self.reason_fields.clone(),
            self.flat,
            reason_rows.len(),
        );
        reasons.extend::<ReasonRow, _>(reason_rows.iter());
        report_rows.extend::<ReportResult, _>(results.iter());
        let cohort = self.html.map(|(limit, keep_text)| {
            let mut c = Cohort::new(limit, keep_text);
            for (r, report) in results.into_iter().zip(reports) {
                c.add(r, report.text);
            }
            c
        });
        let mut summary = Summary::default();
        summary.add_batch(&rows.take()?, &per_report)?;
        Ok(BatchFrames {
            mentions: mentions.take::<Mention>()?,
            reasons: reasons.take::<ReasonRow>()?,
            note_nlp,
            reports: report_rows.take::<ReportResult>()?,
            summary,
            counts,
            cohort,
        })
    }
}

/// The inputs as run.json and report.html name them.
fn input_names(inputs: &calcmine_core::run::Inputs) -> Vec<String> {
    if inputs.example {
        vec!["<example>".to_string()]
    } else {
        inputs
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }
}

fn polars_err(path: &Path) -> impl Fn(polars::prelude::PolarsError) -> Error + '_ {
    move |e| Error::output(path.display().to_string(), e)
}

pub fn run(a: MineArgs) -> Result<u8> {
    if a.print_schema {
        super::args::print_line(&crate::output::frame::schema_json(a.no_text))?;
        return Ok(0);
    }
    let started = Instant::now();
    let inputs = a.input.inputs();
    let mut opts = a.run.run_options();
    opts.shard = a.shard;
    let counter = Arc::new(AtomicU64::new(0));
    let mut stats = ReadStats::default();
    let progress_total = if inputs.example {
        None
    } else {
        input_size(&inputs.paths)
    };
    let mut progress = Progress::new(a.run.show_progress(), progress_total, counter.clone());

    if a.parse_only {
        calcmine_core::run::read_only(&inputs, &mut stats, &counter, &mut |_| {
            progress.report_done();
        });
        progress.finish();
        let errors = report_stats(
            &stats,
            a.run.quiet,
            " (parse only)",
            started.elapsed().as_secs_f64(),
        );
        return Ok(if errors { 2 } else { 0 });
    }

    let out = a
        .out
        .clone()
        .ok_or_else(|| super::args::usage("mine needs --out DIR"))?;
    if a.note_nlp_options.any() && !a.note_nlp {
        return Err(super::args::usage(
            "--concept-map, --section-concept-map, --nlp-datetime and --note-nlp-id-start are for --note-nlp",
        ));
    }
    let lexicon = a.lexicon.load()?;
    let note_nlp = match a.note_nlp {
        true => Some(a.note_nlp_options.note_nlp(&lexicon, a.no_text)?),
        false => None,
    };
    let note_nlp_ids = IdScheme::new(
        a.note_nlp_options.note_nlp_id_start,
        a.shard.map(|s| (s.k, s.n)),
    )?;
    let engine = Engine::new(lexicon)
        .screen_only(a.screen_only)
        .with_linked_words(a.html);
    let ext = a.format.ext();
    let mentions_path = out.join(format!("mentions.{ext}"));
    let reports_path = out.join(format!("reports.{ext}"));
    let reasons_path = out.join(format!("reasons.{ext}"));
    let summary_path = out.join("summary.csv");
    let run_path = out.join("run.json");
    let note_nlp_path = out.join(format!("note_nlp.{ext}"));
    let html_path = out.join("report.html");
    // written into a private staging directory, committed as one set (`output::outdir`)
    let mut staging = OutDir::begin(&out)?;
    let mut file = |p: &Path| staging.file(&p.file_name().unwrap_or_default().to_string_lossy());
    let mut mentions_file = file(&mentions_path)?;
    let mut reports_file = file(&reports_path)?;
    let mut reasons_file = file(&reasons_path)?;
    let mut summary_file = file(&summary_path)?;
    let mut run_file = file(&run_path)?;
    let mut note_nlp_file = match a.note_nlp {
        true => Some(file(&note_nlp_path)?),
        false => None,
    };
    let mut html_file = match a.html {
        true => Some(file(&html_path)?),
        false => None,
    };

    let framer = Framer {
        mention_fields: MentionField::columns(a.no_text),
        report_fields: ReportField::columns(a.no_text),
        reason_fields: ReasonField::columns(a.no_text),
        flat: a.format == TableFormat::Csv,
        note_nlp,
        html: a.html.then_some((a.html_reviews, !a.no_text)),
    };
    let batch = a.batch.max(1);
    opts.batch = batch;
    let mentions_schema =
        FrameBuilder::new::<Mention>(framer.mention_fields.clone(), framer.flat, 0)
            .schema::<Mention>();
    let reports_schema =
        FrameBuilder::new::<ReportResult>(framer.report_fields.clone(), framer.flat, 0)
            .schema::<ReportResult>();
    let reasons_schema =
        FrameBuilder::new::<ReasonRow>(framer.reason_fields.clone(), framer.flat, 0)
            .schema::<ReasonRow>();
    let rows = a.row_group.max(1);
    let mut mentions_out = TableOut::open(&mut mentions_file, a.format, &mentions_schema, rows)
        .map_err(polars_err(&mentions_path))?;
    let mut reports_out = TableOut::open(&mut reports_file, a.format, &reports_schema, rows)
        .map_err(polars_err(&reports_path))?;
    let mut reasons_out = TableOut::open(&mut reasons_file, a.format, &reasons_schema, rows)
        .map_err(polars_err(&reasons_path))?;
    let mut note_nlp_out = match note_nlp_file.as_mut() {
        Some(f) => Some(NoteNlpTable::table(f, a.format, note_nlp_ids, rows)?),
        None => None,
    };
    let mut summary = Summary::default();
    let mut counts = Counts::default();
    let mut cohort = Cohort::new(a.html_reviews, !a.no_text);
    let mut failure = None;
    // Bytes read when the last reports row group was cut (see below).
    let mut cut_at = 0u64;
    calcmine_core::run::run_batches_with(
        &engine,
        &inputs,
        &opts,
        &mut stats,
        &counter,
        &|results, reports| framer.frames(results, reports),
        &mut |frames, read| {
            let written = frames.and_then(|f| {
                if let Some(t) = note_nlp_out.as_mut() {
                    t.write(f.note_nlp)?;
                }
                progress.reports_done(f.counts.reports);
                let tables = || -> PolarsResult<()> {
                    mentions_out.write(f.mentions)?;
                    reasons_out.write(f.reasons)?;
                    // What is pending at the end of the input is encoded after the workers have
                    // finished, on one core: 30 ms for the benchmark corpus's last 32,869 reports
                    // and the mentions left. So near the end, once less is left to read than has
                    // been read since the last row group, the rows pending are written already:
                    // the row groups halve towards the end, and the last is short (measured:
                    // `-j2` 0.872 → 0.848 s, 15 interleaved runs). Bytes read are counted when the
                    // reader closes a batch, so the row groups are the same whatever the number of
                    // threads. Only after a first row group: the reader reads ahead (64 KiB at a
                    // time), and has read all of a small input by its first batch.
                    let full = reports_out.write(f.reports)?;
                    // (an input that grew while being read, past the size it had: no cuts)
                    let near_end = cut_at > 0
                        && progress_total
                            .and_then(|total| total.checked_sub(read))
                            .is_some_and(|left| left < read - cut_at);
                    if near_end && !full && reports_out.pending() > 0 {
                        reports_out.flush()?;
                    }
                    if full || near_end {
                        cut_at = read;
                    }
                    // Mentions are fewer than reports; gathered only up to `--row-group` rows, all
                    // of them were still pending at the end of the input and encoded then, after
                    // the workers had finished (33 ms of one core's time on the benchmark corpus).
                    // So they are also written whenever a reports row group is, once an eighth of
                    // a row group is pending (and near the end, whatever is pending).
                    if (full && mentions_out.pending() >= rows / 8) || near_end {
                        mentions_out.flush()?;
                    }
                    summary.merge(&f.summary);
                    counts.add(&f.counts);
                    if let Some(c) = f.cohort {
                        cohort.merge(c);
                    }
                    Ok(())
                };
                tables().map_err(polars_err(&out))
            });
            match written {
                Ok(()) => Flow::Continue(()),
                Err(e) => {
                    failure = Some(e);
                    Flow::Break(())
                }
            }
        },
    );
    progress.finish();
    if let Some(e) = failure {
        return Err(e);
    }
    // An input that could not be read at all (a missing file, a read error) is fatal: the
    // tables would silently lack its reports. Malformed records are not: they have rows.
    let fatal = stats.errors.len() as u64 > stats.failed;
    if fatal {
        for e in &stats.errors {
            super::args::warn(e);
        }
        return Err(Error::Usage(format!(
            "{} input error(s); nothing written to {}",
            stats.errors.len() as u64 - stats.failed,
            out.display()
        )));
    }
    let note_nlp_written = note_nlp_out.as_ref().map(|t| t.written());
    if let Some(t) = note_nlp_out {
        t.finish()?;
    }
    mentions_out.finish().map_err(polars_err(&mentions_path))?;
    reports_out.finish().map_err(polars_err(&reports_path))?;
    reasons_out.finish().map_err(polars_err(&reasons_path))?;
    let mut sdf = summary.frame().map_err(polars_err(&summary_path))?;
    CsvWriter::new(&mut summary_file)
        .finish(&mut sdf)
        .map_err(polars_err(&summary_path))?;
    if let Some(file) = html_file.as_mut() {
        use std::io::Write;
        let info = PageInfo {
            inputs: match input_names(&inputs) {
                v if v.is_empty() => vec!["<stdin>".to_string()],
                v => v,
            },
            no_text: a.no_text,
            shard: a.shard.map(|s| s.to_string()),
        };
        file.write_all(
            crate::html::cohort_page::render(&cohort, &info, &engine.lexicon).as_bytes(),
        )
        .map_err(|e| Error::io(&html_path, e))?;
    }

    let secs = started.elapsed().as_secs_f64();
    let per_sec = |x: f64| if secs > 0.0 { x / secs } else { 0.0 };
    let mut paths = vec![&mentions_path, &reports_path, &reasons_path, &summary_path];
    if a.note_nlp {
        paths.push(&note_nlp_path);
    }
    if a.html {
        paths.push(&html_path);
    }
    let outputs: Vec<String> = paths
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let run_json = serde_json::json!({
        "calcmine_version": env!("CARGO_PKG_VERSION"),
        "command": "mine",
        "lexicon_digest": engine.lexicon.digest(),
        "lexicon_files": engine.lexicon.files.iter().map(|f| serde_json::json!({"name": f.name, "sha256": f.sha256})).collect::<Vec<_>>(),
        "inputs": input_names(&inputs),
        "format": ext,
        "no_text": a.no_text,
        "screen_only": a.screen_only,
        "shard": a.shard.map(|s| s.to_string()),
        "threads": opts.threads,
        "batch": batch,
        "counts": {
            "reports_read": stats.reports,
            "reports_written": counts.reports,
            "reports_out_of_shard": stats.reports.saturating_sub(counts.reports),
            "failed": counts.failed,
            "mentions_written": counts.mentions,
            "present_mentions": counts.present,
            "flagged_reports": counts.flagged,
            "invalid_utf8_replaced": stats.invalid_utf8,
            "null_texts": stats.null_texts,
            "duplicate_ids": stats.duplicate_ids,
            "items_over_cap": counts.over_cap,
            "reports_over_cap": counts.reports_over_cap,
            "skipped_symlinks": stats.skipped.symlinks,
            "skipped_special_files": stats.skipped.special,
            "skipped_link_loops": stats.skipped.loops,
        },
        "duplicate_id_examples": stats.duplicate_examples,
        "errors": stats.errors.iter().take(100).collect::<Vec<_>>(),
        "bytes_read": counter.load(std::sync::atomic::Ordering::Relaxed),
        "text_bytes": stats.bytes,
        "seconds": secs,
        "throughput": {
            "mb_per_s": per_sec(stats.bytes as f64 / 1e6),
            "reports_per_s": per_sec(stats.reports as f64),
        },
        "outputs": outputs,
        "note_nlp": note_nlp_written.map(|(rows, ids)| serde_json::json!({
            "rows": rows,
            "note_nlp_id_first": ids.map(|r| r.0),
            "note_nlp_id_last": ids.map(|r| r.1),
            "nlp_system": framer.note_nlp.as_ref().map(|n| n.stamp.system.clone()),
            "nlp_datetime": framer.note_nlp.as_ref().map(|n| n.stamp.datetime.clone()),
        })),
    });
    {
        use std::io::Write;
        let s = serde_json::to_string_pretty(&run_json).unwrap_or_default();
        run_file
            .write_all(s.as_bytes())
            .and_then(|_| run_file.write_all(b"\n"))
            .map_err(|e| Error::io(&run_path, e))?;
    }
    // Everything is complete: now, and only now, give the files their final names.
    mentions_file.commit()?;
    reports_file.commit()?;
    reasons_file.commit()?;
    summary_file.commit()?;
    run_file.commit()?;
    if let Some(f) = html_file {
        f.commit()?;
    }
    if let Some(f) = note_nlp_file {
        f.commit()?;
    }
    staging.commit()?;
    if counts.over_cap > 0 {
        super::args::warn(format_args!(
            "warning: {} reports had more than {} mentions (or labs, conditions, recommendations): {} left out past the cap ({})",
            counts.reports_over_cap,
            calcmine_core::pipeline::MAX_ITEMS_PER_REPORT,
            counts.over_cap,
            counts.over_cap_ids.join(", ")
        ));
    }
    let errors = report_stats(
        &stats,
        a.run.quiet,
        &format!(
            ", {} mentions ({} present), {} flagged{}",
            counts.mentions,
            counts.present,
            counts.flagged,
            if a.screen_only { " (screen only)" } else { "" }
        ),
        secs,
    );
    // tables are a product, not a search result: no 1 for "nothing found" (see after_help)
    Ok(if errors { 2 } else { 0 })
}
