//! Assertion: a ConText-style engine (Harkema et al. 2009; NegEx, Chapman et al. 2001) deciding,
//! within one sentence, whether each target is negated, uncertain, historical, hypothetical, or
//! experienced by someone other than the patient.
//!
//! All of assertion is here, used the same way by mentions, clinical conditions and
//! recommendations: trigger selection and pseudo-triggers ([`ContextEngine::assert_hits`]),
//! scope ([`ContextEngine::assert`], with clause boundaries in [`scope`]) and the precedence
//! that turns flags into a status ([`Assertion::status`]).
//!
//! Triggers come from the lexicon with a category, a direction and a scope limit in words.
//! Pseudo-triggers ("no change") win over the triggers they contain by leftmost-longest
//! selection, and terminators ("but", "which", and a semicolon) end scopes, as do the starts of
//! new clauses ([`scope`]). It knows nothing of calcification: targets are just spans, so the
//! engine serves any concept (`--targets`).

mod scope;

use crate::lexicon::{Category, Direction, Key, Lexicon, TriggerEntry};
use crate::matcher::{leftmost_longest, Hit};
use crate::model::Status;
use crate::sentence::SentenceView;

/// A compiled trigger rule. Mentions and conditions use the lexicon's `[[trigger]]` entries;
/// the recommendation stage builds its own rules (negations of actions) the same way.
#[derive(Debug, Clone)]
pub struct Rule {
    pub category: Category,
    pub direction: Direction,
    /// In words.
    pub max_scope: usize,
    /// Only in these sections (all when empty).
    pub sections: Vec<String>,
    /// For terminators: the categories whose scope they end (all when empty).
    pub ends: Vec<Category>,
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

impl Assertion {
    /// The status, by precedence: `absent` if negated; else `possible` if uncertain; else
    /// `hypothetical`; else `present` (docs/taxonomy.md §2). Historical and experiencer are
    /// reported beside it, not folded in.
    pub fn status(&self) -> Status {
        if self.negated {
            Status::Absent
        } else if self.uncertain {
            Status::Possible
        } else if self.hypothetical {
            Status::Hypothetical
        } else {
            Status::Present
        }
    }
}

/// The assertion engine: compiled rules, and the clause words that end scopes.
#[derive(Debug, Clone, Default)]
pub struct ContextEngine {
    rules: Vec<Rule>,
    clause_openers: Vec<String>,
    pronoun_subjects: Vec<String>,
}

impl ContextEngine {
    /// The engine for mentions and conditions: rule `i` is the lexicon's trigger `i`.
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
        ContextEngine::with_rules(lex, rules)
    }

    /// An engine over other rules (the recommendation stage's), with the lexicon's clause words.
    pub fn with_rules(lex: &Lexicon, rules: Vec<Rule>) -> ContextEngine {
        ContextEngine {
            rules,
            clause_openers: lex.clause_openers.clone(),
            pronoun_subjects: lex.pronoun_subjects.clone(),
        }
    }

    /// The category of rule `i` (pseudo-triggers and terminators are kept in the selection but
    /// never assert).
    pub fn category(&self, i: u32) -> Category {
        self.rules[i as usize].category
    }

    /// Assert spans (targets, conditions, recommendation actions) of one sentence from its phrase
    /// hits; `rule_of` says which hits are triggers and of which rule.
    ///
    /// Trigger selection, the same for every caller: hits inside a span are dropped first ("no"
    /// in a user target "no appetite"; "no acute" overlapping the target "acute distress" gives
    /// way to "no"), then leftmost-longest among all categories, so pseudo-triggers ("no
    /// change") mask the triggers they contain. A phrase listed in two rules ("resolved":
    /// forward and backward) keeps both, unless one of them is a pseudo-trigger.
    pub fn assert_hits(
        &self,
        s: &SentenceView,
        spans: &[(usize, usize)],
        rule_of: impl Fn(&Key) -> Option<u32>,
    ) -> Vec<Assertion> {
        let candidates: Vec<Hit<Key>> = s
            .hits
            .iter()
            .filter(|h| rule_of(&h.key).is_some())
            .filter(|t| !spans.iter().any(|&(a, b)| t.start < b && a < t.end))
            .copied()
            .collect();
        let selected = leftmost_longest(&candidates, |_| true);
        let mut triggers: Vec<Hit<u32>> = Vec::with_capacity(selected.len());
        for sel in &selected {
            let group: Vec<u32> = candidates
                .iter()
                .filter(|h| h.start == sel.start && h.end == sel.end)
                .filter_map(|h| rule_of(&h.key))
                .collect();
            let pseudo = group.iter().any(|&i| self.category(i) == Category::Pseudo);
            for i in group {
                if (pseudo && self.category(i) != Category::Pseudo)
                    || triggers
                        .iter()
                        .any(|t| t.start == sel.start && t.end == sel.end && t.key == i)
                {
                    continue;
                }
                triggers.push(Hit {
                    start: sel.start,
                    end: sel.end,
                    key: i,
                });
            }
        }
        self.assert(&s.norm.text, &triggers, spans, &s.section)
    }

    /// [`ContextEngine::assert_hits`] with the lexicon's triggers (an engine from
    /// [`ContextEngine::new`]).
    pub fn assert_sentence(&self, s: &SentenceView, spans: &[(usize, usize)]) -> Vec<Assertion> {
        self.assert_hits(s, spans, |k| match k {
            Key::Trigger(i) => Some(*i),
            _ => None,
        })
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
        semis.extend(scope::clause_breaks(
            text,
            &self.clause_openers,
            &self.pronoun_subjects,
        ));
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
