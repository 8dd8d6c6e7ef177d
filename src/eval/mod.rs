//! Scoring calcmine against a user's annotated sample (`calcmine eval`).
//!
//! Two gold layouts are read, told apart by their header:
//!
//! - **report level** (CSV or TSV): a `report_id` column (or `id`, `note_id`, `uid`) plus any of `present`, `organ`,
//!   `mechanism`, `metabolic_workup`. An empty cell means "not judged" and the report is left
//!   out of that field. `present` is compared with "the report has a mention that is an imaging
//!   finding" ([`Mention::counts`]: present, patient, outside the indication);
//!   `metabolic_workup` with the report's flag. `organ` and `mechanism` are categorical: a gold
//!   value counts as found when it is among the codes of the report's imaging-finding mentions
//!   (a report often has several calcifications; the annotator named one), `none` when the
//!   report has no such mention.
//! - **sentence level** (the NegEx layout, Chapman et al. 2001): `Report No., Concept,
//!   Sentence, Negation` with `Affirmed` / `Negated`. Each row's concept is the only target;
//!   when it occurs more than once in the sentence, the occurrence written in upper case is the
//!   annotated one. The positive class is `Negated`.
//!
//! Binary fields get precision, recall, F1, accuracy and the confusion matrix; proportions get
//! 95 % Wilson score intervals, F1 (not a proportion) a percentile bootstrap over items with a
//! fixed seed, so the figures are reproducible. Categorical fields get accuracy and a gold ×
//! predicted matrix with one-vs-rest precision, recall and F1 per class.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use calcmine_core::error::{Error, Location, Result};
use calcmine_core::lexicon::Lexicon;
use calcmine_core::model::{Mention, Report, ReportResult};
use calcmine_core::pipeline::Engine;
pub use calcmine_core::stats::{wilson, Z95};

mod estimate;
mod floor;
mod gold;
mod score;
#[cfg(test)]
mod tests;

pub use estimate::*;
pub use floor::*;
pub use gold::*;
pub use score::*;

/// One item where calcmine and the gold disagree, for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub field: String,
    pub report_id: String,
    pub gold: String,
    pub predicted: String,
    /// The sentence(s) the prediction rests on (or that the gold row gives).
    pub evidence: String,
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub fields: Vec<FieldScore>,
    pub disagreements: Vec<Disagreement>,
    /// Gold items that could not be scored as intended (report not in the input, concept not
    /// found in its sentence), with why.
    pub notes: Vec<String>,
}

impl Evaluation {
    pub fn field(&self, name: &str) -> Option<&FieldScore> {
        self.fields.iter().find(|f| f.name() == name)
    }
}

// --- gold files ------------------------------------------------------------------------------
