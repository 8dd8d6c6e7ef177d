//! Reading reports: stdin, `.txt` files, directories of them, `.csv` / `.tsv` and `.jsonl`
//! tables, and `.gz` and `.zst` versions of all of these.
//!
//! Every record becomes one [`Report`]. Nothing is dropped: a malformed CSV row or JSON line
//! becomes a report with `error` set (and is reported with file and line), invalid UTF-8 is
//! decoded lossily and counted.

mod capped;
mod columns;
mod detect;
mod file;
mod jsonl;
mod options;
mod table;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::Report;

pub use detect::{open, Counting};
pub use options::*;

use detect::Compression;
use file::read_file;

/// The files an input path stands for: itself, or for a directory every `.txt` (and
/// `.txt.gz`, `.txt.zst`) below it, sorted.
pub fn expand(path: &Path) -> Result<Vec<PathBuf>> {
    if path.as_os_str() == "-" {
        return Ok(vec![path.to_path_buf()]);
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                if Compression::of(&name).1.ends_with(".txt") {
                    out.push(p);
                }
            }
        }
    }
    if out.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no .txt, .txt.gz or .txt.zst files in this directory (tables must be named one by one)",
            path.display()
        )));
    }
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
