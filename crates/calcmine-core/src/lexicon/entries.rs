//! The entry types of every lexicon family: what one `[[family]]` block of a lexicon file holds.
//! Each stage reads its own family (see the registry in the parent module).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Process {
    Calcification,
    Ossification,
}

impl Process {
    pub fn as_str(self) -> &'static str {
        match self {
            Process::Calcification => "calcification",
            Process::Ossification => "ossification",
        }
    }
}

/// What a target entry asserts by its own words (`noncalcified` denies calcification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetAssert {
    Absent,
}

/// A concept to find: one concept per entry, with its synonyms and codes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetEntry {
    pub id: String,
    pub terms: Vec<String>,
    #[serde(default)]
    pub process: Option<Process>,
    #[serde(default)]
    pub assert: Option<TargetAssert>,
    /// Codes the term itself implies (docs/taxonomy.md §4–6), copied onto its mentions.
    #[serde(default)]
    pub entity: Option<String>,
    #[serde(default)]
    pub mechanism: Option<String>,
    #[serde(default)]
    pub location_class: Option<String>,
    #[serde(default)]
    pub compartment: Option<String>,
    #[serde(default)]
    pub organ: Option<String>,
    #[serde(default)]
    pub site: Option<String>,
    #[serde(default)]
    pub morphology: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// A word that is a calcification only in these organs, as its own sentence names them
    /// ("calcium in the proximal LAD"; "calcium 10.2 mg/dL" is a lab): mentions coded with
    /// another organ, or none, are dropped.
    #[serde(default)]
    pub only_in_organs: Vec<String>,
    /// The number after the term is a score (`calcium score of 0`): 0 denies the finding
    /// (status absent), more asserts it, and the value is the report's
    /// `coronary_calcium_score`.
    #[serde(default)]
    pub score: bool,
    /// Misspellings of its long words, derived at load time (see `typo_min_letters`), matched
    /// like its terms. Not written in lexicon files.
    #[serde(skip)]
    pub typos: Vec<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl TargetEntry {
    /// Its terms and their derived misspellings: every phrase that finds this concept.
    pub fn phrases(&self) -> impl Iterator<Item = &String> {
        self.terms.iter().chain(&self.typos)
    }
}

/// Phrases that contain a target word but are not mentions (`serum calcium`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExcludeEntry {
    pub id: String,
    pub terms: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// ConText modifier categories (docs/taxonomy.md §2), plus the two control categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Negated,
    Uncertain,
    Historical,
    Hypothetical,
    Experiencer,
    /// Looks like a trigger but is not ("no change", "not only"): masks the triggers it covers.
    Pseudo,
    /// Ends the scope of triggers that reach across it ("but", "however", "which").
    Terminate,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Negated => "negated",
            Category::Uncertain => "uncertain",
            Category::Historical => "historical",
            Category::Hypothetical => "hypothetical",
            Category::Experiencer => "experiencer",
            Category::Pseudo => "pseudo",
            Category::Terminate => "terminate",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Modifies targets after the trigger ("no calcification").
    Forward,
    /// Modifies targets before the trigger ("calcification is excluded").
    Backward,
    Both,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerEntry {
    pub category: Category,
    #[serde(default = "default_direction")]
    pub direction: Direction,
    pub terms: Vec<String>,
    /// Scope limit in words; the category default applies when absent.
    #[serde(default)]
    pub max_scope: Option<usize>,
    /// Only active in these sections (e.g. "known" is historical only in the history section).
    #[serde(default)]
    pub sections: Vec<String>,
    /// For terminators: the categories whose scope they end (all when empty).
    #[serde(default)]
    pub ends: Vec<Category>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

fn default_direction() -> Direction {
    Direction::Forward
}

/// A section header: its canonical name and the titles that introduce it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionEntry {
    pub id: String,
    pub terms: Vec<String>,
    /// A header of an organ system in a structured report (`LUNGS:`, `KIDNEYS:`): it does not
    /// start a section of its own (its text stays in the enclosing section) but says where the
    /// findings under it are, until the next header.
    #[serde(default)]
    pub organ_header: bool,
    /// For an organ header: the organ (and location class) of a finding under it that names
    /// none itself (`organ_source = section`). None for headers of regions (`UPPER ABDOMEN:`).
    #[serde(default)]
    pub organ: Option<String>,
    #[serde(default)]
    pub location_class: Option<String>,
    /// What the section's text is (docs/taxonomy.md §2): `findings` (the default: what this
    /// exam shows), `reason` (the indication and history: mentions keep their status but do
    /// not count for the report, and no recommendation is read there), `family` (family
    /// history: every mention and condition is someone else's), `comparison` (earlier studies:
    /// no recommendation is read there).
    #[serde(default)]
    pub role: SectionRole,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// What a section's text is ([`SectionEntry::role`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionRole {
    #[default]
    Findings,
    Reason,
    Family,
    Comparison,
}

