//! The calcmine engine: find calcification mentions in radiology reports, assert them, code them
//! to the documented taxonomy (`docs/taxonomy.md`), and decide per report whether a metabolic
//! work-up is warranted.
//!
//! The pipeline has medspaCy's shape, one module per stage, each owning its rule format, plain
//! structs flowing one way and imports flowing one way too:
//!
//! [`input`] → [`exam`] and [`section`] → [`sentence`] → [`matcher`] → [`context`] (assertion) →
//! [`taxonomy`] (coding) → [`clinical`] (labs, conditions) → [`workup`] (the report flag) and
//! [`recommend`] → [`audit`], driven by [`pipeline::Engine`] over a [`lexicon::Lexicon`] and
//! by [`run`] over many reports on all cores.
//!
//! Stages import the [`lexicon`] (their rules), [`model`] (what they produce), [`text`] and
//! [`matcher`]; none imports the [`pipeline`] that calls it. This crate has no table or
//! Parquet code: the `calcmine` crate writes the results.

pub mod audit;
pub mod clinical;
pub mod context;
pub mod error;
pub mod exam;
pub mod input;
pub mod lexicon;
pub mod matcher;
pub mod model;
pub mod pipeline;
pub mod recommend;
pub mod run;
pub mod sanitize;
pub mod section;
pub mod sentence;
pub mod stats;
pub mod taxonomy;
pub mod text;
pub mod workup;

pub use error::{Error, Result};
pub use lexicon::Lexicon;
pub use model::{Mention, Report, ReportResult, Status};
pub use pipeline::Engine;
