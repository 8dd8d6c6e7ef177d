//! Reading reports: stdin, `.txt` files, directories of them, `.csv` / `.tsv` and `.jsonl`
//! tables, and `.gz` and `.zst` versions of all of these.
//!
//! Every record becomes one [`Report`]. Nothing is dropped: a malformed CSV row or JSON line
//! becomes a report with `error` set (and is reported with file and line), invalid UTF-8 is
//! decoded lossily and counted.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{ColumnSections, Report};
use crate::text::decode_lossy;

/// Column names tried, in order, when `--id-col` is not given.
pub const DEFAULT_ID_COLS: &[&str] = &["report_id", "id", "note_id", "uid"];
/// Column names tried, in order, when `--text-col` is not given.
pub const DEFAULT_TEXT_COLS: &[&str] = &["text", "report", "report_text"];

/// How to read a non-file input (stdin), or to override what a file's extension says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// the whole stream (or file) is one report
    Txt,
    /// one report per line
    Lines,
    Csv,
    Tsv,
    Jsonl,
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
    /// Force a format (stdin defaults to `txt`, or `lines` with `--lines`).
    pub format: Option<InputFormat>,
    /// Reports longer than this many bytes are not analysed: they come out as failed, with an
    /// `error` that says why, like a malformed record. `None`: no limit.
    pub max_report_bytes: Option<usize>,
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
            format: None,
            max_report_bytes: Some(DEFAULT_MAX_REPORT_BYTES),
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
    pub errors: Vec<String>,
}

/// What to do after a report: go on, or stop reading (a closed pipe downstream).
pub type Flow = std::ops::ControlFlow<()>;

/// The files an input path stands for: itself, or for a directory every `.txt` (and
/// `.txt.gz`, `.txt.zst`) below it, sorted.
pub fn expand(path: &Path) -> Result<Vec<PathBuf>> {
    if path.as_os_str() == "-" {
        return Ok(vec![path.to_path_buf()]);
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                if Compression::of(&name).1.ends_with(".txt") {
                    out.push(p);
                }
            }
        }
    }
    if out.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no .txt, .txt.gz or .txt.zst files in this directory (tables must be named one by one)",
            path.display()
        )));
    }
    out.sort();
    Ok(out)
}

/// Total size in bytes of the input files (for progress), when known.
pub fn total_bytes(paths: &[PathBuf]) -> Option<u64> {
    let mut total = 0;
    for p in paths {
        if p.as_os_str() == "-" {
            return None;
        }
        total += std::fs::metadata(p).ok()?.len();
    }
    Some(total)
}

/// How an input file is compressed, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    /// `.gz` (every member of a multi-member file, as `cat a.gz b.gz` makes)
    Gzip,
    /// `.zst` (every frame)
    Zstd,
}

impl Compression {
    /// The compression of a file name, and the name without its compression extension.
    fn of(name: &str) -> (Compression, &str) {
        let lower = name.to_ascii_lowercase();
        for (ext, c) in [(".gz", Compression::Gzip), (".zst", Compression::Zstd)] {
            if lower.ends_with(ext) {
                return (c, &name[..name.len() - ext.len()]);
            }
        }
        (Compression::None, name)
    }
}

fn format_of(path: &Path, opts: &InputOptions) -> InputFormat {
    if let Some(f) = opts.format {
        return f;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let base = Compression::of(&name).1;
    if base.ends_with(".csv") {
        InputFormat::Csv
    } else if base.ends_with(".tsv") || base.ends_with(".tab") {
        InputFormat::Tsv
    } else if base.ends_with(".jsonl") || base.ends_with(".ndjson") {
        InputFormat::Jsonl
    } else {
        InputFormat::Txt
    }
}

/// A byte-counting reader, so progress can show MB read.
pub struct Counting<R> {
    inner: R,
    pub count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// The buffer an input is read through (and, for a compressed one, decompressed through).
const READ_BUFFER: usize = 1 << 16;

/// Open a path (or `-` for stdin) for reading, decompressing `.gz` and `.zst`. `counter` counts
/// the bytes read from disk (the compressed size).
pub fn open(
    path: &Path,
    counter: &std::sync::Arc<std::sync::atomic::AtomicU64>,
) -> Result<Box<dyn BufRead + Send>> {
    let compression = Compression::of(&path.to_string_lossy()).0;
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| Error::io(path, e))?)
    };
    let counted = BufReader::with_capacity(
        READ_BUFFER,
        Counting {
            inner: raw,
            count: counter.clone(),
        },
    );
    Ok(match compression {
        Compression::None => Box::new(counted),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            READ_BUFFER,
            flate2::read::MultiGzDecoder::new(counted),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            READ_BUFFER,
            zstd::stream::read::Decoder::with_buffer(counted).map_err(|e| Error::io(path, e))?,
        )),
    })
}

fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = Compression::of(&name).1;
    match name.rfind('.') {
        Some(i) if i > 0 => name[..i].to_string(),
        _ => name.to_string(),
    }
}

