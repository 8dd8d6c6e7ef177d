//! Recommendations (docs/taxonomy.md §9): which sentences ask the referrer to do something next, what
//! (`metabolic_labs`, `imaging_followup`, `clinical_correlation`, `specialist_referral`,
//! `genetic_testing`), and by when.
//!
//! Everything domain-specific is in `lexicons/recommendations.toml` (cues, typed actions,
//! negations, excludes); this module only decides how they combine:
//!
//! - a sentence is a recommendation statement when it has a cue ("recommend", "consider"), is in
//!   the recommendation section, has a `standalone` action ("Clinical correlation.", "Correlate
//!   clinically."), or states a future interval ("in 3 months") next to an action. Indication and
//!   comparison sections never recommend: "followup lung nodule" there is the reason for the
//!   exam.
//! - its actions type it, one [`Recommendation`] per type; a `weak` action ("follow-up",
//!   "correlate") only when no action of another type is named ("follow-up with nephrology" is a
//!   referral, "follow-up in 3 months" imaging).
//! - negations ("no follow-up is needed", "not required") remove actions, through the same
//!   ConText engine that asserts mentions; a cue, a semicolon or a terminator ("but") ends their
//!   scope, so "No change; recommend follow-up" still recommends.
//! - intervals are read from the sentence as written and go to the nearest action before them.
//!   Days: a week is 7, a month 30 ("in 3 months" → 90), a year 365; "annual" is 365. A range
//!   ("in 6-12 months") gives its start in `interval_days` (180: when the follow-up is first
//!   due, which is what a tracking system schedules) and its end in `interval_max_days` (360:
//!   after which it is overdue). Only future forms count ("in", "within", "after", "at",
//!   "every", "3-month follow-up"): "CT 3 months ago" is history.
//! - a lab name followed by a value ("calcium 11.2") states a result, not a request.

use regex::Regex;

use crate::context::{ContextEngine, Rule};
use crate::lexicon::vocab::recommendation;
use crate::lexicon::{Category, Direction, Key, Lexicon, RecommendationRole, RECOMMENDATION_TYPES};
use crate::matcher::{leftmost_longest, Hit};
use crate::model::{Recommendation, Report};
use crate::sentence::SentenceView;

#[derive(Debug, Clone, Copy)]
struct Entry {
    role: RecommendationRole,
    /// Index into [`RECOMMENDATION_TYPES`] for actions.
    kind: usize,
    standalone: bool,
    weak: bool,
    at_start: bool,
}

/// Compiled from the `[[recommendation]]` entries of a lexicon.
pub struct Recommender {
    entries: Vec<Entry>,
    /// Negations (category negated) and cues (terminators of negation) as ConText rules, plus the
    /// lexicon's own terminators.
    context: ContextEngine,
    /// `Key::Recommendation(i)` → rule index in `context`.
    rec_rule: Vec<Option<u32>>,
    /// `Key::Trigger(j)` → rule index in `context`, for the lexicon's terminators.
    trigger_rule: Vec<Option<u32>>,
    interval: Regex,
    /// Sections whose sentences never hold the report's recommendations (the indication, family
    /// history and comparison: their `role` in `sections.toml`).
    never: Vec<String>,
}

/// A future interval stated in a sentence: byte range in the report, days, range end in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: usize,
    pub end: usize,
    pub days: u32,
    pub max_days: u32,
}

const NUMBER: &str =
    r"\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen";
const UNIT: &str = r"days?|weeks?|wks?|months?|mos?|years?|yrs?";

fn number(s: &str) -> Option<f64> {
    let s = s.to_ascii_lowercase();
    Some(match s.as_str() {
        "a" | "an" | "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "eighteen" => 18.0,
        n => n.parse().ok()?,
    })
}

fn unit_days(u: &str) -> f64 {
    match u.as_bytes().first().map(u8::to_ascii_lowercase) {
        Some(b'd') => 1.0,
        Some(b'w') => 7.0,
        Some(b'm') => 30.0,
        _ => 365.0,
    }
}

