//! The options every command shares (input, lexicon, output, run) and the plumbing every
//! command uses: the summary line on stderr, usage errors, the thread limit.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use crate::output::omop::{NoteNlp, RunStamp};
use crate::output::{Format, Target};
use calcmine_core::error::{Error, Result};
use calcmine_core::input::{InputFormat, InputOptions};
use calcmine_core::lexicon::{Lexicon, LexiconOptions};
use calcmine_core::run::Inputs;

/// What to read.
#[derive(Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Input files or directories (`.txt`, `.csv`, `.tsv`, `.jsonl`, each optionally `.gz` or
    /// `.zst`, and `.parquet`; a directory means every `.txt` below it, or every `.parquet`
    /// part file). Reads stdin when none is given, or for `-`.
    pub inputs: Vec<PathBuf>,
    /// stdin (or a `.txt` file) holds one report per line.
    #[arg(long)]
    pub lines: bool,
    /// Read inputs as this format whatever their extension (stdin is `txt` by default).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Column (CSV/TSV/Parquet) or field (JSON lines) with the report id
    /// [default: the first of report_id, id, note_id, uid].
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,
    /// Column or field with report text; repeat it for several, each becoming a section named
    /// after the column, in the order given [default: the first of text, report, report_text,
    /// note_text].
    #[arg(long = "text-col", value_name = "NAME")]
    pub text_cols: Vec<String>,
    /// Column or field with the exam description ("CT HEAD WITHOUT CONTRAST"), which tells the
    /// report's exam (exam_modality, exam_region) and the organ and side of findings that name
    /// none [default: the first of note_title, exam_description, exam].
    #[arg(long, value_name = "NAME")]
    pub exam_col: Option<String>,
    /// Run on the bundled example report instead of inputs.
    #[arg(long)]
    pub example: bool,
    /// Reports longer than SIZE bytes are not analysed: each counts as failed, named on stderr,
    /// its row saying why in `error` (K, M, G: binary multiples; 0: no limit). A guard against a
    /// whole archive pasted into one field, whose mentions would fill memory. No record is held
    /// in memory past twice SIZE and 64 KiB: the rest is read past, not kept.
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = report_limit)]
    pub max_report_bytes: ReportLimit,
    /// Follow symbolic links inside directory inputs (a link back to a directory above it is
    /// detected and skipped). Without it links are skipped and counted, as are FIFOs, sockets
    /// and devices: only regular files are read.
    #[arg(long)]
    pub follow: bool,
}

/// The most worker threads: each is given batches in flight (`5 × threads + 8` of them), so
/// `-j 99999999999` grew to 5 GB in seconds before failing.
pub const MAX_THREADS: usize = 1024;

/// A count option checked against sane bounds, with an error naming them: a count far past
/// any use (`--batch 99999999999999`) is a mistake, and was an allocation that aborted.
pub fn bounded<const MIN: usize, const MAX: usize>(s: &str) -> std::result::Result<usize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: expected a whole number from {MIN} to {MAX}"))?;
    if !(MIN..=MAX).contains(&n) {
        return Err(format!("{n} is out of range: from {MIN} to {MAX}"));
    }
    Ok(n)
}

/// `--max-report-bytes`: `None` for no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportLimit(pub Option<usize>);

impl Default for ReportLimit {
    fn default() -> Self {
        ReportLimit(Some(calcmine_core::input::DEFAULT_MAX_REPORT_BYTES))
    }
}

fn report_limit(s: &str) -> std::result::Result<ReportLimit, String> {
    calcmine_core::input::parse_size(s).map(ReportLimit)
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
                exam_col: self.exam_col.clone(),
                format,
                max_report_bytes: self.max_report_bytes.0,
                follow: self.follow,
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
    /// Output format [default: the one -o FILE's extension names (.tsv, .csv, .jsonl,
    /// .parquet; .gz or .zst compress a text format), else tsv].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to FILE (atomically: complete or not at all) instead of stdout.
    #[arg(short, long, visible_alias = "out", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Leave report text (sentences, matched text, trigger words) out of every output.
    #[arg(long)]
    pub no_text: bool,
    /// For spreadsheets (TSV, CSV): a text cell starting with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return gets a `'` in front, so Excel or LibreOffice shows it instead of running
    /// it as a formula. Off by default: the text is kept as written for programs.
    #[arg(long)]
    pub csv_safe: bool,
}

impl OutputArgs {
    /// The format and compression of the table `cmd` writes (see [`crate::output::target`]).
    pub fn target(&self, allowed: &[Format], cmd: &str) -> Result<Target> {
        crate::output::target::resolve(
            self.format,
            self.output.as_deref(),
            Format::Tsv,
            allowed,
            cmd,
        )
    }
}

