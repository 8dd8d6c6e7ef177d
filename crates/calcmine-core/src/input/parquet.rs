//! Parquet tables (a warehouse export, an OMOP `NOTE` table, a Spark or DuckDB part file): the
//! same id and text column options as CSV, every row one report.
//!
//! Read a slice of rows at a time, never the whole file: each row group is cut into slices of
//! at most [`SLICE_ROWS`] rows and about [`SLICE_BYTES`] of its id and text columns (by the
//! sizes the file's metadata gives), and only the pages a slice needs are decompressed. Memory so stays bounded however large the file
//! and its row groups are (pyarrow writes up to a million rows to a row group).
//!
//! Each slice's rows become reports as the rows of any frame do (`frame.rs`: text columns may
//! be strings, large strings, string views, dictionary-encoded strings or binary; ids any type
//! Polars can cast to a string; a null text is an empty report, a null id the row's number in
//! the file).

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use polars::prelude::{DataFrame, ParallelStrategy, ParquetReader, SerReader};

use crate::error::{Error, Result};
use crate::model::Report;

use super::frame::{frame_reports, FrameColumns, SLICE_ROWS};
use super::options::*;

/// About how many bytes (uncompressed, of the columns read) one slice of rows holds at most.
pub(super) const SLICE_BYTES: usize = 4 << 20;

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
    let cols = FrameColumns::resolve(&header, opts, file)?;
    // the columns read: the id (if any), then each text column once, then the exam
    let wanted = cols.wanted();
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
            let polars_error = |e| polars_error(file, e);
            if frame_reports(
                &df,
                &cols,
                Some(file),
                &mut n,
                cap,
                stats,
                &polars_error,
                emit,
            )?
            .is_break()
            {
                return Ok(Flow::Break(()));
            }
        }
        offset += rows;
    }
    // the footer and headers: the file is read to its end
    counter.fetch_add(size.saturating_sub(counted), Ordering::Relaxed);
    Ok(Flow::Continue(()))
}
