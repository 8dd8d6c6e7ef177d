//! Reading one input file: dispatch by format, plain-text reports (one per file, or one per
//! line), and reading lines with a cap on what is kept in memory.

use std::io::{self, BufRead, Read};
use std::path::Path;

use crate::error::Result;
use crate::model::Report;
use crate::text::decode_lossy;

use super::capped::*;
use super::detect::*;
use super::jsonl::*;
use super::options::*;
use super::table::*;
use super::utf16::*;

pub(super) fn read_file(
    path: &Path,
    opts: &InputOptions,
    stats: &mut ReadStats,
    counter: &std::sync::Arc<std::sync::atomic::AtomicU64>,
    f: &mut dyn FnMut(Report) -> Flow,
) -> Result<Flow> {
    let is_stdin = path.as_os_str() == "-";
    let fmt = format_of(path, opts);
    let file = shown(path);
    let source: std::sync::Arc<str> = file.as_str().into();
    let mut emit = tally(&file, &source, opts, f);
    if fmt == InputFormat::Parquet {
        return read_parquet_file(path, &file, opts, stats, counter, &mut emit);
    }
    let mut reader = open(path, counter)?;
    // A UTF-8 byte-order mark is an encoding marker, not text: it would hide a header on the
    // first line ("\u{feff}FINDINGS:") and break the first JSON line. A UTF-16 one says the
    // file is UTF-16: decoded to UTF-8 as it is read (offsets index the UTF-8 text).
    let utf16 = match reader.fill_buf() {
        Ok(b) if b.starts_with(BOM) => {
            reader.consume(BOM.len());
            None
        }
        Ok(b) => utf16_bom(b),
        Err(e) => return Err(read_error(&file, 1, 0, e)),
    };
    if let Some(big_endian) = utf16 {
        reader.consume(2);
        reader = Box::new(io::BufReader::with_capacity(
            READ_BUFFER,
            Utf16Reader::new(reader, big_endian),
        ));
    }
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
        InputFormat::Parquet => unreachable!("read above"),
    }
}

/// A Parquet file, by the reader of the `parquet` feature.
#[cfg(feature = "parquet")]
fn read_parquet_file(
    path: &Path,
    file: &str,
    opts: &InputOptions,
    stats: &mut ReadStats,
    counter: &std::sync::Arc<std::sync::atomic::AtomicU64>,
    emit: &mut dyn FnMut(Report, &mut ReadStats) -> Flow,
) -> Result<Flow> {
    if Compression::of(file).0 != Compression::None {
        return Err(crate::error::Error::Usage(format!(
            "{file}: a Parquet file is compressed inside; decompress it first"
        )));
    }
    super::parquet::read_parquet(path, file, opts, stats, counter, emit)
}

/// Without the `parquet` feature (the engine built alone), a Parquet input is an error.
#[cfg(not(feature = "parquet"))]
fn read_parquet_file(
    _path: &Path,
    file: &str,
    _opts: &InputOptions,
    _stats: &mut ReadStats,
    _counter: &std::sync::Arc<std::sync::atomic::AtomicU64>,
    _emit: &mut dyn FnMut(Report, &mut ReadStats) -> Flow,
) -> Result<Flow> {
    Err(crate::error::Error::Usage(format!(
        "{file}: this build of calcmine-core reads no Parquet (build it with the `parquet` feature)"
    )))
}
