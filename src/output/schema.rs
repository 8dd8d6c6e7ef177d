//! The columns of calcmine's tables, defined once and used by every writer (TSV, CSV, JSON
//! lines, and the Polars frames), so the formats cannot drift apart.

use calcmine_core::lexicon::vocab::lab;
use calcmine_core::model::{Mention, ReportResult, Status};

use super::omop::NoteNlpRow;

/// A cell value, borrowed from the record where possible.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Str(&'a str),
    Owned(String),
    Int(i64),
    Bool(bool),
    Float(Option<f64>),
    List(Vec<String>),
    /// A list of records (structured values: work-up reasons, recommendations), each with the
    /// fields of its kind, in order.
    Records(RecordFields, Vec<Vec<Val<'a>>>),
    Null,
}

/// The fields of each record of a [`Kind::Records`] column: name and scalar kind.
pub type RecordFields = &'static [(&'static str, Kind)];

/// The logical type of a column (what Parquet gets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    /// A string from a small closed vocabulary (a categorical in Polars).
    Category,
    Int,
    Bool,
    Float,
    List,
    /// A list of records: a list of structs in Parquet and JSON lines, a JSON array in a
    /// CSV or TSV cell.
    Records(RecordFields),
}

// Every field of a list-of-struct column is a Parquet leaf column of its own, and Polars'
// encoder spends about as long on each leaf of every row, empty or not, as on a whole list of
// strings (measured: 20 % of a `mine --screen-only` run with 14 fields over three columns).
// So the records hold what an analyst needs in the reports table; `reasons.parquet` has the
// rest, one row per decision, with the mention ids.

/// A work-up reason: the rule, and the sentence that fired it.
pub const REASON_FIELDS: RecordFields = &[
    ("rule", Kind::Str),
    ("sentence_index", Kind::Int),
    ("sentence", Kind::Str),
];

/// A recommendation: its type, the interval stated (days), and its sentence.
pub const RECOMMENDATION_FIELDS: RecordFields = &[
    ("type", Kind::Str),
    ("interval_days", Kind::Int),
    ("sentence_index", Kind::Int),
    ("sentence", Kind::Str),
];

fn opt_int<'a>(v: Option<u32>) -> Val<'a> {
    v.map_or(Val::Null, |x| Val::Int(x as i64))
}

/// The fields of the mentions table, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionField {
    ReportId,
    MentionId,
    Section,
    SentenceIndex,
    Start,
    End,
    Text,
    Term,
    Status,
    Negated,
    Uncertain,
    Historical,
    Hypothetical,
    Experiencer,
    Counts,
    Process,
    LocationClass,
    Compartment,
    Organ,
    OrganSource,
    Site,
    Laterality,
    Morphology,
    Distribution,
    Predominance,
    Entity,
    Mechanism,
    MechanismBasis,
    Triggers,
    Sentence,
    Source,
    Line,
}

use MentionField as M;

