//! Lexicons: the domain knowledge of calcmine, as reviewable data files.
//!
//! Why TOML: it is the format Rust users already edit (`Cargo.toml`), it has comments (every
//! entry can say where it came from), arrays of tables read as one concept per block, and the
//! parser gives byte spans, so every mistake is reported with file and line.
//!
//! The files in `lexicons/` are embedded in the binary at build time. `--lexicons DIR` adds the
//! `*.toml` files of DIR: a file named like a bundled one replaces it, any other file extends the
//! set. `--no-default-lexicons` starts from nothing but DIR.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::error::{Error, Result};
use crate::text::normalize_phrase;

/// The bundled lexicon files, embedded at build time.
pub const BUNDLED: &[(&str, &str)] = &[
    ("targets.toml", include_str!("../lexicons/targets.toml")),
    ("context.toml", include_str!("../lexicons/context.toml")),
    ("sections.toml", include_str!("../lexicons/sections.toml")),
    ("sentences.toml", include_str!("../lexicons/sentences.toml")),
    (
        "recommendations.toml",
        include_str!("../lexicons/recommendations.toml"),
    ),
    ("anatomy.toml", include_str!("../lexicons/anatomy.toml")),
    (
        "morphology.toml",
        include_str!("../lexicons/morphology.toml"),
    ),
    ("causes.toml", include_str!("../lexicons/causes.toml")),
    ("clinical.toml", include_str!("../lexicons/clinical.toml")),
    ("workup.toml", include_str!("../lexicons/workup.toml")),
];

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
    /// Codes the term itself implies (TAXONOMY.md §4–6), copied onto its mentions.
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
    #[serde(skip)]
    pub origin: Origin,
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

/// ConText modifier categories (TAXONOMY.md §2), plus the two control categories.
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
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// What a `[[recommendation]]` entry does (TAXONOMY.md §9; see `lexicons/recommendations.toml`).
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

/// The closed vocabulary of recommendation types (TAXONOMY.md §9).
pub const RECOMMENDATION_TYPES: &[&str] = &[
    "metabolic_labs",
    "imaging_followup",
    "clinical_correlation",
    "specialist_referral",
    "genetic_testing",
];

/// A phrase of recommendation language, an action that types a recommendation, a negation of
/// one, or an exclude.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendationEntry {
    pub id: String,
    pub role: RecommendationRole,
    /// For actions: one of [`RECOMMENDATION_TYPES`].
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
    /// Negation: scope limit in words.
    #[serde(default)]
    pub max_scope: Option<usize>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A word that describes a mention (TAXONOMY.md §4–6): anatomy (`anatomy` family), appearance
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

/// A clinical condition stated in a report (TAXONOMY.md §7).
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

/// A lab value to read (TAXONOMY.md §7): its names, units, and plausible range.
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
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
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

/// A metabolic work-up rule (TAXONOMY.md §8). A mention rule fires for a mention that matches
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

/// What stops a mention from firing a work-up rule (TAXONOMY.md §8), recorded in
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

/// One lexicon file as written. Every family is optional, so a user file can hold any mix.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    target: Vec<Spanned<TargetEntry>>,
    #[serde(default)]
    exclude: Vec<Spanned<ExcludeEntry>>,
    #[serde(default)]
    trigger: Vec<Spanned<TriggerEntry>>,
    #[serde(default)]
    section: Vec<Spanned<SectionEntry>>,
    #[serde(default)]
    recommendation: Vec<Spanned<RecommendationEntry>>,
    /// Abbreviations after which a period does not end a sentence.
    #[serde(default)]
    abbreviations: Vec<String>,
    /// Default scope limits in words, by category name.
    #[serde(default)]
    scope: BTreeMap<Spanned<String>, usize>,
    #[serde(default)]
    anatomy: Vec<Spanned<ModifierEntry>>,
    #[serde(default)]
    descriptor: Vec<Spanned<ModifierEntry>>,
    #[serde(default)]
    cause: Vec<Spanned<ModifierEntry>>,
    #[serde(default)]
    linking: Option<Linking>,
    #[serde(default)]
    condition: Vec<Spanned<ConditionEntry>>,
    #[serde(default)]
    lab: Vec<Spanned<LabEntry>>,
    #[serde(default)]
    mechanism_rule: Vec<Spanned<MechanismRule>>,
    #[serde(default)]
    workup_rule: Vec<Spanned<WorkupRule>>,
    #[serde(default)]
    suppressor: Vec<Spanned<Suppressor>>,
}

