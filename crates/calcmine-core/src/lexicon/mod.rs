//! Lexicons: the domain knowledge of calcmine, as reviewable data files.
//!
//! Why TOML: it is the format Rust users already edit (`Cargo.toml`), it has comments (every
//! entry can say where it came from), arrays of tables read as one concept per block, and the
//! parser gives byte spans, so every mistake is reported with file and line.
//!
//! The files in `lexicons/` are embedded in the binary at build time. `--lexicons DIR` adds the
//! `*.toml` files of DIR: a file named like a bundled one replaces it, any other file extends the
//! set. `--no-default-lexicons` starts from nothing but DIR.

mod entries;
mod validate;
pub mod vocab;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

pub use entries::*;
pub use vocab::RECOMMENDATION_TYPES;

use crate::error::{Error, Result};

/// The bundled lexicon files, embedded at build time.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "targets.toml",
        include_str!("../../../../lexicons/targets.toml"),
    ),
    (
        "context.toml",
        include_str!("../../../../lexicons/context.toml"),
    ),
    (
        "sections.toml",
        include_str!("../../../../lexicons/sections.toml"),
    ),
    (
        "exams.toml",
        include_str!("../../../../lexicons/exams.toml"),
    ),
    (
        "sentences.toml",
        include_str!("../../../../lexicons/sentences.toml"),
    ),
    (
        "recommendations.toml",
        include_str!("../../../../lexicons/recommendations.toml"),
    ),
    (
        "anatomy.toml",
        include_str!("../../../../lexicons/anatomy.toml"),
    ),
    (
        "morphology.toml",
        include_str!("../../../../lexicons/morphology.toml"),
    ),
    (
        "causes.toml",
        include_str!("../../../../lexicons/causes.toml"),
    ),
    (
        "clinical.toml",
        include_str!("../../../../lexicons/clinical.toml"),
    ),
    (
        "workup.toml",
        include_str!("../../../../lexicons/workup.toml"),
    ),
];