/// Read every report of every input, in order, calling `f` for each. Errors that stop one input
/// (a missing file) are recorded in `stats.errors` and reading goes on with the next input.
pub fn read_reports(
    inputs: &[PathBuf],
    opts: &InputOptions,
    stats: &mut ReadStats,
    counter: &std::sync::Arc<std::sync::atomic::AtomicU64>,
    f: &mut dyn FnMut(Report) -> Flow,
) {
    let stdin_only = [PathBuf::from("-")];
    let inputs = if inputs.is_empty() {
        &stdin_only[..]
    } else {
        inputs
    };
    for input in inputs {
        let files = match expand(input) {
            Ok(v) => v,
            Err(e) => {
                stats.errors.push(e.to_string());
                continue;
            }
        };
        for path in files {
            match read_file(&path, opts, stats, counter, f) {
                Ok(Flow::Break(())) => return,
                Ok(Flow::Continue(())) => {}
                Err(e) => stats.errors.push(e.to_string()),
            }
        }
    }
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// An I/O error in the middle of an input (a truncated `.gz`): where it happened and how many
/// reports of this file were read before it (they are kept).
fn read_error(file: &str, line: u64, reports: u64, e: io::Error) -> Error {
    Error::input(
        crate::error::Location {
            file: file.into(),
            line: Some(line),
            record: None,
        },
        format!(
            "read error: {e} (truncated or corrupt file?); the {reports} reports before it were read"
        ),
    )
}

fn shown(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

fn read_file(
    path: &Path,
    opts: &InputOptions,
    stats: &mut ReadStats,
    counter: &std::sync::Arc<std::sync::atomic::AtomicU64>,
    f: &mut dyn FnMut(Report) -> Flow,
) -> Result<Flow> {
    let is_stdin = path.as_os_str() == "-";
    let fmt = format_of(path, opts);
    let mut reader = open(path, counter)?;
    let file = shown(path);
    let source: std::sync::Arc<str> = file.as_str().into();
    // A UTF-8 byte-order mark is an encoding marker, not text: it would hide a header on the
    // first line ("\u{feff}FINDINGS:") and break the first JSON line.
    match reader.fill_buf() {
        Ok(b) if b.starts_with(BOM) => reader.consume(BOM.len()),
        Ok(_) => {}
        Err(e) => return Err(read_error(&file, 1, 0, e)),
    }
    let mut emit = |mut r: Report, stats: &mut ReadStats| -> Flow {
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
    };
    match fmt {
        InputFormat::Txt => {
            let mut buf = Vec::new();
            // A read error (a truncated .gz) keeps the report, marked with the error, so it is
            // not lost from the output; the text read so far stays with it.
            let read_error = |e: io::Error, at: u64| {
                format!("read error after {at} bytes: {e} (truncated or corrupt file?)")
            };
            let cap = opts.record_cap();
            let mut dropped = 0;
            let kept = cap.map_or(u64::MAX, |c| c as u64);
            let error = match (&mut reader).take(kept).read_to_end(&mut buf) {
                // at the cap: the rest is read past, counted, not kept
                Ok(_) if cap.is_some_and(|c| buf.len() >= c) => {
                    match io::copy(&mut reader, &mut io::sink()) {
                        Ok(k) => {
                            dropped = k;
                            None
                        }
                        Err(e) => Some(read_error(e, buf.len() as u64)),
                    }
                }
                Ok(_) => None,
                Err(e) => Some(read_error(e, buf.len() as u64)),
            };
            if dropped > 0 {
                dropped += cut_partial_char(&mut buf);
            }
            let (text, bad) = decode_lossy(buf);
            let id = if is_stdin {
                "stdin".to_string()
            } else {
                stem(path)
            };
            Ok(emit(
                Report {
                    id,
                    text,
                    line: 1,
                    record: 1,
                    invalid_utf8: bad,
                    error,
                    dropped_bytes: dropped,
                    ..Default::default()
                },
                stats,
            ))
        }
        InputFormat::Lines => {
            let mut n = 0u64;
            let mut buf = Vec::new();
            let prefix = if is_stdin {
                String::new()
            } else {
                format!("{}:", stem(path))
            };
            let cap = opts.record_cap();
            loop {
                buf.clear();
                let (got, mut dropped) = read_line_capped(&mut reader, &mut buf, cap)
                    .map_err(|e| read_error(&file, n + 1, n, e))?;
                if got == 0 {
                    return Ok(Flow::Continue(()));
                }
                n += 1;
                if dropped > 0 {
                    dropped += cut_partial_char(&mut buf);
                }
                while buf.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
                    buf.pop();
                }
                let (text, bad) = decode_lossy(std::mem::take(&mut buf));
                let r = Report {
                    id: format!("{prefix}{n}"),
                    text,
                    line: n,
                    record: n,
                    invalid_utf8: bad,
                    dropped_bytes: dropped,
                    ..Default::default()
                };
                if emit(r, stats).is_break() {
                    return Ok(Flow::Break(()));
                }
            }
        }
        InputFormat::Csv | InputFormat::Tsv => read_table(
            reader,
            &file,
            fmt == InputFormat::Tsv,
            opts,
            stats,
            &mut emit,
        ),
        InputFormat::Jsonl => read_jsonl(reader, &file, opts, stats, &mut emit),
    }
}

/// The id column (if any) and the text columns (index, section name) of a table.
type Columns = (Option<usize>, Vec<(usize, std::sync::Arc<str>)>);

/// Resolve the id column and text columns of a header.
fn resolve_columns(header: &[String], opts: &InputOptions, file: &str) -> Result<Columns> {
    let find = |name: &str| {
        header.iter().position(|h| h.trim() == name).or_else(|| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        })
    };
    let id = match &opts.id_col {
        Some(c) => Some(find(c).ok_or_else(|| {
            Error::Usage(format!(
                "{file}: no id column `{c}` (columns: {})",
                header.join(", ")
            ))
        })?),
        None => DEFAULT_ID_COLS.iter().find_map(|c| find(c)),
    };
    let mut texts = Vec::new();
    if opts.text_cols.is_empty() {
        let t = DEFAULT_TEXT_COLS
            .iter()
            .find_map(|c| find(c))
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{file}: no text column; name one with --text-col (looked for {}; columns: {})",
                    DEFAULT_TEXT_COLS.join(", "),
                    header.join(", ")
                ))
            })?;
        texts.push((t, header[t].trim().into()));
    } else {
        for c in &opts.text_cols {
            let t = find(c).ok_or_else(|| {
                Error::Usage(format!(
                    "{file}: no text column `{c}` (columns: {})",
                    header.join(", ")
                ))
            })?;
            texts.push((t, c.as_str().into()));
        }
    }
    Ok((id, texts))
}

