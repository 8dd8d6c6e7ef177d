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
    scope: BTreeMap<String, usize>,
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
                let src = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
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
            let src = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            let shown = path.display().to_string();
            if path.extension().is_some_and(|x| x == "toml") {
                lex.add_file(&shown, &src, &mut errors);
            } else {
                lex.add_plain_targets(&shown, &src);
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
        for s in file.target {
            let o = origin(s.span());
            let mut e = s.into_inner();
            e.origin = o;
            self.targets.push(e);
        }
        for s in file.exclude {
            let o = origin(s.span());
            let mut e = s.into_inner();
            e.origin = o;
            self.excludes.push(e);
        }
        for s in file.trigger {
            let o = origin(s.span());
            let mut e = s.into_inner();
            e.origin = o;
            self.triggers.push(e);
        }
        for s in file.section {
            let o = origin(s.span());
            let mut e = s.into_inner();
            e.origin = o;
            self.sections.push(e);
        }
        for s in file.recommendation {
            let o = origin(s.span());
            let mut e = s.into_inner();
            e.origin = o;
            self.recommendations.push(e);
        }
        self.abbreviations.extend(file.abbreviations);
        for (k, v) in file.scope {
            if !matches!(
                k.as_str(),
                "negated" | "uncertain" | "historical" | "hypothetical" | "experiencer"
            ) {
                errors.push(Error::lexicon(
                    shown,
                    1,
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
        for t in &self.targets {
            if let Some(p) = &t.mechanism {
                if !crate::taxonomy::MECHANISMS.contains(&p.as_str()) {
                    errors.push(Error::lexicon(
                        &t.origin.file,
                        t.origin.line,
                        format!(
                            "target `{}`: unknown mechanism `{p}` (expected one of {})",
                            t.id,
                            crate::taxonomy::MECHANISMS.join(", ")
                        ),
                    ));
                }
            }
            if let Some(p) = &t.location_class {
                if !crate::taxonomy::LOCATION_CLASSES.contains(&p.as_str()) {
                    errors.push(Error::lexicon(
                        &t.origin.file,
                        t.origin.line,
                        format!(
                            "target `{}`: unknown location_class `{p}` (expected one of {})",
                            t.id,
                            crate::taxonomy::LOCATION_CLASSES.join(", ")
                        ),
                    ));
                }
            }
            if let Some(p) = &t.compartment {
                if !crate::taxonomy::COMPARTMENTS.contains(&p.as_str()) {
                    errors.push(Error::lexicon(
                        &t.origin.file,
                        t.origin.line,
                        format!(
                            "target `{}`: unknown compartment `{p}` (expected one of {})",
                            t.id,
                            crate::taxonomy::COMPARTMENTS.join(", ")
                        ),
                    ));
                }
            }
            for m in &t.morphology {
                if !crate::taxonomy::MORPHOLOGIES.contains(&m.as_str()) {
                    errors.push(Error::lexicon(
                        &t.origin.file,
                        t.origin.line,
                        format!("target `{}`: unknown morphology `{m}`", t.id),
                    ));
                }
            }
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
}
