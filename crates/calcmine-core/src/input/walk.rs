//! The files a directory input stands for, walked as ripgrep walks: symbolic links are not
//! followed unless asked (`--follow`), and then a link back to a directory above it is a loop,
//! counted and not entered (walkdir compares device and inode numbers of the ancestors); only
//! regular files are read. Without this a `loop/up -> ..` link read every report again at every
//! level until the path got too long, a link to itself grew memory until the process was
//! killed, and a FIFO named `x.txt` blocked the run forever. Every entry left out is counted
//! ([`Skipped`]) and shown in the summary, so nothing is left out silently.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::detect::Compression;
use super::options::Skipped;

/// The files below `root` to read, sorted by path: every `.txt` (`.txt.gz`, `.txt.zst`), or
/// every `.parquet` part file (names starting with `.` or `_` on the way, as Spark's
/// `_SUCCESS` and `_temporary/`, are not parts). `root` itself is followed if it is a link.
pub(super) fn walk(root: &Path, follow: bool, skipped: &mut Skipped) -> Result<Vec<PathBuf>> {
    let (mut txt, mut parts) = (Vec::new(), Vec::new());
    let walker = walkdir::WalkDir::new(root)
        .follow_links(follow)
        .follow_root_links(true);
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) if e.loop_ancestor().is_some() => {
                skipped.loops += 1;
                continue;
            }
            Err(e) => {
                // a link that leads nowhere (dangling, or to itself: "too many levels")
                let link = e
                    .path()
                    .and_then(|p| std::fs::symlink_metadata(p).ok())
                    .is_some_and(|m| m.file_type().is_symlink());
                if link && e.depth() > 0 {
                    skipped.symlinks += 1;
                    continue;
                }
                let at = e.path().unwrap_or(root).to_path_buf();
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot walk the directory"));
                return Err(Error::io(at, io));
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if kind.is_symlink() {
            skipped.symlinks += 1;
            continue;
        }
        if !kind.is_file() {
            // a FIFO would block the run, a device never end, a socket not open
            skipped.special += 1;
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        if Compression::of(&name).1.ends_with(".txt") {
            txt.push(entry.into_path());
        } else if name.ends_with(".parquet") {
            let hidden = entry
                .path()
                .strip_prefix(root)
                .map(|rel| {
                    rel.components().any(|c| {
                        let c = c.as_os_str().to_string_lossy();
                        c.starts_with('.') || c.starts_with('_')
                    })
                })
                .unwrap_or(false);
            if !hidden {
                parts.push(entry.into_path());
            }
        }
    }
    let mut out = match (txt.is_empty(), parts.is_empty()) {
        (true, true) => {
            return Err(Error::Usage(format!(
                "{}: no .txt, .txt.gz, .txt.zst or .parquet files in this directory (other tables must be named one by one{})",
                root.display(),
                if skipped.total() > 0 && !follow {
                    "; symbolic links are followed with --follow"
                } else {
                    ""
                }
            )))
        }
        (false, false) => {
            return Err(Error::Usage(format!(
                "{}: this directory holds both .txt reports and .parquet files; name the ones to read",
                root.display()
            )))
        }
        (true, false) => parts,
        (false, true) => txt,
    };
    out.sort();
    Ok(out)
}
