//! Assertion: a ConText-style engine (Harkema et al. 2009; NegEx, Chapman et al. 2001) deciding,
//! within one sentence, whether each target is negated, uncertain, historical, hypothetical, or
//! experienced by someone other than the patient.
//!
//! Triggers come from the lexicon with a category, a direction and a scope limit in words.
//! Pseudo-triggers ("no change") win over the triggers they contain by leftmost-longest
//! selection, and terminators ("but", "which", and a semicolon) end scopes. A comma followed by
//! a word that opens a new clause (`, the`, `, there`, `, she`) ends scopes too: radiologists
//! splice clauses with commas ("calcified granuloma in the right upper lobe, the effusion has
//! resolved"), while a list of negated findings goes on with bare nouns ("no effusion,
//! pneumothorax, or consolidation"); likewise `and` / `or` before a subject pronoun ("and he
//! is"). It knows nothing of calcification: targets are just spans,
//! so the engine serves any concept (`--targets`).

use crate::lexicon::{Category, Direction, Lexicon, TriggerEntry};
use crate::matcher::Hit;

/// Words that, after a comma, start a new clause with its own subject: determiners and
/// pronouns. Closed-class English words, not domain knowledge, so they live here.
const CLAUSE_OPENERS: &[&str] = &[
    "the", "this", "these", "that", "those", "there", "it", "he", "she", "they", "we", "patient",
];
/// After `and` / `or` only a subject pronoun opens a new clause: "no calcification of the aorta
/// and the coronary arteries" is still one list, "he is not cooperative and he is confused" is
/// two clauses.
const PRONOUN_SUBJECTS: &[&str] = &["there", "it", "he", "she", "they", "we"];

/// Byte positions where a new clause starts: a comma before a [`CLAUSE_OPENERS`] word, or
/// `and` / `or` before a [`PRONOUN_SUBJECTS`] word. `text` is normalized (lower case, single
/// spaces).
fn clause_breaks(text: &str) -> Vec<usize> {
    let next_word = |from: usize| {
        let rest = text[from..].trim_start();
        let end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        &rest[..end]
    };
    let mut out: Vec<usize> = memchr::memchr_iter(b',', text.as_bytes())
        .filter(|&p| CLAUSE_OPENERS.contains(&next_word(p + 1)))
        .collect();
    for conj in [" and ", " or "] {
        for (p, _) in text.match_indices(conj) {
            if PRONOUN_SUBJECTS.contains(&next_word(p + conj.len())) {
                out.push(p + 1);
            }
        }
    }
    out
}

/// A compiled trigger rule.
#[derive(Debug, Clone)]
struct Rule {
    category: Category,
    direction: Direction,
    max_scope: usize,
    sections: Vec<String>,
    ends: Vec<Category>,
}

/// The assertion of one target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assertion {
    pub negated: bool,
    pub uncertain: bool,
    pub historical: bool,
    pub hypothetical: bool,
    /// true when the experiencer is someone other than the patient
    pub other_experiencer: bool,
    /// The triggers that applied: (category, start, end) in the normalized sentence.
    pub triggers: Vec<(Category, usize, usize)>,
}

#[derive(Debug, Clone, Default)]
pub struct ContextEngine {
    rules: Vec<Rule>,
}

impl ContextEngine {
    pub fn new(lex: &Lexicon) -> ContextEngine {
        let rules = lex
            .triggers
            .iter()
            .map(|t: &TriggerEntry| Rule {
                category: t.category,
                direction: t.direction,
                max_scope: t.max_scope.unwrap_or_else(|| lex.default_scope(t.category)),
                sections: t.sections.clone(),
                ends: t.ends.clone(),
            })
            .collect();
        ContextEngine { rules }
    }

    /// Is trigger `i` a pseudo-trigger or terminator (kept in the selection, never asserting)?
    pub fn category(&self, i: u32) -> Category {
        self.rules[i as usize].category
    }