impl SectionRole {
    /// Mentions in the section count for the report when present and the patient's.
    pub fn reports_findings(self) -> bool {
        self == SectionRole::Findings
    }
    /// The section may hold the report's recommendations.
    pub fn may_recommend(self) -> bool {
        matches!(self, SectionRole::Findings)
    }
}

/// Words that say what examination a report is of (docs/taxonomy.md §4, §7): the modality,
/// the body region, and, where the exam leaves no doubt, the organ of its findings (a
/// mammogram: breast; an echocardiogram: heart) and their side (`RIGHT SHOULDER`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExamEntry {
    pub id: String,
    pub terms: Vec<String>,
    #[serde(default)]
    pub modality: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub organ: Option<String>,
    #[serde(default)]
    pub location_class: Option<String>,
    #[serde(default)]
    pub laterality: Option<String>,
    /// Read anywhere in the report, not only in its exam description or title line: language
    /// no other kind of report uses (`BI-RADS`, "mammogram", "echocardiogram").
    #[serde(default)]
    pub anywhere: bool,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// What a `[[recommendation]]` entry does (docs/taxonomy.md §9; see `lexicons/recommendations.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecommendationRole {
    /// Recommendation language: "recommend", "is suggested", "consider".
    Cue,
    /// What is recommended, typed by `type`.
    Action,
    /// Says the action is not needed ("no follow-up needed").
    Negation,
    /// Contains an action word but asks for nothing ("prior CT").
    Exclude,
}

/// A phrase of recommendation language, an action that types a recommendation, a negation of
/// one, or an exclude.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendationEntry {
    pub id: String,
    pub role: RecommendationRole,
    /// For actions: one of [`RECOMMENDATION_TYPES`](super::vocab::RECOMMENDATION_TYPES).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    pub terms: Vec<String>,
    /// Action: a request by itself in an impression or recommendation section.
    #[serde(default)]
    pub standalone: bool,
    /// Action: types the statement only when no phrase of another type does.
    #[serde(default)]
    pub weak: bool,
    /// Cue: only at the start of a sentence (imperatives: "Suggest …").
    #[serde(default)]
    pub at_start: bool,
    /// Negation: which way it reaches.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Negation: scope limit in words ([`NEGATION_SCOPE`] when not given).
    #[serde(default)]
    pub max_scope: Option<usize>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// The scope of a recommendation negation that names none, in words: "no follow-up is needed",
/// "not required" reach the action within a short clause.
pub const NEGATION_SCOPE: usize = 6;

impl RecommendationEntry {
    /// A negation's scope limit in words.
    pub fn negation_scope(&self) -> usize {
        self.max_scope.unwrap_or(NEGATION_SCOPE)
    }
}

