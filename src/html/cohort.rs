//! What the cohort page needs, gathered report by report on the workers and merged in input
//! order: counts for the cards and charts, a row per flagged report, and a bounded number of
//! reports (result and text) kept for review. Memory stays bounded: rows are kept for every
//! flagged report (a small share of an archive) but only for the first `limit` other reports
//! with a finding, and at most `limit` reports of each kind are kept for review.

use std::collections::BTreeMap;
use std::sync::Arc;

use calcmine_core::audit::{outcome, AuditSummary, Outcome};
use calcmine_core::model::ReportResult;

use super::labels::{findings, Shown};

/// What the page says about the run.
#[derive(Debug, Clone, Default)]
pub struct PageInfo {
    /// The inputs, as given.
    pub inputs: Vec<String>,
    pub no_text: bool,
    /// `K/N` when a shard was mined.
    pub shard: Option<String>,
}

/// A row of the tables of flagged reports, audit gaps and reports with a finding.
#[derive(Debug, Clone)]
pub struct Row {
    /// The report's position in the cohort (0-based, input order).
    pub seq: u64,
    pub report_id: String,
    pub source: Arc<str>,
    pub line: u64,
    pub priority: &'static str,
    pub rules: Vec<String>,
    pub outcome: Outcome,
    pub recommendations: Vec<String>,
    /// The findings that count, in words (`lung (dystrophic)`).
    pub findings: Vec<String>,
}

impl Row {
    fn of(seq: u64, r: &ReportResult) -> Row {
        let mut rules: Vec<String> = Vec::new();
        for w in &r.workup_reasons {
            if !rules.contains(&w.rule) {
                rules.push(w.rule.clone());
            }
        }
        Row {
            seq,
            report_id: r.report_id.clone(),
            source: r.source.clone(),
            line: r.line,
            priority: r.workup_priority,
            rules,
            outcome: outcome(r),
            recommendations: r.recommendation_types(),
            findings: findings(r),
        }
    }
}

/// A report kept for review: its result, and its text unless `--no-text`.
#[derive(Debug, Clone)]
pub struct Kept {
    pub seq: u64,
    pub text: Option<String>,
    pub result: ReportResult,
}

/// The cohort page's data.
#[derive(Debug, Clone, Default)]
pub struct Cohort {
    /// How many reports of each kind to keep for review (and rows of reports with a finding).
    pub limit: usize,
    keep_text: bool,
    pub reports: u64,
    pub failed: u64,
    /// Reports with a mention that counts ([`calcmine_core::model::Mention::counts`]).
    pub with_counting: u64,
    pub flagged: u64,
    pub priorities: BTreeMap<String, u64>,
    pub mentions: u64,
    pub audit: AuditSummary,
    /// Mentions that count, by organ and mechanism.
    pub organ_mechanism: BTreeMap<(String, String), u64>,
    /// Every mention, by location class and how it is shown.
    pub location_shown: BTreeMap<(String, Shown), u64>,
    /// Every flagged report.
    pub flagged_rows: Vec<Row>,
    /// Reports with a finding that counts, not flagged: how many, and the first `limit`.
    pub finding_reports: u64,
    pub finding_rows: Vec<Row>,
    /// Kept for review: gaps, other flagged reports, other reports with a finding.
    pub gaps_kept: Vec<Kept>,
    pub flagged_kept: Vec<Kept>,
    pub findings_kept: Vec<Kept>,
}

impl Cohort {
    /// An empty cohort keeping up to `limit` reports of each kind for review, with their text
    /// when `keep_text`.
    pub fn new(limit: usize, keep_text: bool) -> Cohort {
        Cohort {
            limit,
            keep_text,
            ..Default::default()
        }
    }

    /// Add the next report: its result and its text (dropped unless kept for review).
    pub fn add(&mut self, r: ReportResult, text: String) {
        let seq = self.reports;
        self.reports += 1;
        self.audit.add(&r);
        if r.error.is_some() {
            self.failed += 1;
        }
        self.mentions += r.mentions.len() as u64;
        let mut counting = false;
        for m in &r.mentions {
            let shown = Shown::of(m);
            *self
                .location_shown
                .entry((m.location_class.clone(), shown))
                .or_default() += 1;
            if shown == Shown::Present {
                counting = true;
                *self
                    .organ_mechanism
                    .entry((m.organ.clone(), m.mechanism.clone()))
                    .or_default() += 1;
            }
        }
        self.with_counting += counting as u64;
        let kept = |text: String, result: ReportResult, keep_text: bool| Kept {
            seq,
            text: keep_text.then_some(text),
            result,
        };
        if r.metabolic_workup {
            self.flagged += 1;
            *self
                .priorities
                .entry(r.workup_priority.to_string())
                .or_default() += 1;
            let row = Row::of(seq, &r);
            let list = if row.outcome.is_gap() {
                &mut self.gaps_kept
            } else {
                &mut self.flagged_kept
            };
            if list.len() < self.limit {
                list.push(kept(text, r, self.keep_text));
            }
            self.flagged_rows.push(row);
        } else if counting {
            self.finding_reports += 1;
            if self.finding_rows.len() < self.limit {
                self.finding_rows.push(Row::of(seq, &r));
            }
            if self.findings_kept.len() < self.limit {
                self.findings_kept.push(kept(text, r, self.keep_text));
            }
        }
    }

    /// Append the cohort of the reports that follow this one's (the next batch).
    pub fn merge(&mut self, o: Cohort) {
        let base = self.reports;
        let limit = self.limit;
        self.reports += o.reports;
        self.failed += o.failed;
        self.with_counting += o.with_counting;
        self.flagged += o.flagged;
        self.mentions += o.mentions;
        for (p, n) in o.priorities {
            *self.priorities.entry(p).or_default() += n;
        }
        self.audit.merge(&o.audit);
        for (k, n) in o.organ_mechanism {
            *self.organ_mechanism.entry(k).or_default() += n;
        }
        for (k, n) in o.location_shown {
            *self.location_shown.entry(k).or_default() += n;
        }
        let shift_row = |mut r: Row| {
            r.seq += base;
            r
        };
        self.flagged_rows
            .extend(o.flagged_rows.into_iter().map(shift_row));
        self.finding_reports += o.finding_reports;
        let room = limit.saturating_sub(self.finding_rows.len());
        self.finding_rows
            .extend(o.finding_rows.into_iter().take(room).map(shift_row));
        for (mine, theirs) in [
            (&mut self.gaps_kept, o.gaps_kept),
            (&mut self.flagged_kept, o.flagged_kept),
            (&mut self.findings_kept, o.findings_kept),
        ] {
            let room = limit.saturating_sub(mine.len());
            mine.extend(theirs.into_iter().take(room).map(|mut k| {
                k.seq += base;
                k
            }));
        }
    }

    /// The reports reviewed on the page, at most `limit` in all: the gaps first, then the other
    /// flagged reports, then the other reports with a finding, each in input order. With the
    /// heading of each group.
    pub fn reviewed(&self) -> Vec<(&'static str, Vec<&Kept>)> {
        let mut left = self.limit;
        let mut out = Vec::new();
        for (title, list) in [
            (
                "Audit gaps: flagged, no metabolic labs recommended",
                &self.gaps_kept,
            ),
            ("Other flagged reports", &self.flagged_kept),
            (
                "Reports with a calcification that counts, not flagged",
                &self.findings_kept,
            ),
        ] {
            let take: Vec<&Kept> = list.iter().take(left).collect();
            left -= take.len();
            if !take.is_empty() {
                out.push((title, take));
            }
        }
        out
    }
}
