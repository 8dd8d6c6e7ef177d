//! Follow-up audit: do reports that warrant a metabolic work-up (docs/taxonomy.md §8)
//! recommend one (§9)?
//!
//! Each report gets an [`Outcome`]; an [`AuditSummary`] accumulates counts and rates overall and
//! by work-up rule, streaming, so an archive of any size is audited in constant memory. The
//! per-report table is defined by the `calcmine` crate's output schema (`AuditField`), like the
//! other tables, so every writer (TSV, CSV, JSON lines, Parquet) takes it the same way.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::lexicon::vocab::recommendation;
use crate::model::ReportResult;
use crate::stats::wilson;

/// The audit outcome of one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Flagged for a metabolic work-up, and a `metabolic_labs` recommendation is made.
    WorkupRecommended,
    /// Flagged, and no `metabolic_labs` recommendation: the gap a quality team looks for.
    WorkupNotRecommended,
    /// Not flagged for a metabolic work-up.
    NotIndicated,
    /// The report could not be read (its `error` says why): neither flagged nor cleared.
    Error,
}

impl Outcome {
    pub const ALL: &'static [Outcome] = &[
        Outcome::WorkupRecommended,
        Outcome::WorkupNotRecommended,
        Outcome::NotIndicated,
        Outcome::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::WorkupRecommended => "workup_recommended",
            Outcome::WorkupNotRecommended => "workup_not_recommended",
            Outcome::NotIndicated => "not_indicated",
            Outcome::Error => "error",
        }
    }

    /// A flagged report without the recommendation.
    pub fn is_gap(self) -> bool {
        self == Outcome::WorkupNotRecommended
    }
}

/// Does the report recommend metabolic labs?
pub fn recommends_labs(r: &ReportResult) -> bool {
    r.recommendations
        .iter()
        .any(|x| x.kind == recommendation::METABOLIC_LABS)
}

/// The audit outcome of one report.
pub fn outcome(r: &ReportResult) -> Outcome {
    if r.error.is_some() {
        Outcome::Error
    } else if !r.metabolic_workup {
        Outcome::NotIndicated
    } else if recommends_labs(r) {
        Outcome::WorkupRecommended
    } else {
        Outcome::WorkupNotRecommended
    }
}

/// Flagged reports and how many of them recommend labs, for one group (a rule, a priority).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub flagged: u64,
    pub recommended: u64,
}

impl Counts {
    pub fn gaps(&self) -> u64 {
        self.flagged - self.recommended
    }
}

/// Counts and rates over every audited report.
#[derive(Debug, Clone, Default)]
pub struct AuditSummary {
    pub reports: u64,
    pub outcomes: BTreeMap<Outcome, u64>,
    /// By work-up rule id; a report flagged by two rules counts under both.
    pub by_rule: BTreeMap<String, Counts>,
    /// By work-up priority (`urgent`, `routine`).
    pub by_priority: BTreeMap<String, Counts>,
    /// Reports recommending imaging follow-up, and those of them stating an interval.
    pub imaging_followup: u64,
    pub imaging_followup_with_interval: u64,
    /// Reports recommending metabolic labs without being flagged.
    pub labs_not_indicated: u64,
    /// Reports with any recommendation, by type (a report counts once per type).
    pub by_type: BTreeMap<String, u64>,
}

impl AuditSummary {
    pub fn add(&mut self, r: &ReportResult) {
        self.reports += 1;
        let o = outcome(r);
        *self.outcomes.entry(o).or_default() += 1;
        if o == Outcome::Error {
            return;
        }
        let labs = recommends_labs(r);
        if r.metabolic_workup {
            let mut rules: Vec<&str> = r.workup_reasons.iter().map(|w| w.rule.as_str()).collect();
            rules.sort_unstable();
            rules.dedup();
            if rules.is_empty() {
                rules.push("(no rule recorded)");
            }
            for rule in rules {
                let c = self.by_rule.entry(rule.to_string()).or_default();
                c.flagged += 1;
                c.recommended += labs as u64;
            }
            let c = self
                .by_priority
                .entry(r.workup_priority.to_string())
                .or_default();
            c.flagged += 1;
            c.recommended += labs as u64;
        } else if labs {
            self.labs_not_indicated += 1;
        }
        let types = r.recommendation_types();
        for t in &types {
            *self.by_type.entry(t.clone()).or_default() += 1;
        }
        if types.iter().any(|t| t == recommendation::IMAGING_FOLLOWUP) {
            self.imaging_followup += 1;
            if r.followup_interval_days().is_some() {
                self.imaging_followup_with_interval += 1;
            }
        }
    }

