//! `summary.csv`: the cohort at a glance, accumulated batch by batch with Polars group-bys so it
//! never needs the whole mentions table in memory.

use std::collections::BTreeMap;

use polars::prelude::*;

use calcmine_core::model::{Mention, ReportResult};

use super::frame::plain;
use super::schema::{MentionField, Val};

/// The cohort summary, accumulated batch by batch with Polars group-bys so it never needs the
/// whole mentions table in memory.
///
/// Per organ × mechanism × status: the number of mentions, of reports with at least one such
/// mention, and of those reports flagged for a metabolic work-up. Reports overall: how many,
/// how many failed, how many have a present mention, how many are flagged (and at which
/// priority).
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Per (organ, mechanism, status, counts).
    pub(super) groups: BTreeMap<(String, String, String, String), GroupCounts>,
    pub reports: u64,
    pub failed: u64,
    pub with_present: u64,
    /// Of the reports with a mention that counts, those flagged.
    pub with_present_flagged: u64,
    pub flagged: u64,
    pub priorities: BTreeMap<String, u64>,
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct GroupCounts {
    pub(super) mentions: u64,
    pub(super) reports: u64,
    pub(super) flagged_reports: u64,
}

/// The key columns of the summary, in order.
pub const SUMMARY_KEYS: [MentionField; 4] = [
    MentionField::Organ,
    MentionField::Mechanism,
    MentionField::Status,
    MentionField::Counts,
];

impl Summary {
    /// Add one batch: its mentions (with a boolean `flagged` column: the mention's report was
    /// flagged) and the reports of the same batch. A report's mentions are always in the same
    /// batch as the report, so distinct-report counts add up across batches.
    pub fn add_batch(
        &mut self,
        mentions: &DataFrame,
        reports: &[ReportSummary],
    ) -> PolarsResult<()> {
        for r in reports {
            self.reports += 1;
            self.failed += r.failed as u64;
            self.with_present += r.has_present as u64;
            self.with_present_flagged += (r.has_present && r.flagged) as u64;
            if r.flagged {
                self.flagged += 1;
                *self.priorities.entry(r.priority.to_string()).or_default() += 1;
            }
        }
        if mentions.height() == 0 {
            return Ok(());
        }
        // One group-by, by group and report: each of its groups is one report's mentions in
        // one organ x mechanism x status group, so it adds its length to the group's
        // mentions, one to its reports, and one to its flagged reports if the report was
        // flagged. (Three group-bys, a distinct and a filter did the same; each is handed to
        // Polars' thread pool, and per batch they cost `mine -j2` about 4 % of its time.)
        let mut by: Vec<&str> = SUMMARY_KEYS.iter().map(|f| f.name()).collect();
        by.push(MentionField::ReportId.name());
        let grouped = mentions.group_by(by.iter().copied())?;
        let keys: Vec<StringChunked> = grouped.keys()[..4]
            .iter()
            .map(|k| Ok(k.cast(&DataType::String)?.str()?.clone()))
            .collect::<PolarsResult<_>>()?;
        let flagged = mentions.column("flagged")?.bool()?;
        for (i, g) in grouped.get_groups().iter().enumerate() {
            let key = (
                keys[0].get(i).unwrap_or("").to_string(),
                keys[1].get(i).unwrap_or("").to_string(),
                keys[2].get(i).unwrap_or("").to_string(),
                keys[3].get(i).unwrap_or("").to_string(),
            );
            let c = self.groups.entry(key).or_default();
            c.mentions += g.len() as u64;
            c.reports += 1;
            c.flagged_reports += flagged.get(g.first() as usize).unwrap_or(false) as u64;
        }
        Ok(())
    }

    /// Add the counts of another (partial) summary: each batch is summarized on its worker.
    pub fn merge(&mut self, o: &Summary) {
        for (k, c) in &o.groups {
            let g = self.groups.entry(k.clone()).or_default();
            g.mentions += c.mentions;
            g.reports += c.reports;
            g.flagged_reports += c.flagged_reports;
        }
        self.reports += o.reports;
        self.failed += o.failed;
        self.with_present += o.with_present;
        self.with_present_flagged += o.with_present_flagged;
        self.flagged += o.flagged;
        for (p, n) in &o.priorities {
            *self.priorities.entry(p.clone()).or_default() += n;
        }
    }

