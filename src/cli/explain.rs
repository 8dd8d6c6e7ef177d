//! `calcmine explain`: print how calcmine read one report (or the first N), in the terminal or
//! as an HTML page (`--html`) to open in a browser.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::args::{InputArgs, LexiconArgs};
use calcmine_core::error::{Error, Result};
use calcmine_core::input::{read_reports, Flow, ReadStats};
use calcmine_core::model::Report;
use calcmine_core::model::ReportResult;
use calcmine_core::pipeline::Engine;

use crate::output::Sink;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Marks without colour: [[mention]], <<trigger word>>, {{recommendation phrase}}.\nColours: present red, absent green, possible yellow, hypothetical cyan, triggers underlined magenta, recommendations blue.\n--html writes one self-contained page (no network access when opened): each report's text with mentions marked by status, the words that decided them, their codes and the work-up decision.\nExit status: 0 when a report shown has a present mention, 1 when none has, 2 on error."
)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    /// Explain the first N reports.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub first: usize,
    /// Explain only reports with this id (all of them, up to --first).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Leave report text out: no report body, matched words, trigger words or sentences; the
    /// codes, lexicon entries, trigger categories and rule ids remain.
    #[arg(long)]
    pub no_text: bool,
    /// Highlight in colour.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: Color,
    /// Write an HTML page (one self-contained file) instead of text: each report's text with
    /// every mention marked by status, the words that decided it, its codes, and the work-up
    /// decision.
    #[arg(long)]
    pub html: bool,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(a: ExplainArgs) -> Result<u8> {
    let lexicon = a.lexicon.load()?;
    let engine = Engine::new(lexicon);
    let to_file = a.output.as_deref().is_some_and(|p| p.as_os_str() != "-");
    let color = match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            !to_file
                && !a.html
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut out = Sink::open(a.output.as_deref())?;
    let out_name = a
        .output
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "<stdout>".into());
    let mut shown = 0usize;
    let mut present = false;
    let mut failure: Option<Error> = None;
    // --html: the reports shown, with their texts, for one page at the end
    let mut page: Vec<(Report, ReportResult)> = Vec::new();
    let mut show = |report: Report| -> Flow {
        if a.id.as_ref().is_some_and(|id| *id != report.id) {
            return Flow::Continue(());
        }
        let r = engine.process(&report);
        present |= r.n_counted() > 0;
        shown += 1;
        if a.html {
            page.push((report, r));
        } else {
            let mut text =
                crate::explain::explain_with(&report, &r, &engine.lexicon, color, a.no_text);
            if shown > 1 {
                text.insert(0, '\n');
            }
            if let Err(e) = out.write_all(text.as_bytes()) {
                failure = Some(Error::io(&out_name, e));
                return Flow::Break(());
            }
        }
        if shown >= a.first.max(1) {
            Flow::Break(())
        } else {
            Flow::Continue(())
        }
    };
    let mut stats = ReadStats::default();
    if a.input.example {
        let _ = show(Report {
            id: "example".into(),
            text: calcmine_core::run::EXAMPLE_REPORT.to_string(),
            source: "<example>".into(),
            line: 1,
            record: 1,
            ..Default::default()
        });
    } else {
        let inputs = a.input.inputs();
        let counter = Arc::new(AtomicU64::new(0));
        read_reports(
            &inputs.paths,
            &inputs.options,
            &mut stats,
            &counter,
            &mut show,
        );
    }
    if let Some(e) = failure {
        return Err(e);
    }
    if a.html {
        let html = crate::html::explain_page(&page, &engine.lexicon, a.no_text);
        out.write_all(html.as_bytes())
            .map_err(|e| Error::io(&out_name, e))?;
    }
    out.finish()?;
    for e in &stats.errors {
        super::args::warn(e);
    }
    if shown == 0 {
        if let Some(id) = &a.id {
            super::args::warn(format_args!("no report with id `{id}`"));
        } else {
            super::args::warn("no report read");
        }
    }
    Ok(if !stats.errors.is_empty() {
        2
    } else if present {
        0
    } else {
        1
    })
}
