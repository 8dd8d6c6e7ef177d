//! The `calcmine` command line: argument definitions shared by the subcommands, and dispatch.
//! Each subcommand lives in its own module and is a thin use of the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod args;
mod audit;
mod eval;
mod explain;
mod extract;
mod flag;
mod lexicon;
mod mine;

#[derive(Parser, Debug)]
#[command(
    name = "calcmine",
    version,
    about = "Mine radiology reports for calcification mentions, code them, and flag reports that warrant a metabolic work-up.",
    long_about = None,
    after_help = "Exit status, like grep: 0 when the command found what it looks for, 1 when it did not, 2 on error —\n  extract, explain: a present mention; flag: a flagged report; audit: a gap (flagged, no metabolic labs recommended);\n  eval: 1 when a figure is below its floor; mine, lexicon check: 0 on success (no 1).\nEach subcommand's --help says it. No network access, no telemetry: report text never leaves this machine."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Stream one row per mention (TSV by default) with its assertion and codes.
    Extract(extract::ExtractArgs),
    /// Audit follow-up: per report, the work-up flag, the recommendation types and whether a
    /// flagged report recommends metabolic labs; prints counts and rates by work-up rule.
    Audit(audit::AuditArgs),
    /// Show how calcmine read a report: the text with each mention highlighted, and per mention
    /// its codes and the words that decided them (to debug a lexicon).
    Explain(explain::ExplainArgs),
    /// Mine inputs into analysis tables in a directory: mentions and reports (Parquet or CSV),
    /// summary.csv and run.json; all cores, bounded memory, atomic files.
    Mine(mine::MineArgs),
    /// One row per report: mention counts, labs, conditions, and whether a metabolic work-up is
    /// warranted, with the rules that fired.
    Flag(flag::FlagArgs),
    /// Validate or print the effective lexicon.
    #[command(subcommand)]
    Lexicon(lexicon::LexiconCmd),
    /// Compare calcmine with an annotated sample: precision, recall, F1, accuracy, confusion
    /// matrices with 95% intervals, and the disagreements for review.
    Eval(eval::EvalArgs),
}

/// Entry point used by `main.rs`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C: remove temporary output files so nothing half-written is left, then exit 130.
    let _ = ctrlc::set_handler(|| {
        crate::output::remove_pending();
        std::process::exit(130);
    });
    let result = match cli.command {
        Command::Extract(a) => extract::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Mine(a) => mine::run(a),
        Command::Flag(a) => flag::run(a),
        Command::Lexicon(c) => lexicon::run(c),
        Command::Eval(a) => eval::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            args::warn(e);
            ExitCode::from(2)
        }
    }
}
