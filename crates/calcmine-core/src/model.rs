//! The plain structs that flow one way through the pipeline:
//! [`Report`] (input) → [`Mention`]s and a [`ReportResult`] (output).
//!
//! Every stage reads these and fills its own fields; none of them holds a reference back to an
//! earlier stage, so each stage can be tested alone.

use std::sync::Arc;

use serde::Serialize;

use crate::lexicon::vocab::recommendation;

/// Sections given by an input's structure: (start offset into the text, section name), one
/// per text column.
pub type ColumnSections = Arc<[(usize, Arc<str>)]>;

/// One input report, as read.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub id: String,
    /// The text as read (after lossy UTF-8 decoding). Mention offsets index into this.
    pub text: String,
    /// Sections given by the input's structure (one per text column of a CSV row): start offset
    /// into `text` and the section name. Empty for free text, where headers are detected.
    /// Shared, not copied into each report: a table with one text column gives every report
    /// of the file the same list.
    pub columns: ColumnSections,
    /// Where the report came from: file, and the line and record number within it. Shared by
    /// every report of a file: a string per report of an archive was measurable (a copy made
    /// by the reader and freed by a worker, ≈ 2 % of the CPU of `mine -j2`).
    pub source: Arc<str>,
    pub line: u64,
    pub record: u64,
    /// Number of invalid UTF-8 sequences replaced while decoding this report.
    pub invalid_utf8: usize,
    /// Set when the record could not be read properly; the report still gets a row.
    pub error: Option<String>,
    /// The exam description the input gives beside the text (`--exam-col`), if any.
    pub exam: Option<String>,
    /// Bytes of the record read past rather than kept: a record longer than the reader holds
    /// ([`crate::input::InputOptions::record_cap`]) is cut short, and not analysed. For a table,
    /// bytes of the row as written (quotes, other columns), not of its text alone.
    pub dropped_bytes: u64,
}

impl Report {
    /// The size of the report as read: its text, and what was read past.
    pub fn bytes(&self) -> u64 {
        self.text.len() as u64 + self.dropped_bytes
    }
}

/// ConText assertion status (docs/taxonomy.md §2), derived from the flags by
/// `context::Assertion::status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Present,
    Absent,
    Possible,
    Hypothetical,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Present => "present",
            Status::Absent => "absent",
            Status::Possible => "possible",
            Status::Hypothetical => "hypothetical",
        }
    }
}

/// A trigger word that changed a mention's assertion, kept so `explain` can show why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerHit {
    /// `negated`, `uncertain`, `historical`, `hypothetical`, `experiencer`, or `lexicon` when
    /// the target entry itself asserts (e.g. `noncalcified` is absent by definition).
    pub category: String,
    /// The trigger phrase as written in the report.
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// The lexicon family of a word the coding stage linked to a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordFamily {
    /// `anatomy.toml`: where.
    Anatomy,
    /// `morphology.toml`: what it looks like (morphology, distribution, predominance).
    Descriptor,
    /// `causes.toml`: why (entity, mechanism).
    Cause,
}

/// A word the coding stage linked to a mention, kept so `explain` can show which words the
/// codes came from. Not an output column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkedWord {
    pub family: WordFamily,
    /// Index of the entry in the lexicon's list of its family (`anatomy`, `descriptors`,
    /// `causes`).
    pub entry: u32,
    /// Byte offsets into the report text as read.
    pub start: usize,
    pub end: usize,
}