    /// Assert each target span of a normalized sentence.
    ///
    /// `triggers` are the trigger hits after leftmost-longest selection (keys index
    /// `lex.triggers`) and with hits overlapping targets removed; `targets` are target spans in
    /// the same normalized text.
    pub fn assert(
        &self,
        text: &str,
        triggers: &[Hit<u32>],
        targets: &[(usize, usize)],
        section: &str,
    ) -> Vec<Assertion> {
        let bytes = text.as_bytes();
        // word index of a byte position = number of spaces before it (text is normalized)
        let spaces: Vec<usize> = memchr::memchr_iter(b' ', bytes).collect();
        let word = |pos: usize| spaces.partition_point(|&s| s < pos);
        // hard clause boundaries: semicolons, and commas opening a new clause (sorted, so a
        // range check is a binary search: a pathological sentence of thousands of clauses
        // must not make this quadratic)
        let mut semis: Vec<usize> = memchr::memchr_iter(b';', bytes).collect();
        semis.extend(clause_breaks(text));
        semis.sort_unstable();
        let mut terminators: Vec<(usize, usize, &Rule)> = triggers
            .iter()
            .filter(|h| self.rules[h.key as usize].category == Category::Terminate)
            .map(|h| (h.start, h.end, &self.rules[h.key as usize]))
            .collect();
        terminators.sort_by_key(|t| t.0);
        let blocked = |from: usize, to: usize, cat: Category| -> bool {
            let k = semis.partition_point(|&p| p < from);
            if semis.get(k).is_some_and(|&p| p < to) {
                return true;
            }
            let k = terminators.partition_point(|t| t.0 < from);
            terminators[k..]
                .iter()
                .take_while(|t| t.0 < to)
                .any(|(_, e, r)| *e <= to && (r.ends.is_empty() || r.ends.contains(&cat)))
        };
        // Only triggers within reach of a target can apply: with finite scopes and triggers in
        // text order, each target looks at a window of triggers instead of all of them.
        let trigger_words: Vec<(usize, usize)> = triggers
            .iter()
            .map(|h| (word(h.start), word(h.end.saturating_sub(1))))
            .collect();
        let reach = self
            .rules
            .iter()
            .filter(|r| !matches!(r.category, Category::Pseudo | Category::Terminate))
            .map(|r| r.max_scope)
            .max()
            .unwrap_or(0);
        let longest = trigger_words.iter().map(|&(a, b)| b - a).max().unwrap_or(0);
        let windowed = reach < usize::MAX / 4 && trigger_words.windows(2).all(|w| w[0].0 <= w[1].0);
        targets
            .iter()
            .map(|&(ts, te)| {
                let mut a = Assertion::default();
                let t_first = word(ts);
                let t_last = word(te.saturating_sub(1));
                let (lo, hi) = if windowed {
                    let first = t_first.saturating_sub(reach + longest);
                    let last = t_last.saturating_add(reach);
                    (
                        trigger_words.partition_point(|w| w.0 < first),
                        trigger_words.partition_point(|w| w.0 <= last),
                    )
                } else {
                    (0, triggers.len())
                };
                for h in &triggers[lo..hi] {
                    let r = &self.rules[h.key as usize];
                    if matches!(r.category, Category::Pseudo | Category::Terminate) {
                        continue;
                    }
                    if !r.sections.is_empty() && !r.sections.iter().any(|s| s == section) {
                        continue;
                    }
                    let forward = matches!(r.direction, Direction::Forward | Direction::Both)
                        && h.end <= ts
                        && t_first.saturating_sub(word(h.end.saturating_sub(1))) <= r.max_scope
                        && !blocked(h.end, ts, r.category);
                    let backward = matches!(r.direction, Direction::Backward | Direction::Both)
                        && te <= h.start
                        && word(h.start).saturating_sub(t_last) <= r.max_scope
                        && !blocked(te, h.start, r.category);
                    if !(forward || backward) {
                        continue;
                    }
                    match r.category {
                        Category::Negated => a.negated = true,
                        Category::Uncertain => a.uncertain = true,
                        Category::Historical => a.historical = true,
                        Category::Hypothetical => a.hypothetical = true,
                        Category::Experiencer => a.other_experiencer = true,
                        Category::Pseudo | Category::Terminate => {}
                    }
                    a.triggers.push((r.category, h.start, h.end));
                }
                a
            })
            .collect()
    }
}
