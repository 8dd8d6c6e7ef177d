//! Atomic output files: written under a temporary name beside the target and renamed into place
//! only when complete, so a failed or interrupted run never leaves a half-written file under the
//! final name.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use calcmine_core::error::{Error, Result};

/// A file being written under a temporary name; [`AtomicFile::commit`] renames it into place,
/// dropping it uncommitted removes it.
pub struct AtomicFile {
    /// `None` for a target written in place (see [`AtomicFile::create`]).
    tmp: Option<PathBuf>,
    target: PathBuf,
    file: Option<BufWriter<File>>,
}

/// Temporary files still open, so an interrupt (Ctrl-C) can remove them before exiting.
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Remove every temporary output file still pending (called from the Ctrl-C handler).
pub fn remove_pending() {
    if let Ok(v) = PENDING.lock() {
        for p in v.iter() {
            let _ = std::fs::remove_file(p);
        }
    }
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
                tmp: None,
                target: target.to_path_buf(),
                file: Some(BufWriter::with_capacity(1 << 16, file)),
            });
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let tmp = target.with_file_name(format!(".{name}.calcmine-tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        if let Ok(mut v) = PENDING.lock() {
            v.push(tmp.clone());
        }
        Ok(AtomicFile {
            tmp: Some(tmp),
            target: target.to_path_buf(),
            file: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flush, sync and rename into place (a target written in place is only flushed).
    pub fn commit(mut self) -> Result<()> {
        let w = self.file.take().expect("file is present until commit");
        let written = self.tmp.as_deref().unwrap_or(&self.target);
        let f = w
            .into_inner()
            .map_err(|e| Error::io(written, e.into_error()))?;
        let Some(tmp) = &self.tmp else {
            return Ok(());
        };
        f.sync_all().map_err(|e| Error::io(tmp, e))?;
        drop(f);
        std::fs::rename(tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        if let Ok(mut v) = PENDING.lock() {
            v.retain(|p| p != tmp);
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("open").write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("open").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let (Some(_), Some(tmp)) = (self.file.take(), &self.tmp) {
            let _ = std::fs::remove_file(tmp);
            if let Ok(mut v) = PENDING.lock() {
                v.retain(|p| p != tmp);
            }
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