    /// Add the counts of another summary (of other reports: a batch audited on another
    /// thread).
    pub fn merge(&mut self, o: &AuditSummary) {
        self.reports += o.reports;
        for (k, n) in &o.outcomes {
            *self.outcomes.entry(*k).or_default() += n;
        }
        for (mine, theirs) in [
            (&mut self.by_rule, &o.by_rule),
            (&mut self.by_priority, &o.by_priority),
        ] {
            for (k, c) in theirs {
                let x = mine.entry(k.clone()).or_default();
                x.flagged += c.flagged;
                x.recommended += c.recommended;
            }
        }
        self.imaging_followup += o.imaging_followup;
        self.imaging_followup_with_interval += o.imaging_followup_with_interval;
        self.labs_not_indicated += o.labs_not_indicated;
        for (k, n) in &o.by_type {
            *self.by_type.entry(k.clone()).or_default() += n;
        }
    }

    pub fn count(&self, o: Outcome) -> u64 {
        self.outcomes.get(&o).copied().unwrap_or(0)
    }

    /// Flagged reports, and those recommending labs.
    pub fn flagged(&self) -> Counts {
        Counts {
            flagged: self.count(Outcome::WorkupRecommended)
                + self.count(Outcome::WorkupNotRecommended),
            recommended: self.count(Outcome::WorkupRecommended),
        }
    }

    /// The summary as printed: plain text, one figure per line, aligned.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let n = self.reports;
        let _ = writeln!(s, "calcmine audit: {n} reports");
        let _ = writeln!(s, "  outcome                      reports   share");
        for o in Outcome::ALL {
            let c = self.count(*o);
            if *o == Outcome::Error && c == 0 {
                continue;
            }
            let _ = writeln!(s, "  {:<26} {:>9}  {}", o.as_str(), c, pct(c, n));
        }
        let f = self.flagged();
        let _ = writeln!(
            s,
            "  work-up recommended in {} of {} flagged reports: {}",
            f.recommended,
            f.flagged,
            rate_ci(f.recommended, f.flagged)
        );
        if !self.by_rule.is_empty() {
            let _ = writeln!(
                s,
                "  by work-up rule              flagged  recommended  gaps  recommendation rate (95% CI)"
            );
            for (rule, c) in &self.by_rule {
                let _ = writeln!(
                    s,
                    "  {:<26} {:>9} {:>12} {:>5}  {}",
                    rule,
                    c.flagged,
                    c.recommended,
                    c.gaps(),
                    rate_ci(c.recommended, c.flagged)
                );
            }
        }
        if !self.by_priority.is_empty() {
            let _ = writeln!(
                s,
                "  by priority                  flagged  recommended  gaps"
            );
            for (p, c) in &self.by_priority {
                let _ = writeln!(
                    s,
                    "  {:<26} {:>9} {:>12} {:>5}",
                    p,
                    c.flagged,
                    c.recommended,
                    c.gaps()
                );
            }
        }
        let _ = writeln!(s, "  reports recommending, by type:");
        for t in crate::lexicon::RECOMMENDATION_TYPES {
            let c = self.by_type.get(*t).copied().unwrap_or(0);
            let _ = writeln!(s, "    {:<24} {:>9}  {}", t, c, pct(c, n));
        }
        let _ = writeln!(
            s,
            "  imaging follow-up with a stated interval: {} of {}",
            self.imaging_followup_with_interval, self.imaging_followup
        );
        let _ = writeln!(
            s,
            "  metabolic labs recommended without a work-up flag: {}",
            self.labs_not_indicated
        );
        s
    }
}

fn pct(k: u64, n: u64) -> String {
    if n == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * k as f64 / n as f64)
    }
}

/// `k/n` as a percentage with its 95 % Wilson score interval (`-` when n = 0).
pub fn rate_ci(k: u64, n: u64) -> String {
    match wilson(k, n) {
        None => "-".into(),
        Some((lo, hi)) => format!(
            "{:.1}% ({:.1}–{:.1}%)",
            100.0 * k as f64 / n as f64,
            100.0 * lo,
            100.0 * hi
        ),
    }
}
