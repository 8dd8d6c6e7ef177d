//! `mine --out DIR`: a set of files committed as one, by one run at a time.
//!
//! - **Locked.** The run holds an exclusive `flock` on `DIR` from start to end; a second run
//!   into the same `DIR` fails at once with a clear message instead of interleaving (two runs
//!   used to leave `mentions`/`reports` of one and `summary.csv`/`run.json` of the other, both
//!   exiting 0).
//! - **Staged.** Every file is written into a fresh private directory beside `DIR`
//!   (`.DIR.calcmine-XXXXXX`, made exclusively under a random name, mode 0700: nobody can plant
//!   a link in it), and synced.
//! - **Committed by one rename.** The staging directory is exchanged with `DIR`
//!   (`renameat2(RENAME_EXCHANGE)`, where the filesystem has it; else `DIR` is renamed aside and
//!   the staging directory into its place, a moment in which `DIR` does not exist but never
//!   holds a mix). The old contents are then removed. A reader sees the old set or the new one.
//! - **Manifest when DIR is shared.** When `DIR` holds files calcmine did not write, it is not
//!   swapped (they would go with it): the files are renamed in one by one, after the old
//!   `run.json` is removed and with the new `run.json` last, so `run.json` is the commit record:
//!   a directory without it is incomplete.
//! - **Stale leftovers removed.** A killed run leaves its staging directory; the next run into
//!   the same `DIR` removes it once it can lock it (a lock dies with its process).

use std::fs::File;
use std::path::{Path, PathBuf};

use calcmine_core::error::{Error, Result};

use super::atomic::{
    open_nofollow, parent_of, pend, remove_stale, temp_prefix, try_lock, unpend, Lock,
};
use super::AtomicFile;

/// The names `mine` writes (and so may replace) in `--out`.
fn is_ours(name: &str) -> bool {
    let stem_ext = name.split_once('.');
    matches!(name, "summary.csv" | "run.json" | "report.html")
        || matches!(
            stem_ext,
            Some(("mentions" | "reports" | "note_nlp", "parquet" | "csv"))
        )
}

/// A staging directory for `--out DIR`, with `DIR` locked.
pub struct OutDir {
    /// `DIR`, resolved (`.` and links: the directory they name).
    out: PathBuf,
    /// Whether `DIR` may be swapped whole: not when it is a symbolic link (the link would be
    /// replaced by a directory) or the root.
    swap: bool,
    staging: Option<PathBuf>,
    /// The lock on `DIR` (released when dropped) and on the staging directory.
    _locks: (File, File),
    /// Names of the files staged, in order.
    names: Vec<String>,
}

impl OutDir {
    /// Create `out` if needed, lock it, remove stale staging directories, and make a fresh one.
    pub fn begin(out: &Path) -> Result<OutDir> {
        std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
        let link = std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink());
        let out = &std::fs::canonicalize(out).map_err(|e| Error::io(out, e))?;
        let swap = !link && out.file_name().is_some();
        let lock = lock_dir(out)?;
        remove_stale(out);
        let parent = parent_of(out);
        let prefix = temp_prefix(out);
        let staging = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(&parent)
            .map_err(|e| Error::io(parent.join(prefix.clone() + "XXXXXX"), e))?
            .keep();
        pend(&staging);
        let own = open_nofollow(&staging).map_err(|e| Error::io(&staging, e))?;
        let _ = try_lock(&own);
        Ok(OutDir {
            out: out.to_path_buf(),
            swap,
            staging: Some(staging),
            _locks: (lock, own),
            names: Vec::new(),
        })
    }

    /// A new file `name` in the staging directory.
    pub fn file(&mut self, name: &str) -> Result<AtomicFile> {
        let dir = self.staging.as_deref().unwrap_or(&self.out);
        self.names.push(name.to_string());
        AtomicFile::staged(&dir.join(name))
    }

    /// Give the staged files their final place, all at once (every file must be committed).
    pub fn commit(mut self) -> Result<()> {
        let Some(staging) = self.staging.take() else {
            return Ok(());
        };
        let result = self.commit_from(&staging);
        if std::fs::symlink_metadata(&staging).is_ok() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        unpend(&staging);
        result
    }

    fn commit_from(&self, staging: &Path) -> Result<()> {
        sync_dir(staging);
        let foreign: Vec<String> = std::fs::read_dir(&self.out)
            .map_err(|e| Error::io(&self.out, e))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !is_ours(n))
            .collect();
        if foreign.is_empty() && self.swap {
            // the new directory takes the old one's permissions (a fresh one is 0700)
            if let Ok(m) = std::fs::metadata(&self.out) {
                let _ = std::fs::set_permissions(staging, m.permissions());
            }
            if exchange(staging, &self.out)? {
                sync_dir(&parent_of(&self.out));
                return Ok(());
            }
            // no exchange here: the old directory aside, the new one in its place
            let aside = PathBuf::from(format!("{}-old", staging.display()));
            std::fs::rename(&self.out, &aside).map_err(|e| Error::io(&self.out, e))?;
            pend(&aside);
            let moved = std::fs::rename(staging, &self.out).map_err(|e| Error::io(&self.out, e));
            if moved.is_err() {
                let _ = std::fs::rename(&aside, &self.out);
            } else {
                let _ = std::fs::remove_dir_all(&aside);
            }
            unpend(&aside);
            sync_dir(&parent_of(&self.out));
            return moved;
        }
        // DIR is shared with other files: run.json is the commit record, removed first and
        // renamed in last
        let run = self.out.join("run.json");
        match std::fs::remove_file(&run) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&run, e)),
        }
        sync_dir(&self.out);
        let mut names: Vec<&String> = self.names.iter().filter(|n| *n != "run.json").collect();
        let last = self.names.iter().find(|n| *n == "run.json");
        names.extend(last);
        for n in names {
            let to = self.out.join(n);
            std::fs::rename(staging.join(n), &to).map_err(|e| Error::io(&to, e))?;
        }
        sync_dir(&self.out);
        Ok(())
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        // not committed (an error): nothing of this run stays
        if let Some(s) = self.staging.take() {
            let _ = std::fs::remove_dir_all(&s);
            unpend(&s);
        }
    }
}