/// One calcification mention (or user target) with its assertion and taxonomy codes.
#[derive(Debug, Clone, Serialize)]
pub struct Mention {
    pub report_id: String,
    /// 1-based within the report, in text order.
    pub mention_id: u32,
    pub section: String,
    /// 0-based within the report.
    pub sentence_index: u32,
    /// Byte offsets into the report text as read.
    pub start: usize,
    pub end: usize,
    /// `start` in characters (Unicode scalar values) of the report text, as OMOP's NOTE_NLP
    /// `offset` counts. Not an output column of the mentions table.
    #[serde(skip)]
    pub char_start: usize,
    /// Byte offset of the mention's sentence (`sentence`) in the report text. Not an output
    /// column.
    #[serde(skip)]
    pub sentence_start: usize,
    pub text: String,
    /// The lexicon concept id that matched.
    pub term: String,
    pub status: Status,
    pub negated: bool,
    pub uncertain: bool,
    pub historical: bool,
    pub hypothetical: bool,
    /// `patient` or `other`.
    pub experiencer: String,
    /// The mention counts for the report (docs/taxonomy.md §2): present, about the patient, and
    /// an imaging finding (not in the indication, history or family history). Every report
    /// count (`n_present`), the work-up rules, the cohort summary, `audit` and the exit status
    /// use this one field. Set by the pipeline once the mention's assertion and section are
    /// final ([`Mention::decide_counts`]).
    pub counts: bool,
    /// The mention is in a section that reports this exam's findings (not the indication,
    /// history, family history or comparison). Not an output column: `counts` is.
    #[serde(skip)]
    pub in_findings: bool,
    pub sentence: String,
    /// Where the mention's report was read (file, and line of its record): with `report_id`,
    /// a key that holds even when report ids repeat. Shared with the report, not copied.
    pub source: Arc<str>,
    pub line: u64,
    pub triggers: Vec<TriggerHit>,
    // Taxonomy coding (docs/taxonomy.md §3–6); `unspecified` / `none` when the text does not say.
    pub process: String,
    pub location_class: String,
    pub compartment: String,
    pub organ: String,
    pub site: String,
    /// Where `organ` came from: `text` (the mention's sentence), `section` (the organ-system
    /// header it is under), `exam` (the examination), or `none`.
    pub organ_source: &'static str,
    pub laterality: String,
    pub morphology: Vec<String>,
    pub distribution: String,
    pub predominance: String,
    pub entity: String,
    pub mechanism: String,
    pub mechanism_basis: String,
    /// Id of the lexicon entry that decided `mechanism` (a target, cause, anatomy entry or
    /// condition); work-up suppressors select on it. Not an output column.
    #[serde(skip)]
    pub mechanism_source: String,
    /// The value a `score` term states ("calcium score of 412"); the report's
    /// `coronary_calcium_score`. Not an output column.
    #[serde(skip)]
    pub value: Option<f64>,
    /// The anatomy, descriptor and cause words linked to the mention, in text order. Not an
    /// output column.
    #[serde(skip)]
    pub links: Vec<LinkedWord>,
}

impl Mention {
    /// A mention with assertion defaults and every code unspecified; stages fill it in.
    pub fn new(report_id: &str, term: &str, start: usize, end: usize, text: &str) -> Mention {
        Mention {
            report_id: report_id.to_string(),
            mention_id: 0,
            section: String::new(),
            sentence_index: 0,
            start,
            end,
            char_start: 0,
            sentence_start: 0,
            text: text.to_string(),
            term: term.to_string(),
            status: Status::Present,
            negated: false,
            uncertain: false,
            historical: false,
            hypothetical: false,
            experiencer: "patient".into(),
            counts: false,
            in_findings: true,
            sentence: String::new(),
            source: Arc::default(),
            line: 0,
            triggers: Vec::new(),
            process: "unspecified".into(),
            location_class: "unspecified".into(),
            compartment: "none".into(),
            organ: "unspecified".into(),
            site: "unspecified".into(),
            organ_source: "none",
            laterality: "none".into(),
            morphology: Vec::new(),
            distribution: "unspecified".into(),
            predominance: "none".into(),
            entity: "none".into(),
            mechanism: "indeterminate".into(),
            mechanism_basis: String::new(),
            mechanism_source: String::new(),
            value: None,
            links: Vec::new(),
        }
    }

    /// Whether the mention counts for the report: present, the patient's, and in a section
    /// that reports imaging findings.
    pub fn decide_counts(&self) -> bool {
        self.status == Status::Present && self.is_patients_finding()
    }

    /// The patient's, and in a section that reports this exam's findings (whatever its status).
    pub fn is_patients_finding(&self) -> bool {
        self.in_findings && self.experiencer == "patient"
    }
}

/// A lab value stated in the report (docs/taxonomy.md §7).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LabValue {
    /// `calcium`, `phosphate`, `ca_phos_product`, `pth`, `vitamin_d_25oh`, `egfr`, `ckd_stage`.
    pub name: String,
    /// Value converted to the canonical unit (mg/dL for calcium and phosphate); `None` when it
    /// was found but is implausible or could not be read (then `parsed = false`).
    pub value: Option<f64>,
    pub unit: String,
    /// The text as written, e.g. `Ca 2.9 mmol/L`.
    pub text: String,
    pub parsed: bool,
    /// The sentence that stated it (for work-up reasons); not an output column.
    #[serde(skip)]
    pub sentence: String,
    /// 0-based index of that sentence in the report; not an output column.
    #[serde(skip)]
    pub sentence_index: u32,
}

/// A clinical condition stated in the report (docs/taxonomy.md §7).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Condition {
    /// e.g. `ckd`, `dialysis`, `hyperparathyroidism`, `prior_trauma`.
    pub id: String,
    pub text: String,
    pub negated: bool,
    pub sentence_index: u32,
    /// Assertion of the condition (negated → absent; "possible CKD" → possible).
    pub status: Status,
    /// `patient` or `other` ("family history of hyperparathyroidism").
    pub experiencer: String,
    /// The side the sentence gives the condition (`left`, `right`, `bilateral`, or `none`):
    /// the nearest side word ("status post right lumpectomy"). A cause on one side explains
    /// no calcification on the other (docs/taxonomy.md §6). Not an output column.
    #[serde(skip)]
    pub laterality: String,
}