/// Join text fields into one report text; each field becomes a section (a column) starting at
/// its offset. Fields are separated by a blank line so no sentence spans two of them.
fn assemble(mut fields: Vec<(std::sync::Arc<str>, String)>) -> (String, ColumnSections) {
    if fields.len() == 1 {
        // one text column (the usual table): its text is the report's, moved, not copied
        let (name, value) = fields.swap_remove(0);
        return (value, std::sync::Arc::new([(0, name)]));
    }
    let mut text = String::new();
    let mut cols = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        cols.push((text.len(), name));
        text.push_str(&value);
    }
    (text, cols.into())
}

/// Where the CSV quoting state is, as the csv crate reads it (RFC 4180 with doubled quotes; a
/// field is quoted only when it starts with a quote, a quote inside an unquoted field is kept as
/// a character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    Outside,
    Quoted,
    /// a quote inside a quoted field: it closes the field, or a second one follows (`""`)
    QuoteInQuoted,
}

impl Quoting {
    /// The state after byte `b`, which follows `prev`, in a table separated by `sep`: one byte
    /// of what [`QuoteTracker::track`] does by memchr.
    fn after(self, b: u8, prev: u8, sep: u8) -> Quoting {
        match self {
            Quoting::Outside if b == b'"' && (prev == sep || prev == b'\n' || prev == b'\r') => {
                Quoting::Quoted
            }
            Quoting::Outside => Quoting::Outside,
            Quoting::Quoted if b == b'"' => Quoting::QuoteInQuoted,
            Quoting::Quoted => Quoting::Quoted,
            Quoting::QuoteInQuoted if b == b'"' => Quoting::Quoted,
            Quoting::QuoteInQuoted => Quoting::Outside,
        }
    }
}

/// Follows the quoting of the bytes the csv reader consumes. The csv crate reads a quote left
/// open at the end of a file as one field running to the end, without an error: every row after
/// it would silently become part of one report. This lets the reader say so. Only quote
/// characters are visited (memchr), so it costs little.
///
/// It also keeps a row from growing past a cap in memory (the csv crate reads a row whole, so
/// a quote left open near the start of a large table would read the rest of it into one
/// record): once a row is longer than the cap, the rest of it is read past here, byte by byte
/// to find where it ends, and the csv reader is handed what closes it.
struct QuoteTracker<R> {
    inner: R,
    sep: u8,
    state: Quoting,
    /// the last byte seen (a line break before the first)
    prev: u8,
    /// Bytes handed to the csv reader (the bytes its positions count).
    passed: u64,
    /// Where the row being read starts, in `passed` bytes.
    row_start: u64,
    /// The most bytes of a row handed on; `None`: no cap (and while the header is read).
    cap: Option<u64>,
    /// Bytes of the row being read that were read past.
    dropped: u64,
    /// The row being read was cut.
    cut: bool,
    /// Line breaks read past in all rows so far (the csv reader does not count them), less
    /// the ones handed on that the input does not have (closing a row cut at its end).
    dropped_lines: i64,
    /// A quote was still open where the input ended, inside a row that was read past.
    open_at_end: bool,
    /// What closes a row that was cut, still to hand on.
    closing: &'static [u8],
    /// Bytes of the row being read that were handed on to close it (not in the input).
    closed: u64,
}

impl<R> QuoteTracker<R> {
    fn new(inner: R, sep: u8) -> Self {
        QuoteTracker {
            inner,
            sep,
            state: Quoting::Outside,
            prev: b'\n',
            passed: 0,
            row_start: 0,
            cap: None,
            dropped: 0,
            cut: false,
            dropped_lines: 0,
            open_at_end: false,
            closing: b"",
            closed: 0,
        }
    }

    /// A new row starts at `at` (the csv reader's byte position).
    fn begin_row(&mut self, at: u64) {
        self.row_start = at;
        self.dropped = 0;
        self.cut = false;
        self.closed = 0;
    }

