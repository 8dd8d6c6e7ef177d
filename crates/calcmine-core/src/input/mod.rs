//! Reading reports: stdin, `.txt` files, directories of them, `.csv` / `.tsv` and `.jsonl`
//! tables, and `.gz` and `.zst` versions of all of these; with the `parquet` feature, Parquet
//! files and directories of Parquet part files, and tables held in memory as Polars frames.
//!
//! Every record becomes one [`Report`]. Nothing is dropped: a malformed CSV row or JSON line
//! becomes a report with `error` set (and is reported with file and line), invalid UTF-8 is
//! decoded lossily and counted.

mod capped;
mod columns;
mod detect;
mod file;
#[cfg(feature = "parquet")]
mod frame;
mod jsonl;
mod options;
#[cfg(feature = "parquet")]
mod parquet;
mod table;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::Report;

pub use detect::{open, Counting};
#[cfg(feature = "parquet")]
pub use frame::{read_frames, FrameColumns};
pub use options::*;

use detect::Compression;
use file::read_file;

/// The files an input path stands for: itself, or for a directory every `.txt` (and
/// `.txt.gz`, `.txt.zst`) below it, or every `.parquet` part file below it (as Spark and DuckDB
/// write a table: names starting with `.` or `_`, such as `_SUCCESS` and `_temporary/`, are
/// not parts), sorted by path.
pub fn expand(path: &Path) -> Result<Vec<PathBuf>> {
    if path.as_os_str() == "-" {
        return Ok(vec![path.to_path_buf()]);
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let (mut txt, mut parts) = (Vec::new(), Vec::new());
    // (directory, whether a name on the way to it starts with `.` or `_`)
    let mut stack = vec![(path.to_path_buf(), false)];
    while let Some((dir, hidden)) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let p = entry.path();
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let hidden = hidden || name.starts_with('.') || name.starts_with('_');
            if p.is_dir() {
                stack.push((p, hidden));
            } else if Compression::of(&name).1.ends_with(".txt") {
                txt.push(p);
            } else if name.ends_with(".parquet") && !hidden {
                parts.push(p);
            }
        }
    }
    let mut out = match (txt.is_empty(), parts.is_empty()) {
        (true, true) => {
            return Err(Error::Usage(format!(
                "{}: no .txt, .txt.gz, .txt.zst or .parquet files in this directory (other tables must be named one by one)",
                path.display()
            )))
        }
        (false, false) => {
            return Err(Error::Usage(format!(
                "{}: this directory holds both .txt reports and .parquet files; name the ones to read",
                path.display()
            )))
        }
        (true, false) => parts,
        (false, true) => txt,
    };
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