/// A word that describes a mention (docs/taxonomy.md §4–6): anatomy (`anatomy` family), appearance
/// (`descriptor`), or cause (`cause`). It carries the codes it implies; the taxonomy stage links
/// it to the nearest mention of its sentence and copies them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModifierEntry {
    pub id: String,
    pub terms: Vec<String>,
    #[serde(default)]
    pub organ: Option<String>,
    #[serde(default)]
    pub site: Option<String>,
    #[serde(default)]
    pub location_class: Option<String>,
    #[serde(default)]
    pub compartment: Option<String>,
    #[serde(default)]
    pub laterality: Option<String>,
    #[serde(default)]
    pub morphology: Vec<String>,
    #[serde(default)]
    pub distribution: Option<String>,
    #[serde(default)]
    pub predominance: Option<String>,
    #[serde(default)]
    pub entity: Option<String>,
    #[serde(default)]
    pub mechanism: Option<String>,
    #[serde(default)]
    pub process: Option<Process>,
    /// How strongly the word names the organ: 2 for a head noun (`lymph nodes`, `aorta`), 1 for
    /// an adjective or zone (`hilar`, `upper lobe`, default), 0 for a body region (`knee`).
    /// Among the words linked to one mention, the strongest then the nearest decides each code.
    #[serde(default)]
    pub weight: Option<u8>,
    /// A site word that means another site in another organ: renal "subcortical" is the renal
    /// cortex, not the subcortical white matter (organ → site).
    #[serde(default)]
    pub site_by_organ: BTreeMap<String, String>,
    /// The entity a word names in one organ only ("benign" calcifications of the breast are
    /// `benign_breast_calcification`; a benign calcified granuloma is not): organ → entity.
    #[serde(default)]
    pub entity_by_organ: BTreeMap<String, String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// How linking finds the mention a word describes (anatomy.toml `[linking]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Linking {
    /// Words that join two noun phrases: a word with a coordinator between it and a mention
    /// prefers the mention on its own side ("right hilar nodes and a lingular granuloma").
    #[serde(default)]
    pub coordinators: Vec<String>,
    /// Words across which nothing links ("but", "however").
    #[serde(default)]
    pub terminators: Vec<String>,
    /// A word links to a mention at most this many words away.
    #[serde(default = "default_link_words")]
    pub max_words: usize,
}

fn default_link_words() -> usize {
    12
}

impl Default for Linking {
    fn default() -> Self {
        Linking {
            coordinators: Vec::new(),
            terminators: Vec::new(),
            max_words: default_link_words(),
        }
    }
}

/// A clinical condition stated in a report (docs/taxonomy.md §7).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionEntry {
    pub id: String,
    pub terms: Vec<String>,
    /// A report naming this condition is read even without a calcification word or a lab (so
    /// `flag` lists it). Leave false for common words ("surgery", "infection"): they matter only
    /// beside a mention, and screening them would read most reports of an archive.
    #[serde(default)]
    pub screen: bool,
    /// Phrases that contain a condition's words but do not state it ("dialysis catheter
    /// removal" is not dialysis): a longer hit of a pseudo entry hides the condition it
    /// covers, and is no condition itself.
    #[serde(default)]
    pub pseudo: bool,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// One unit a lab value may be written in, and the factor to the lab's canonical unit.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LabUnit {
    /// Spellings, matched case-insensitively after the number (`mmol/L`, `mmol/l`).
    pub spellings: Vec<String>,
    pub factor: f64,
}

/// A lab value to read (docs/taxonomy.md §7): its names, units, and plausible range.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LabEntry {
    /// `calcium`, `phosphate`, `ca_phos_product`, `pth`, `vitamin_d_25oh`, `egfr`, `ckd_stage`.
    pub id: String,
    /// Names followed by the value ("serum calcium 11.2 mg/dL", "calcium of 2.9 mmol/L").
    #[serde(default)]
    pub terms: Vec<String>,
    /// Short names read only when a unit follows ("Ca 2.9 mmol/L", never "CA 2").
    #[serde(default)]
    pub terms_need_unit: Vec<String>,
    /// Short names read with a unit, or without one when exactly one `unitless` range holds
    /// the value ("Ca 11.4, Phos 6.9"); never read otherwise.
    #[serde(default)]
    pub terms_short: Vec<String>,
    /// Extra regular expressions with one capture group for the value (CKD stage in roman or
    /// arabic numerals, before or after the name).
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Words that must occur in a sentence for `patterns` to be tried (the sentence is scanned
    /// for lab names and cues with the one phrase automaton; regular expressions run only on
    /// sentences that have one).
    #[serde(default)]
    pub cues: Vec<String>,
    /// The canonical unit, which a value without a unit is assumed to be in.
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub units: Vec<LabUnit>,
    /// Plausible range in the canonical unit; values outside are reported as unparsed.
    pub min: f64,
    pub max: f64,
    /// How a value written without a unit is read (docs/taxonomy.md §7): in the one unit
    /// whose range holds it ("calcium 11.4" is mg/dL, "calcium 2.6" mmol/L), unparsed where
    /// several would, and where none does. Empty: a value without a unit is in the canonical
    /// unit.
    #[serde(default)]
    pub unitless: Vec<UnitlessRange>,
    /// A value above this (in the canonical unit) is the condition itself: calcium above
    /// 10.5 mg/dL is hypercalcaemia (docs/taxonomy.md §7).
    #[serde(default)]
    pub above_is: Option<LabCondition>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// The plausible values of a lab written without a unit, in one unit.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnitlessRange {
    /// A spelling of one of the lab's units (or the canonical unit).
    pub unit: String,
    pub min: f64,
    pub max: f64,
}