impl MentionField {
    pub const ALL: &'static [MentionField] = &[
        M::ReportId,
        M::MentionId,
        M::Section,
        M::SentenceIndex,
        M::Start,
        M::End,
        M::Text,
        M::Term,
        M::Status,
        M::Negated,
        M::Uncertain,
        M::Historical,
        M::Hypothetical,
        M::Experiencer,
        M::Counts,
        M::Process,
        M::LocationClass,
        M::Compartment,
        M::Organ,
        M::OrganSource,
        M::Site,
        M::Laterality,
        M::Morphology,
        M::Distribution,
        M::Predominance,
        M::Entity,
        M::Mechanism,
        M::MechanismBasis,
        M::Triggers,
        M::Sentence,
        M::Source,
        M::Line,
    ];

    /// The columns to write; `no_text` leaves out every field that carries report text.
    pub fn columns(no_text: bool) -> Vec<MentionField> {
        Self::ALL
            .iter()
            .copied()
            .filter(|f| !(no_text && f.is_text()))
            .collect()
    }

    /// Fields that copy report text (left out by `--no-text`).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            M::Sentence | M::Text | M::Triggers | M::MechanismBasis
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            M::ReportId => "report_id",
            M::MentionId => "mention_id",
            M::Section => "section",
            M::SentenceIndex => "sentence_index",
            M::Start => "start",
            M::End => "end",
            M::Text => "text",
            M::Term => "term",
            M::Status => "status",
            M::Negated => "negated",
            M::Uncertain => "uncertain",
            M::Historical => "historical",
            M::Hypothetical => "hypothetical",
            M::Experiencer => "experiencer",
            M::Counts => "counts",
            M::Process => "process",
            M::LocationClass => "location_class",
            M::Compartment => "compartment",
            M::Organ => "organ",
            M::OrganSource => "organ_source",
            M::Site => "site",
            M::Laterality => "laterality",
            M::Morphology => "morphology",
            M::Distribution => "distribution",
            M::Predominance => "predominance",
            M::Entity => "entity",
            M::Mechanism => "mechanism",
            M::MechanismBasis => "mechanism_basis",
            M::Triggers => "triggers",
            M::Sentence => "sentence",
            M::Source => "source",
            M::Line => "line",
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            M::MentionId | M::SentenceIndex | M::Start | M::End | M::Line => Kind::Int,
            M::Negated | M::Uncertain | M::Historical | M::Hypothetical | M::Counts => Kind::Bool,
            M::Morphology | M::Triggers => Kind::List,
            M::Section
            | M::Status
            | M::Experiencer
            | M::Process
            | M::LocationClass
            | M::Compartment
            | M::OrganSource
            | M::Laterality
            | M::Distribution
            | M::Predominance
            | M::Mechanism => Kind::Category,
            _ => Kind::Str,
        }
    }

    pub fn value(self, m: &Mention) -> Val<'_> {
        match self {
            M::ReportId => Val::Str(&m.report_id),
            M::MentionId => Val::Int(m.mention_id as i64),
            M::Section => Val::Str(&m.section),
            M::SentenceIndex => Val::Int(m.sentence_index as i64),
            M::Start => Val::Int(m.start as i64),
            M::End => Val::Int(m.end as i64),
            M::Text => Val::Str(&m.text),
            M::Term => Val::Str(&m.term),
            M::Status => Val::Str(m.status.as_str()),
            M::Negated => Val::Bool(m.negated),
            M::Uncertain => Val::Bool(m.uncertain),
            M::Historical => Val::Bool(m.historical),
            M::Hypothetical => Val::Bool(m.hypothetical),
            M::Experiencer => Val::Str(&m.experiencer),
            M::Counts => Val::Bool(m.counts),
            M::Process => Val::Str(&m.process),
            M::LocationClass => Val::Str(&m.location_class),
            M::Compartment => Val::Str(&m.compartment),
            M::Organ => Val::Str(&m.organ),
            M::OrganSource => Val::Str(m.organ_source),
            M::Site => Val::Str(&m.site),
            M::Laterality => Val::Str(&m.laterality),
            M::Morphology => Val::List(m.morphology.clone()),
            M::Distribution => Val::Str(&m.distribution),
            M::Predominance => Val::Str(&m.predominance),
            M::Entity => Val::Str(&m.entity),
            M::Mechanism => Val::Str(&m.mechanism),
            M::MechanismBasis => Val::Str(&m.mechanism_basis),
            M::Triggers => Val::List(
                m.triggers
                    .iter()
                    .map(|t| format!("{}:{}", t.category, t.text))
                    .collect(),
            ),
            M::Sentence => Val::Str(&m.sentence),
            M::Source => Val::Str(&m.source),
            M::Line => Val::Int(m.line as i64),
        }
    }
}

/// The fields of the reports table, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportField {
    ReportId,
    Source,
    Line,
    NMentions,
    NPresent,
    NAbsent,
    NPossible,
    NHypothetical,
    MetabolicWorkup,
    WorkupPriority,
    WorkupReasons,
    WorkupRules,
    WorkupSuppressedBy,
    Conditions,
    Labs,
    RecommendationTypes,
    FollowupIntervalDays,
    Recommendations,
    CalciumMgDl,
    PhosphateMgDl,
    CaPhosProduct,
    PthPgMl,
    VitaminDNgMl,
    Egfr,
    CkdStage,
    ExamModality,
    ExamRegion,
    Birads,
    CoronaryCalciumScore,
    Bytes,
    InvalidUtf8,
    Error,
}

use ReportField as R;

