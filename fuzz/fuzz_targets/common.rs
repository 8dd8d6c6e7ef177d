//! Shared by the fuzz targets: the fuzzed bytes as an input file, read by the engine's readers,
//! with the invariants every reader keeps checked.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use calcmine_core::input::{read_reports, Flow, InputFormat, InputOptions, ReadStats};
use calcmine_core::model::Report;

/// A file of this process under /dev/shm (memory, not disk) when there is one.
pub fn scratch(name: &str) -> PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("calcmine-fuzz-{}-{name}", std::process::id()))
}

/// Read `bytes` as a file named `name` in `format` (None: by its name), with a small report
/// limit so the cap paths are reached; check the counts agree and return the reports.
pub fn read(name: &str, bytes: &[u8], format: Option<InputFormat>) -> Vec<Report> {
    let path = scratch(name);
    std::fs::write(&path, bytes).expect("scratch file");
    let opts = InputOptions {
        format,
        max_report_bytes: Some(256),
        ..Default::default()
    };
    let mut stats = ReadStats::default();
    let mut out = Vec::new();
    read_reports(
        &[path],
        &opts,
        &mut stats,
        &Arc::new(AtomicU64::new(0)),
        &mut |r| {
            out.push(r);
            Flow::Continue(())
        },
    );
    assert_eq!(
        stats.reports as usize,
        out.len(),
        "one report counted per report"
    );
    let cap = opts.record_cap().unwrap_or(usize::MAX);
    for r in &out {
        // (an invalid byte decodes to three)
        assert!(r.text.len() <= 3 * cap, "a record held past the cap");
        let columns_in_order = r.columns.windows(2).all(|w| w[0].0 <= w[1].0);
        assert!(columns_in_order, "column offsets out of order");
        assert!(r.columns.iter().all(|c| r.text.is_char_boundary(c.0)));
    }
    out
}
