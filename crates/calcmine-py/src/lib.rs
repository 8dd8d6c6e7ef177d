//! `calcmine._calcmine`, the native half of the Python package (`python/calcmine` is the
//! other, typed half, which turns pandas frames and lists of texts into Arrow tables and the
//! results into Polars or pandas frames).
//!
//! An [`PyEngine`] compiles the lexicon once and is shared freely (frozen: immutable, `Send +
//! Sync`). A run imports the table's columns through the Arrow C stream interface (no copy),
//! then releases the GIL and runs the same machinery as `calcmine mine`
//! ([`calcmine::api::run_frames`]: batches on all cores, frames built per batch from the output
//! schema), and hands the tables back the same way ([`arrow::ArrowTable`]).

use std::path::PathBuf;
use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use calcmine::api::{self, Want};
use calcmine_core::input::{FrameColumns, InputOptions};
use calcmine_core::lexicon::{Lexicon, LexiconOptions};
use calcmine_core::pipeline::Engine;
use calcmine_core::run::RunOptions;

mod arrow;
mod error;

use arrow::ArrowTable;
use error::CalcmineError;

/// A compiled lexicon: build it once, run it on any number of tables, from any thread.
#[pyclass(frozen, module = "calcmine._calcmine", name = "Engine")]
struct PyEngine {
    lexicon: Lexicon,
    /// Tables: every stage, no linked words (what `mine` and `flag` run).
    tables: Engine,
    /// Mentions only: no recommendation stage (what `extract` runs), built when first used.
    mentions: OnceLock<Engine>,
    /// With linked words, for `explain`, built when first used.
    explain: OnceLock<Engine>,
}

#[pymethods]
impl PyEngine {
    #[new]
    #[pyo3(signature = (lexicons=None, targets=Vec::new(), no_default_lexicons=false, only_targets=false))]
    fn new(
        py: Python<'_>,
        lexicons: Option<PathBuf>,
        targets: Vec<PathBuf>,
        no_default_lexicons: bool,
        only_targets: bool,
    ) -> PyResult<PyEngine> {
        if no_default_lexicons && lexicons.is_none() {
            return Err(error::new_err(
                "no_default_lexicons needs lexicons (a directory)",
            ));
        }
        if only_targets && targets.is_empty() {
            return Err(error::new_err("only_targets needs targets (files)"));
        }
        let opts = LexiconOptions {
            dir: lexicons,
            no_defaults: no_default_lexicons,
            targets,
            only_user_targets: only_targets,
        };
        py.detach(|| {
            let lexicon = Lexicon::load(&opts)?;
            let tables = Engine::new(lexicon.clone()).with_linked_words(false);
            Ok(PyEngine {
                lexicon,
                tables,
                mentions: OnceLock::new(),
                explain: OnceLock::new(),
            })
        })
        .map_err(error::calcmine)
    }

    /// Run a table: `command` is `extract`, `flag`, `mine` or `audit`. Returns a dict of the
    /// tables (`ArrowTable`s), `audit_summary` (audit) and `stats`.
    #[pyo3(signature = (data, command, id_col=None, text_cols=Vec::new(), exam_col=None, no_text=false, threads=None, max_report_bytes=Some(calcmine_core::input::DEFAULT_MAX_REPORT_BYTES), name="<data>".to_string()))]
    #[allow(clippy::too_many_arguments)]
    fn run<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        command: &str,
        id_col: Option<String>,
        text_cols: Vec<String>,
        exam_col: Option<String>,
        no_text: bool,
        threads: Option<usize>,
        max_report_bytes: Option<usize>,
        name: String,
    ) -> PyResult<Bound<'py, PyDict>> {
        let want = match command {
            "extract" => Want {
                mentions: true,
                ..Want::default()
            },
            "flag" => Want {
                reports: true,
                ..Want::default()
            },
            "mine" => Want {
                mentions: true,
                reports: true,
                summary: true,
                ..Want::default()
            },
            "audit" => Want {
                audit: true,
                ..Want::default()
            },
            other => {
                return Err(error::new_err(format!(
                    "unknown command `{other}` (extract, flag, mine, audit)"
                )))
            }
        };
        let input = InputOptions {
            id_col,
            text_cols,
            exam_col,
            format: None,
            // 0 is no limit, as on the command line
            max_report_bytes: max_report_bytes.filter(|&n| n > 0),
            // a table in memory: no directory to walk
            follow: false,
        };
        let incoming = arrow::open(data)?;
        let cols =
            FrameColumns::resolve(&incoming.header, &input, &name).map_err(error::calcmine)?;
        let frames = incoming.frames(&cols.wanted())?;
        let mut run = RunOptions {
            // `mine`'s batch (its `--batch` default)
            batch: 4096,
            ..RunOptions::default()
        };
        if let Some(t) = threads {
            run.threads = t.max(1);
        }
        let engine = match command {
            "extract" => self.mentions.get_or_init(|| {
                Engine::without_recommendations(self.lexicon.clone()).with_linked_words(false)
            }),
            _ => &self.tables,
        };
        let tables = py
            .detach(|| api::run_frames(engine, &frames, &cols, &name, &input, &run, no_text, want))
            .map_err(error::calcmine)?;
        drop(frames);
        let out = PyDict::new(py);
        let tables_out = [
            ("mentions", tables.mentions),
            ("reports", tables.reports),
            ("summary", tables.summary),
            ("audit", tables.audit),
        ];
        for (k, df) in tables_out {
            if let Some(df) = df {
                out.set_item(k, Bound::new(py, ArrowTable::new(df))?)?;
            }
        }
        if let Some(s) = tables.audit_summary {
            out.set_item("audit_summary", s)?;
        }
        let s = &tables.stats;
        let stats = PyDict::new(py);
        stats.set_item("reports", s.reports)?;
        stats.set_item("failed", s.failed)?;
        stats.set_item("invalid_utf8", s.invalid_utf8)?;
        stats.set_item("bytes", s.bytes)?;
        stats.set_item("null_texts", s.null_texts)?;
        stats.set_item("errors", s.errors.clone())?;
        out.set_item("stats", stats)?;
        Ok(out)
    }

    /// How `calcmine explain` shows one report: the text explanation (no colour), or with
    /// `html` the page of `explain --html`.
    #[pyo3(signature = (text, id="stdin".to_string(), html=false, no_text=false))]
    fn explain(&self, py: Python<'_>, text: &str, id: String, html: bool, no_text: bool) -> String {
        let text = text.to_string();
        py.detach(|| {
            let engine = self
                .explain
                .get_or_init(|| Engine::new(self.lexicon.clone()));
            api::explain(engine, &text, &id, html, no_text)
        })
    }

    /// The lexicon's digest (sha256 over its files), as run.json records it.
    #[getter]
    fn lexicon_digest(&self) -> String {
        self.lexicon.digest()
    }
}

/// The columns of the tables with their types, as JSON (`calcmine mine --print-schema`).
#[pyfunction]
#[pyo3(signature = (no_text=false))]
fn schema_json(no_text: bool) -> String {
    calcmine::output::frame::schema_json(no_text)
}

#[pymodule]
fn _calcmine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEngine>()?;
    m.add_class::<ArrowTable>()?;
    m.add_function(wrap_pyfunction!(schema_json, m)?)?;
    m.add("CalcmineError", m.py().get_type::<CalcmineError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
