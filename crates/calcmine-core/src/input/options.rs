//! What to read and how: input formats, column names, limits, and the counts kept while reading.

use crate::model::Report;

/// Column names tried, in order, when `--id-col` is not given.
/// `note_id` is the OMOP CDM `NOTE` table's.
pub const DEFAULT_ID_COLS: &[&str] = &["report_id", "id", "note_id", "uid"];
/// Column names tried, in order, when `--text-col` is not given; `note_text` is the OMOP CDM
/// `NOTE` table's.
pub const DEFAULT_TEXT_COLS: &[&str] = &["text", "report", "report_text", "note_text"];

/// Column names tried, in order, for the exam description when `--exam-col` is not given
/// (`note_title`: the OMOP `NOTE` table's).
pub const DEFAULT_EXAM_COLS: &[&str] = &["note_title", "exam_description", "exam"];

/// How to read a non-file input (stdin), or to override what a file's extension says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum InputFormat {
    /// the whole stream (or file) is one report
    Txt,
    /// one report per line
    Lines,
    Csv,
    Tsv,
    Jsonl,
    /// Parquet (a file, or a directory of part files); needs the `parquet` feature
    Parquet,
}

/// The longest report analysed by default: 1 MiB, a hundred times a long radiology report.
///
/// A guard, as spaCy's `max_length` is, against a whole archive pasted into one field or one
/// `.txt` file: every mention keeps its sentence (up to [`crate::sentence::MAX_SENTENCE_BYTES`]),
/// so memory grows with mentions times sentence length, not with input size. Measured: 4 MB of
/// "calcified calcified …" as one report took 2.0 GB, 20 MB took 9.9 GB; 1 MiB of it takes
/// about 0.5 GB, and real report text far less.
pub const DEFAULT_MAX_REPORT_BYTES: usize = 1 << 20;

#[derive(Debug, Clone)]
pub struct InputOptions {
    pub id_col: Option<String>,
    /// Text columns, each becoming a section named after it, in this order.
    pub text_cols: Vec<String>,
    /// The column with the exam description (`CT HEAD WITHOUT CONTRAST`), which tells the
    /// exam of the report (`None`: the first of [`DEFAULT_EXAM_COLS`] present, if any).
    pub exam_col: Option<String>,
    /// Force a format (stdin defaults to `txt`, or `lines` with `--lines`).
    pub format: Option<InputFormat>,
    /// Reports longer than this many bytes are not analysed: they come out as failed, with an
    /// `error` that says why, like a malformed record. `None`: no limit.
    pub max_report_bytes: Option<usize>,
    /// Follow symbolic links below a directory input (`--follow`; loops are detected and
    /// skipped). Off by default, as in ripgrep: a link may lead out of the tree, or back into it.
    pub follow: bool,
}

impl InputOptions {
    /// The most bytes of one record (a file, a line, a table row) held in memory while
    /// reading: twice the report limit and 64 KiB, room for a row's other columns and quoting.
    /// A longer record is over the limit whatever it holds; the rest of it is read past, not
    /// into memory, so a quote left open near the start of a 100 GB table, or an archive
    /// without a line break, costs no more memory than one long report.
    pub fn record_cap(&self) -> Option<usize> {
        self.max_report_bytes
            .map(|m| m.saturating_mul(2).saturating_add(64 << 10))
    }
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            id_col: None,
            text_cols: Vec::new(),
            exam_col: None,
            format: None,
            max_report_bytes: Some(DEFAULT_MAX_REPORT_BYTES),
            follow: false,
        }
    }
}

