//! calcmine: find calcification mentions in radiology reports, assert and code them to the
//! documented taxonomy (`docs/taxonomy.md`), and flag reports that warrant a metabolic work-up.
//!
//! This crate is the command-line tool over the engine: the engine itself (readers, lexicons,
//! the pipeline stages) is the [`calcmine_core`] crate, re-exported here module by module so
//! `calcmine::pipeline::Engine` and the like keep working. Above it this crate adds what needs
//! tables: [`output`] (the output schema, Polars frames, text and Parquet writers, atomic
//! files), [`api`] (the tables of a table held in memory: the Python package's way in),
//! [`eval`] (scoring against annotations), [`explain`] (the terminal explanation), [`html`]
//! (the review and cohort pages) and the commands in [`cli`].

pub mod api;
pub mod cli;
pub mod eval;
pub mod explain;
pub mod html;
pub mod output;
pub mod progress;

pub use calcmine_core::{
    audit, clinical, context, error, input, lexicon, matcher, model, pipeline, recommend, run,
    section, sentence, stats, taxonomy, text, workup,
};
pub use calcmine_core::{Engine, Error, Lexicon, Mention, Report, ReportResult, Result, Status};