/// A file that went into the effective lexicon.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFile {
    pub name: String,
    /// `bundled` or the path it was read from.
    pub from: String,
    pub sha256: String,
}

/// The effective lexicon: every family, merged from all files, validated.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Lexicon {
    pub targets: Vec<TargetEntry>,
    pub excludes: Vec<ExcludeEntry>,
    pub triggers: Vec<TriggerEntry>,
    pub sections: Vec<SectionEntry>,
    pub recommendations: Vec<RecommendationEntry>,
    pub abbreviations: Vec<String>,
    pub scope: BTreeMap<String, usize>,
    pub anatomy: Vec<ModifierEntry>,
    pub descriptors: Vec<ModifierEntry>,
    pub causes: Vec<ModifierEntry>,
    pub linking: Linking,
    pub conditions: Vec<ConditionEntry>,
    pub labs: Vec<LabEntry>,
    pub mechanism_rules: Vec<MechanismRule>,
    pub workup_rules: Vec<WorkupRule>,
    pub suppressors: Vec<Suppressor>,
    pub files: Vec<SourceFile>,
}

/// How to assemble the effective lexicon.
#[derive(Debug, Clone, Default)]
pub struct LexiconOptions {
    /// A directory of `*.toml` files that replace (same name) or extend the bundled ones.
    pub dir: Option<std::path::PathBuf>,
    /// Start from nothing but `dir`.
    pub no_defaults: bool,
    /// Extra target files: plain text (one phrase per line, `#` comments) or a `.toml` lexicon.
    pub targets: Vec<std::path::PathBuf>,
    /// Drop the bundled targets so only the user's are found (to use the assertion engine on
    /// other concepts).
    pub only_user_targets: bool,
}

/// Read a lexicon or targets file; text that is not UTF-8 is a mistake named by file and line.
fn read_utf8(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::lexicon(
            path.display().to_string(),
            line,
            "not UTF-8 text (save the file as UTF-8)",
        )
    })
}

fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

impl Lexicon {
    /// The bundled lexicon alone.
    pub fn bundled() -> Result<Lexicon> {
        Lexicon::load(&LexiconOptions::default())
    }