/// How mentions become OMOP NOTE_NLP rows (docs/omop.md).
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "NOTE_NLP")]
pub struct NoteNlpArgs {
    /// Concept ids per term: a CSV with a header, `term,concept_id` (and optionally
    /// `source_concept_id`), for note_nlp_concept_id and note_nlp_source_concept_id [default: 0].
    #[arg(long, value_name = "FILE")]
    pub concept_map: Option<PathBuf>,
    /// Concept ids per section: a CSV with a header, `section,concept_id`, for
    /// section_concept_id [default: 0].
    #[arg(long, value_name = "FILE")]
    pub section_concept_map: Option<PathBuf>,
    /// nlp_date and nlp_datetime of every row (UTC; YYYY-MM-DD or YYYY-MM-DD HH:MM:SS), for
    /// outputs that are the same from run to run [default: SOURCE_DATE_EPOCH if set, else now].
    #[arg(long, value_name = "DATETIME")]
    pub nlp_datetime: Option<String>,
    /// The first note_nlp_id: ids run from it in output order (1 to 2147483647, OMOP's integer).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub note_nlp_id_start: i64,
}

impl NoteNlpArgs {
    /// How mentions become rows for this lexicon.
    pub fn note_nlp(&self, lexicon: &Lexicon, no_text: bool) -> Result<NoteNlp> {
        let stamp = RunStamp::new(&lexicon.digest(), self.nlp_datetime.as_deref())?;
        let mut n = NoteNlp::new(stamp, no_text);
        if let Some(p) = &self.concept_map {
            let terms: Vec<&str> = lexicon.targets.iter().map(|t| t.id.as_str()).collect();
            n = n.with_concept_map(p, &terms)?;
        }
        if let Some(p) = &self.section_concept_map {
            n = n.with_section_map(p)?;
        }
        Ok(n)
    }

    /// Whether any NOTE_NLP option was given (they are errors where no NOTE_NLP is written).
    pub fn any(&self) -> bool {
        self.concept_map.is_some()
            || self.section_concept_map.is_some()
            || self.nlp_datetime.is_some()
            || self.note_nlp_id_start != 1
    }
}

/// How to run.
#[derive(Args, Debug, Clone, Default)]
pub struct RunArgs {
    /// Worker threads, 1 to 1024 [default: all cores].
    #[arg(short = 'j', long, value_name = "N", value_parser = bounded::<1, MAX_THREADS>)]
    pub threads: Option<usize>,
    /// No progress bar and no summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

impl RunArgs {
    pub fn run_options(&self) -> calcmine_core::run::RunOptions {
        let mut o = calcmine_core::run::RunOptions::default();
        if let Some(t) = self.threads {
            o.threads = t.max(1);
            limit_polars_threads(o.threads);
        }
        o
    }
    /// Progress only for people: never when stderr is a pipe or a file.
    pub fn show_progress(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }
}

/// Make `--threads N` hold for Polars too: its thread pool (group-bys, column statistics and
/// dictionaries of the Parquet encoder) otherwise has a thread per core whatever `--threads`
/// says, and a user given one core of a shared node asks for `-j1`. Must run before the first
/// Polars call (the pool is built on first use); a `POLARS_MAX_THREADS` the user set is kept.
pub fn limit_polars_threads(n: usize) {
    if std::env::var_os("POLARS_MAX_THREADS").is_none() {
        std::env::set_var("POLARS_MAX_THREADS", n.max(1).to_string());
    }
}

/// Print the input errors and the summary line; return true when there were errors.
pub fn report_stats(
    stats: &calcmine_core::input::ReadStats,
    quiet: bool,
    extra: &str,
    secs: f64,
) -> bool {
    for e in &stats.errors {
        warn(e);
    }
    if stats.duplicate_ids > 0 {
        warn(format_args!(
            "warning: {} reports have the id of an earlier report ({}{}): rows with that report_id belong to several reports (the reports table's source and line tell them apart)",
            stats.duplicate_ids,
            stats.duplicate_examples.join(", "),
            if stats.duplicate_ids as usize > stats.duplicate_examples.len() { ", …" } else { "" }
        ));
    }
    let k = stats.skipped;
    if k.total() > 0 {
        warn(format_args!(
            "{} directory entries skipped: {} symbolic links (--follow follows them), {} special files (FIFOs, sockets, devices), {} link loops",
            k.total(),
            k.symlinks,
            k.special,
            k.loops
        ));
    }
    if !quiet {
        let mb = stats.bytes as f64 / 1e6;
        let nulls = match stats.null_texts {
            0 => String::new(),
            n => format!(", {n} null texts read as empty"),
        };
        eprintln!(
            "calcmine: {} reports read ({} failed, {} invalid UTF-8 sequences replaced{nulls}){extra}, {:.1} MB in {:.2} s ({:.1} MB/s)",
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

/// Print `calcmine: MSG` on stderr, with the characters a terminal would act on escaped:
/// messages name files, columns and records whose names come from the input
/// (`calcmine_core::sanitize`).
pub fn warn(msg: impl std::fmt::Display) {
    let msg = msg.to_string();
    eprintln!("calcmine: {}", calcmine_core::sanitize::terminal_safe(&msg));
}

/// Print a line to stdout. A closed pipe (`calcmine lexicon dump | head`) comes back as an
/// error that `main` ends quietly on, where `println!` would panic.
pub fn print_line(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("<stdout>", e))
}

pub fn usage(msg: impl Into<String>) -> Error {
    Error::Usage(msg.into())
}
