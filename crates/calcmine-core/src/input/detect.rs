//! What an input file is: its compression by extension, its format by extension or
//! `--input-format`, and opening it (stdin, plain, gzip, Zstandard) behind a byte counter.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};

use super::options::*;

/// How an input file is compressed, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Compression {
    None,
    /// `.gz` (every member of a multi-member file, as `cat a.gz b.gz` makes)
    Gzip,
    /// `.zst` (every frame)
    Zstd,
}

impl Compression {
    /// The compression of a file name, and the name without its compression extension.
    pub(super) fn of(name: &str) -> (Compression, &str) {
        let lower = name.to_ascii_lowercase();
        for (ext, c) in [(".gz", Compression::Gzip), (".zst", Compression::Zstd)] {
            if lower.ends_with(ext) {
                return (c, &name[..name.len() - ext.len()]);
            }
        }
        (Compression::None, name)
    }
}

pub(super) fn format_of(path: &Path, opts: &InputOptions) -> InputFormat {
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
    } else if base.ends_with(".parquet") {
        InputFormat::Parquet
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
pub(super) const READ_BUFFER: usize = 1 << 16;

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

pub(super) fn stem(path: &Path) -> String {
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

/// The id of a record of a table that has no id column (or a record without an id): its
/// file's stem and its record number (`notes:12`), as lines of a `.txt` are numbered, so that
/// two files' reports do not share ids; from stdin, the number alone.
pub(super) fn record_id(file: &str, n: u64) -> String {
    if file == "<stdin>" {
        n.to_string()
    } else {
        format!("{}:{n}", stem(Path::new(file)))
    }
}

pub(super) const BOM: &[u8] = b"\xef\xbb\xbf";

/// An I/O error in the middle of an input (a truncated `.gz`): where it happened and how many
/// reports of this file were read before it (they are kept).
pub(super) fn read_error(file: &str, line: u64, reports: u64, e: io::Error) -> Error {
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

pub(super) fn shown(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}
