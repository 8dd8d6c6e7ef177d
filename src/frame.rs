//! Polars `DataFrame`s of mentions and reports, built from the columns of [`crate::schema`].
//!
//! [`FrameBuilder`] is generic over the column enums: it asks each field for its name, its
//! [`Kind`] and its value, so a column added in `schema.rs` appears here (and in Parquet) with
//! no change to this file. Types: `Int` → Int64, `Bool` → Boolean, `Float` → Float64, `Str` →
//! String, `Category` → Categorical (dictionary-encoded in Parquet), `List` → List(String).
//! CSV cannot hold nested data, so for CSV output lists are joined with
//! [`crate::output::LIST_SEP`], as in `extract --format csv`.
//!
//! A builder holds one batch of rows; [`FrameBuilder::take`] turns it into a `DataFrame` and
//! starts the next batch, so memory is bounded by the batch size, not the input.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::model::{Mention, ReportResult};
use crate::output::LIST_SEP;
use crate::schema::{Kind, MentionField, ReportField, Val};

/// A column of a table over records of type `R` (implemented by the schema's field enums).
pub trait Field<R>: Copy {
    fn name(self) -> &'static str;
    fn kind(self) -> Kind;
    fn value(self, r: &R) -> Val<'_>;
}

impl Field<Mention> for MentionField {
    fn name(self) -> &'static str {
        MentionField::name(self)
    }
    fn kind(self) -> Kind {
        MentionField::kind(self)
    }
    fn value(self, r: &Mention) -> Val<'_> {
        MentionField::value(self, r)
    }
}

impl Field<ReportResult> for ReportField {
    fn name(self) -> &'static str {
        ReportField::name(self)
    }
    fn kind(self) -> Kind {
        ReportField::kind(self)
    }
    fn value(self, r: &ReportResult) -> Val<'_> {
        ReportField::value(self, r)
    }
}

/// The Polars type a column of this kind gets (`flat`: lists as joined strings, for CSV).
pub fn dtype(kind: Kind, flat: bool) -> DataType {
    match kind {
        Kind::Str => DataType::String,
        Kind::Category => DataType::from_categories(Categories::global()),
        Kind::Int => DataType::Int64,
        Kind::Bool => DataType::Boolean,
        Kind::Float => DataType::Float64,
        Kind::List if flat => DataType::String,
        Kind::List => DataType::List(Box::new(DataType::String)),
    }
}

/// The documented name of a kind, as `mine --print-schema` shows it.
pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Str => "string",
        Kind::Category => "categorical",
        Kind::Int => "int64",
        Kind::Bool => "boolean",
        Kind::Float => "float64",
        Kind::List => "list<string>",
    }
}

/// The columns of the tables with their kinds, as JSON (`mine --print-schema`): `mentions` and
/// `reports` (mine, flag) and `audit` (`audit --format parquet`), so external checks (the
/// reader test, Spark) follow `schema.rs` without a copy of it.
pub fn schema_json(no_text: bool) -> String {
    let cols = |v: Vec<(&'static str, Kind)>| {
        v.into_iter()
            .map(|(n, k)| serde_json::json!({"name": n, "type": kind_name(k)}))
            .collect::<Vec<_>>()
    };
    let m = MentionField::columns(no_text)
        .into_iter()
        .map(|f| (f.name(), f.kind()))
        .collect();
    let r = ReportField::columns(no_text)
        .into_iter()
        .map(|f| (f.name(), f.kind()))
        .collect();
    let a = crate::schema::AuditField::columns(no_text)
        .into_iter()
        .map(|f| (f.name(), f.kind()))
        .collect();
    serde_json::json!({"mentions": cols(m), "reports": cols(r), "audit": cols(a)}).to_string()
}

enum Buf {
    Str(StringChunkedBuilder),
    Int(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Float(Vec<Option<f64>>),
    List(ListStringChunkedBuilder),
}

impl Buf {
    fn new(name: &str, kind: Kind, flat: bool, cap: usize) -> Buf {
        let name = PlSmallStr::from(name);
        match kind {
            Kind::Str | Kind::Category => Buf::Str(StringChunkedBuilder::new(name, cap)),
            Kind::List if flat => Buf::Str(StringChunkedBuilder::new(name, cap)),
            Kind::Int => Buf::Int(Vec::with_capacity(cap)),
            Kind::Bool => Buf::Bool(Vec::with_capacity(cap)),
            Kind::Float => Buf::Float(Vec::with_capacity(cap)),
            Kind::List => Buf::List(ListStringChunkedBuilder::new(name, cap, cap * 2)),
        }
    }