/// The registry of lexicon families. Each line names a family's TOML table (`[[target]]`), its
/// entry type (in [`entries`]) and its field in [`Lexicon`]; the macro makes from it the file
/// format ([`LexiconFile`]), the merged [`Lexicon`] and the loader's copying of entries with
/// their file and line. Adding a family is its entry type, one line here, the validation in
/// [`validate`], and the stage that reads it; a family of phrases also gets a [`Key`] and its
/// terms in [`Lexicon::phrases`].
macro_rules! families {
    ($($(#[$doc:meta])* $table:ident: $entry:ty => $field:ident,)*) => {
        /// One lexicon file as written. Every family is optional, so a user file can hold any
        /// mix.
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct LexiconFile {
            $(#[serde(default)] $table: Vec<Spanned<$entry>>,)*
            /// Abbreviations after which a period does not end a sentence.
            #[serde(default)]
            abbreviations: Vec<String>,
            /// Default scope limits in words, by category name.
            #[serde(default)]
            scope: BTreeMap<Spanned<String>, usize>,
            #[serde(default)]
            linking: Option<Linking>,
            /// Words too common to screen reports by (see the first stage).
            #[serde(default)]
            generic_words: Vec<String>,
            /// Words that open a new clause after a comma (assertion scope).
            #[serde(default)]
            clause_openers: Vec<String>,
            /// Words that open a new clause after `and` / `or` (assertion scope).
            #[serde(default)]
            pronoun_subjects: Vec<String>,
            /// Single-word calcification terms this long or longer also match misspelled.
            #[serde(default)]
            typo_min_letters: Option<usize>,
            /// Words between a score term and its value ("calcium score *of* 0").
            #[serde(default)]
            score_words: Vec<String>,
            /// Phrases by which a diagnosis explains the finding before it.
            #[serde(default)]
            explained_by: Vec<String>,
            /// Words that may join two mentions of one finding.
            #[serde(default)]
            same_finding_words: Vec<String>,
        }

        /// The effective lexicon: every family, merged from all files, validated.
        #[derive(Debug, Clone, Default, Serialize)]
        pub struct Lexicon {
            $($(#[$doc])* pub $field: Vec<$entry>,)*
            pub abbreviations: Vec<String>,
            pub scope: BTreeMap<String, usize>,
            pub linking: Linking,
            pub generic_words: Vec<String>,
            pub clause_openers: Vec<String>,
            pub pronoun_subjects: Vec<String>,
            /// Single-word calcification terms (targets with a `process`) of at least this many
            /// letters also match with one letter missing or two neighbouring letters swapped
            /// ("calcifcation", "macrocalifications"); 0 turns it off.
            pub typo_min_letters: usize,
            /// Words allowed between a `score` target and its value.
            pub score_words: Vec<String>,
            /// Phrases by which a diagnosis explains the finding before it ("consistent with").
            pub explained_by: Vec<String>,
            /// Words that may stand between a named finding and a calcification word at the
            /// same place, the two being one finding ("calcific tendinitis *with a 1 cm*
            /// calcific deposit"); numbers and a parenthesis may stand there too.
            pub same_finding_words: Vec<String>,
            pub files: Vec<SourceFile>,
        }

        impl Lexicon {
    /// What a section's text is (its `role` in `sections.toml`); `findings` for a section the
    /// lexicon does not name (a table's own column names, `body`).
    pub fn section_role(&self, section: &str) -> SectionRole {
        self.sections
            .iter()
            .find(|e| e.id == section)
            .map_or(SectionRole::Findings, |e| e.role)
    }

            /// Move every family's entries of a parsed file into the lexicon, each with the
            /// file and line it was defined at.
            fn take_families(&mut self, file: &mut LexiconFile, origin: impl Fn(std::ops::Range<usize>) -> Origin) {
                $(for s in std::mem::take(&mut file.$table) {
                    let o = origin(s.span());
                    let mut e = s.into_inner();
                    e.origin = o;
                    self.$field.push(e);
                })*
            }
        }
    };
}

families! {
    /// Calcification terms (and user targets): what becomes a mention (`targets.toml`).
    target: TargetEntry => targets,
    /// Phrases that contain a target but are not one ("calcified granuloma" in an exclusion).
    exclude: ExcludeEntry => excludes,
    /// ConText triggers: negation, uncertainty, history, hypothesis, experiencer (`context.toml`).
    trigger: TriggerEntry => triggers,
    /// Section titles and organ-system headers (`sections.toml`).
    section: SectionEntry => sections,
    /// Examination words: modality, region, organ (`exams.toml`).
    exam: ExamEntry => exams,
    /// Recommendation cues, actions, negations and excludes (`recommendations.toml`).
    recommendation: RecommendationEntry => recommendations,
    /// Anatomy words linked to mentions (`anatomy.toml`).
    anatomy: ModifierEntry => anatomy,
    /// Appearance words: morphology and distribution (`morphology.toml`).
    descriptor: ModifierEntry => descriptors,
    /// Cause words: named entities and mechanisms (`causes.toml`).
    cause: ModifierEntry => causes,
    /// Clinical conditions (`clinical.toml`).
    condition: ConditionEntry => conditions,
    /// Lab values: names, units and plausible ranges (`clinical.toml`).
    lab: LabEntry => labs,
    /// Report context that decides a mechanism (`causes.toml`).
    mechanism_rule: MechanismRule => mechanism_rules,
    /// Metabolic work-up rules (`workup.toml`).
    workup_rule: WorkupRule => workup_rules,
    /// What stops a mention from firing a work-up rule (`workup.toml`).
    suppressor: Suppressor => suppressors,
}

/// Which lexicon entry a phrase hit belongs to: the family and the index into its entries.
/// Every phrase family is matched in one automaton ([`Lexicon::phrases`]); a stage picks its
/// own family's hits by this key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Target(u32),
    Exclude(u32),
    Trigger(u32),
    /// A `[[recommendation]]` entry (cue, action, negation or exclude).
    Recommendation(u32),
    /// Anatomy, descriptor and cause words linked to mentions (taxonomy stage).
    Anatomy(u32),
    Descriptor(u32),
    Cause(u32),
    /// Clinical conditions (clinical stage).
    Condition(u32),
    /// Lab names and cues: a sentence without one skips the lab regular expressions.
    Lab(u32),
    /// Exam language read anywhere in a report (`anywhere` exam entries: "BI-RADS").
    Exam(u32),
}

/// A file that went into the effective lexicon.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFile {
    pub name: String,
    /// `bundled` or the path it was read from.
    pub from: String,
    pub sha256: String,
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
        lex.derive_typos();
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
                typos: Vec::new(),
                only_in_organs: Vec::new(),
                score: false,
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
        let mut file: LexiconFile = match toml::from_str(src) {
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
        self.take_families(&mut file, origin);
        if let Some(l) = file.linking {
            self.linking = l;
        }
        self.abbreviations.extend(file.abbreviations);
        self.generic_words.extend(file.generic_words);
        self.clause_openers.extend(file.clause_openers);
        self.pronoun_subjects.extend(file.pronoun_subjects);
        self.score_words.extend(file.score_words);
        self.explained_by.extend(file.explained_by);
        self.same_finding_words.extend(file.same_finding_words);
        if let Some(n) = file.typo_min_letters {
            self.typo_min_letters = n;
        }
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

    /// Every phrase of the phrase families with its [`Key`], in one list for the one automaton
    /// that finds them all (the order is the families' order, then the entries').
    pub fn phrases(&self) -> Vec<(&str, Key)> {
        fn terms<'a, E>(
            out: &mut Vec<(&'a str, Key)>,
            entries: &'a [E],
            key: fn(u32) -> Key,
            terms: impl Fn(&'a E) -> Box<dyn Iterator<Item = &'a String> + 'a>,
        ) {
            for (i, e) in entries.iter().enumerate() {
                out.extend(terms(e).map(|t| (t.as_str(), key(i as u32))));
            }
        }
        let mut out = Vec::new();
        terms(&mut out, &self.targets, Key::Target, |e| {
            Box::new(e.phrases())
        });
        terms(&mut out, &self.excludes, Key::Exclude, |e| {
            Box::new(e.terms.iter())
        });
        terms(&mut out, &self.triggers, Key::Trigger, |e| {
            Box::new(e.terms.iter())
        });
        terms(&mut out, &self.recommendations, Key::Recommendation, |e| {
            Box::new(e.terms.iter())
        });
        terms(&mut out, &self.anatomy, Key::Anatomy, |e| {
            Box::new(e.terms.iter())
        });
        terms(&mut out, &self.descriptors, Key::Descriptor, |e| {
            Box::new(e.terms.iter())
        });
        terms(&mut out, &self.causes, Key::Cause, |e| {
            Box::new(e.terms.iter())
        });
        terms(&mut out, &self.conditions, Key::Condition, |e| {
            Box::new(e.terms.iter())
        });
        terms(&mut out, &self.labs, Key::Lab, |e| {
            Box::new(
                e.terms
                    .iter()
                    .chain(&e.terms_need_unit)
                    .chain(&e.terms_short)
                    .chain(&e.cues),
            )
        });
        for (i, e) in self.exams.iter().enumerate().filter(|(_, e)| e.anywhere) {
            out.extend(e.terms.iter().map(|t| (t.as_str(), Key::Exam(i as u32))));
        }
        out
    }

    /// Derive the misspellings of long calcification words (`typo_min_letters`): a mechanism,
    /// not a list of typos. A misspelling that is a phrase of any family, or of another target,
    /// is left out, so it never changes what a correctly spelled word means.
    fn derive_typos(&mut self) {
        if self.typo_min_letters == 0 {
            return;
        }
        let taken: std::collections::HashSet<String> = self
            .phrases()
            .into_iter()
            .map(|(t, _)| crate::text::normalize_phrase(t))
            .collect();
        let min = self.typo_min_letters;
        for t in self.targets.iter_mut().filter(|t| t.process.is_some()) {
            let mut typos: Vec<String> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for term in &t.terms {
                let word = crate::text::normalize_phrase(term);
                for v in crate::text::one_letter_typos(&word, min) {
                    if !taken.contains(&v) && seen.insert(v.clone()) {
                        typos.push(v);
                    }
                }
            }
            t.typos = typos;
        }
    }

    /// The anatomy, descriptor or cause entry of a modifier hit (`None` for other families).
    pub fn modifier(&self, key: Key) -> Option<&ModifierEntry> {
        match key {
            Key::Anatomy(i) => self.anatomy.get(i as usize),
            Key::Descriptor(i) => self.descriptors.get(i as usize),
            Key::Cause(i) => self.causes.get(i as usize),
            _ => None,
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
