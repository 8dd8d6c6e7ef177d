//! Atomic output files: written under a temporary name beside the target and renamed into place
//! only when complete, so a failed or interrupted run never leaves a half-written file under the
//! final name.
//!
//! The temporary file is created the way SQLite creates its journal, not at a name anyone can
//! predict: exclusively (`O_CREAT | O_EXCL`, which never follows a symbolic link) under a random
//! name (the `tempfile` crate), `.NAME.calcmine-XXXXXX`. A link planted under a predictable name
//! (`.NAME.calcmine-tmp-PID` until 0.1) made a run as root overwrite the file it pointed to.
//! While it is written the file is locked (`flock`); a later run writing the same target removes
//! the temporary files of killed runs, which no process holds locked any more
//! ([`remove_stale`]). `mine`'s set of files is committed as one ([`super::outdir`]).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use calcmine_core::error::{Error, Result};

/// A file being written under a temporary name; [`AtomicFile::commit`] renames it into place,
/// dropping it uncommitted removes it.
pub struct AtomicFile {
    mode: Mode,
    target: PathBuf,
    file: Option<BufWriter<File>>,
}

enum Mode {
    /// A device or named pipe, written in place (see [`AtomicFile::create`]).
    InPlace,
    /// A temporary file beside the target, renamed over it on commit.
    Temp(tempfile::TempPath),
    /// A file of `mine`'s private staging directory, which is committed as a whole: commit
    /// only flushes and syncs.
    Staged,
}

/// Temporary files and directories still open, so an interrupt (Ctrl-C) can remove them before
/// exiting.
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Remember a temporary path for [`remove_pending`].
pub(super) fn pend(p: &Path) {
    if let Ok(mut v) = PENDING.lock() {
        v.push(p.to_path_buf());
    }
}

/// Forget a temporary path (committed or removed).
pub(super) fn unpend(p: &Path) {
    if let Ok(mut v) = PENDING.lock() {
        v.retain(|x| x != p);
    }
}

/// Remove every temporary output file and directory still pending (called from the Ctrl-C
/// handler).
pub fn remove_pending() {
    if let Ok(v) = PENDING.lock() {
        for p in v.iter() {
            match std::fs::symlink_metadata(p) {
                Ok(m) if m.is_dir() => {
                    let _ = std::fs::remove_dir_all(p);
                }
                Ok(_) => {
                    let _ = std::fs::remove_file(p);
                }
                Err(_) => {}
            }
        }
    }
}

/// The prefix of the temporary names of `target` (`.NAME.calcmine-`).
pub(super) fn temp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    format!(".{name}.calcmine-")
}

/// The directory a target is in (`.` for a bare name).
pub(super) fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// What an attempt to lock a file found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lock {
    /// Locked by this process now.
    Taken,
    /// Held by another process.
    Held,
    /// Locks do not work here (not unix, a filesystem without them: some FUSE and network
    /// mounts): runs are not kept apart, and no file is proven stale.
    Unavailable,
}

/// Try to lock `file` exclusively without waiting.
pub(super) fn try_lock(file: &File) -> io::Result<Lock> {
    #[cfg(unix)]
    {
        use rustix::fs::{flock, FlockOperation};
        use rustix::io::Errno;
        match flock(file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Lock::Taken),
            Err(e) if e == Errno::WOULDBLOCK => Ok(Lock::Held),
            Err(e) if e == Errno::NOSYS || e == Errno::NOTSUP || e == Errno::NOLCK => {
                Ok(Lock::Unavailable)
            }
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(Lock::Unavailable)
    }
}

