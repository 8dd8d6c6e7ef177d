//! calcmine: find calcification mentions in radiology reports, assert and code them to the
//! documented taxonomy, and flag reports that warrant a metabolic work-up.
//!
//! The pipeline has medspaCy's shape, one module per stage, plain structs flowing one way:
//! [`input`] → [`section`] → [`sentence`] → [`matcher`] → [`context`] → [`taxonomy`] →
//! aggregation, driven by [`pipeline::Engine`] over a [`lexicon::Lexicon`].

pub mod audit;
pub mod cli;
pub mod clinical;
pub mod context;
pub mod error;
pub mod eval;
pub mod explain;
pub mod flags;
pub mod frame;
pub mod input;
pub mod lexicon;
pub mod matcher;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod recommend;
pub mod run;
pub mod schema;
pub mod section;
pub mod sentence;
pub mod taxonomy;
pub mod text;

pub use error::{Error, Result};
pub use lexicon::Lexicon;
pub use model::{Mention, Report, ReportResult, Status};
pub use pipeline::Engine;