/// The condition a lab value above the reference range states.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LabCondition {
    /// A `[[condition]]` id (`hypercalcaemia`).
    pub condition: String,
    /// The upper limit of the adult reference range, in the canonical unit.
    pub above: f64,
}

/// Report context that decides the mechanism of a mention the text leaves undecided (§6).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MechanismRule {
    pub id: String,
    pub mechanism: String,
    /// Condition ids (clinical.toml); any one stated (present) in the report triggers the rule.
    pub conditions: Vec<String>,
    /// `report`: anywhere in the report; `site`: in the mention's sentence, or in a sentence that
    /// names the mention's organ or site ("prior trauma to the thigh").
    #[serde(default = "default_rule_scope")]
    pub scope: String,
    /// Where the rule applies (any of these; all mentions when every list is empty).
    #[serde(default)]
    pub organs: Vec<String>,
    #[serde(default)]
    pub sites: Vec<String>,
    #[serde(default)]
    pub compartments: Vec<String>,
    #[serde(default)]
    pub entities: Vec<String>,
    /// Entity to give a mention it decides, by organ, when none is named
    /// (lung → metastatic_pulmonary_calcification).
    #[serde(default)]
    pub entity_by_organ: BTreeMap<String, String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

fn default_rule_scope() -> String {
    "report".into()
}

/// A metabolic work-up rule (docs/taxonomy.md §8). A mention rule fires for a mention that matches
/// any selector (`mechanisms`, `entities`, `morphologies`, `organs`, `sites`; every mention
/// when all are empty) and every filter; a lab rule fires on a lab value above a threshold.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WorkupRule {
    pub id: String,
    /// `urgent` or `routine`.
    pub priority: String,
    #[serde(default)]
    pub lab: Option<String>,
    #[serde(default)]
    pub above: Option<f64>,
    #[serde(default)]
    pub mechanisms: Vec<String>,
    #[serde(default)]
    pub entities: Vec<String>,
    #[serde(default)]
    pub morphologies: Vec<String>,
    #[serde(default)]
    pub organs: Vec<String>,
    #[serde(default)]
    pub sites: Vec<String>,
    /// Mention statuses that count [default: present].
    #[serde(default)]
    pub statuses: Vec<String>,
    #[serde(default)]
    pub processes: Vec<String>,
    #[serde(default)]
    pub location_classes: Vec<String>,
    #[serde(default)]
    pub distributions: Vec<String>,
    #[serde(default)]
    pub not_mechanisms: Vec<String>,
    #[serde(default)]
    pub not_entities: Vec<String>,
    /// The report must state one of these conditions.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Whether suppressors can stop this rule [default: true].
    #[serde(default = "yes")]
    pub suppressible: bool,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

fn yes() -> bool {
    true
}

/// What stops a mention from firing a work-up rule (docs/taxonomy.md §8), recorded in
/// `workup_suppressed_by`. A mention matches when it matches every non-empty list.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Suppressor {
    pub id: String,
    #[serde(default)]
    pub entities: Vec<String>,
    #[serde(default)]
    pub mechanisms: Vec<String>,
    /// Ids of the cause entries or conditions that decided the mention's mechanism.
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub organs: Vec<String>,
    /// Words that must occur in the mention's sentence ("stable").
    #[serde(default)]
    pub sentence_terms: Vec<String>,
    /// Not when the report states one of these conditions.
    #[serde(default)]
    pub unless_conditions: Vec<String>,
    /// The rules it stops [default: every suppressible rule].
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// Where an entry was defined, for error messages and `explain`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}