/// Remove what killed runs left beside `target`: entries named `.NAME.calcmine-…` that no
/// running process holds locked (a lock dies with its process, so one that can be taken is
/// proven stale). A symbolic link under such a name is never followed nor removed. Failures
/// are ignored: cleaning up is a courtesy, not part of the run.
pub(super) fn remove_stale(target: &Path) {
    let prefix = temp_prefix(target);
    let Ok(entries) = std::fs::read_dir(parent_of(target)) else {
        return;
    };
    for e in entries.flatten() {
        if !e.file_name().to_string_lossy().starts_with(&prefix) {
            continue;
        }
        let p = e.path();
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if !(meta.is_file() || meta.is_dir()) {
            continue;
        }
        let Ok(f) = open_nofollow(&p) else { continue };
        if matches!(try_lock(&f), Ok(Lock::Taken)) {
            let _ = if meta.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
    }
}

/// Open a file or directory for reading (to lock it), never through a symbolic link.
pub(super) fn open_nofollow(p: &Path) -> io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    o.open(p)
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<AtomicFile> {
        // A target that exists and is not a regular file (`-o /dev/null`, a named pipe,
        // `/dev/stdout`) is written in place: it cannot be swapped for a complete copy, and a
        // rename over it would replace the device or pipe itself (for root, /dev/null became a
        // regular file) instead of writing to it.
        if std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(target)
                .map_err(|e| Error::io(target, e))?;
            return Ok(AtomicFile {
                mode: Mode::InPlace,
                target: target.to_path_buf(),
                file: Some(BufWriter::with_capacity(1 << 16, file)),
            });
        }
        remove_stale(target);
        let dir = parent_of(target);
        let prefix = temp_prefix(target);
        let mut b = tempfile::Builder::new();
        b.prefix(&prefix);
        // the final file gets the permissions a plain create would give it (umask applies)
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = b
            .tempfile_in(&dir)
            .map_err(|e| Error::io(dir.join(prefix.clone() + "XXXXXX"), e))?;
        let (file, path) = tmp.into_parts();
        // held until the process ends: proves to a later run that this file is not stale
        let _ = try_lock(&file);
        pend(&path);
        Ok(AtomicFile {
            mode: Mode::Temp(path),
            target: target.to_path_buf(),
            file: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// A file of `mine`'s staging directory (created exclusively: the directory is private
    /// and fresh), committed with the directory.
    pub(super) fn staged(path: &Path) -> Result<AtomicFile> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        Ok(AtomicFile {
            mode: Mode::Staged,
            target: path.to_path_buf(),
            file: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flush, sync and rename into place (a target written in place is only flushed, a staged
    /// file flushed and synced).
    pub fn commit(mut self) -> Result<()> {
        let Some(w) = self.file.take() else {
            return Ok(());
        };
        let f = w
            .into_inner()
            .map_err(|e| Error::io(&self.target, e.into_error()))?;
        let mode = std::mem::replace(&mut self.mode, Mode::InPlace);
        match mode {
            Mode::InPlace => Ok(()),
            Mode::Staged => f.sync_all().map_err(|e| Error::io(&self.target, e)),
            Mode::Temp(tmp) => {
                f.sync_all().map_err(|e| Error::io(&tmp, e))?;
                let at = tmp.to_path_buf();
                tmp.persist(&self.target)
                    .map_err(|e| Error::io(&self.target, e.error))?;
                unpend(&at);
                drop(f);
                Ok(())
            }
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.file.as_mut() {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("write after commit")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // an uncommitted temporary file is removed by `TempPath`'s own drop
        if let Mode::Temp(tmp) = &self.mode {
            unpend(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.tsv");
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"half").unwrap();
            // dropped without commit: as after an error
        }
        assert!(!target.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temporary file removed"
        );
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"whole").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_neither_followed_nor_removed_and_stale_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let target = dir.path().join("out.tsv");
        // links under the old predictable names and under the new prefix
        for name in [".out.tsv.calcmine-tmp-1", ".out.tsv.calcmine-abc123"] {
            std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
        }
        // a killed run's leftover: a regular file nobody holds locked
        let stale = dir.path().join(".out.tsv.calcmine-dead01");
        std::fs::write(&stale, "report text").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"rows").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "rows");
        assert!(!stale.exists(), "the stale temporary file is removed");
        assert!(dir.path().join(".out.tsv.calcmine-abc123").is_symlink());
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("rows.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skip: no mkfifo");
            return;
        }
        // whoever reads the pipe gets the rows
        let (tx, rx) = std::sync::mpsc::channel();
        let reading = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(std::fs::read_to_string(&reading));
        });
        let mut f = AtomicFile::create(&fifo).unwrap();
        f.write_all(b"report_id\tterm\n").unwrap();
        f.commit().unwrap();
        let got = rx.recv_timeout(std::time::Duration::from_secs(20));
        assert_eq!(got.unwrap().unwrap(), "report_id\tterm\n");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