impl Condition {
    /// Stated as present for the patient: the only conditions that count as context.
    pub fn asserted(&self) -> bool {
        self.status == Status::Present && self.experiencer == "patient"
    }
}

/// A work-up rule that fired, with the finding and the sentence that fired it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WorkupReason {
    pub rule: String,
    /// The mention that fired it (`None` for a lab rule: a value, not a mention).
    pub mention_id: Option<u32>,
    /// 0-based index of the sentence that fired it.
    pub sentence_index: u32,
    pub sentence: String,
}

/// A suppressor that set aside a rule's finding (docs/taxonomy.md §8): the rule would have
/// fired for this mention but for it, and did not fire for the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suppression {
    /// The `[[suppressor]]` id (`calcified_granuloma`).
    pub suppressor: String,
    /// The rule it stopped.
    pub rule: String,
    /// The mention it stopped the rule for.
    pub mention_id: u32,
    pub sentence_index: u32,
}

/// A recommendation statement (docs/taxonomy.md §9): one per type per sentence.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Recommendation {
    /// `metabolic_labs`, `imaging_followup`, `clinical_correlation`, `specialist_referral`,
    /// `genetic_testing`.
    pub kind: String,
    /// Interval in days when stated ("in 3 months" → 90; months count 30 days, years 365). For a
    /// range ("in 6-12 months") the start of the range: when the follow-up is first due.
    pub interval_days: Option<u32>,
    /// The end of a stated range ("6-12 months" → 360); equal to `interval_days` otherwise.
    pub interval_max_days: Option<u32>,
    pub sentence: String,
    pub section: String,
    /// 0-based within the report.
    pub sentence_index: u32,
    /// The phrase that typed it, as written, and its byte offsets into the report text.
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Everything calcmine decided about one report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportResult {
    pub report_id: String,
    pub source: Arc<str>,
    pub line: u64,
    pub bytes: usize,
    pub invalid_utf8: usize,
    pub mentions: Vec<Mention>,
    pub labs: Vec<LabValue>,
    pub conditions: Vec<Condition>,
    pub metabolic_workup: bool,
    /// `urgent`, `routine` or `none`.
    pub workup_priority: &'static str,
    pub workup_reasons: Vec<WorkupReason>,
    /// The suppressors that removed a rule's finding, with the rule (only rules that did not
    /// fire: a suppressor beside a rule that fired anyway set nothing aside).
    pub workup_suppressed_by: Vec<Suppression>,
    pub recommendations: Vec<Recommendation>,
    pub error: Option<String>,
    /// The examination (docs/taxonomy.md §7): `exam_modality` and `exam_region`,
    /// `unspecified` when the report does not say.
    pub exam_modality: std::borrow::Cow<'static, str>,
    pub exam_region: std::borrow::Cow<'static, str>,
    /// The BI-RADS assessment category (0–6, 4A/4B/4C), the highest when several are given.
    pub birads: Option<String>,
    /// The total coronary artery calcium (Agatston) score, when stated.
    pub coronary_calcium_score: Option<f64>,
    /// Mentions, labs, conditions and recommendations left out past the cap of one report
    /// (`pipeline::MAX_ITEMS_PER_REPORT`): a bound on memory. Not an output column; counted in
    /// `run.json` and on stderr.
    #[serde(skip)]
    pub over_cap: u32,
}

impl ReportResult {
    /// The distinct recommendation types of the report, in the order they first appear.
    pub fn recommendation_types(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for x in &self.recommendations {
            if !v.contains(&x.kind) {
                v.push(x.kind.clone());
            }
        }
        v
    }

    /// The shortest interval stated for an imaging follow-up, in days (`None` when none is).
    pub fn followup_interval_days(&self) -> Option<u32> {
        self.recommendations
            .iter()
            .filter(|x| x.kind == recommendation::IMAGING_FOLLOWUP)
            .filter_map(|x| x.interval_days)
            .min()
    }

    pub fn count(&self, status: Status) -> usize {
        self.mentions.iter().filter(|m| m.status == status).count()
    }
    /// The mentions that count for the report ([`Mention::counts`]): the report's `n_present`.
    pub fn n_counted(&self) -> usize {
        self.mentions.iter().filter(|m| m.counts).count()
    }
    /// Whether the report states this condition (present, for the patient).
    pub fn has_condition(&self, id: &str) -> bool {
        self.conditions.iter().any(|c| c.id == id && c.asserted())
    }
    /// The lab value of a given name, when parsed.
    pub fn lab(&self, name: &str) -> Option<f64> {
        self.labs
            .iter()
            .find(|l| l.name == name && l.parsed)
            .and_then(|l| l.value)
    }
}