    /// Assemble and validate the effective lexicon. Returns every mistake found, not just the
    /// first, as one `Error::Lexicon` per line in the message when there are several.
    pub fn load(opts: &LexiconOptions) -> Result<Lexicon> {
        let mut files: Vec<(String, String, String)> = Vec::new(); // (name, from, contents)
        if !opts.no_defaults {
            for (name, src) in BUNDLED {
                files.push((name.to_string(), "bundled".into(), src.to_string()));
            }
        }
        if let Some(dir) = &opts.dir {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .map_err(|e| Error::io(dir, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            paths.sort();
            if paths.is_empty() {
                return Err(Error::Usage(format!(
                    "{}: no *.toml lexicon files in this directory",
                    dir.display()
                )));
            }
            for p in paths {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let src = read_utf8(&p)?;
                let from = p.display().to_string();
                if let Some(slot) = files.iter_mut().find(|f| f.0 == name) {
                    *slot = (name, from, src);
                } else {
                    files.push((name, from, src));
                }
            }
        }
        let mut lex = Lexicon::default();
        let mut errors: Vec<Error> = Vec::new();
        for (name, from, src) in &files {
            let shown = if from == "bundled" {
                format!("lexicons/{name}")
            } else {
                from.clone()
            };
            lex.add_file(&shown, src, &mut errors);
            lex.files.push(SourceFile {
                name: name.clone(),
                from: from.clone(),
                sha256: sha256_hex(src.as_bytes()),
            });
        }
        if opts.only_user_targets {
            lex.targets.clear();
            lex.excludes.clear();
        }
        for path in &opts.targets {
            let src = read_utf8(path)?;
            let shown = path.display().to_string();
            if path.extension().is_some_and(|x| x == "toml") {
                lex.add_file(&shown, &src, &mut errors);
            } else {
                let before = lex.targets.len();
                lex.add_plain_targets(&shown, &src);
                if lex.targets.len() == before {
                    errors.push(Error::lexicon(
                        &shown,
                        1,
                        "no target phrases (one phrase per line; `#` starts a comment)",
                    ));
                }
            }
            lex.files.push(SourceFile {
                name: shown.clone(),
                from: shown,
                sha256: sha256_hex(src.as_bytes()),
            });
        }
        lex.validate(&mut errors);
        match errors.len() {
            0 => Ok(lex),
            1 => Err(errors.remove(0)),
            _ => {
                let first = errors.remove(0);
                let mut msg = match &first {
                    Error::Lexicon { message, .. } => message.clone(),
                    e => e.to_string(),
                };
                for e in &errors {
                    msg.push('\n');
                    msg.push_str(&e.to_string());
                }
                match first {
                    Error::Lexicon { file, line, .. } => Err(Error::Lexicon {
                        file,
                        line,
                        message: msg,
                    }),
                    _ => Err(Error::Usage(msg)),
                }
            }
        }
    }

    /// Targets from a plain list: one phrase per line, `#` starts a comment.
    pub fn add_plain_targets(&mut self, shown: &str, src: &str) {
        let src = src.strip_prefix('\u{feff}').unwrap_or(src);
        for (i, line) in src.lines().enumerate() {
            let phrase = line.split('#').next().unwrap_or("").trim();
            if phrase.is_empty() {
                continue;
            }
            self.targets.push(TargetEntry {
                id: phrase.to_string(),
                terms: vec![phrase.to_string()],
                process: None,
                assert: None,
                entity: None,
                mechanism: None,
                location_class: None,
                compartment: None,
                organ: None,
                site: None,
                morphology: Vec::new(),
                note: None,
                origin: Origin {
                    file: shown.to_string(),
                    line: i + 1,
                },
            });
        }
    }

    /// Parse one TOML lexicon file into the families; mistakes go to `errors`.
    pub fn add_file(&mut self, shown: &str, src: &str, errors: &mut Vec<Error>) {
        // an editor's byte-order mark is not TOML; line numbers are unaffected
        let src = src.strip_prefix('\u{feff}').unwrap_or(src);
        let file: LexiconFile = match toml::from_str(src) {
            Ok(f) => f,
            Err(e) => {
                let line = e.span().map(|s| line_of(src, s.start)).unwrap_or(1);
                errors.push(Error::lexicon(shown, line, e.message().trim().to_string()));
                return;
            }
        };
        let origin = |span: std::ops::Range<usize>| Origin {
            file: shown.to_string(),
            line: line_of(src, span.start),
        };
        // every family: take the entries, each with the file and line it was defined at
        macro_rules! family {
            ($from:expr, $to:expr) => {
                for s in $from {
                    let o = origin(s.span());
                    let mut e = s.into_inner();
                    e.origin = o;
                    $to.push(e);
                }
            };
        }
        family!(file.target, self.targets);
        family!(file.exclude, self.excludes);
        family!(file.trigger, self.triggers);
        family!(file.section, self.sections);
        family!(file.recommendation, self.recommendations);
        family!(file.anatomy, self.anatomy);
        family!(file.descriptor, self.descriptors);
        family!(file.cause, self.causes);
        family!(file.condition, self.conditions);
        family!(file.lab, self.labs);
        family!(file.mechanism_rule, self.mechanism_rules);
        family!(file.workup_rule, self.workup_rules);
        family!(file.suppressor, self.suppressors);
        if let Some(l) = file.linking {
            self.linking = l;
        }
        self.abbreviations.extend(file.abbreviations);
        for (k, v) in file.scope {
            let line = line_of(src, k.span().start);
            let k = k.into_inner();
            if !matches!(
                k.as_str(),
                "negated" | "uncertain" | "historical" | "hypothetical" | "experiencer"
            ) {
                errors.push(Error::lexicon(
                    shown,
                    line,
                    format!("scope: unknown category `{k}`"),
                ));
            }
            self.scope.insert(k, v);
        }
    }

    /// Checks that span families: empty terms, phrases that normalize to nothing, the same
    /// phrase given to two different concepts of one family.
    fn validate(&self, errors: &mut Vec<Error>) {
        fn check<'a>(
            family: &str,
            entries: impl Iterator<Item = (&'a str, &'a [String], &'a Origin)>,
            errors: &mut Vec<Error>,
        ) {
            let mut seen: HashMap<String, (&'a str, &'a Origin)> = HashMap::new();
            for (id, terms, origin) in entries {
                if id.trim().is_empty() {
                    errors.push(Error::lexicon(
                        &origin.file,
                        origin.line,
                        format!("{family}: empty id"),
                    ));
                }
                if terms.is_empty() {
                    errors.push(Error::lexicon(
                        &origin.file,
                        origin.line,
                        format!("{family} `{id}`: no terms"),
                    ));
                }
                for t in terms {
                    let n = normalize_phrase(t);
                    if n.is_empty() {
                        errors.push(Error::lexicon(
                            &origin.file,
                            origin.line,
                            format!("{family} `{id}`: empty term"),
                        ));
                        continue;
                    }
                    if let Some((other, o)) = seen.get(&n) {
                        if *other != id {
                            errors.push(Error::lexicon(
                                &origin.file,
                                origin.line,
                                format!(
                                    "{family} `{id}`: term `{t}` is already in `{other}` ({}:{})",
                                    o.file, o.line
                                ),
                            ));
                        }
                    } else {
                        seen.insert(n, (id, origin));
                    }
                }
            }
        }
        check(
            "target",
            self.targets
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        check(
            "exclude",
            self.excludes
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        check(
            "section",
            self.sections
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        check(
            "recommendation",
            self.recommendations
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        for e in &self.recommendations {
            let mut wrong = |msg: String| {
                errors.push(Error::lexicon(
                    &e.origin.file,
                    e.origin.line,
                    format!("recommendation `{}`: {msg}", e.id),
                ))
            };
            let action = e.role == RecommendationRole::Action;
            match (&e.kind, action) {
                (None, true) => wrong(format!(
                    "an action needs a `type` (one of {})",
                    RECOMMENDATION_TYPES.join(", ")
                )),
                (Some(k), true) if !RECOMMENDATION_TYPES.contains(&k.as_str()) => wrong(format!(
                    "unknown type `{k}` (expected one of {})",
                    RECOMMENDATION_TYPES.join(", ")
                )),
                (Some(_), false) => wrong("`type` applies only to role = \"action\"".into()),
                _ => {}
            }
            if (e.standalone || e.weak) && !action {
                wrong("`standalone` and `weak` apply only to role = \"action\"".into());
            }
            if e.at_start && e.role != RecommendationRole::Cue {
                wrong("`at_start` applies only to role = \"cue\"".into());
            }
            if (e.direction.is_some() || e.max_scope.is_some())
                && e.role != RecommendationRole::Negation
            {
                wrong("`direction` and `max_scope` apply only to role = \"negation\"".into());
            }
        }
        for t in &self.triggers {
            if t.terms.iter().all(|x| normalize_phrase(x).is_empty()) {
                errors.push(Error::lexicon(
                    &t.origin.file,
                    t.origin.line,
                    format!("trigger ({}): no terms", t.category.as_str()),
                ));
            }
            if !t.ends.is_empty() && t.category != Category::Terminate {
                errors.push(Error::lexicon(
                    &t.origin.file,
                    t.origin.line,
                    "trigger: `ends` applies only to category = \"terminate\"",
                ));
            }
            for s in &t.sections {
                if !self.sections.iter().any(|e| &e.id == s) && s != "body" {
                    errors.push(Error::lexicon(
                        &t.origin.file,
                        t.origin.line,
                        format!("trigger: unknown section `{s}`"),
                    ));
                }
            }
        }
        for (family, list) in [
            ("anatomy", &self.anatomy),
            ("descriptor", &self.descriptors),
            ("cause", &self.causes),
        ] {
            check(
                family,
                list.iter()
                    .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
                errors,
            );
            for e in list {
                crate::taxonomy::validate_modifier(family, e, errors);
            }
        }
        check(
            "condition",
            self.conditions
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        crate::clinical::validate_labs(&self.labs, errors);
        crate::flags::validate_rules(self, errors);
        for t in &self.targets {
            crate::taxonomy::validate_target(t, errors);
        }
    }

    /// One digest over every file that went in, in order, so a run records exactly which
    /// lexicon produced it.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for f in &self.files {
            h.update(f.name.as_bytes());
            h.update([0]);
            h.update(f.sha256.as_bytes());
            h.update([0]);
        }
        hex(&h.finalize())
    }

    /// Default scope limit (words) for a category.
    pub fn default_scope(&self, c: Category) -> usize {
        self.scope.get(c.as_str()).copied().unwrap_or(usize::MAX)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Read a directory path argument as a lexicon directory (used by `lexicon check DIR`).
pub fn options_for_dir(dir: &Path) -> LexiconOptions {
    LexiconOptions {
        dir: Some(dir.to_path_buf()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lexicon_is_valid() {
        let lex = Lexicon::bundled().unwrap();
        assert!(lex.targets.iter().any(|t| t.id == "calcified_granuloma"));
        assert!(lex.triggers.iter().any(|t| t.category == Category::Negated));
        assert_eq!(lex.digest().len(), 64);
    }

    #[test]
    fn mistakes_are_reported_with_file_and_line() {
        let mut lex = Lexicon::default();
        let mut errors = Vec::new();
        let src = "# comment\n\n[[target]]\nid = \"x\"\nterms = [\"calcified x\"]\nprocess = \"calcificaton\"\n";
        lex.add_file("mine.toml", src, &mut errors);
        let msg = errors[0].to_string();
        assert!(msg.starts_with("mine.toml:6:"), "{msg}");
        assert!(msg.contains("calcificaton"), "{msg}");
    }

    #[test]
    fn duplicate_terms_across_concepts_are_mistakes() {
        let mut lex = Lexicon::default();
        let mut errors = Vec::new();
        let src = "[[target]]\nid = \"a\"\nterms = [\"calcified node\"]\n\n[[target]]\nid = \"b\"\nterms = [\"Calcified  node\"]\n";
        lex.add_file("dup.toml", src, &mut errors);
        lex.validate(&mut errors);
        assert_eq!(errors.len(), 1);
        let msg = errors[0].to_string();
        assert!(msg.starts_with("dup.toml:5:"), "{msg}");
        assert!(msg.contains("already in `a` (dup.toml:1)"), "{msg}");
    }

    #[test]
    fn taxonomy_families_are_validated_with_file_and_line() {
        let mut lex = Lexicon::bundled().unwrap();
        let mut errors = Vec::new();
        let src = "[[anatomy]]\nid = \"x\"\nterms = [\"xyz organ\"]\nlocation_class = \"visceral\"\n\n[[workup_rule]]\nid = \"r\"\npriority = \"soon\"\nconditions = [\"no_such\"]\n\n[[lab]]\nid = \"l\"\npatterns = [\"(unclosed\"]\nmin = 1.0\nmax = 0.5\n\n[[descriptor]]\nid = \"d\"\nterms = [\"wavy\"]\nmorphology = [\"wavy\"]\n";
        lex.add_file("user.toml", src, &mut errors);
        lex.validate(&mut errors);
        let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        let has = |p: &str, w: &str| all.iter().any(|e| e.starts_with(p) && e.contains(w));
        assert!(has("user.toml:1:", "visceral"), "{all:?}");
        assert!(has("user.toml:6:", "priority"), "{all:?}");
        assert!(has("user.toml:6:", "no_such"), "{all:?}");
        assert!(has("user.toml:11:", "pattern"), "{all:?}");
        assert!(has("user.toml:11:", "min must be below max"), "{all:?}");
        assert!(has("user.toml:17:", "wavy"), "{all:?}");
    }

    #[test]
    fn a_lab_pattern_whose_first_group_cancels_it_is_a_mistake() {
        let mut lex = Lexicon::bundled().unwrap();
        let mut errors = Vec::new();
        let src = "[[lab]]\nid = \"l\"\ncues = [\"xyz\"]\npatterns = ['xyz(?P<not>\\s+years)?\\s+(\\d+)']\nmin = 1.0\nmax = 5.0\n\n[[lab]]\nid = \"m\"\ncues = [\"xyz\"]\npatterns = ['xyz\\s+(\\d+)(?P<not>\\s+years)?']\nmin = 1.0\nmax = 5.0\n";
        lex.add_file("user.toml", src, &mut errors);
        lex.validate(&mut errors);
        let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(all[0].starts_with("user.toml:1:"), "{all:?}");
        assert!(all[0].contains("`not`"), "{all:?}");
    }
}