    fn track(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                Quoting::Outside | Quoting::Quoted => {
                    let Some(k) = memchr::memchr(b'"', &bytes[i..]).map(|k| i + k) else {
                        break;
                    };
                    if self.state == Quoting::Quoted {
                        self.state = Quoting::QuoteInQuoted;
                    } else {
                        // a quote opens a quoted field only at the start of a field
                        let before = if k > 0 { bytes[k - 1] } else { self.prev };
                        if before == self.sep || before == b'\n' || before == b'\r' {
                            self.state = Quoting::Quoted;
                        }
                    }
                    i = k + 1;
                }
                Quoting::QuoteInQuoted => {
                    self.state = if bytes[i] == b'"' {
                        Quoting::Quoted
                    } else {
                        Quoting::Outside
                    };
                    i += 1;
                }
            }
        }
        if let Some(&b) = bytes.last() {
            self.prev = b;
        }
    }
}

impl<R: BufRead> QuoteTracker<R> {
    /// Read past the rest of the row being read (to a line break outside quotes, or the end of
    /// the input), and set what closes it for the csv reader: a quote if it is inside a quoted
    /// field, then a line break.
    fn skip_row(&mut self) -> io::Result<()> {
        let quoted = self.state == Quoting::Quoted;
        self.cut = true;
        let mut found_end = None;
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                // (a quote just after a quoted field's text closes it)
                self.open_at_end = self.state == Quoting::Quoted;
                break;
            }
            let mut end = None;
            for (i, &b) in avail.iter().enumerate() {
                self.state = self.state.after(b, self.prev, self.sep);
                self.prev = b;
                // a row ends at a line break outside quotes: `\n`, or `\r` as the csv reader
                // reads it
                if (b == b'\n' || b == b'\r') && self.state == Quoting::Outside {
                    end = Some((i + 1, b));
                    break;
                }
                // the csv reader counts lines by `\n`, quoted or not
                self.dropped_lines += (b == b'\n') as i64;
            }
            let used = end.map_or(avail.len(), |(k, _)| k);
            self.inner.consume(used);
            self.dropped += used as u64;
            if let Some((_, b)) = end {
                found_end = Some(b);
                break;
            }
        }
        // the csv reader is handed the row's end: the line break read past (not counted as
        // read past), or one the input does not have if it ended inside the row
        let end = match found_end {
            Some(b) => {
                self.dropped -= 1;
                b
            }
            None => {
                self.dropped_lines -= 1;
                b'\n'
            }
        };
        self.state = if quoted {
            Quoting::Quoted
        } else {
            Quoting::Outside
        };
        self.closing = match (quoted, end) {
            (true, b'\r') => b"\"\r",
            (true, _) => b"\"\n",
            (false, b'\r') => b"\r",
            (false, _) => b"\n",
        };
        self.closed = self.closing.len() as u64 - found_end.is_some() as u64;
        Ok(())
    }
}

impl<R: BufRead> Read for QuoteTracker<R> {
    fn read(&mut self, mut buf: &mut [u8]) -> io::Result<usize> {
        if let (Some(cap), false) = (self.cap, self.cut) {
            // every byte handed on so far has been consumed (the csv reader asks for more only
            // then), so the row is this long already
            let row = self.passed - self.row_start;
            if row > cap && !buf.is_empty() {
                self.skip_row()?;
            } else {
                // hand on no more than one byte past the cap
                let room = usize::try_from(cap - row + 1).unwrap_or(usize::MAX);
                let n = buf.len().min(room);
                buf = &mut buf[..n];
            }
        }
        let n = if self.closing.is_empty() {
            self.inner.read(buf)?
        } else {
            let n = self.closing.len().min(buf.len());
            buf[..n].copy_from_slice(&self.closing[..n]);
            self.closing = &self.closing[n..];
            n
        };
        self.track(&buf[..n]);
        self.passed += n as u64;
        Ok(n)
    }
}

