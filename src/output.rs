//! Streaming writers for TSV, CSV and JSON lines, and atomic output files.
//!
//! Tables stream row by row so `extract` works in a pipeline at constant memory. Files are
//! written under a temporary name beside the target and renamed into place only when complete,
//! so a failed or interrupted run never leaves a half-written file under the final name.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::schema::Val;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Tsv,
    Csv,
    Jsonl,
}

/// A file being written under a temporary name; [`AtomicFile::commit`] renames it into place,
/// dropping it uncommitted removes it.
pub struct AtomicFile {
    /// `None` for a target written in place (see [`AtomicFile::create`]).
    tmp: Option<PathBuf>,
    target: PathBuf,
    file: Option<BufWriter<File>>,
}

/// Temporary files still open, so an interrupt (Ctrl-C) can remove them before exiting.
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Remove every temporary output file still pending (called from the Ctrl-C handler).
pub fn remove_pending() {
    if let Ok(v) = PENDING.lock() {
        for p in v.iter() {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<AtomicFile> {
        // A target that exists and is not a regular file (`-o /dev/null`, a named pipe,
        // `/dev/stdout`) is written in place: it cannot be swapped for a complete copy, and a
        // rename over it would replace the device or pipe itself (for root, /dev/null became a
        // regular file) instead of writing to it.
        if std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(target)
                .map_err(|e| Error::io(target, e))?;
            return Ok(AtomicFile {
                tmp: None,
                target: target.to_path_buf(),
                file: Some(BufWriter::with_capacity(1 << 16, file)),
            });
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let tmp = target.with_file_name(format!(".{name}.calcmine-tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        if let Ok(mut v) = PENDING.lock() {
            v.push(tmp.clone());
        }
        Ok(AtomicFile {
            tmp: Some(tmp),
            target: target.to_path_buf(),
            file: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flush, sync and rename into place (a target written in place is only flushed).
    pub fn commit(mut self) -> Result<()> {
        let w = self.file.take().expect("file is present until commit");
        let written = self.tmp.as_deref().unwrap_or(&self.target);
        let f = w
            .into_inner()
            .map_err(|e| Error::io(written, e.into_error()))?;
        let Some(tmp) = &self.tmp else {
            return Ok(());
        };
        f.sync_all().map_err(|e| Error::io(tmp, e))?;
        drop(f);
        std::fs::rename(tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        if let Ok(mut v) = PENDING.lock() {
            v.retain(|p| p != tmp);
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("open").write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("open").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let (Some(_), Some(tmp)) = (self.file.take(), &self.tmp) {
            let _ = std::fs::remove_file(tmp);
            if let Ok(mut v) = PENDING.lock() {
                v.retain(|p| p != tmp);
            }
        }
    }
}

/// Where a table goes: stdout, or an atomic file.
pub enum Sink {
    Stdout(BufWriter<io::Stdout>),
    File(AtomicFile),
}

impl Sink {
    pub fn open(path: Option<&Path>) -> Result<Sink> {
        Ok(match path {
            None => Sink::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())),
            Some(p) if p.as_os_str() == "-" => {
                Sink::Stdout(BufWriter::with_capacity(1 << 16, io::stdout()))
            }
            Some(p) => Sink::File(AtomicFile::create(p)?),
        })
    }
    pub fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush().map_err(|e| Error::io("<stdout>", e)),
            Sink::File(f) => f.commit(),
        }
    }
    fn name(&self) -> String {
        match self {
            Sink::Stdout(_) => "<stdout>".into(),
            Sink::File(f) => f.path().display().to_string(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::File(f) => f.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

/// How the rows of a table are written in one of the text formats: shared by the worker
/// threads, which format their batch's rows, so that the thread writing them in input order
/// only copies bytes (and the results are freed where they were made).
#[derive(Debug, Clone)]
pub struct RowFormat {
    format: Format,
    /// JSON lines: each column's key, quoted once.
    keys: Vec<String>,
}

impl RowFormat {
    pub fn new(format: Format, columns: &[&'static str]) -> RowFormat {
        let keys = match format {
            Format::Jsonl => columns
                .iter()
                .map(|c| serde_json::to_string(c).unwrap_or_default())
                .collect(),
            _ => Vec::new(),
        };
        RowFormat { format, keys }
    }

    /// Append one row, line break included, to `out`.
    pub fn push_row(&self, out: &mut String, values: &[Val<'_>]) {
        for (i, v) in values.iter().enumerate() {
            match self.format {
                Format::Tsv => {
                    if i > 0 {
                        out.push('\t');
                    }
                    tsv_value(out, v);
                }
                Format::Csv => {
                    if i > 0 {
                        out.push(',');
                    }
                    let mut s = String::new();
                    tsv_plain(&mut s, v);
                    out.push_str(&csv_field(&s));
                }
                Format::Jsonl => {
                    out.push(if i == 0 { '{' } else { ',' });
                    out.push_str(self.keys.get(i).map_or("\"\"", |k| k.as_str()));
                    out.push(':');
                    json_value(out, v);
                }
            }
        }
        if self.format == Format::Jsonl {
            out.push('}');
        }
        out.push('\n');
    }
}

/// A table written row by row in one of the text formats.
pub struct TableWriter {
    rows: RowFormat,
    sink: Sink,
    line: String,
}

impl TableWriter {
    pub fn new(sink: Sink, format: Format, columns: Vec<&'static str>) -> Result<TableWriter> {
        let mut w = TableWriter {
            rows: RowFormat::new(format, &columns),
            sink,
            line: String::with_capacity(1024),
        };
        match format {
            Format::Tsv => {
                let h = columns.join("\t");
                w.write_rows(&format!("{h}\n"))?;
            }
            Format::Csv => {
                let h = columns
                    .iter()
                    .map(|c| csv_field(c))
                    .collect::<Vec<_>>()
                    .join(",");
                w.write_rows(&format!("{h}\n"))?;
            }
            Format::Jsonl => {}
        }
        Ok(w)
    }

    /// How this table's rows are formatted, for rows formatted elsewhere and written with
    /// [`TableWriter::write_rows`].
    pub fn row_format(&self) -> &RowFormat {
        &self.rows
    }

    /// Write rows formatted with [`TableWriter::row_format`].
    pub fn write_rows(&mut self, rows: &str) -> Result<()> {
        self.sink
            .write_all(rows.as_bytes())
            .map_err(|e| Error::io(self.sink.name(), e))
    }

    pub fn row(&mut self, values: &[Val<'_>]) -> Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        self.rows.push_row(&mut line, values);
        let r = self.write_rows(&line);
        self.line = line;
        r
    }

    pub fn finish(self) -> Result<()> {
        self.sink.finish()
    }
}

/// Lists in TSV and CSV cells are joined with this separator.
pub const LIST_SEP: &str = "|";

fn tsv_plain(out: &mut String, v: &Val<'_>) {
    use std::fmt::Write as _;
    match v {
        Val::Str(s) => out.push_str(s),
        Val::Owned(s) => out.push_str(s),
        Val::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Float(Some(f)) => out.push_str(&crate::schema::trim_float(*f)),
        Val::Float(None) | Val::Null => {}
        Val::List(l) => out.push_str(&l.join(LIST_SEP)),
    }
}

/// TSV cells escape tab, newline, carriage return and backslash (the "linear TSV" convention),
/// so a sentence with a line break stays on one row.
fn tsv_value(out: &mut String, v: &Val<'_>) {
    let mut s = String::new();
    tsv_plain(&mut s, v);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn json_value(out: &mut String, v: &Val<'_>) {
    match v {
        Val::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        Val::Owned(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        Val::Int(i) => out.push_str(&i.to_string()),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Float(Some(f)) if f.is_finite() => out.push_str(&crate::schema::trim_float(*f)),
        Val::Float(_) | Val::Null => out.push_str("null"),
        Val::List(l) => out.push_str(&serde_json::to_string(l).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.tsv");
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"half").unwrap();
            // dropped without commit: as after an error
        }
        assert!(!target.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temporary file removed"
        );
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"whole").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "whole");
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("rows.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skip: no mkfifo");
            return;
        }
        // whoever reads the pipe gets the rows
        let (tx, rx) = std::sync::mpsc::channel();
        let reading = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(std::fs::read_to_string(&reading));
        });
        let mut f = AtomicFile::create(&fifo).unwrap();
        f.write_all(b"report_id\tterm\n").unwrap();
        f.commit().unwrap();
        let got = rx.recv_timeout(std::time::Duration::from_secs(20));
        assert_eq!(got.unwrap().unwrap(), "report_id\tterm\n");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn tsv_escapes_and_csv_quotes() {
        let mut s = String::new();
        tsv_value(&mut s, &Val::Str("a\tb\nc"));
        assert_eq!(s, "a\\tb\\nc");
        assert_eq!(csv_field("calcified, dense"), "\"calcified, dense\"");
        let mut j = String::new();
        json_value(&mut j, &Val::List(vec!["punctate".into(), "coarse".into()]));
        assert_eq!(j, "[\"punctate\",\"coarse\"]");
    }
}
