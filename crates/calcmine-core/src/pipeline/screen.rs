//! The first stage: which reports, and which sentences of them, can yield anything at all.
//! Most reports of an archive name no calcification, lab or condition; one scan of each report
//! for the words every later stage's output can come from lets the engine skip them whole.

use crate::lexicon::{Lexicon, RecommendationRole};
use crate::matcher::Prefilter;
use crate::recommend::Recommender;
use crate::text::{normalize_phrase, term_variants};

/// The words of the first stage's screen, derived from the lexicon (see `Engine::screen`).
#[derive(Debug, Clone)]
pub(super) struct ScreenWords {
    /// Gate words: targets and the most specific word of each lab and screened condition.
    targets: Vec<String>,
    /// Gate words of recommendation language (with recommendations only).
    recommendations: Vec<String>,
    /// Anchor words: targets, and a word per condition and lab phrase.
    sentences: Vec<String>,
    /// Anchor words of recommendation actions (with recommendations only).
    actions: Vec<String>,
}

impl ScreenWords {
    pub(super) fn of(lexicon: &Lexicon) -> ScreenWords {
        // A report is worth reading when it names a target, a lab, or a metabolic condition
        // (the cheap first stage: most reports of an archive name none). For labs and
        // conditions one word of each name is enough for the prefilter (any word of a phrase
        // occurs when the phrase does); it takes the most specific one, not a generic word
        // ("disease" of "chronic kidney disease", "intact" of "intact PTH"), and never a word
        // under three letters, which would occur inside most reports.
        let screen_word = |t: &str| -> Option<String> {
            let n = normalize_phrase(t);
            let words: Vec<&str> = n.split(' ').filter(|w| w.len() >= 3).collect();
            words
                .iter()
                .filter(|w| !lexicon.generic_words.iter().any(|g| g == *w))
                .max_by_key(|w| w.len())
                .or_else(|| words.iter().max_by_key(|w| w.len()))
                .map(|w| w.to_string())
        };
        let mut screen: Vec<String> = Vec::new();
        for l in &lexicon.labs {
            screen.extend(
                l.terms
                    .iter()
                    .chain(&l.cues)
                    .chain(l.units.iter().flat_map(|u| u.spellings.iter()))
                    .filter_map(|t| screen_word(t))
                    .filter(|w| w.len() >= 4),
            );
        }
        for c in lexicon.conditions.iter().filter(|c| c.screen) {
            screen.extend(c.terms.iter().filter_map(|t| screen_word(t)));
        }
        // Targets, labs and metabolic conditions: what mentions and the report's flag need.
        // Reports with recommendation language but no target word still get their
        // recommendations (a follow-up audit reads every report).
        let target_terms = || {
            lexicon
                .targets
                .iter()
                .flat_map(|t| t.phrases().map(String::as_str))
                .chain(screen.iter().map(String::as_str))
        };
        // Per sentence, a phrase's most specific word stands in for it (whole words only, see
        // `Prefilter`), so that common words ("disease", "level") do not pass
        // every sentence; a phrase of short words only stands for itself. Each spelling counts
        // apart: the closed `postsurgical` of `post-surgical` has no whole word `surgical`.
        let sentence_words: Vec<String> = lexicon
            .conditions
            .iter()
            .flat_map(|c| c.terms.iter())
            .chain(lexicon.labs.iter().flat_map(|l| {
                l.terms
                    .iter()
                    .chain(&l.terms_need_unit)
                    .chain(&l.terms_short)
                    .chain(&l.cues)
            }))
            // exam language read anywhere ("BI-RADS 2"): its sentence is matched too
            .chain(
                lexicon
                    .exams
                    .iter()
                    .filter(|e| e.anywhere)
                    .flat_map(|e| e.terms.iter()),
            )
            .flat_map(|t| term_variants(t))
            .map(|v| screen_word(&v).unwrap_or(v))
            .collect();
        let action_words: Vec<String> = lexicon
            .recommendations
            .iter()
            .filter(|e| e.role == RecommendationRole::Action)
            .flat_map(|e| e.terms.iter())
            .flat_map(|t| term_variants(t))
            .map(|v| screen_word(&v).unwrap_or(v))
            .collect();
        let sentence_terms = || {
            lexicon
                .targets
                .iter()
                .flat_map(|t| t.phrases())
                .chain(&sentence_words)
                .map(String::as_str)
        };
        ScreenWords {
            targets: target_terms().map(str::to_string).collect(),
            recommendations: Recommender::prefilter_terms(lexicon)
                .map(str::to_string)
                .collect(),
            sentences: sentence_terms().map(str::to_string).collect(),
            actions: action_words,
        }
    }

    /// The screen with or without recommendation language.
    pub(super) fn prefilter(&self, recommendations: bool) -> Prefilter {
        fn words(v: &[String]) -> impl Iterator<Item = &str> {
            v.iter().map(String::as_str)
        }
        let none: &[String] = &[];
        let (more_gate, more_anchors) = if recommendations {
            (&self.recommendations[..], &self.actions[..])
        } else {
            (none, none)
        };
        Prefilter::new(
            words(&self.targets).chain(words(more_gate)),
            words(&self.sentences).chain(words(more_anchors)),
        )
    }
}