/// Parse a size in bytes as `--max-report-bytes` takes it: a number with an optional binary
/// suffix (`K`, `M`, `G`, any case, optionally followed by `B` or `iB`): `1M` is 1,048,576. `0`
/// means no limit (`None`).
pub fn parse_size(s: &str) -> std::result::Result<Option<usize>, String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let unit = lower
        .strip_suffix("ib")
        .or_else(|| lower.strip_suffix('b'))
        .unwrap_or(&lower);
    let (digits, shift) = match unit.as_bytes().last() {
        Some(b'k') => (&unit[..unit.len() - 1], 10),
        Some(b'm') => (&unit[..unit.len() - 1], 20),
        Some(b'g') => (&unit[..unit.len() - 1], 30),
        _ => (unit, 0),
    };
    let n: usize = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: expected a size in bytes, e.g. 1048576, 512K or 1M"))?;
    let bytes = n
        .checked_mul(1usize << shift)
        .ok_or_else(|| format!("`{s}`: too large"))?;
    Ok((bytes > 0).then_some(bytes))
}

/// Counts kept while reading, for the run summary.
#[derive(Debug, Clone, Default)]
pub struct ReadStats {
    pub reports: u64,
    pub failed: u64,
    pub invalid_utf8: u64,
    pub bytes: u64,
    /// Rows whose text was null (Parquet): read as reports with an empty text.
    pub null_texts: u64,
    pub errors: Vec<String>,
    /// Entries of directory inputs left out (links, special files, loops).
    pub skipped: Skipped,
    /// Reports whose id an earlier report of the run had (each repeat counts once).
    pub duplicate_ids: u64,
    /// The first few ids that occurred more than once, to name in a warning.
    pub duplicate_examples: Vec<String>,
}

impl ReadStats {
    /// Add the counts of another reader (the reader thread's, in `run`).
    pub fn merge(&mut self, o: ReadStats) {
        self.reports += o.reports;
        self.failed += o.failed;
        self.invalid_utf8 += o.invalid_utf8;
        self.bytes += o.bytes;
        self.null_texts += o.null_texts;
        self.errors.extend(o.errors);
        self.skipped.symlinks += o.skipped.symlinks;
        self.skipped.special += o.skipped.special;
        self.skipped.loops += o.skipped.loops;
        self.duplicate_ids += o.duplicate_ids;
        self.duplicate_examples.extend(o.duplicate_examples);
    }
}

/// Entries below a directory input that were not read, by why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Symbolic links not followed (no `--follow`), or leading nowhere.
    pub symlinks: u64,
    /// FIFOs, sockets and devices: only regular files are read.
    pub special: u64,
    /// Links (with `--follow`) back to a directory above them.
    pub loops: u64,
}

impl Skipped {
    pub fn total(&self) -> u64 {
        self.symlinks + self.special + self.loops
    }
}

/// What to do after a report: go on, or stop reading (a closed pipe downstream).
pub type Flow = std::ops::ControlFlow<()>;

/// What every record read goes through on its way to `f`: a report over `--max-report-bytes`
/// fails, the counts of `stats` grow, errors are named with file, line and record, and the
/// report gets its source (the file's name) unless it has one.
pub(super) fn tally<'a>(
    file: &'a str,
    source: &'a std::sync::Arc<str>,
    opts: &'a InputOptions,
    f: &'a mut dyn FnMut(Report) -> Flow,
) -> impl FnMut(Report, &mut ReadStats) -> Flow + 'a {
    move |mut r: Report, stats: &mut ReadStats| -> Flow {
        if let Some(max) = opts.max_report_bytes {
            if r.error.is_none() && r.bytes() > max as u64 {
                r.error = Some(format!(
                    "report of {} bytes is longer than --max-report-bytes ({max}): not analysed \
                     (raise the limit, or 0 for none, to analyse it)",
                    r.bytes()
                ));
            }
        }
        stats.reports += 1;
        stats.bytes += r.bytes();
        stats.invalid_utf8 += r.invalid_utf8 as u64;
        if let Some(e) = &r.error {
            stats.failed += 1;
            stats
                .errors
                .push(format!("{}:{} (record {}): {}", file, r.line, r.record, e));
        }
        if r.source.is_empty() {
            r.source = source.clone();
        }
        f(r)
    }
}