    /// The summary table: one row per organ × mechanism × status, then cohort rows
    /// (`organ` = `*`) for all reports, failed, with a mention that counts
    /// (`with_present_mention`: [`Mention::counts`]), and flagged (overall and by priority).
    /// `rate` = reports / all reports; `flag_rate` = flagged reports / reports; both rounded
    /// to 4 decimals.
    pub fn frame(&self) -> PolarsResult<DataFrame> {
        let mut kind = Vec::new();
        let mut organ = Vec::new();
        let mut mech = Vec::new();
        let mut status = Vec::new();
        let mut counted: Vec<Option<bool>> = Vec::new();
        let mut mentions: Vec<Option<u64>> = Vec::new();
        let mut reports = Vec::new();
        let mut flagged = Vec::new();
        let total = self.reports as f64;
        // rates to 4 decimals: a share of reports, not a measurement to 16 digits
        let rate = |n: u64, of: f64| {
            if of > 0.0 {
                (n as f64 / of * 1e4).round() / 1e4
            } else {
                0.0
            }
        };
        let mut rates = Vec::new();
        let mut flag_rates = Vec::new();
        for ((o, m, s, k), c) in &self.groups {
            kind.push("mentions".to_string());
            organ.push(o.clone());
            mech.push(m.clone());
            status.push(s.clone());
            counted.push(Some(k == "true"));
            mentions.push(Some(c.mentions));
            reports.push(c.reports);
            flagged.push(c.flagged_reports);
            rates.push(rate(c.reports, total));
            flag_rates.push(rate(c.flagged_reports, c.reports as f64));
        }
        let mut cohort = |k: &str, s: &str, n: u64, f: u64| {
            kind.push(k.to_string());
            organ.push("*".into());
            mech.push("*".into());
            status.push(s.to_string());
            counted.push(None);
            mentions.push(None);
            reports.push(n);
            flagged.push(f);
            rates.push(rate(n, total));
            flag_rates.push(rate(f, n as f64));
        };
        cohort("all_reports", "*", self.reports, self.flagged);
        cohort("failed", "*", self.failed, 0);
        cohort(
            "with_present_mention",
            "present",
            self.with_present,
            self.with_present_flagged,
        );
        cohort("flagged", "*", self.flagged, self.flagged);
        for (p, n) in &self.priorities {
            cohort("flagged", p, *n, *n);
        }
        DataFrame::new_infer_height(vec![
            Column::new("kind".into(), kind),
            Column::new("organ".into(), organ),
            Column::new("mechanism".into(), mech),
            Column::new("status".into(), status),
            Column::new("counts".into(), counted),
            Column::new("mentions".into(), mentions),
            Column::new("reports".into(), reports),
            Column::new("flagged_reports".into(), flagged),
            Column::new("rate".into(), rates),
            Column::new("flag_rate".into(), flag_rates),
        ])
    }
}

/// What the summary needs of one report.
#[derive(Debug, Clone)]
pub struct ReportSummary {
    pub failed: bool,
    pub has_present: bool,
    pub flagged: bool,
    pub priority: &'static str,
}

impl ReportSummary {
    pub fn of(r: &ReportResult) -> ReportSummary {
        ReportSummary {
            failed: r.error.is_some(),
            has_present: r.n_counted() > 0,
            flagged: r.metabolic_workup,
            priority: r.workup_priority,
        }
    }
}

/// The frame the summary groups: the key columns of each mention plus `report_id` and
/// whether the mention's report was flagged.
pub struct SummaryRows {
    keys: [StringChunkedBuilder; 5],
    flagged: Vec<bool>,
}

impl Default for SummaryRows {
    fn default() -> Self {
        let b = |f: MentionField| StringChunkedBuilder::new(f.name().into(), 1024);
        SummaryRows {
            keys: [
                b(SUMMARY_KEYS[0]),
                b(SUMMARY_KEYS[1]),
                b(SUMMARY_KEYS[2]),
                b(SUMMARY_KEYS[3]),
                b(MentionField::ReportId),
            ],
            flagged: Vec::new(),
        }
    }
}

impl SummaryRows {
    pub fn push(&mut self, m: &Mention, flagged: bool) {
        for (b, f) in self
            .keys
            .iter_mut()
            .zip(SUMMARY_KEYS.iter().copied().chain([MentionField::ReportId]))
        {
            match f.value(m) {
                Val::Str(s) => b.append_value(s),
                other => b.append_value(plain(&other)),
            }
        }
        self.flagged.push(flagged);
    }

    pub fn take(&mut self) -> PolarsResult<DataFrame> {
        let SummaryRows { keys, flagged } = std::mem::take(self);
        let height = flagged.len();
        let mut cols: Vec<Column> = keys
            .into_iter()
            .map(|b| b.finish().into_series().into_column())
            .collect();
        cols.push(Column::new("flagged".into(), flagged));
        DataFrame::new(height, cols)
    }
}
