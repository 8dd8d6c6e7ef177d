//! Everything calcmine writes: the output schema (the columns of every table), Polars frames
//! and the cohort summary, the text formats, the row-group table writer that `mine` and `audit`
//! share, and atomic files.
//!
//! - [`schema`]: the columns of the mentions, reports and audit tables, their kinds and values;
//!   one place to add a column.
//! - [`text`]: TSV, CSV and JSON lines, streamed row by row.
//! - [`frame`]: Polars frames built from the schema; [`summary`]: `summary.csv`.
//! - [`table`]: a Parquet or CSV table written in row groups.
//! - [`atomic`]: files that appear under their name only when complete.

pub mod atomic;
pub mod frame;
pub mod schema;
pub mod summary;
pub mod table;
pub mod text;

#[cfg(test)]
mod tests;

use std::io::{self, BufWriter, Write};
use std::path::Path;

use calcmine_core::error::{Error, Result};

pub use atomic::{remove_pending, AtomicFile};
pub use text::{RowFormat, TableWriter, LIST_SEP};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Tsv,
    Csv,
    Jsonl,
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
