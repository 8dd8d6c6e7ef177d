//! Streaming writers for TSV, CSV and JSON lines: tables stream row by row so `extract` works in
//! a pipeline at constant memory.

use std::io::Write;

use calcmine_core::error::{Error, Result};

use super::schema::{RecordFields, Val};
use super::{Format, Sink};

/// How the rows of a table are written in one of the text formats: shared by the worker
/// threads, which format their batch's rows, so that the thread writing them in input order
/// only copies bytes (and the results are freed where they were made).
#[derive(Debug, Clone)]
pub struct RowFormat {
    format: Format,
    /// JSON lines: each column's key, quoted once.
    keys: Vec<String>,
    /// `--csv-safe`: text cells that a spreadsheet would read as a formula get a `'` first.
    csv_safe: bool,
}

/// True for a cell a spreadsheet (Excel, LibreOffice, Google Sheets) would run as a formula
/// when the file is opened: it starts with `=`, `+`, `-`, `@`, a tab or a carriage return
/// (OWASP's list for CSV injection). Report text can start so ("- calcified granuloma").
fn formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

impl RowFormat {
    /// `format` is a text format; NOTE_NLP rows are CSV (and Parquet, never written here, too).
    pub fn new(format: Format, columns: &[&'static str]) -> RowFormat {
        let format = match format {
            Format::Tsv | Format::Jsonl => format,
            Format::Csv | Format::NoteNlp | Format::Parquet => Format::Csv,
        };
        let keys = match format {
            Format::Jsonl => columns
                .iter()
                .map(|c| serde_json::to_string(c).unwrap_or_default())
                .collect(),
            _ => Vec::new(),
        };
        RowFormat {
            format,
            keys,
            csv_safe: false,
        }
    }

    /// Prefix formula-like text cells with `'` (`--csv-safe`; TSV and CSV only): the
    /// spreadsheet shows the text and runs nothing. Off by default: the files are data, and a
    /// program reading them must get the text as written.
    pub fn csv_safe(mut self, on: bool) -> RowFormat {
        self.csv_safe = on && self.format != Format::Jsonl;
        self
    }

    /// Append one row, line break included, to `out`.
    pub fn push_row(&self, out: &mut String, values: &[Val<'_>]) {
        for (i, v) in values.iter().enumerate() {
            let text_cell = matches!(v, Val::Str(_) | Val::Owned(_) | Val::List(_));
            if self.csv_safe && text_cell {
                let mut s = String::new();
                tsv_plain(&mut s, v);
                if formula_like(&s) {
                    let safe = Val::Owned(format!("'{s}"));
                    self.push_cell(out, i, &safe);
                    continue;
                }
            }
            self.push_cell(out, i, v);
        }
        if self.format == Format::Jsonl {
            out.push('}');
        }
        out.push('\n');
    }

    /// Append cell `i` of a row (with the separator before it).
    fn push_cell(&self, out: &mut String, i: usize, v: &Val<'_>) {
        match self.format {
            Format::Tsv => {
                if i > 0 {
                    out.push('\t');
                }
                tsv_value(out, v);
            }
            Format::Csv | Format::NoteNlp | Format::Parquet => {
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
        match w.rows.format {
            Format::Tsv => {
                let h = columns.join("\t");
                w.write_rows(&format!("{h}\n"))?;
            }
            Format::Csv | Format::NoteNlp | Format::Parquet => {
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

    /// See [`RowFormat::csv_safe`].
    pub fn csv_safe(mut self, on: bool) -> TableWriter {
        self.rows = self.rows.csv_safe(on);
        self
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
        Val::Float(Some(f)) => out.push_str(&crate::output::schema::trim_float(*f)),
        Val::Float(None) | Val::Null => {}
        Val::List(l) => out.push_str(&l.join(LIST_SEP)),
        // a cell cannot nest: the records as a JSON array, which every CSV reader keeps whole
        Val::Records(fields, rows) => json_records(out, fields, rows),
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
        Val::Float(Some(f)) if f.is_finite() => {
            out.push_str(&crate::output::schema::trim_float(*f))
        }
        Val::Float(_) | Val::Null => out.push_str("null"),
        Val::List(l) => out.push_str(&serde_json::to_string(l).unwrap_or_default()),
        Val::Records(fields, rows) => json_records(out, fields, rows),
    }
}

/// Records as a JSON array of objects, fields in their schema order (`[{"rule": …}, …]`).
pub fn json_records(out: &mut String, fields: RecordFields, rows: &[Vec<Val<'_>>]) {
    out.push('[');
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        for (j, ((name, _), v)) in fields.iter().zip(row).enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(name);
            out.push_str("\":");
            json_value(out, v);
        }
        out.push('}');
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

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
