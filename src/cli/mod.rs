//! The `calcmine` command line: argument definitions shared by the subcommands, and dispatch.
//! Each subcommand lives in its own module and is a thin use of the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::error::{Error, Result};
use crate::input::{InputFormat, InputOptions};
use crate::lexicon::{Lexicon, LexiconOptions};
use crate::output::Format;
use crate::run::Inputs;

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

/// What to read.
#[derive(Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Input files or directories (`.txt`, `.csv`, `.tsv`, `.jsonl`, each optionally `.gz` or
    /// `.zst`; a directory means every `.txt` below it). Reads stdin when none is given, or for `-`.
    pub inputs: Vec<PathBuf>,
    /// stdin (or a `.txt` file) holds one report per line.
    #[arg(long)]
    pub lines: bool,
    /// Read inputs as this format whatever their extension (stdin is `txt` by default).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Column (CSV/TSV) or field (JSON lines) with the report id
    /// [default: the first of report_id, id, note_id, uid].
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,
    /// Column or field with report text; repeat it for several, each becoming a section named
    /// after the column, in the order given [default: the first of text, report, report_text].
    #[arg(long = "text-col", value_name = "NAME")]
    pub text_cols: Vec<String>,
    /// Run on the bundled example report instead of inputs.
    #[arg(long)]
    pub example: bool,
    /// Reports longer than SIZE bytes are not analysed: each counts as failed, named on stderr,
    /// its row saying why in `error` (K, M, G: binary multiples; 0: no limit). A guard against a
    /// whole archive pasted into one field, whose mentions would fill memory. No record is held
    /// in memory past twice SIZE and 64 KiB: the rest is read past, not kept.
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = report_limit)]
    pub max_report_bytes: ReportLimit,
}

/// `--max-report-bytes`: `None` for no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportLimit(pub Option<usize>);

impl Default for ReportLimit {
    fn default() -> Self {
        ReportLimit(Some(crate::input::DEFAULT_MAX_REPORT_BYTES))
    }
}

fn report_limit(s: &str) -> std::result::Result<ReportLimit, String> {
    crate::input::parse_size(s).map(ReportLimit)
}

impl InputArgs {
    pub fn inputs(&self) -> Inputs {
        let format = match (self.input_format, self.lines) {
            (Some(f), _) => Some(f),
            (None, true) => Some(InputFormat::Lines),
            (None, false) => None,
        };
        Inputs {
            paths: self.inputs.clone(),
            options: InputOptions {
                id_col: self.id_col.clone(),
                text_cols: self.text_cols.clone(),
                format,
                max_report_bytes: self.max_report_bytes.0,
            },
            example: self.example,
        }
    }
}

/// Which lexicon to use.
#[derive(Args, Debug, Clone, Default)]
pub struct LexiconArgs {
    /// A directory of `*.toml` lexicon files: a file named like a bundled one replaces it, others
    /// extend the bundled set.
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
    /// Use only the files of --lexicons, none of the bundled ones.
    #[arg(long, requires = "lexicons")]
    pub no_default_lexicons: bool,
    /// Add target phrases: a text file with one phrase per line (`#` comments), or a `.toml`
    /// lexicon file. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub targets: Vec<PathBuf>,
    /// Find only the --targets phrases, not the bundled calcification terms (to use the
    /// assertion engine on other concepts).
    #[arg(long, requires = "targets")]
    pub only_targets: bool,
}

impl LexiconArgs {
    pub fn load(&self) -> Result<Lexicon> {
        Lexicon::load(&LexiconOptions {
            dir: self.lexicons.clone(),
            no_defaults: self.no_default_lexicons,
            targets: self.targets.clone(),
            only_user_targets: self.only_targets,
        })
    }
}

/// Where and how to write a table.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "tsv")]
    pub format: Format,
    /// Write to FILE (atomically: complete or not at all) instead of stdout.
    #[arg(short, long, visible_alias = "out", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Leave report text (sentences, matched text, trigger words) out of every output.
    #[arg(long)]
    pub no_text: bool,
}

/// How to run.
#[derive(Args, Debug, Clone, Default)]
pub struct RunArgs {
    /// Worker threads [default: all cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar and no summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

impl RunArgs {
    pub fn run_options(&self) -> crate::run::RunOptions {
        let mut o = crate::run::RunOptions::default();
        if let Some(t) = self.threads {
            o.threads = t.max(1);
            crate::run::limit_polars_threads(o.threads);
        }
        o
    }
    /// Progress only for people: never when stderr is a pipe or a file.
    pub fn show_progress(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }
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
            eprintln!("calcmine: {e}");
            ExitCode::from(2)
        }
    }
}

/// Print the input errors and the summary line; return true when there were errors.
pub fn report_stats(stats: &crate::input::ReadStats, quiet: bool, extra: &str, secs: f64) -> bool {
    for e in &stats.errors {
        eprintln!("calcmine: {e}");
    }
    if !quiet {
        let mb = stats.bytes as f64 / 1e6;
        eprintln!(
            "calcmine: {} reports read ({} failed, {} invalid UTF-8 sequences replaced){extra}, {:.1} MB in {:.2} s ({:.1} MB/s)",
            stats.reports,
            stats.failed,
            stats.invalid_utf8,
            mb,
            secs,
            if secs > 0.0 { mb / secs } else { 0.0 }
        );
    }
    !stats.errors.is_empty()
}

pub(crate) fn usage(msg: impl Into<String>) -> Error {
    Error::Usage(msg.into())
}