    fn push(&mut self, v: Val<'_>) {
        match self {
            Buf::Str(b) => push_str(b, v),
            Buf::Int(b) => b.push(int(v)),
            Buf::Bool(b) => b.push(boolean(v)),
            Buf::Float(b) => b.push(float(v)),
            Buf::List(b) => push_list(b, v),
        }
    }

    fn finish(self, name: &str, kind: Kind, flat: bool) -> PolarsResult<Column> {
        let name = PlSmallStr::from(name);
        let s = match self {
            Buf::Str(b) => b.finish().into_series(),
            Buf::Int(v) => Series::new(name.clone(), v),
            Buf::Bool(v) => Series::new(name.clone(), v),
            Buf::Float(v) => Series::new(name.clone(), v),
            Buf::List(mut b) => b.finish().into_series(),
        };
        let want = dtype(kind, flat);
        let s = if s.dtype() == &want {
            s
        } else {
            s.cast(&want)?
        };
        Ok(s.with_name(name).into_column())
    }
}

fn plain(v: &Val<'_>) -> String {
    match v {
        Val::Str(s) => s.to_string(),
        Val::Owned(s) => s.clone(),
        Val::Int(i) => i.to_string(),
        Val::Bool(b) => b.to_string(),
        Val::Float(Some(f)) => crate::schema::trim_float(*f),
        Val::Float(None) | Val::Null => String::new(),
        Val::List(l) => l.join(LIST_SEP),
    }
}

// One value into a column of each kind: what `Buf::push` does, and what
// `FrameBuilder::extend` does in its loops (inlined there, the value never leaves registers).

#[inline(always)]
fn push_str(b: &mut StringChunkedBuilder, v: Val<'_>) {
    match v {
        Val::Str(s) => b.append_value(s),
        Val::Owned(s) => b.append_value(&s),
        Val::List(l) => b.append_value(l.join(LIST_SEP)),
        Val::Null | Val::Float(None) => b.append_null(),
        other => b.append_value(plain(&other)),
    }
}

#[inline(always)]
fn int(v: Val<'_>) -> Option<i64> {
    match v {
        Val::Int(i) => Some(i),
        Val::Bool(x) => Some(x as i64),
        _ => None,
    }
}

#[inline(always)]
fn boolean(v: Val<'_>) -> Option<bool> {
    match v {
        Val::Bool(x) => Some(x),
        _ => None,
    }
}

#[inline(always)]
fn float(v: Val<'_>) -> Option<f64> {
    match v {
        Val::Float(f) => f,
        Val::Int(i) => Some(i as f64),
        _ => None,
    }
}

#[inline(always)]
fn push_list(b: &mut ListStringChunkedBuilder, v: Val<'_>) {
    match v {
        Val::List(l) => b.append_values_iter(l.iter().map(String::as_str)),
        Val::Null => b.append_null(),
        other => b.append_values_iter(std::iter::once(plain(&other).as_str())),
    }
}

/// Rows of one batch, column by column, ready to become a `DataFrame`.
pub struct FrameBuilder<F> {
    fields: Vec<F>,
    flat: bool,
    bufs: Vec<Buf>,
    rows: usize,
    cap: usize,
}

impl<F> FrameBuilder<F> {
    /// `flat`: lists become joined strings (for CSV); `cap`: expected rows per batch.
    pub fn new<R>(fields: Vec<F>, flat: bool, cap: usize) -> FrameBuilder<F>
    where
        F: Field<R>,
    {
        let bufs = fields
            .iter()
            .map(|f| Buf::new(f.name(), f.kind(), flat, cap))
            .collect();
        FrameBuilder {
            fields,
            flat,
            bufs,
            rows: 0,
            cap,
        }
    }

    pub fn push<R>(&mut self, r: &R)
    where
        F: Field<R>,
    {
        for (f, b) in self.fields.iter().zip(self.bufs.iter_mut()) {
            b.push(f.value(r));
        }
        self.rows += 1;
    }

