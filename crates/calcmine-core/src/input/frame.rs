//! Reports from Polars frames: the rows of a Parquet slice (`parquet.rs`), or a table handed
//! over in memory (the Python package's frames). The same id, text and exam column options as
//! CSV, every row one report.
//!
//! Text columns may be strings, string views, dictionary-encoded strings (categoricals) or
//! binary (decoded as UTF-8, invalid sequences replaced and counted); ids any type Polars can
//! cast to a string (integers: `12345`). A null text is a report with an empty text, counted in
//! [`ReadStats::null_texts`]; a null id becomes the row's number.

use std::sync::Arc;

use polars::prelude::{Column, DataFrame, DataType, PolarsError, PolarsResult};

use crate::error::{Error, Result};
use crate::model::{ColumnSections, Report};
use crate::text::decode_lossy;

use super::columns::*;
use super::options::*;

/// The most rows of one slice of a frame (a Parquet row group's, a table's in memory) read at
/// a time (short reports: each row costs a report's overhead too).
pub(super) const SLICE_ROWS: usize = 16_384;

/// The columns of a frame a run reads: the id (if any), the text columns with their section
/// names, the exam description (if any), resolved once from the frame's column names.
#[derive(Debug, Clone)]
pub struct FrameColumns {
    id: Option<String>,
    texts: Vec<(String, Arc<str>)>,
    exam: Option<String>,
    /// The sections of a report of a table with one text column, shared by every report.
    one_column: Option<ColumnSections>,
}

impl FrameColumns {
    /// Resolve the columns of a table with this header, as for a CSV file (`name` is the table's
    /// name in error messages): `--id-col`, `--text-col` and `--exam-col` or their defaults.
    pub fn resolve(header: &[String], opts: &InputOptions, name: &str) -> Result<FrameColumns> {
        let (id, texts) = resolve_columns(header, opts, name)?;
        let exam = resolve_exam_column(header, opts, name)?;
        let one_column: Option<ColumnSections> = match &texts[..] {
            [(_, section)] => Some(Arc::new([(0, section.clone())])),
            _ => None,
        };
        Ok(FrameColumns {
            id: id.map(|i| header[i].clone()),
            texts: texts
                .into_iter()
                .map(|(i, section)| (header[i].clone(), section))
                .collect(),
            exam: exam.map(|i| header[i].clone()),
            one_column,
        })
    }

