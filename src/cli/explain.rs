//! `calcmine explain`: print how calcmine read one report (or the first N).

use std::io::{IsTerminal, Write};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::args::{InputArgs, LexiconArgs};
use calcmine_core::error::{Error, Result};
use calcmine_core::input::{read_reports, Flow, ReadStats};
use calcmine_core::model::Report;
use calcmine_core::pipeline::Engine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Marks without colour: [[mention]], <<trigger word>>, {{recommendation phrase}}.\nColours: present red, absent green, possible yellow, hypothetical cyan, triggers underlined magenta, recommendations blue.\nExit status: 0 when a report shown has a present mention, 1 when none has, 2 on error."
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
}

pub fn run(a: ExplainArgs) -> Result<u8> {
    let lexicon = a.lexicon.load()?;
    let engine = Engine::new(lexicon);
    let color = match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut out = std::io::stdout().lock();
    let mut shown = 0usize;
    let mut present = false;
    let mut failure: Option<Error> = None;
    let mut show = |report: Report| -> Flow {
        if a.id.as_ref().is_some_and(|id| *id != report.id) {
            return Flow::Continue(());
        }
        let r = engine.process(&report);
        present |= r.count(calcmine_core::model::Status::Present) > 0;
        let mut text = crate::explain::explain_with(&report, &r, &engine.lexicon, color, a.no_text);
        if shown > 0 {
            text.insert(0, '\n');
        }
        shown += 1;
        if let Err(e) = out.write_all(text.as_bytes()) {
            failure = Some(Error::io("<stdout>", e));
            return Flow::Break(());
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
    out.flush().map_err(|e| Error::io("<stdout>", e))?;
    for e in &stats.errors {
        eprintln!("calcmine: {e}");
    }
    if shown == 0 {
        if let Some(id) = &a.id {
            eprintln!("calcmine: no report with id `{id}`");
        } else {
            eprintln!("calcmine: no report read");
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