impl Recommender {
    pub fn new(lex: &Lexicon) -> Recommender {
        let mut rules: Vec<Rule> = Vec::new();
        let rule = |category, direction, max_scope, ends: Vec<Category>| Rule {
            category,
            direction,
            max_scope,
            sections: Vec::new(),
            ends,
        };
        let mut rec_rule = Vec::with_capacity(lex.recommendations.len());
        let mut entries = Vec::with_capacity(lex.recommendations.len());
        for e in &lex.recommendations {
            let r = match e.role {
                RecommendationRole::Negation => Some(rule(
                    Category::Negated,
                    e.direction.unwrap_or(Direction::Forward),
                    e.negation_scope(),
                    Vec::new(),
                )),
                RecommendationRole::Cue => Some(rule(
                    Category::Terminate,
                    Direction::Both,
                    usize::MAX,
                    vec![Category::Negated],
                )),
                _ => None,
            };
            rec_rule.push(r.map(|r| {
                rules.push(r);
                rules.len() as u32 - 1
            }));
            entries.push(Entry {
                role: e.role,
                kind: e
                    .kind
                    .as_deref()
                    .and_then(|k| RECOMMENDATION_TYPES.iter().position(|t| *t == k))
                    .unwrap_or(0),
                standalone: e.standalone,
                weak: e.weak,
                at_start: e.at_start,
            });
        }
        let trigger_rule = lex
            .triggers
            .iter()
            .map(|t| {
                (t.category == Category::Terminate).then(|| {
                    rules.push(rule(
                        Category::Terminate,
                        t.direction,
                        usize::MAX,
                        t.ends.clone(),
                    ));
                    rules.len() as u32 - 1
                })
            })
            .collect();
        let interval = Regex::new(&format!(
            r"(?ix)
            \b(?:in|within|after|at|every|for|over|by)\s+(?:the\s+next\s+|another\s+)?
              (?P<n1>{NUMBER})(?:\s*(?:-|–|to|or)\s*(?P<m1>{NUMBER}))?\s*-?\s*(?P<u1>{UNIT})\b
            | \b(?P<n2>{NUMBER})(?:\s*(?:-|–|to)\s*(?P<m2>{NUMBER}))?[\s-]*(?P<u2>{UNIT})[\s-]+
              (?:follow|f/u|repeat|interval|re-?evaluation|re-?imaging|surveillance|recheck|check|ct|mri|imaging)
            | \b(?P<annual>annual|annually|yearly)\b"
        ))
        .expect("the interval pattern is a constant");
        let never = lex
            .sections
            .iter()
            .filter(|e| !e.role.may_recommend())
            .map(|e| e.id.clone())
            .collect();
        Recommender {
            never,
            entries,
            context: ContextEngine::with_rules(lex, rules),
            rec_rule,
            trigger_rule,
            interval,
        }
    }

    /// Phrases whose words let a report through the prefilter: cues, standalone actions, and
    /// the titles of the recommendation section. (An action alone needs one of these, or an
    /// interval next to it; bare interval sentences without either are not worth a scan of
    /// every report.)
    pub fn prefilter_terms(lex: &Lexicon) -> impl Iterator<Item = &str> {
        let recs = lex
            .recommendations
            .iter()
            .filter(|e| {
                e.role == RecommendationRole::Cue
                    || (e.role == RecommendationRole::Action && e.standalone)
            })
            .flat_map(|e| e.terms.iter().map(String::as_str));
        let titles = lex
            .sections
            .iter()
            .filter(|s| s.id == "recommendation")
            .flat_map(|e| e.terms.iter().map(String::as_str));
        recs.chain(titles)
    }

    /// Future intervals stated in `text` (offsets relative to `base`).
    pub fn intervals(&self, text: &str, base: usize) -> Vec<Interval> {
        let mut out = Vec::new();
        for c in self.interval.captures_iter(text) {
            let whole = c.get(0).expect("group 0 always matches");
            let (lo, hi) = if c.name("annual").is_some() {
                (365.0, 365.0)
            } else {
                let (n, m, u) = if c.name("n1").is_some() {
                    (c.name("n1"), c.name("m1"), c.name("u1"))
                } else {
                    (c.name("n2"), c.name("m2"), c.name("u2"))
                };
                let (Some(n), Some(u)) = (n.and_then(|n| number(n.as_str())), u) else {
                    continue;
                };
                let days = unit_days(u.as_str());
                let m = m.and_then(|m| number(m.as_str())).unwrap_or(n);
                (n * days, m.max(n) * days)
            };
            if !(lo > 0.0 && hi < 36500.0) {
                continue;
            }
            out.push(Interval {
                start: base + whole.start(),
                end: base + whole.end(),
                days: lo.round() as u32,
                max_days: hi.round() as u32,
            });
        }
        out
    }

    /// The recommendations of a report, in text order.
    pub fn find(&self, report: &Report, sentences: &[SentenceView]) -> Vec<Recommendation> {
        let mut out = Vec::new();
        for s in sentences {
            if self.never.iter().any(|n| *n == *s.section) {
                continue;
            }
            self.sentence(report, s, &mut out);
        }
        out
    }

