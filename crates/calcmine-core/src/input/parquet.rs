//! Parquet tables (a warehouse export, an OMOP `NOTE` table, a Spark or DuckDB part file): the
//! same id and text column options as CSV, every row one report.
//!
//! Read a slice of rows at a time, never the whole file: each row group is cut into slices of
//! at most [`SLICE_ROWS`] rows and about [`SLICE_BYTES`] of its id and text columns (by the
//! sizes the file's metadata gives), and only the pages a slice needs are decompressed. Memory so stays bounded however large the file
//! and its row groups are (pyarrow writes up to a million rows to a row group).
//!
//! Text columns may be strings, large strings, string views, dictionary-encoded strings or
//! binary (decoded as UTF-8, invalid sequences replaced and counted); ids any type Polars can
//! cast to a string (integers: `12345`). A null text is a report with an empty text, counted in
//! [`ReadStats::null_texts`]; a null id becomes the row's number in the file.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use polars::prelude::{
    Column, DataFrame, DataType, ParallelStrategy, ParquetReader, PolarsResult, SerReader,
};

use crate::error::{Error, Result};
use crate::model::{ColumnSections, Report};
use crate::text::decode_lossy;

use super::columns::*;
use super::detect::record_id;
use super::options::*;

/// About how many bytes (uncompressed, of the columns read) one slice of rows holds at most.
pub(super) const SLICE_BYTES: usize = 4 << 20;
/// The most rows of one slice (short reports: each row costs a report's overhead too).
pub(super) const SLICE_ROWS: usize = 16_384;

fn polars_error(file: &str, e: polars::prelude::PolarsError) -> Error {
    Error::input(
        crate::error::Location {
            file: file.into(),
            line: None,
            record: None,
        },
        format!("cannot read as Parquet: {e}"),
    )
}

/// The values of one column of a slice, as strings: `None` for a null. `bad` counts replaced
/// invalid UTF-8 sequences (binary columns only: Parquet strings are valid UTF-8).
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

pub(super) fn read_parquet(
    path: &Path,
    file: &str,
    opts: &InputOptions,
    stats: &mut ReadStats,
    counter: &Arc<AtomicU64>,
    emit: &mut dyn FnMut(Report, &mut ReadStats) -> Flow,
) -> Result<Flow> {
    if path.as_os_str() == "-" {
        return Err(Error::Usage(
            "Parquet cannot be read from stdin (it is read from its end): name the file".into(),
        ));
    }
    let open = || File::open(path).map_err(|e| Error::io(path, e));
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut first = ParquetReader::new(open()?);
    let schema = first.schema().map_err(|e| polars_error(file, e))?;
    let metadata = first
        .get_metadata()
        .map_err(|e| polars_error(file, e))?
        .clone();
    let header: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let (id_col, text_cols) = resolve_columns(&header, opts, file)?;
    let exam_col = resolve_exam_column(&header, opts, file)?;
    // the columns read: the id (if any), then each text column once
    let mut wanted: Vec<String> = Vec::new();
    for i in id_col
        .iter()
        .chain(text_cols.iter().map(|(i, _)| i))
        .chain(exam_col.iter())
    {
        if !wanted.contains(&header[*i]) {
            wanted.push(header[*i].clone());
        }
    }
    let one_column: Option<ColumnSections> = match &text_cols[..] {
        [(_, name)] => Some(Arc::new([(0, name.clone())])),
        _ => None,
    };
    let cap = opts.record_cap();
    let mut n = 0u64;
    let mut counted = 0u64;
    let mut offset = 0usize;
    for rg in &metadata.row_groups {
        let rows = rg.num_rows();
        // bytes of the columns read in this row group, uncompressed, for the slice length
        let bytes: usize = wanted
            .iter()
            .filter_map(|c| rg.columns_under_root_iter(c))
            .flatten()
            .map(|c| c.uncompressed_size().max(0) as usize)
            .sum();
        let per_slice = match bytes / rows.max(1) {
            0 => SLICE_ROWS,
            per_row => (SLICE_BYTES / per_row).clamp(1, SLICE_ROWS),
        };
        let compressed = rg.compressed_size() as u64;
        let mut done = 0usize;
        while done < rows {
            let len = per_slice.min(rows - done);
            let mut reader = ParquetReader::new(open()?);
            reader.set_metadata(metadata.clone());
            let df: DataFrame = reader
                .with_columns(Some(wanted.clone()))
                .with_slice(Some((offset + done, len)))
                .read_parallel(ParallelStrategy::RowGroups)
                .finish()
                .map_err(|e| polars_error(file, e))?;
            // progress: this row group's compressed bytes, in proportion to the rows read
            let at = compressed * (done + len) as u64 / rows as u64;
            counter.fetch_add(
                at - compressed * done as u64 / rows as u64,
                Ordering::Relaxed,
            );
            counted += at - compressed * done as u64 / rows as u64;
            done += len;
            let mut bad = 0usize;
            let column = |name: &str, bad: &mut usize| {
                df.column(name)
                    .and_then(|c| strings(c, bad))
                    .map_err(|e| polars_error(file, e))
            };
            let ids = match id_col {
                Some(i) => Some(column(&header[i], &mut bad)?),
                None => None,
            };
            let mut texts: Vec<(Arc<str>, std::vec::IntoIter<Option<String>>)> = Vec::new();
            for (i, name) in &text_cols {
                texts.push((name.clone(), column(&header[*i], &mut bad)?.into_iter()));
            }
            let mut ids = ids.map(|v| v.into_iter());
            let mut exams = match exam_col {
                Some(i) => Some(column(&header[i], &mut bad)?.into_iter()),
                None => None,
            };
            // invalid UTF-8 is counted per slice, on its first report
            let mut bad_here = bad;
            for _ in 0..df.height() {
                n += 1;
                let id = ids
                    .as_mut()
                    .and_then(|it| it.next().flatten())
                    .unwrap_or_else(|| record_id(file, n));
                let exam = exams.as_mut().and_then(|it| it.next().flatten());
                let mut null = false;
                let mut fields: Vec<(Arc<str>, String)> = Vec::with_capacity(texts.len());
                for (name, values) in texts.iter_mut() {
                    let v = values.next().flatten();
                    null |= v.is_none();
                    fields.push((name.clone(), v.unwrap_or_default()));
                }
                stats.null_texts += null as u64;
                let (mut text, columns) = match (fields.len(), &one_column) {
                    (1, Some(one)) => (fields.swap_remove(0).1, one.clone()),
                    _ => assemble(fields),
                };
                // a text past what a record may hold is not analysed: its size is kept, not
                // its text (as the CSV reader reads past such a row)
                let mut dropped_bytes = 0;
                if cap.is_some_and(|c| text.len() > c) {
                    dropped_bytes = text.len() as u64;
                    text = String::new();
                }
                let r = Report {
                    id,
                    text,
                    columns,
                    line: n,
                    record: n,
                    invalid_utf8: std::mem::take(&mut bad_here),
                    exam,
                    dropped_bytes,
                    ..Default::default()
                };
                if emit(r, stats).is_break() {
                    return Ok(Flow::Break(()));
                }
            }
        }
        offset += rows;
    }
    // the footer and headers: the file is read to its end
    counter.fetch_add(size.saturating_sub(counted), Ordering::Relaxed);
    Ok(Flow::Continue(()))
}
