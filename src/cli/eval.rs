//! `calcmine eval --gold FILE [INPUT…]`: compare calcmine with an annotated sample.
//!
//! Report-level gold needs the reports (INPUT…, read like `extract` reads them); sentence-level
//! gold (the NegEx layout) carries its sentences and needs no input.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use clap::Args;

use super::args::{report_stats, usage, InputArgs, LexiconArgs, RunArgs};
use crate::eval::{check_floors, score_reports, score_sentences, Floor, Gold};
use crate::output::schema::Val;
use crate::output::{Format, Sink, TableWriter};
use calcmine_core::error::{Error, Result};
use calcmine_core::input::{Flow, ReadStats};
use calcmine_core::pipeline::Engine;

#[derive(Args, Debug)]
#[command(
    after_help = "Exit status: 0 when every floor (--min-f1, --min-accuracy) is met or none is given, 1 when a figure is below its floor, 2 on error (a gold file or input that cannot be read)."
)]
pub struct EvalArgs {
    /// The annotated sample: report-level CSV/TSV (`report_id` plus any of `present`, `organ`,
    /// `mechanism`, `metabolic_workup`) or sentence-level TSV in the NegEx layout
    /// (`Report No.`, `Concept`, `Sentence`, `Negation`).
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,
    /// Write the disagreements (field, report id, gold, predicted, evidence sentence) as TSV,
    /// or as the file's extension says (.csv, .jsonl; .gz and .zst compress).
    #[arg(long, value_name = "FILE")]
    pub disagreements: Option<PathBuf>,
    /// Leave the evidence sentences out of the disagreements file.
    #[arg(long)]
    pub no_text: bool,
    /// Exit 1 when an F1 is below this floor: `0.95` for every binary field, or `FIELD=0.95`.
    /// Repeatable.
    #[arg(long, value_name = "[FIELD=]F1")]
    pub min_f1: Vec<Floor>,
    /// Exit 1 when an accuracy is below this floor: `0.975` for every field, or `FIELD=0.975`.
    /// Repeatable.
    #[arg(long, value_name = "[FIELD=]ACC")]
    pub min_accuracy: Vec<Floor>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

pub fn run(a: EvalArgs) -> Result<u8> {
    // the disagreements file's format, checked before the evaluation runs
    let disagreements = crate::output::target::resolve(
        None,
        a.disagreements.as_deref(),
        Format::Tsv,
        &[Format::Tsv, Format::Csv, Format::Jsonl],
        "eval --disagreements",
    )?;
    let started = std::time::Instant::now();
    let gold = Gold::load(&a.gold)?;
    let lexicon = a.lexicon.load()?;
    let ev = match &gold {
        Gold::Sentences(rows) => {
            if !a.input.inputs.is_empty() || a.input.example {
                return Err(usage(
                    "sentence-level gold carries its own sentences: give no INPUT",
                ));
            }
            super::args::print_line(&format!(
                "gold: {} ({} sentences, each row's concept the only target)",
                a.gold.display(),
                rows.len()
            ))?;
            score_sentences(rows, &lexicon)
        }
        Gold::Reports(g) => {
            if a.input.inputs.is_empty()
                && !a.input.example
                && std::io::IsTerminal::is_terminal(&std::io::stdin())
            {
                return Err(usage(
                    "report-level gold: give the reports as INPUT (or pipe them to stdin)",
                ));
            }
            let wanted: HashSet<&str> = g.rows.iter().map(|(id, _)| id.as_str()).collect();
            let engine = Engine::new(lexicon);
            let mut results = HashMap::new();
            let mut stats = ReadStats::default();
            let counter = Arc::new(AtomicU64::new(0));
            let mut duplicates = 0u64;
            calcmine_core::run::run(
                &engine,
                &a.input.inputs(),
                &a.run.run_options(),
                &mut stats,
                &counter,
                &mut |r| {
                    if wanted.contains(r.report_id.as_str()) {
                        let id = r.report_id.clone();
                        if results.insert(id, r).is_some() {
                            duplicates += 1;
                        }
                    }
                    Flow::Continue(())
                },
            );
            if report_stats(&stats, a.run.quiet, "", started.elapsed().as_secs_f64()) {
                return Err(Error::Usage(
                    "the input had errors (above); the evaluation would be on a partial sample"
                        .into(),
                ));
            }
            if duplicates > 0 {
                eprintln!("calcmine: warning: {duplicates} report ids occur more than once in the input; the last one is scored");
            }
            super::args::print_line(&format!(
                "gold: {} ({} reports; {} found in the input)",
                a.gold.display(),
                g.rows.len(),
                results.len()
            ))?;
            score_reports(g, &results)
        }
    };
    let mut out = std::io::stdout().lock();
    let mut text = String::new();
    for note in &ev.notes {
        text.push_str(&format!("note: {note}\n"));
    }
    for f in &ev.fields {
        text.push('\n');
        text.push_str(&f.render());
    }
    text.push_str(&format!(
        "\n{} disagreements{}\n",
        ev.disagreements.len(),
        a.disagreements
            .as_ref()
            .map_or(String::new(), |p| format!(" written to {}", p.display()))
    ));
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("<stdout>", e))?;
    if let Some(path) = &a.disagreements {
        let mut columns = vec!["field", "report_id", "gold", "predicted"];
        if !a.no_text {
            columns.push("evidence");
        }
        let mut w = TableWriter::new(
            Sink::open_as(Some(path), disagreements.compress)?,
            disagreements.format,
            columns,
        )?;
        for d in &ev.disagreements {
            let mut row = vec![
                Val::Str(&d.field),
                Val::Str(&d.report_id),
                Val::Str(&d.gold),
                Val::Str(&d.predicted),
            ];
            if !a.no_text {
                row.push(Val::Str(&d.evidence));
            }
            w.row(&row)?;
        }
        w.finish()?;
    }
    let failures = check_floors(&ev, &a.min_f1, &a.min_accuracy)?;
    for f in &failures {
        eprintln!("calcmine: FAIL: {f}");
    }
    Ok(if failures.is_empty() { 0 } else { 1 })
}