    fn sentence(&self, report: &Report, s: &SentenceView, out: &mut Vec<Recommendation>) {
        let role = |k: &Key| match k {
            Key::Recommendation(i) => Some(self.entries[*i as usize]),
            _ => None,
        };
        // an exclude masks every action word inside it ("correlation with prior films")
        let is = |h: &Hit<Key>, r: RecommendationRole| role(&h.key).is_some_and(|e| e.role == r);
        let excludes: Vec<&Hit<Key>> = s
            .hits
            .iter()
            .filter(|h| is(h, RecommendationRole::Exclude))
            .collect();
        let actions: Vec<Hit<Key>> = leftmost_longest(&s.hits, |k| {
            role(k).is_some_and(|e| e.role == RecommendationRole::Action)
        })
        .into_iter()
        .filter(|h| !excludes.iter().any(|x| h.start < x.end && x.start < h.end))
        .filter(|h| {
            !(role(&h.key)
                .is_some_and(|e| RECOMMENDATION_TYPES[e.kind] == recommendation::METABOLIC_LABS)
                && value_follows(&s.norm.text[h.end..]))
        })
        .collect();
        if actions.is_empty() {
            return;
        }
        let text = &s.norm.text;
        let cue = s.hits.iter().any(|h| {
            role(&h.key).is_some_and(|e| {
                e.role == RecommendationRole::Cue
                    && (!e.at_start || !text[..h.start].bytes().any(|b| b.is_ascii_alphabetic()))
            })
        });
        let sentence_text = &report.text[s.start..s.end];
        let intervals = self.intervals(sentence_text, s.start);
        let standalone = actions
            .iter()
            .any(|h| role(&h.key).is_some_and(|e| e.standalone));
        if !(cue || &*s.section == "recommendation" || standalone || !intervals.is_empty()) {
            return;
        }
        // negation, by the ConText engine over the recommendation rules
        let spans: Vec<(usize, usize)> = actions.iter().map(|h| (h.start, h.end)).collect();
        let asserted = self.context.assert_hits(s, &spans, |k| self.rule(k));
        let kept: Vec<(Entry, usize, usize)> = actions
            .iter()
            .zip(asserted)
            .filter(|(_, a)| !a.negated)
            .filter_map(|(h, _)| {
                let (os, oe) = s.norm.original_range(h.start, h.end);
                role(&h.key).map(|e| (e, os, oe))
            })
            .collect();
        let typed: Vec<&(Entry, usize, usize)> = kept
            .iter()
            .filter(|(e, _, _)| {
                !e.weak || !kept.iter().any(|(o, _, _)| !o.weak && o.kind != e.kind)
            })
            .collect();
        let first = out.len();
        for (e, os, oe) in &typed {
            let kind = RECOMMENDATION_TYPES[e.kind];
            if out[first..].iter().any(|r: &Recommendation| r.kind == kind) {
                continue;
            }
            out.push(Recommendation {
                kind: kind.to_string(),
                sentence: sentence_text.to_string(),
                section: s.section.to_string(),
                sentence_index: s.index,
                text: report.text[*os..*oe].to_string(),
                start: *os,
                end: *oe,
                ..Default::default()
            });
        }
        // each interval goes to the type of the nearest action before it (after it, failing that)
        for iv in &intervals {
            let nearest = typed
                .iter()
                .filter(|(_, os, _)| *os < iv.start)
                .max_by_key(|(_, os, _)| *os)
                .or_else(|| typed.iter().min_by_key(|(_, os, _)| *os));
            let Some((e, _, _)) = nearest else { continue };
            let kind = RECOMMENDATION_TYPES[e.kind];
            if let Some(r) = out[first..]
                .iter_mut()
                .find(|r| r.kind == kind && r.interval_days.is_none())
            {
                r.interval_days = Some(iv.days);
                r.interval_max_days = Some(iv.max_days);
            }
        }
    }

    fn rule(&self, k: &Key) -> Option<u32> {
        match k {
            Key::Recommendation(i) => self.rec_rule[*i as usize],
            Key::Trigger(j) => self.trigger_rule[*j as usize],
            _ => None,
        }
    }
}

/// Does a lab value follow a lab name ("calcium 11.2", "PTH: 640", "phosphate was 7")? Then the
/// report states a result; it does not request the test.
fn value_follows(rest: &str) -> bool {
    let mut words = rest.split(' ').filter(|w| !w.is_empty());
    for _ in 0..3 {
        let Some(w) = words.next() else { return false };
        let w = w.trim_start_matches([':', '=', '(', '~']);
        if w.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return true;
        }
        if !matches!(
            w,
            "" | "of" | "was" | "is" | "level" | "levels" | "level:" | "at"
        ) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(text: &str) -> Vec<(u32, u32)> {
        Recommender::new(&Lexicon::bundled().unwrap())
            .intervals(text, 0)
            .iter()
            .map(|i| (i.days, i.max_days))
            .collect()
    }

    #[test]
    fn intervals_in_days() {
        assert_eq!(
            days("Recommend follow-up CT chest in 3 months."),
            vec![(90, 90)]
        );
        assert_eq!(days("Follow-up in 6-12 months."), vec![(180, 360)]);
        assert_eq!(
            days("Repeat radiograph is suggested in 2 to 4 weeks."),
            vec![(14, 28)]
        );
        assert_eq!(
            days("A 3-month follow-up CT is recommended."),
            vec![(90, 90)]
        );
        assert_eq!(days("Repeat ultrasound in one year."), vec![(365, 365)]);
        assert_eq!(days("Annual low-dose CT screening."), vec![(365, 365)]);
        assert_eq!(days("Stable compared with CT 3 months ago."), vec![]);
    }
}
