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
mod utf16;
mod walk;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::Report;

pub use detect::{open, Counting};
#[cfg(feature = "parquet")]
pub use frame::{read_frames, FrameColumns};
pub use options::*;

use file::read_file;

/// The files an input path stands for: itself (whatever it is: a path named on the command
/// line is read, as `cat` would), or for a directory the files below it (see `walk`), without
/// following symbolic links.
pub fn expand(path: &Path) -> Result<Vec<PathBuf>> {
    expand_with(path, false, &mut Skipped::default())
}

/// [`expand`], following symbolic links below a directory when `follow` is set (loops are
/// detected), and counting the entries left out in `skipped`.
pub fn expand_with(path: &Path, follow: bool, skipped: &mut Skipped) -> Result<Vec<PathBuf>> {
    if path.as_os_str() == "-" {
        return Ok(vec![path.to_path_buf()]);
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    walk::walk(path, follow, skipped)
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
    let mut ids = SeenIds::default();
    let mut f = |r: Report| {
        ids.see(&r.id);
        f(r)
    };
    'inputs: for input in inputs {
        let files = match expand_with(input, opts.follow, &mut stats.skipped) {
            Ok(v) => v,
            Err(e) => {
                stats.errors.push(e.to_string());
                continue;
            }
        };
        for path in files {
            match read_file(&path, opts, stats, counter, &mut f) {
                Ok(Flow::Break(())) => break 'inputs,
                Ok(Flow::Continue(())) => {}
                Err(e) => stats.errors.push(e.to_string()),
            }
        }
    }
    stats.duplicate_ids += ids.duplicates;
    stats.duplicate_examples.extend(ids.examples);
}

/// Report ids seen so far, to find the ones that occur more than once: their mentions would
/// share keys (`report_id`, `mention_id`), and a join on the id would mix two reports. Kept as
/// 64-bit hashes (about 16 bytes a report, for the first [`SeenIds::MAX`] reports; past them
/// ids are no longer checked), so memory stays small whatever the ids' length.
#[derive(Default)]
struct SeenIds {
    hashes: std::collections::HashSet<u64>,
    duplicates: u64,
    /// The first few ids seen twice, to name in a warning.
    examples: Vec<String>,
}

impl SeenIds {
    const MAX: usize = 1 << 24;
    const EXAMPLES: usize = 5;

    fn see(&mut self, id: &str) {
        if self.hashes.len() >= Self::MAX {
            return;
        }
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        id.hash(&mut h);
        if !self.hashes.insert(h.finish()) {
            self.duplicates += 1;
            if self.examples.len() < Self::EXAMPLES && !self.examples.iter().any(|e| e == id) {
                self.examples.push(id.to_string());
            }
        }
    }
}