    /// Push many rows, column by column: one pass over the rows per column, so the column's
    /// kind and field are the same from one value to the next. Row by row, every value
    /// switched field and buffer kind; measured on the 104 MB corpus, building the reports
    /// table that way took 0.26 s of a 1.85 s `mine -j1` run.
    pub fn extend<'r, R: 'r, I>(&mut self, rows: I)
    where
        F: Field<R>,
        I: Iterator<Item = &'r R> + Clone,
    {
        let n = rows.clone().count();
        for (f, b) in self.fields.iter().zip(self.bufs.iter_mut()) {
            let values = rows.clone().map(|r| f.value(r));
            match b {
                Buf::Str(b) => values.for_each(|v| push_str(b, v)),
                Buf::Int(b) => b.extend(values.map(int)),
                Buf::Bool(b) => b.extend(values.map(boolean)),
                Buf::Float(b) => b.extend(values.map(float)),
                Buf::List(b) => values.for_each(|v| push_list(b, v)),
            }
        }
        self.rows += n;
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The schema of the frames this builder makes.
    pub fn schema<R>(&self) -> Schema
    where
        F: Field<R>,
    {
        self.fields
            .iter()
            .map(|f| (PlSmallStr::from(f.name()), dtype(f.kind(), self.flat)))
            .collect()
    }

    /// The rows pushed so far as a `DataFrame`; the builder starts a new batch.
    pub fn take<R>(&mut self) -> PolarsResult<DataFrame>
    where
        F: Field<R>,
    {
        let cap = self.cap;
        let flat = self.flat;
        let fresh: Vec<Buf> = self
            .fields
            .iter()
            .map(|f| Buf::new(f.name(), f.kind(), flat, cap))
            .collect();
        let bufs = std::mem::replace(&mut self.bufs, fresh);
        let height = std::mem::take(&mut self.rows);
        let cols = bufs
            .into_iter()
            .zip(self.fields.iter())
            .map(|(b, f)| b.finish(f.name(), f.kind(), flat))
            .collect::<PolarsResult<Vec<_>>>()?;
        DataFrame::new(height, cols)
    }
}

/// The cohort summary, accumulated batch by batch with Polars group-bys so it never needs the
/// whole mentions table in memory.
///
/// Per organ × mechanism × status: the number of mentions, of reports with at least one such
/// mention, and of those reports flagged for a metabolic work-up. Reports overall: how many,
/// how many failed, how many have a present mention, how many are flagged (and at which
/// priority).
#[derive(Debug, Default, Clone)]
pub struct Summary {
    groups: BTreeMap<(String, String, String), GroupCounts>,
    pub reports: u64,
    pub failed: u64,
    pub with_present: u64,
    pub flagged: u64,
    pub priorities: BTreeMap<String, u64>,
}

#[derive(Debug, Default, Clone, Copy)]
struct GroupCounts {
    mentions: u64,
    reports: u64,
    flagged_reports: u64,
}

/// The key columns of the summary, in order.
pub const SUMMARY_KEYS: [MentionField; 3] = [
    MentionField::Organ,
    MentionField::Mechanism,
    MentionField::Status,
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
        let keys: Vec<StringChunked> = grouped.keys()[..3]
            .iter()
            .map(|k| Ok(k.cast(&DataType::String)?.str()?.clone()))
            .collect::<PolarsResult<_>>()?;
        let flagged = mentions.column("flagged")?.bool()?;
        for (i, g) in grouped.get_groups().iter().enumerate() {
            let key = (
                keys[0].get(i).unwrap_or("").to_string(),
                keys[1].get(i).unwrap_or("").to_string(),
                keys[2].get(i).unwrap_or("").to_string(),
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
        self.flagged += o.flagged;
        for (p, n) in &o.priorities {
            *self.priorities.entry(p.clone()).or_default() += n;
        }
    }

    /// The summary table: one row per organ × mechanism × status, then cohort rows
    /// (`organ` = `*`) for all reports, failed, with a present mention, and flagged (overall and
    /// by priority). `rate` = reports / all reports; `flag_rate` = flagged reports / reports.
    pub fn frame(&self) -> PolarsResult<DataFrame> {
        let mut kind = Vec::new();
        let mut organ = Vec::new();
        let mut mech = Vec::new();
        let mut status = Vec::new();
        let mut mentions: Vec<Option<u64>> = Vec::new();
        let mut reports = Vec::new();
        let mut flagged = Vec::new();
        let total = self.reports as f64;
        let rate = |n: u64, of: f64| if of > 0.0 { n as f64 / of } else { 0.0 };
        let mut rates = Vec::new();
        let mut flag_rates = Vec::new();
        for ((o, m, s), c) in &self.groups {
            kind.push("mentions".to_string());
            organ.push(o.clone());
            mech.push(m.clone());
            status.push(s.clone());
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
            mentions.push(None);
            reports.push(n);
            flagged.push(f);
            rates.push(rate(n, total));
            flag_rates.push(rate(f, n as f64));
        };
        cohort("all_reports", "*", self.reports, self.flagged);
        cohort("failed", "*", self.failed, 0);
        cohort("with_present_mention", "present", self.with_present, 0);
        cohort("flagged", "*", self.flagged, self.flagged);
        for (p, n) in &self.priorities {
            cohort("flagged", p, *n, *n);
        }
        DataFrame::new_infer_height(vec![
            Column::new("kind".into(), kind),
            Column::new("organ".into(), organ),
            Column::new("mechanism".into(), mech),
            Column::new("status".into(), status),
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
            has_present: r
                .mentions
                .iter()
                .any(|m| m.status == crate::model::Status::Present),
            flagged: r.metabolic_workup,
            priority: r.workup_priority,
        }
    }
}

/// The frame the summary groups: the key columns of each mention plus `report_id` and
/// whether the mention's report was flagged.
pub struct SummaryRows {
    keys: [StringChunkedBuilder; 4],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    fn mention(report: &str, organ: &str, status: Status, morph: &[&str]) -> Mention {
        let mut m = Mention::new(report, "calcification", 0, 13, "calcification");
        m.organ = organ.into();
        m.status = status;
        m.negated = status == Status::Absent;
        m.morphology = morph.iter().map(|s| s.to_string()).collect();
        m
    }

    #[test]
    fn mention_frame_has_the_documented_types() {
        let fields = MentionField::columns(false);
        let mut b = FrameBuilder::new::<Mention>(fields.clone(), false, 4);
        b.push(&mention(
            "r1",
            "kidney",
            Status::Present,
            &["punctate", "coarse"],
        ));
        b.push(&mention("r2", "lung", Status::Absent, &[]));
        let df = b.take::<Mention>().unwrap();
        assert_eq!(df.height(), 2);
        assert_eq!(df.width(), fields.len());
        for f in fields {
            let got = df.column(f.name()).unwrap().dtype().clone();
            let want = match f.kind() {
                Kind::Int => DataType::Int64,
                Kind::Bool => DataType::Boolean,
                Kind::List => DataType::List(Box::new(DataType::String)),
                Kind::Category => {
                    assert!(got.is_categorical(), "{}: {got:?}", f.name());
                    continue;
                }
                Kind::Str => DataType::String,
                Kind::Float => DataType::Float64,
            };
            assert_eq!(got, want, "{}", f.name());
        }
        let morph = df
            .column("morphology")
            .unwrap()
            .list()
            .unwrap()
            .get_as_series(0);
        assert_eq!(morph.unwrap().len(), 2);
        // the builder starts over after take
        assert!(b.is_empty());
    }

    #[test]
    fn column_by_column_equals_row_by_row() {
        let rows = vec![
            mention("r1", "kidney", Status::Present, &["punctate", "coarse"]),
            mention("r1", "lung", Status::Absent, &[]),
            mention("r2", "aorta", Status::Possible, &["dense"]),
        ];
        for flat in [false, true] {
            let fields = MentionField::columns(false);
            let mut by_row = FrameBuilder::new::<Mention>(fields.clone(), flat, 4);
            for m in &rows {
                by_row.push::<Mention>(m);
            }
            let mut by_column = FrameBuilder::new::<Mention>(fields, flat, 4);
            by_column.extend::<Mention, _>(rows.iter());
            assert_eq!(by_column.len(), 3);
            let (a, b) = (
                by_row.take::<Mention>().unwrap(),
                by_column.take::<Mention>().unwrap(),
            );
            assert!(a.equals_missing(&b), "flat = {flat}");
        }
    }

    #[test]
    fn csv_frames_join_lists() {
        let mut b = FrameBuilder::new::<Mention>(vec![MentionField::Morphology], true, 1);
        b.push(&mention(
            "r1",
            "kidney",
            Status::Present,
            &["punctate", "coarse"],
        ));
        let df = b.take::<Mention>().unwrap();
        let s = df
            .column("morphology")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .map(str::to_string);
        assert_eq!(s.as_deref(), Some("punctate|coarse"));
    }

    #[test]
    fn summary_counts_mentions_and_distinct_reports() {
        let mut rows = SummaryRows::default();
        rows.push(&mention("r1", "kidney", Status::Present, &[]), true);
        rows.push(&mention("r1", "kidney", Status::Present, &[]), true);
        rows.push(&mention("r2", "kidney", Status::Present, &[]), false);
        rows.push(&mention("r2", "lung", Status::Absent, &[]), false);
        let df = rows.take().unwrap();
        let reps = vec![
            ReportSummary {
                failed: false,
                has_present: true,
                flagged: true,
                priority: "routine",
            },
            ReportSummary {
                failed: false,
                has_present: true,
                flagged: false,
                priority: "none",
            },
            ReportSummary {
                failed: true,
                has_present: false,
                flagged: false,
                priority: "none",
            },
        ];
        let mut s = Summary::default();
        s.add_batch(&df, &reps).unwrap();
        let c = s.groups[&("kidney".into(), "indeterminate".into(), "present".into())];
        assert_eq!((c.mentions, c.reports, c.flagged_reports), (3, 2, 1));
        assert_eq!(
            (s.reports, s.failed, s.with_present, s.flagged),
            (3, 1, 2, 1)
        );
        let f = s.frame().unwrap();
        assert_eq!(f.height(), 2 + 5);
    }
}