fn read_table(
    reader: Box<dyn BufRead + Send>,
    file: &str,
    tsv: bool,
    opts: &InputOptions,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report, &mut ReadStats) -> Flow,
) -> Result<Flow> {
    let sep = if tsv { b'\t' } else { b',' };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(false)
        .quoting(true)
        .from_reader(QuoteTracker::new(reader, sep));
    let at_line = |line: u64| crate::error::Location {
        file: file.into(),
        line: Some(line),
        record: None,
    };
    let header: Vec<String> = rdr
        .byte_headers()
        .map_err(|e| match e.kind() {
            csv::ErrorKind::Io(io) => {
                read_error(file, 1, 0, io::Error::new(io.kind(), io.to_string()))
            }
            _ => Error::input(at_line(1), e.to_string()),
        })?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(Error::input(
            at_line(1),
            "no header row (empty file?): a table needs a header naming its columns",
        ));
    }
    let (id_col, text_cols) = resolve_columns(&header, opts, file)?;
    // the sections of every report of a table with one text column
    let one_column: Option<ColumnSections> = match &text_cols[..] {
        [(_, name)] => Some(std::sync::Arc::new([(0, name.clone())])),
        _ => None,
    };
    let mut record = csv::ByteRecord::new();
    let mut n = 0u64;
    // Each report is handed on once the next read succeeds, so the last one can still be
    // marked when the file ends inside an open quote.
    let mut held: Option<Report> = None;
    let mut hand_on = |r: Option<Report>, stats: &mut ReadStats| -> Flow {
        match r {
            Some(r) => emit(r, stats),
            None => Flow::Continue(()),
        }
    };
    // rows are capped once the header is read
    rdr.get_mut().cap = opts.record_cap().map(|c| c as u64);
    // a row cut at the cap: its error, and its size as written
    let cut_row = |t: &QuoteTracker<_>, at: u64, end: u64| {
        let size = (end - at).saturating_sub(t.closed) + t.dropped;
        let max = opts.max_report_bytes.unwrap_or_default();
        let msg = format!(
            "row of {size} bytes is longer than calcmine reads for --max-report-bytes ({max}; \
             a row may take twice that and 64 KiB): read past, not analysed (raise the limit, \
             or 0 for none, to analyse it)"
        );
        (msg, size)
    };
    loop {
        let at = rdr.position().byte();
        rdr.get_mut().begin_row(at);
        // line breaks read past in earlier rows, which the csv reader's line numbers miss
        let lines_before = rdr.get_ref().dropped_lines;
        let shifted = |line: u64| line.saturating_add_signed(lines_before);
        let pos_line = shifted(rdr.position().line() + 1);
        let next = match rdr.read_byte_record(&mut record) {
            Ok(false) => {
                if let Some(r) = held.as_mut() {
                    let t = rdr.get_ref();
                    if t.state == Quoting::Quoted || t.open_at_end {
                        let msg = format!(
                            "unterminated quote: a quoted field opened in this row runs to the end of the file (line {}); any rows after it were read into it",
                            rdr.position().line().saturating_add_signed(t.dropped_lines)
                        );
                        r.error = Some(match r.error.take() {
                            Some(e) => format!("{e}; {msg}"),
                            None => msg,
                        });
                    }
                }
                return Ok(hand_on(held.take(), stats));
            }
            Ok(true) => {
                n += 1;
                let line = record
                    .position()
                    .map(|p| shifted(p.line()))
                    .unwrap_or(pos_line);
                let mut bad = 0;
                let id = match id_col.and_then(|i| record.get(i)) {
                    Some(b) => {
                        let (s, k) = decode_lossy(b.to_vec());
                        bad += k;
                        s
                    }
                    None => n.to_string(),
                };
                let mut text_of = |i: usize| {
                    let (s, k) = decode_lossy(record.get(i).unwrap_or_default().to_vec());
                    bad += k;
                    s
                };
                let (text, columns) = match (&text_cols[..], &one_column) {
                    // one text column (the usual table): no list of fields to assemble
                    ([(i, _)], Some(one)) => (text_of(*i), one.clone()),
                    _ => assemble(
                        text_cols
                            .iter()
                            .map(|(i, name)| (name.clone(), text_of(*i)))
                            .collect(),
                    ),
                };
                let (error, dropped_bytes) = match rdr.get_ref().cut {
                    true => {
                        let (msg, size) = cut_row(rdr.get_ref(), at, rdr.position().byte());
                        (Some(msg), size.saturating_sub(text.len() as u64))
                    }
                    false => (None, 0),
                };
                Report {
                    id,
                    text,
                    columns,
                    line,
                    record: n,
                    invalid_utf8: bad,
                    error,
                    dropped_bytes,
                    ..Default::default()
                }
            }
            Err(e) => {
                let line = e.position().map(|p| shifted(p.line())).unwrap_or(pos_line);
                let cut = rdr
                    .get_ref()
                    .cut
                    .then(|| cut_row(rdr.get_ref(), at, rdr.position().byte()));
                let msg = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        format!("malformed row: {len} fields where the header has {expected_len}")
                    }
                    csv::ErrorKind::Io(io) => {
                        // the rows before it are kept; the file's error names where it stopped
                        let err = read_error(
                            file,
                            pos_line,
                            n,
                            io::Error::new(io.kind(), io.to_string()),
                        );
                        if hand_on(held.take(), stats).is_break() {
                            return Ok(Flow::Break(()));
                        }
                        return Err(err);
                    }
                    _ => format!("malformed row: {e}"),
                };
                n += 1;
                // keep whatever id the row has, so the report can still be found
                let (id, bad) = match id_col.and_then(|i| record.get(i)) {
                    Some(b) if !b.is_empty() => decode_lossy(b.to_vec()),
                    _ => (format!("{file}:{line}"), 0),
                };
                // a row cut at the cap lost the columns after the cut: that is its error
                let (msg, dropped_bytes) = cut.unwrap_or((msg, 0));
                Report {
                    id,
                    line,
                    record: n,
                    invalid_utf8: bad,
                    error: Some(msg),
                    dropped_bytes,
                    ..Default::default()
                }
            }
        };
        if hand_on(held.replace(next), stats).is_break() {
            return Ok(Flow::Break(()));
        }
    }
}

/// Read a line (through its `\n`) into `buf`, keeping at most `cap` bytes of it: the rest of a
/// longer line is read past, not into memory. Returns the bytes read from the input (0 at its
/// end) and how many of them were not kept.
fn read_line_capped(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: Option<usize>,
) -> io::Result<(usize, u64)> {
    let Some(cap) = cap else {
        return r.read_until(b'\n', buf).map(|n| (n, 0));
    };
    let (mut read, mut dropped) = (0, 0u64);
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((read, dropped));
        }
        let (used, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        let keep = cap.saturating_sub(buf.len()).min(used);
        buf.extend_from_slice(&avail[..keep]);
        dropped += (used - keep) as u64;
        r.consume(used);
        read += used;
        if done {
            // the line break of a cut line is not part of its text
            return Ok((read, dropped.saturating_sub(1)));
        }
    }
}