impl ReportField {
    pub const ALL: &'static [ReportField] = &[
        R::ReportId,
        R::Source,
        R::Line,
        R::NMentions,
        R::NPresent,
        R::NAbsent,
        R::NPossible,
        R::NHypothetical,
        R::MetabolicWorkup,
        R::WorkupPriority,
        R::WorkupRules,
        R::WorkupReasons,
        R::WorkupSuppressedBy,
        R::Conditions,
        R::Labs,
        R::RecommendationTypes,
        R::FollowupIntervalDays,
        R::Recommendations,
        R::CalciumMgDl,
        R::PhosphateMgDl,
        R::CaPhosProduct,
        R::PthPgMl,
        R::VitaminDNgMl,
        R::Egfr,
        R::CkdStage,
        R::ExamModality,
        R::ExamRegion,
        R::Birads,
        R::CoronaryCalciumScore,
        R::Bytes,
        R::InvalidUtf8,
        R::Error,
    ];

    pub fn columns(no_text: bool) -> Vec<ReportField> {
        Self::ALL
            .iter()
            .copied()
            .filter(|f| !(no_text && f.is_text()))
            .collect()
    }

    /// Fields that copy report text (left out by `--no-text`).
    pub fn is_text(self) -> bool {
        matches!(self, R::WorkupReasons | R::Recommendations)
    }

    pub fn name(self) -> &'static str {
        match self {
            R::ReportId => "report_id",
            R::Source => "source",
            R::Line => "line",
            R::NMentions => "n_mentions",
            R::NPresent => "n_present",
            R::NAbsent => "n_absent",
            R::NPossible => "n_possible",
            R::NHypothetical => "n_hypothetical",
            R::MetabolicWorkup => "metabolic_workup",
            R::WorkupPriority => "workup_priority",
            R::WorkupRules => "workup_rules",
            R::WorkupReasons => "workup_reasons",
            R::WorkupSuppressedBy => "workup_suppressed_by",
            R::Conditions => "conditions",
            R::Labs => "labs",
            R::RecommendationTypes => "recommendation_types",
            R::FollowupIntervalDays => "followup_interval_days",
            R::Recommendations => "recommendations",
            R::CalciumMgDl => "calcium_mg_dl",
            R::PhosphateMgDl => "phosphate_mg_dl",
            R::CaPhosProduct => "ca_phos_product",
            R::PthPgMl => "pth_pg_ml",
            R::VitaminDNgMl => "vitamin_d_ng_ml",
            R::Egfr => "egfr",
            R::CkdStage => "ckd_stage",
            R::ExamModality => "exam_modality",
            R::ExamRegion => "exam_region",
            R::Birads => "birads",
            R::CoronaryCalciumScore => "coronary_calcium_score",
            R::Bytes => "bytes",
            R::InvalidUtf8 => "invalid_utf8",
            R::Error => "error",
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            R::Line
            | R::NMentions
            | R::NPresent
            | R::NAbsent
            | R::NPossible
            | R::NHypothetical
            | R::Bytes
            | R::InvalidUtf8
            | R::FollowupIntervalDays
            | R::CkdStage => Kind::Int,
            R::CalciumMgDl
            | R::PhosphateMgDl
            | R::CaPhosProduct
            | R::PthPgMl
            | R::VitaminDNgMl
            | R::Egfr
            | R::CoronaryCalciumScore => Kind::Float,
            R::ExamModality | R::ExamRegion | R::Birads => Kind::Category,
            R::MetabolicWorkup => Kind::Bool,
            R::WorkupPriority => Kind::Category,
            R::WorkupReasons => Kind::Records(REASON_FIELDS),

            R::Recommendations => Kind::Records(RECOMMENDATION_FIELDS),
            R::WorkupRules
            | R::WorkupSuppressedBy
            | R::Conditions
            | R::Labs
            | R::RecommendationTypes => Kind::List,
            _ => Kind::Str,
        }
    }

    pub fn value(self, r: &ReportResult) -> Val<'_> {
        match self {
            R::ReportId => Val::Str(&r.report_id),
            R::Source => Val::Str(&r.source),
            R::Line => Val::Int(r.line as i64),
            R::NMentions => Val::Int(r.mentions.len() as i64),
            // what counts for the report (docs/taxonomy.md §2), not every present status
            R::NPresent => Val::Int(r.n_counted() as i64),
            R::NAbsent => Val::Int(r.count(Status::Absent) as i64),
            R::NPossible => Val::Int(r.count(Status::Possible) as i64),
            R::NHypothetical => Val::Int(r.count(Status::Hypothetical) as i64),
            R::MetabolicWorkup => Val::Bool(r.metabolic_workup),
            R::WorkupPriority => Val::Str(r.workup_priority),
            R::WorkupRules => Val::List(r.workup_reasons.iter().map(|w| w.rule.clone()).collect()),
            R::WorkupReasons => Val::Records(
                REASON_FIELDS,
                r.workup_reasons
                    .iter()
                    .map(|w| {
                        vec![
                            Val::Str(&w.rule),
                            Val::Int(w.sentence_index as i64),
                            Val::Str(&w.sentence),
                        ]
                    })
                    .collect(),
            ),
            // `suppressor:rule`, each once (the mentions are in reasons.parquet)
            R::WorkupSuppressedBy => {
                let mut v: Vec<String> = Vec::new();
                for x in &r.workup_suppressed_by {
                    let s = format!("{}:{}", x.suppressor, x.rule);
                    if !v.contains(&s) {
                        v.push(s);
                    }
                }
                Val::List(v)
            }
            R::Conditions => {
                // each condition once, stated present for the patient
                let mut v: Vec<String> = Vec::new();
                for c in r.conditions.iter().filter(|c| c.asserted()) {
                    if !v.contains(&c.id) {
                        v.push(c.id.clone());
                    }
                }
                Val::List(v)
            }
            R::CalciumMgDl => Val::Float(r.lab(lab::CALCIUM).map(round_lab)),
            R::PhosphateMgDl => Val::Float(r.lab(lab::PHOSPHATE).map(round_lab)),
            R::CaPhosProduct => Val::Float(r.lab(lab::CA_PHOS_PRODUCT).map(round_lab)),
            R::PthPgMl => Val::Float(r.lab(lab::PTH).map(round_lab)),
            R::VitaminDNgMl => Val::Float(r.lab(lab::VITAMIN_D).map(round_lab)),
            R::Egfr => Val::Float(r.lab(lab::EGFR).map(round_lab)),
            R::CkdStage => match r.lab(lab::CKD_STAGE) {
                Some(v) => Val::Int(v.round() as i64),
                None => Val::Null,
            },
            R::ExamModality => Val::Str(&r.exam_modality),
            R::ExamRegion => Val::Str(&r.exam_region),
            R::Birads => match &r.birads {
                Some(b) => Val::Str(b),
                None => Val::Null,
            },
            R::CoronaryCalciumScore => Val::Float(r.coronary_calcium_score),
            R::Labs => Val::List(
                r.labs
                    .iter()
                    .map(|l| match l.value {
                        Some(v) if l.parsed => format!(
                            "{}={}{}",
                            l.name,
                            trim_float(v),
                            if l.unit.is_empty() {
                                String::new()
                            } else {
                                format!(" {}", l.unit)
                            }
                        ),
                        _ => format!("{}=unparsed", l.name),
                    })
                    .collect(),
            ),
            R::RecommendationTypes => Val::List(r.recommendation_types()),
            R::FollowupIntervalDays => match r.followup_interval_days() {
                Some(d) => Val::Int(d as i64),
                None => Val::Null,
            },
            R::Recommendations => Val::Records(
                RECOMMENDATION_FIELDS,
                r.recommendations
                    .iter()
                    .map(|x| {
                        vec![
                            Val::Str(&x.kind),
                            opt_int(x.interval_days),
                            Val::Int(x.sentence_index as i64),
                            Val::Str(x.sentence.trim()),
                        ]
                    })
                    .collect(),
            ),
            R::Bytes => Val::Int(r.bytes as i64),
            R::InvalidUtf8 => Val::Int(r.invalid_utf8 as i64),
            R::Error => match &r.error {
                Some(e) => Val::Str(e),
                None => Val::Null,
            },
        }
    }
}

