//! Helpers shared by the integration tests: the `calcmine` binary as a command, the bundled
//! engine on a text, the readers on a file, input files written to a temporary directory, and
//! the outputs read back (TSV rows, Parquet tables). Also three reports several command tests
//! run: a metabolic work-up gap, the same report recommending the labs, and a normal one.
//!
//! Each file under tests/ is a crate of its own that includes this module with `mod common;`
//! and uses only some of it: what a crate leaves unused would warn as dead code there.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, OnceLock};

use assert_cmd::Command;
use calcmine::input::{read_reports, Flow, InputOptions, ReadStats};
use calcmine::{Engine, Lexicon, Report, ReportResult};
use polars::prelude::{DataFrame, ParquetReader, SerReader};

// ---- the binary -------------------------------------------------------------------------------

/// The `calcmine` binary under test, to give arguments and stdin to.
pub fn calcmine() -> Command {
    Command::cargo_bin("calcmine").expect("the calcmine binary is built")
}

/// The path of the `calcmine` binary, for tests that start it with `std::process::Command`
/// (to signal it, to close its stdout early, or to run it under `script`).
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_calcmine"))
}

// ---- the library on a text --------------------------------------------------------------------

/// A new engine on the bundled lexicon, for a test that needs one of its own.
pub fn bundled_engine() -> Engine {
    Engine::new(Lexicon::bundled().expect("bundled lexicon loads"))
}

/// The engine on the bundled lexicon, built once per test binary.
pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(bundled_engine)
}

/// `text` as report `id` through the bundled engine.
pub fn process(id: &str, text: &str) -> ReportResult {
    engine().process(&Report {
        id: id.into(),
        text: text.into(),
        ..Default::default()
    })
}

/// `text` as report `r` through the bundled engine.
pub fn run(text: &str) -> ReportResult {
    process("r", text)
}

// ---- the readers on a file --------------------------------------------------------------------

/// Every report the readers make of `path`, and their counts.
pub fn read_all(path: &Path, opts: &InputOptions) -> (Vec<Report>, ReadStats) {
    let mut out = Vec::new();
    let mut stats = ReadStats::default();
    let counter = Arc::new(AtomicU64::new(0));
    read_reports(
        &[path.to_path_buf()],
        opts,
        &mut stats,
        &counter,
        &mut |r| {
            out.push(r);
            Flow::Continue(())
        },
    );
    (out, stats)
}

// ---- input files ------------------------------------------------------------------------------

/// Write `contents` to `path`, making the directories above it.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, contents).unwrap();
}

/// `bytes` gzipped.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

// ---- outputs read back ------------------------------------------------------------------------

/// Rows of a TSV output as maps column → value.
pub fn rows(stdout: &[u8]) -> Vec<BTreeMap<String, String>> {
    let text = String::from_utf8_lossy(stdout);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// (report_id, section, term, status) of each row of a TSV output.
pub fn summary(stdout: &[u8]) -> Vec<(String, String, String, String)> {
    rows(stdout)
        .into_iter()
        .map(|r| {
            (
                r["report_id"].clone(),
                r["section"].clone(),
                r["term"].clone(),
                r["status"].clone(),
            )
        })
        .collect()
}

/// A `summary` row.
pub fn s4(a: &str, b: &str, c: &str, d: &str) -> (String, String, String, String) {
    (a.into(), b.into(), c.into(), d.into())
}

/// A Parquet table written by `mine` or `audit`.
pub fn read_parquet(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

// ---- reports a radiologist would recognise ----------------------------------------------------

/// A dialysis patient with metastatic pulmonary calcification: flagged (TAXONOMY.md §8), and
/// the report recommends nothing.
pub const GAP: &str = "HISTORY: End-stage renal disease on hemodialysis.\n\
FINDINGS: Diffuse centrilobular ground-glass nodules with calcification in both upper lobes, \
consistent with metastatic pulmonary calcification.\n\
IMPRESSION: Metastatic pulmonary calcification.\n";

/// The same report recommending the metabolic labs.
pub const RECOMMENDED: &str = "HISTORY: End-stage renal disease on hemodialysis.\n\
FINDINGS: Diffuse centrilobular ground-glass nodules with calcification in both upper lobes, \
consistent with metastatic pulmonary calcification.\n\
IMPRESSION: Metastatic pulmonary calcification. Recommend serum calcium, phosphate and PTH.\n";

/// A normal chest radiograph.
pub const NORMAL: &str =
    "FINDINGS: The lungs are clear. Heart size is normal. No pleural effusion.\n\
IMPRESSION: No acute cardiopulmonary process.\n";

/// The three reports as `.txt` files in `dir` (the file stem is the report id): gap,
/// recommended, normal.
pub fn three_reports(dir: &Path) -> Vec<PathBuf> {
    [
        ("gap", GAP),
        ("recommended", RECOMMENDED),
        ("normal", NORMAL),
    ]
    .iter()
    .map(|(id, text)| {
        let p = dir.join(format!("{id}.txt"));
        std::fs::write(&p, text).unwrap();
        p
    })
    .collect()
}

/// Write `df` as a Parquet file (made by Polars, as a warehouse export might be) in row groups of
/// `row_group` rows.
pub fn write_parquet(path: &Path, df: &mut DataFrame, row_group: usize) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    polars::prelude::ParquetWriter::new(std::fs::File::create(path).unwrap())
        .with_row_group_size(Some(row_group))
        .finish(df)
        .unwrap();
}

/// A TSV output without the columns that say where a report was read (`source`, `line`): the
/// same reports read from two files give the same rows but for these.
pub fn without_provenance(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    let mut lines = text.lines();
    let Some(head) = lines.next() else {
        return String::new();
    };
    let keep: Vec<bool> = head
        .split('\t')
        .map(|c| c != "source" && c != "line")
        .collect();
    let row = |l: &str| {
        l.split('\t')
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c)
            .collect::<Vec<_>>()
            .join("\t")
    };
    std::iter::once(head)
        .chain(lines)
        .map(row)
        .collect::<Vec<_>>()
        .join("\n")
}