/// Drop a UTF-8 sequence cut short at the end of `buf` (where a record was cut at the cap), so
/// that the cut is not counted as invalid UTF-8. Returns the bytes dropped.
fn cut_partial_char(buf: &mut Vec<u8>) -> u64 {
    let n = buf.len();
    // the last lead byte, at most three bytes back
    let Some(k) = (n.saturating_sub(4)..n)
        .rev()
        .find(|&k| buf[k] & 0xC0 != 0x80)
    else {
        return 0;
    };
    let want = match buf[k] {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        b if b >= 0xC0 => 2,
        _ => 1,
    };
    if k + want > n {
        buf.truncate(k);
        (n - k) as u64
    } else {
        0
    }
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn read_jsonl(
    mut reader: Box<dyn BufRead + Send>,
    file: &str,
    opts: &InputOptions,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report, &mut ReadStats) -> Flow,
) -> Result<Flow> {
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut n = 0u64;
    let cap = opts.record_cap();
    loop {
        buf.clear();
        let (got, dropped) = read_line_capped(&mut reader, &mut buf, cap)
            .map_err(|e| read_error(file, line + 1, n, e))?;
        if got == 0 {
            return Ok(Flow::Continue(()));
        }
        line += 1;
        if buf.iter().all(u8::is_ascii_whitespace) && dropped == 0 {
            continue;
        }
        n += 1;
        if dropped > 0 {
            // a line cut at the cap is no JSON: only its size is known (its row says so)
            let r = Report {
                id: format!("{file}:{line}"),
                line,
                record: n,
                dropped_bytes: buf.len() as u64 + dropped,
                ..Default::default()
            };
            if emit(r, stats).is_break() {
                return Ok(Flow::Break(()));
            }
            continue;
        }
        let (s, bad) = decode_lossy(std::mem::take(&mut buf));
        let r = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&s) {
            Err(e) => Report {
                id: format!("{file}:{line}"),
                line,
                record: n,
                invalid_utf8: bad,
                error: Some(format!("malformed JSON line: {e}")),
                ..Default::default()
            },
            Ok(obj) => {
                let get = |k: &str| {
                    obj.get(k).or_else(|| {
                        obj.iter()
                            .find(|(kk, _)| kk.eq_ignore_ascii_case(k))
                            .map(|(_, v)| v)
                    })
                };
                let id = match &opts.id_col {
                    Some(c) => get(c).and_then(json_text),
                    None => DEFAULT_ID_COLS
                        .iter()
                        .find_map(|c| get(c).and_then(json_text)),
                }
                .unwrap_or_else(|| n.to_string());
                let names: Vec<String> = if opts.text_cols.is_empty() {
                    DEFAULT_TEXT_COLS
                        .iter()
                        .find(|c| get(c).is_some())
                        .map(|c| vec![c.to_string()])
                        .unwrap_or_default()
                } else {
                    opts.text_cols.clone()
                };
                let missing: Vec<&String> = names.iter().filter(|c| get(c).is_none()).collect();
                if names.is_empty() || !missing.is_empty() {
                    let what = if names.is_empty() {
                        format!(
                            "no text field (looked for {})",
                            DEFAULT_TEXT_COLS.join(", ")
                        )
                    } else {
                        format!(
                            "no field `{}`",
                            missing
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join("`, `")
                        )
                    };
                    Report {
                        id,
                        line,
                        record: n,
                        invalid_utf8: bad,
                        error: Some(what),
                        ..Default::default()
                    }
                } else {
                    let fields = names
                        .iter()
                        .map(|c| {
                            let text = get(c).and_then(json_text).unwrap_or_default();
                            (c.as_str().into(), text)
                        })
                        .collect();
                    let (text, columns) = assemble(fields);
                    Report {
                        id,
                        text,
                        columns,
                        line,
                        record: n,
                        invalid_utf8: bad,
                        ..Default::default()
                    }
                }
            }
        };
        if emit(r, stats).is_break() {
            return Ok(Flow::Break(()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;

    fn read(path: &Path, opts: &InputOptions) -> (Vec<Report>, ReadStats) {
        let mut out = Vec::new();
        let mut stats = ReadStats::default();
        let counter = Arc::new(AtomicU64::new(0));
        read_reports(
            &[path.to_path_buf()],
            opts,
            &mut stats,
            &counter,
            &mut |r| {
                out.push(r);
                Flow::Continue(())
            },
        );
        (out, stats)
    }

    #[test]
    fn csv_rows_with_a_malformed_row_in_the_middle() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        std::fs::write(
            &p,
            "note_id,report\n1,Calcified granuloma.\n2,too,many\n3,\"No calcification.\"\n",
        )
        .unwrap();
        let (reports, stats) = read(&p, &InputOptions::default());
        assert_eq!(reports.len(), 3);
        assert_eq!(reports[0].id, "1");
        assert_eq!(reports[2].text, "No calcification.");
        assert!(reports[1].error.as_deref().unwrap().contains("3 fields"));
        assert_eq!(reports[1].line, 3);
        assert_eq!(stats.failed, 1);
        assert!(stats.errors[0].contains("r.csv:3"), "{:?}", stats.errors);
    }

    #[test]
    fn jsonl_with_columns_as_sections_and_a_broken_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.jsonl");
        std::fs::write(&p, "{\"uid\": 7, \"findings\": \"Calcified node.\", \"impression\": \"Old granulomatous disease.\"}\n{oops\n").unwrap();
        let opts = InputOptions {
            text_cols: vec!["findings".into(), "impression".into()],
            ..Default::default()
        };
        let (reports, _) = read(&p, &opts);
        assert_eq!(reports[0].id, "7");
        assert_eq!(
            &reports[0].columns[..],
            [(0, "findings".into()), (17, "impression".into())]
        );
        assert!(reports[1]
            .error
            .as_deref()
            .unwrap()
            .starts_with("malformed JSON line"));
        assert_eq!(reports[1].line, 2);
    }

    #[test]
    fn quote_tracker_follows_csv_quoting() {
        let state = |chunks: &[&[u8]]| {
            let mut t = QuoteTracker::new(io::empty(), b',');
            for c in chunks {
                t.track(c);
            }
            // byte by byte, as a row is read past, gives the same
            let (mut s, mut prev) = (Quoting::Outside, b'\n');
            for &b in chunks.iter().flat_map(|c| c.iter()) {
                s = s.after(b, prev, b',');
                prev = b;
            }
            assert_eq!(s, t.state, "{chunks:?}");
            t.state
        };
        let closed: &[&[u8]] = &[b"1,\"a \"\"b\"\" c\nd\",x\"y\n"];
        assert_eq!(state(closed), Quoting::Outside);
        assert_eq!(state(&[b"1,\"open\n2,no\n"]), Quoting::Quoted);
        // a quote inside an unquoted field is a character, not an opening
        assert_eq!(state(&[b"1,5\" nodule\n"]), Quoting::Outside);
        // the same, split across reads at every awkward place
        assert_eq!(state(&[b"1,", b"\"open"]), Quoting::Quoted);
        assert_eq!(state(&[b"1,\"a\"", b"\"b\"\n"]), Quoting::Outside);
        assert_eq!(state(&[b"1,\"a\"", b"\"b\n"]), Quoting::Quoted);
    }

    #[test]
    fn a_report_longer_than_the_limit_is_kept_failed_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        let pasted = "Calcified granuloma. ".repeat(100);
        std::fs::write(
            &p,
            format!("id,text\n1,Calcified granuloma.\n2,{pasted}\n3,No calcification.\n"),
        )
        .unwrap();
        let (reports, stats) = read(&p, &small_limit());
        // every report read, the long one marked, its text and size kept
        assert_eq!(reports.len(), 3);
        assert!(reports[0].error.is_none() && reports[2].error.is_none());
        let e = reports[1].error.as_deref().unwrap();
        assert!(e.contains("2100 bytes") && e.contains("(1000)"), "{e}");
        assert_eq!(reports[1].text.len(), 2100);
        assert_eq!(stats.failed, 1);
        assert!(stats.errors[0].starts_with(&format!("{}:3 (record 2)", p.display())));
        // no limit: read like any other
        let none = no_limit();
        assert!(read(&p, &none).0.iter().all(|r| r.error.is_none()));
    }

    /// No limit on a report's length.
    fn no_limit() -> InputOptions {
        InputOptions {
            max_report_bytes: None,
            ..Default::default()
        }
    }

    /// 1,000 bytes of report at most: rows are held up to 67,536 bytes.
    fn small_limit() -> InputOptions {
        InputOptions {
            max_report_bytes: Some(1000),
            ..Default::default()
        }
    }

    #[test]
    fn a_row_far_over_the_limit_is_read_past_and_the_rows_after_it_keep_their_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        // a report pasted 5,000 times into one quoted field, quotes doubled inside it
        let long = "Aortic \"\"knob\"\" calcification.\n".repeat(5000);
        let row = format!("2,\"{long}\",b\n");
        std::fs::write(
            &p,
            format!(
                "id,text,site\n1,Calcified granuloma.,a\n{row}3,Calcified granuloma in the right upper lobe.,c\n"
            ),
        )
        .unwrap();
        let opts = small_limit();
        let cap = opts.record_cap().unwrap();
        let (reports, stats) = read(&p, &opts);
        assert_eq!(reports.len(), 3);
        let cut = &reports[1];
        assert_eq!(cut.id, "2");
        let e = cut.error.as_deref().unwrap();
        assert!(e.contains(&format!("row of {} bytes", row.len())), "{e}");
        assert_eq!(cut.bytes(), row.len() as u64);
        assert!(cut.text.len() <= cap, "held {} bytes", cut.text.len());
        assert_eq!(stats.failed, 1);
        assert!(stats.errors[0].starts_with(&format!("{}:3 (record 2)", p.display())));
        // the row after it is read whole, on its own line
        let after = &reports[2];
        assert_eq!(after.id, "3");
        assert!(after.error.is_none());
        assert_eq!(after.text, "Calcified granuloma in the right upper lobe.");
        assert_eq!(after.line, 3 + 5000 + 1);
        // without a limit the row is read whole
        let none = no_limit();
        let (whole, _) = read(&p, &none);
        assert_eq!(whole[1].text, long.replace("\"\"", "\""));
        assert_eq!(whole[2].line, after.line);
        // the same row last, its closing quote the last byte of the file: closed, not open
        std::fs::write(&p, format!("id,text\n1,Calcified granuloma.\n2,\"{long}\"")).unwrap();
        let (reports, _) = read(&p, &opts);
        let e = reports[1].error.as_deref().unwrap();
        assert!(
            e.contains("read past") && !e.contains("unterminated"),
            "{e}"
        );
        assert!(read(&p, &none).0[1].error.is_none());
    }

    #[test]
    fn a_quote_left_open_does_not_read_the_rest_of_a_table_into_memory() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        let head = "id,text\n1,Calcified granuloma.\n";
        let rest: String = (3..4000)
            .map(|i| format!("{i},Calcified granuloma in the right upper lobe.\n"))
            .collect();
        let open = format!("2,\"Aortic calcification, the quote left open\n{rest}");
        std::fs::write(&p, format!("{head}{open}")).unwrap();
        let (reports, _) = read(&p, &small_limit());
        assert_eq!(reports.len(), 2);
        let e = reports[1].error.as_deref().unwrap();
        assert!(e.contains(&format!("row of {} bytes", open.len())), "{e}");
        assert!(reports[1].text.len() <= small_limit().record_cap().unwrap());
        // said as it is without a limit, where the whole rest is read into the row
        let (whole, _) = read(&p, &no_limit());
        let unterminated = whole[1].error.as_deref().unwrap();
        assert!(unterminated.starts_with("unterminated quote"));
        assert!(e.ends_with(unterminated), "{e}\n{unterminated}");
    }

    #[test]
    fn a_line_file_or_json_line_far_over_the_limit_is_read_past() {
        let dir = tempfile::tempdir().unwrap();
        let cap = small_limit().record_cap().unwrap();
        // lines: the long one cut, the next one whole and numbered
        let p = dir.path().join("notes.txt");
        let long = "calcified ".repeat(10_000);
        std::fs::write(
            &p,
            format!("Calcified granuloma.\n{long}\nNo calcification.\n"),
        )
        .unwrap();
        let opts = InputOptions {
            format: Some(InputFormat::Lines),
            ..small_limit()
        };
        let (reports, _) = read(&p, &opts);
        assert_eq!(reports.len(), 3);
        assert_eq!(reports[1].bytes(), 100_000);
        assert!(reports[1].text.len() <= cap);
        let e = reports[1].error.as_deref().unwrap();
        assert!(e.contains("report of 100000 bytes"), "{e}");
        assert_eq!(
            (reports[2].line, reports[2].text.as_str()),
            (3, "No calcification.")
        );
        // a text file: counted to its end, and a character cut at the cap is not invalid UTF-8
        let p = dir.path().join("pasted.txt");
        let text = format!("a{}", "é".repeat(60_000));
        std::fs::write(&p, &text).unwrap();
        let (reports, stats) = read(&p, &small_limit());
        assert_eq!(reports[0].bytes(), text.len() as u64);
        assert!(reports[0].text.len() < cap && reports[0].text.len() > cap - 4);
        assert_eq!((reports[0].invalid_utf8, stats.invalid_utf8), (0, 0));
        assert!(reports[0]
            .error
            .as_deref()
            .unwrap()
            .contains("report of 120001 bytes"));
        // JSON lines: the cut line keeps its place and its size; the next line is read
        let p = dir.path().join("r.jsonl");
        let line = format!("{{\"id\": \"b\", \"text\": \"{long}\"}}");
        std::fs::write(
            &p,
            format!(
                "{{\"id\": \"a\", \"text\": \"x\"}}\n{line}\n{{\"id\": \"c\", \"text\": \"y\"}}\n"
            ),
        )
        .unwrap();
        let (reports, _) = read(&p, &small_limit());
        let ids: Vec<&str> = reports.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", &format!("{}:2", p.display()), "c"]);
        assert_eq!(reports[1].bytes(), line.len() as u64);
        assert!(reports[1].error.as_deref().unwrap().contains("longer than"));
        assert_eq!(reports[2].text, "y");
    }

    #[test]
    fn sizes_read_with_binary_suffixes() {
        assert_eq!(parse_size("1048576"), Ok(Some(1 << 20)));
        assert_eq!(parse_size("1M"), Ok(Some(1 << 20)));
        assert_eq!(parse_size("512k"), Ok(Some(512 << 10)));
        assert_eq!(parse_size("2MiB"), Ok(Some(2 << 20)));
        assert_eq!(parse_size("1 GB"), Ok(Some(1 << 30)));
        assert_eq!(parse_size("0"), Ok(None));
        assert!(parse_size("1.5M").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn gzip_text_file_and_invalid_utf8() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("case-12.txt.gz");
        let mut gz =
            flate2::write::GzEncoder::new(File::create(&p).unwrap(), flate2::Compression::fast());
        gz.write_all(b"Calcified \xff granuloma.").unwrap();
        gz.finish().unwrap();
        let (reports, stats) = read(&p, &InputOptions::default());
        assert_eq!(reports[0].id, "case-12");
        assert_eq!(reports[0].invalid_utf8, 1);
        assert_eq!(stats.invalid_utf8, 1);
    }
}
