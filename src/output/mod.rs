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
//! - [`outdir`]: `mine`'s set of files, committed as one, one run at a time.
//! - [`target`]: a table's format and compression, from `--format` or the file's name.
//! - [`omop`]: OMOP CDM NOTE_NLP rows (ids, snippets, modifiers, concept maps).

pub mod atomic;
pub mod frame;
pub mod omop;
pub mod outdir;
pub mod reasons;
pub mod schema;
pub mod summary;
pub mod table;
pub mod target;
pub mod text;

#[cfg(test)]
mod tests;

use std::io::{self, BufWriter, Write};
use std::path::Path;

use calcmine_core::error::{Error, Result};

pub use atomic::{remove_pending, AtomicFile};
pub use target::{Compress, Format, Target};
pub use text::{RowFormat, TableWriter, LIST_SEP};

/// Where a table goes: stdout, or an atomic file (compressed when its name asks for it).
pub enum Sink {
    Stdout(BufWriter<io::Stdout>),
    File(AtomicFile),
    // boxed: an encoder's state is large, and most sinks are not compressed
    Gzip(Box<flate2::write::GzEncoder<AtomicFile>>),
    Zstd(Box<zstd::stream::write::Encoder<'static, AtomicFile>>),
}

impl Sink {
    pub fn open(path: Option<&Path>) -> Result<Sink> {
        Sink::open_as(path, Compress::None)
    }

    /// A sink compressed as `compress` says (for a file; stdout is never compressed).
    pub fn open_as(path: Option<&Path>, compress: Compress) -> Result<Sink> {
        Ok(match path {
            None => Sink::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())),
            Some(p) if p.as_os_str() == "-" => {
                Sink::Stdout(BufWriter::with_capacity(1 << 16, io::stdout()))
            }
            Some(p) => {
                let f = AtomicFile::create(p)?;
                match compress {
                    Compress::None => Sink::File(f),
                    Compress::Gzip => Sink::Gzip(Box::new(flate2::write::GzEncoder::new(
                        f,
                        flate2::Compression::default(),
                    ))),
                    Compress::Zstd => Sink::Zstd(Box::new(
                        zstd::stream::write::Encoder::new(f, 0).map_err(|e| Error::io(p, e))?,
                    )),
                }
            }
        })
    }

    pub fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush().map_err(|e| Error::io("<stdout>", e)),
            Sink::File(f) => f.commit(),
            Sink::Gzip(w) => {
                let name = w.get_ref().path().to_path_buf();
                w.finish().map_err(|e| Error::io(name, e))?.commit()
            }
            Sink::Zstd(w) => {
                let name = w.get_ref().path().to_path_buf();
                w.finish().map_err(|e| Error::io(name, e))?.commit()
            }
        }
    }

    fn name(&self) -> String {
        match self {
            Sink::Stdout(_) => "<stdout>".into(),
            Sink::File(f) => f.path().display().to_string(),
            Sink::Gzip(w) => w.get_ref().path().display().to_string(),
            Sink::Zstd(w) => w.get_ref().path().display().to_string(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::File(f) => f.write(buf),
            Sink::Gzip(w) => w.write(buf),
            Sink::Zstd(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::File(f) => f.flush(),
            Sink::Gzip(w) => w.flush(),
            Sink::Zstd(w) => w.flush(),
        }
    }
}