/// Lock `dir` exclusively, or fail with a message saying another run holds it. The path is
/// checked again after locking: a run that committed meanwhile swapped a new directory in, and
/// the lock must be on the directory the path names.
fn lock_dir(dir: &Path) -> Result<File> {
    for _ in 0..8 {
        let f = open_nofollow(dir).map_err(|e| Error::io(dir, e))?;
        if try_lock(&f).map_err(|e| Error::io(dir, e))? == Lock::Held {
            return Err(Error::Usage(format!(
                "{}: another calcmine run is writing to this directory (it is locked); wait for it to finish, or choose another --out",
                dir.display()
            )));
        }
        if same_file(&f, dir) {
            return Ok(f);
        }
    }
    Err(Error::Usage(format!(
        "{}: the directory keeps being replaced by other runs; choose another --out",
        dir.display()
    )))
}

/// Whether the open `f` is the file `path` names now.
fn same_file(f: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (f.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (f, path);
        true
    }
}

/// Swap two directories in one step; false where the system or filesystem cannot.
fn exchange(a: &Path, b: &Path) -> Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
            Err(e) => Err(Error::io(b, e.into())),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Make the names in a directory durable (a rename is complete on disk only then).
fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(d: &mut OutDir, name: &str, text: &str) {
        let mut f = d.file(name).unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f.commit().unwrap();
    }

    #[test]
    fn the_set_replaces_the_old_one_whole_and_leaves_nothing_behind() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("mined");
        for run in ["one", "two"] {
            let mut d = OutDir::begin(&out).unwrap();
            write(&mut d, "mentions.csv", run);
            write(&mut d, "run.json", run);
            d.commit().unwrap();
            assert_eq!(
                std::fs::read_to_string(out.join("mentions.csv")).unwrap(),
                run
            );
            assert_eq!(std::fs::read_to_string(out.join("run.json")).unwrap(), run);
        }
        // nothing beside the output directory
        let left: Vec<_> = std::fs::read_dir(root.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "{left:?}");
    }

    #[test]
    fn a_second_run_is_refused_while_the_first_holds_the_directory() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("mined");
        let first = OutDir::begin(&out).unwrap();
        let second = OutDir::begin(&out);
        let msg = second.err().unwrap().to_string();
        assert!(msg.contains("another calcmine run"), "{msg}");
        drop(first);
        // an uncommitted run leaves nothing, and the directory is free again
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
        OutDir::begin(&out).unwrap().commit().unwrap();
    }

    #[test]
    fn a_shared_directory_keeps_its_other_files_and_gets_run_json_last() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("shared");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("notes.md"), "mine").unwrap();
        std::fs::write(out.join("run.json"), "old").unwrap();
        let mut d = OutDir::begin(&out).unwrap();
        write(&mut d, "run.json", "new");
        write(&mut d, "reports.csv", "rows");
        d.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("notes.md")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("run.json")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("reports.csv")).unwrap(),
            "rows"
        );
    }

    #[test]
    fn a_killed_runs_staging_directory_is_removed_by_the_next_run() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("mined");
        // what `kill -9` leaves: a staging directory with report text, locked by nobody
        let stale = root.path().join(".mined.calcmine-AbC123");
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::write(stale.join("mentions.parquet"), "report text").unwrap();
        OutDir::begin(&out).unwrap().commit().unwrap();
        assert!(!stale.exists());
    }
}
