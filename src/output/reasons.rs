//! The long table of work-up decisions (`mine`'s `reasons.parquet`): one row per rule that
//! fired for a report and per finding a suppressor set aside, keyed by `report_id` and
//! `mention_id` so it joins to the mentions table without splitting any string.

use calcmine_core::model::ReportResult;

use super::frame::Field;
use super::schema::{Kind, Val};

/// One work-up decision about one report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReasonRow {
    pub report_id: String,
    pub rule: String,
    /// `fired` (the rule flagged the report) or `suppressed` (a suppressor set this finding
    /// aside, and the rule did not fire).
    pub outcome: &'static str,
    /// The suppressor, for a `suppressed` row.
    pub suppressor: Option<String>,
    /// The mention (none for a rule on a lab value).
    pub mention_id: Option<u32>,
    pub sentence_index: u32,
    pub sentence: String,
}

impl ReasonRow {
    /// The decisions of one report, the rules that fired first.
    pub fn of(r: &ReportResult) -> Vec<ReasonRow> {
        let mut out = Vec::with_capacity(r.workup_reasons.len() + r.workup_suppressed_by.len());
        for w in &r.workup_reasons {
            out.push(ReasonRow {
                report_id: r.report_id.clone(),
                rule: w.rule.clone(),
                outcome: "fired",
                suppressor: None,
                mention_id: w.mention_id,
                sentence_index: w.sentence_index,
                sentence: w.sentence.clone(),
            });
        }
        for x in &r.workup_suppressed_by {
            let sentence = r
                .mentions
                .iter()
                .find(|m| m.mention_id == x.mention_id)
                .map_or(String::new(), |m| m.sentence.trim().to_string());
            out.push(ReasonRow {
                report_id: r.report_id.clone(),
                rule: x.rule.clone(),
                outcome: "suppressed",
                suppressor: Some(x.suppressor.clone()),
                mention_id: Some(x.mention_id),
                sentence_index: x.sentence_index,
                sentence,
            });
        }
        out
    }
}

/// The columns of the reasons table, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonField {
    ReportId,
    Rule,
    Outcome,
    Suppressor,
    MentionId,
    SentenceIndex,
    Sentence,
}

impl ReasonField {
    pub const ALL: &'static [ReasonField] = &[
        ReasonField::ReportId,
        ReasonField::Rule,
        ReasonField::Outcome,
        ReasonField::Suppressor,
        ReasonField::MentionId,
        ReasonField::SentenceIndex,
        ReasonField::Sentence,
    ];

    /// The columns to write; `no_text` leaves out the sentence.
    pub fn columns(no_text: bool) -> Vec<ReasonField> {
        Self::ALL
            .iter()
            .copied()
            .filter(|f| !(no_text && *f == ReasonField::Sentence))
            .collect()
    }
}

impl Field<ReasonRow> for ReasonField {
    fn name(self) -> &'static str {
        match self {
            ReasonField::ReportId => "report_id",
            ReasonField::Rule => "rule",
            ReasonField::Outcome => "outcome",
            ReasonField::Suppressor => "suppressor",
            ReasonField::MentionId => "mention_id",
            ReasonField::SentenceIndex => "sentence_index",
            ReasonField::Sentence => "sentence",
        }
    }

    fn kind(self) -> Kind {
        match self {
            ReasonField::ReportId | ReasonField::Sentence => Kind::Str,
            ReasonField::MentionId | ReasonField::SentenceIndex => Kind::Int,
            _ => Kind::Category,
        }
    }

    fn value(self, r: &ReasonRow) -> Val<'_> {
        match self {
            ReasonField::ReportId => Val::Str(&r.report_id),
            ReasonField::Rule => Val::Str(&r.rule),
            ReasonField::Outcome => Val::Str(r.outcome),
            ReasonField::Suppressor => r.suppressor.as_deref().map_or(Val::Null, Val::Str),
            ReasonField::MentionId => r.mention_id.map_or(Val::Null, |m| Val::Int(m as i64)),
            ReasonField::SentenceIndex => Val::Int(r.sentence_index as i64),
            ReasonField::Sentence => Val::Str(&r.sentence),
        }
    }
}