/// A lab value as every table holds it: rounded to 3 decimals (`2.61 mmol/L` calcium is
/// 10.461 mg/dL, not 10.46088), so the text formats — which print 3 decimals — and the Parquet
/// and Spark tables carry the same number, and no output claims precision a report never had.
pub fn round_lab(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Format a float without trailing zeros (`10.02`, `4`).
pub fn trim_float(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// The fields of the audit table (`calcmine audit`), in output order: one row per report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditField {
    ReportId,
    Source,
    Line,
    Outcome,
    MetabolicWorkup,
    WorkupPriority,
    WorkupRules,
    RecommendationTypes,
    FollowupIntervalDays,
    WorkupReasons,
    Recommendations,
    Error,
}

use AuditField as A;

impl AuditField {
    pub const ALL: &'static [AuditField] = &[
        A::ReportId,
        A::Source,
        A::Line,
        A::Outcome,
        A::MetabolicWorkup,
        A::WorkupPriority,
        A::WorkupRules,
        A::RecommendationTypes,
        A::FollowupIntervalDays,
        A::WorkupReasons,
        A::Recommendations,
        A::Error,
    ];

    pub fn columns(no_text: bool) -> Vec<AuditField> {
        Self::ALL
            .iter()
            .copied()
            .filter(|f| !(no_text && f.is_text()))
            .collect()
    }

    /// Fields that copy report text (left out by `--no-text`).
    pub fn is_text(self) -> bool {
        matches!(self, A::WorkupReasons | A::Recommendations)
    }

    /// The report column this audit column shows, where there is one.
    fn report_field(self) -> Option<ReportField> {
        Some(match self {
            A::ReportId => R::ReportId,
            A::Source => R::Source,
            A::Line => R::Line,
            A::MetabolicWorkup => R::MetabolicWorkup,
            A::WorkupPriority => R::WorkupPriority,
            A::WorkupRules => R::WorkupRules,
            A::RecommendationTypes => R::RecommendationTypes,
            A::FollowupIntervalDays => R::FollowupIntervalDays,
            A::WorkupReasons => R::WorkupReasons,
            A::Recommendations => R::Recommendations,
            A::Error => R::Error,
            A::Outcome => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self.report_field() {
            Some(f) => f.name(),
            None => "outcome",
        }
    }

    pub fn kind(self) -> Kind {
        match self.report_field() {
            Some(f) => f.kind(),
            None => Kind::Category,
        }
    }

    pub fn value(self, r: &ReportResult) -> Val<'_> {
        match self.report_field() {
            Some(f) => f.value(r),
            None => Val::Str(calcmine_core::audit::outcome(r).as_str()),
        }
    }
}

/// The columns of OMOP CDM v5.4's `NOTE_NLP` table, in the CDM's order (`extract --format
/// note_nlp`, `mine --note-nlp`); one row per mention ([`super::omop`] builds the rows). Types
/// as OHDSI's DDL declares them, where Parquet has them: integers as int64, `offset` a string
/// (`varchar(50)`), `nlp_date` and `nlp_datetime` ISO strings (`2026-01-31`, `2026-01-31
/// 08:00:00`, UTC) that a database casts on load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteNlpField {
    NoteNlpId,
    NoteId,
    SectionConceptId,
    Snippet,
    Offset,
    LexicalVariant,
    NoteNlpConceptId,
    NoteNlpSourceConceptId,
    NlpSystem,
    NlpDate,
    NlpDatetime,
    TermExists,
    TermTemporal,
    TermModifiers,
}