    /// The names of the columns read, each once: the id, the texts, the exam.
    pub fn wanted(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let names = self
            .id
            .iter()
            .chain(self.texts.iter().map(|(c, _)| c))
            .chain(self.exam.iter());
        for c in names {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    }
}

/// The values of one column, as strings: `None` for a null. `bad` counts replaced invalid
/// UTF-8 sequences (binary columns only: strings are valid UTF-8).
fn strings(col: &Column, bad: &mut usize) -> PolarsResult<Vec<Option<String>>> {
    let s = col.as_materialized_series();
    Ok(match s.dtype() {
        DataType::String => s.str()?.iter().map(|v| v.map(str::to_owned)).collect(),
        DataType::Binary => s
            .binary()?
            .iter()
            .map(|v| {
                v.map(|b| {
                    let (t, k) = decode_lossy(b.to_vec());
                    *bad += k;
                    t
                })
            })
            .collect(),
        // dictionary-encoded strings (categoricals), integers and anything else with a text form
        _ => s
            .cast(&DataType::String)?
            .str()?
            .iter()
            .map(|v| v.map(str::to_owned))
            .collect(),
    })
}

/// Each row of `df` as a report, in order; `n` is the number of rows before it (numbers the
/// reports and names those without an id: `notes:12` for row 12 of a file `notes.parquet`, so
/// two files cannot collide; `12` for a table in memory, `file` `None`), `cap` the record cap
/// ([`InputOptions::record_cap`]). Errors of Polars are given to `polars_error`.
#[allow(clippy::too_many_arguments)]
pub(super) fn frame_reports(
    df: &DataFrame,
    cols: &FrameColumns,
    file: Option<&str>,
    n: &mut u64,
    cap: Option<usize>,
    stats: &mut ReadStats,
    polars_error: &dyn Fn(PolarsError) -> Error,
    emit: &mut dyn FnMut(Report, &mut ReadStats) -> Flow,
) -> Result<Flow> {
    let mut bad = 0usize;
    let column = |name: &str, bad: &mut usize| {
        df.column(name)
            .and_then(|c| strings(c, bad))
            .map_err(polars_error)
    };
    let ids = match &cols.id {
        Some(c) => Some(column(c, &mut bad)?),
        None => None,
    };
    let mut texts: Vec<(Arc<str>, std::vec::IntoIter<Option<String>>)> = Vec::new();
    for (c, section) in &cols.texts {
        texts.push((section.clone(), column(c, &mut bad)?.into_iter()));
    }
    let mut ids = ids.map(|v| v.into_iter());
    let mut exams = match &cols.exam {
        Some(c) => Some(column(c, &mut bad)?.into_iter()),
        None => None,
    };
    // invalid UTF-8 is counted per frame, on its first report
    let mut bad_here = bad;
    for _ in 0..df.height() {
        *n += 1;
        let id = ids
            .as_mut()
            .and_then(|it| it.next().flatten())
            .unwrap_or_else(|| match file {
                Some(f) => super::detect::record_id(f, *n),
                None => n.to_string(),
            });
        let exam = exams.as_mut().and_then(|it| it.next().flatten());
        let mut null = false;
        let mut fields: Vec<(Arc<str>, String)> = Vec::with_capacity(texts.len());
        for (name, values) in texts.iter_mut() {
            let v = values.next().flatten();
            null |= v.is_none();
            fields.push((name.clone(), v.unwrap_or_default()));
        }
        stats.null_texts += null as u64;
        let (mut text, columns) = match (fields.len(), &cols.one_column) {
            (1, Some(one)) => (fields.swap_remove(0).1, one.clone()),
            _ => assemble(fields),
        };
        // a text past what a record may hold is not analysed: its size is kept, not its text
        // (as the CSV reader reads past such a row)
        let mut dropped_bytes = 0;
        if cap.is_some_and(|c| text.len() > c) {
            dropped_bytes = text.len() as u64;
            text = String::new();
        }
        let r = Report {
            id,
            text,
            columns,
            line: *n,
            record: *n,
            invalid_utf8: std::mem::take(&mut bad_here),
            exam,
            dropped_bytes,
            ..Default::default()
        };
        if emit(r, stats).is_break() {
            return Ok(Flow::Break(()));
        }
    }
    Ok(Flow::Continue(()))
}

/// Read the reports of a table held in memory, as frames (the chunks of one table, in order):
/// every row one report, like a row of a CSV or Parquet file named `name`, with the same
/// accounting (counts in `stats`, reports over `--max-report-bytes` failed, their errors in
/// `stats.errors`). Frames are read a slice of rows at a time, so the reports' text copies in
/// memory are bounded by the slice, not the table.
pub fn read_frames(
    frames: &[DataFrame],
    cols: &FrameColumns,
    name: &str,
    opts: &InputOptions,
    stats: &mut ReadStats,
    f: &mut dyn FnMut(Report) -> Flow,
) -> Result<Flow> {
    let source: Arc<str> = name.into();
    let mut emit = tally(name, &source, opts, f);
    let polars_error = |e: PolarsError| {
        Error::input(
            crate::error::Location {
                file: name.into(),
                line: None,
                record: None,
            },
            format!("cannot read the table: {e}"),
        )
    };
    let cap = opts.record_cap();
    let mut n = 0u64;
    for df in frames {
        let mut done = 0usize;
        while done < df.height() {
            let len = SLICE_ROWS.min(df.height() - done);
            let slice = df.slice(done as i64, len);
            done += len;
            if frame_reports(
                &slice,
                cols,
                None,
                &mut n,
                cap,
                stats,
                &polars_error,
                &mut emit,
            )?
            .is_break()
            {
                return Ok(Flow::Break(()));
            }
        }
    }
    Ok(Flow::Continue(()))
}