use NoteNlpField as N;

impl NoteNlpField {
    pub const ALL: &'static [NoteNlpField] = &[
        N::NoteNlpId,
        N::NoteId,
        N::SectionConceptId,
        N::Snippet,
        N::Offset,
        N::LexicalVariant,
        N::NoteNlpConceptId,
        N::NoteNlpSourceConceptId,
        N::NlpSystem,
        N::NlpDate,
        N::NlpDatetime,
        N::TermExists,
        N::TermTemporal,
        N::TermModifiers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            N::NoteNlpId => "note_nlp_id",
            N::NoteId => "note_id",
            N::SectionConceptId => "section_concept_id",
            N::Snippet => "snippet",
            N::Offset => "offset",
            N::LexicalVariant => "lexical_variant",
            N::NoteNlpConceptId => "note_nlp_concept_id",
            N::NoteNlpSourceConceptId => "note_nlp_source_concept_id",
            N::NlpSystem => "nlp_system",
            N::NlpDate => "nlp_date",
            N::NlpDatetime => "nlp_datetime",
            N::TermExists => "term_exists",
            N::TermTemporal => "term_temporal",
            N::TermModifiers => "term_modifiers",
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            N::NoteNlpId
            | N::NoteId
            | N::SectionConceptId
            | N::NoteNlpConceptId
            | N::NoteNlpSourceConceptId => Kind::Int,
            _ => Kind::Str,
        }
    }

    pub fn value(self, r: &NoteNlpRow) -> Val<'_> {
        match self {
            N::NoteNlpId => Val::Int(r.note_nlp_id),
            N::NoteId => Val::Int(r.note_id),
            N::SectionConceptId => Val::Int(r.section_concept_id),
            N::Snippet => Val::Str(&r.snippet),
            N::Offset => Val::Owned(r.offset.to_string()),
            N::LexicalVariant => Val::Str(&r.lexical_variant),
            N::NoteNlpConceptId => Val::Int(r.concept_id),
            N::NoteNlpSourceConceptId => Val::Int(r.source_concept_id),
            N::NlpSystem => Val::Str(&r.stamp.system),
            N::NlpDate => Val::Str(&r.stamp.date),
            N::NlpDatetime => Val::Str(&r.stamp.datetime),
            N::TermExists => Val::Str(if r.term_exists { "Y" } else { "N" }),
            N::TermTemporal => Val::Str(r.term_temporal),
            N::TermModifiers => Val::Str(&r.term_modifiers),
        }
    }
}
