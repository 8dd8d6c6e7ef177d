//! Phrase matching over normalized text with one Aho-Corasick automaton for all lexicon
//! families, plus a cheap prefilter over raw text.
//!
//! All families share one automaton so a sentence is scanned once. The automaton reports every
//! (overlapping) match; whole-word checks come next, and each family then keeps its
//! leftmost-longest non-overlapping matches ([`leftmost_longest`]). Doing the longest-match
//! selection after the word check (rather than asking the automaton for leftmost-longest) means
//! a longer phrase that fails the word check does not hide a shorter one that passes.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::text::{at_word_boundaries, term_variants};

/// A phrase found in normalized text, with the key of the lexicon entry it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<K> {
    pub start: usize,
    pub end: usize,
    pub key: K,
}

/// Phrases of many lexicon entries, compiled once.
#[derive(Debug, Clone)]
pub struct PhraseMatcher<K> {
    ac: Option<AhoCorasick>,
    /// pattern id → the keys of every entry that listed this phrase
    keys: Vec<Vec<K>>,
}

impl<K: Copy + PartialEq> PhraseMatcher<K> {
    /// Compile `(term, key)` pairs; each term is expanded to its normalized spellings.
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, K)>) -> PhraseMatcher<K> {
        let mut patterns: Vec<String> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut keys: Vec<Vec<K>> = Vec::new();
        for (term, key) in entries {
            for v in term_variants(term) {
                if v.is_empty() {
                    continue;
                }
                let id = *index.entry(v.clone()).or_insert_with(|| {
                    patterns.push(v);
                    keys.push(Vec::new());
                    patterns.len() - 1
                });
                if !keys[id].contains(&key) {
                    keys[id].push(key);
                }
            }
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    // a full DFA: more memory (a few MB for a lexicon), the fastest scan
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&patterns)
                    .expect("lexicon patterns compile: they are plain strings"),
            )
        };
        PhraseMatcher { ac, keys }
    }

    /// Every whole-word match in `text` (already normalized), overlapping, in text order.
    pub fn find_all(&self, text: &str) -> Vec<Hit<K>> {
        let mut out = Vec::new();
        let Some(ac) = &self.ac else { return out };
        let bytes = text.as_bytes();
        for m in ac.find_overlapping_iter(text) {
            if !at_word_boundaries(bytes, m.start(), m.end()) {
                continue;
            }
            for &key in &self.keys[m.pattern().as_usize()] {
                out.push(Hit {
                    start: m.start(),
                    end: m.end(),
                    key,
                });
            }
        }
        out
    }
}

/// Keep the leftmost-longest non-overlapping hits among those `keep` selects.
pub fn leftmost_longest<K: Copy>(hits: &[Hit<K>], keep: impl Fn(&K) -> bool) -> Vec<Hit<K>> {
    let mut v: Vec<Hit<K>> = hits.iter().copied().filter(|h| keep(&h.key)).collect();
    v.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Hit<K>> = Vec::with_capacity(v.len());
    for h in v {
        if out.last().is_some_and(|l| h.start < l.end) {
            continue;
        }
        out.push(h);
    }
    out
}

/// A fast yes/no over raw text: could this report contain anything of interest at all?
///
/// Built from the longest word of every spelling of every phrase that matters: if a phrase
/// matches the normalized text, its longest word occurs (case aside) in the raw text, so a
/// report without any of these words can skip sentence splitting and matching entirely.
///
/// Two stages, both exact (no report with a word is ever skipped): the ASCII-lowercased text is
/// scanned for the short lowercase prefixes of the words (few enough for a SIMD "packed"
/// searcher, several GB/s), and only text with such a prefix is scanned for the words
/// themselves. Most reports mention no calcification and stop at the first stage.
#[derive(Debug, Clone)]
pub struct Prefilter {
    prefixes: Option<AhoCorasick>,
    words: Option<AhoCorasick>,
    /// Count a word only where it stands whole ([`Prefilter::whole_words`]).
    whole_words: bool,
}

/// Prefixes are at most this long, and fewer than this many (the packed searcher's sweet spot).
const PREFIX_LEN: usize = 5;
const MAX_PREFIXES: usize = 48;

thread_local! {
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Prefilter {
    pub fn new<'a>(terms: impl IntoIterator<Item = &'a str>) -> Prefilter {
        let mut words: Vec<String> = Vec::new();
        for t in terms {
            for v in term_variants(t) {
                if let Some(w) = v.split(' ').max_by_key(|w| w.len()) {
                    if !w.is_empty() && !words.iter().any(|x| x == w) {
                        words.push(w.to_string());
                    }
                }
            }
        }
        if words.is_empty() {
            return Prefilter {
                prefixes: None,
                words: None,
                whole_words: false,
            };
        }
        // the longest prefix length that keeps the set small; a shorter prefix only costs
        // more second-stage scans, never a missed report
        let mut prefixes: Vec<Vec<u8>> = Vec::new();
        for len in (3..=PREFIX_LEN).rev() {
            prefixes = words
                .iter()
                .map(|w| w.as_bytes()[..w.len().min(len)].to_ascii_lowercase())
                .collect();
            prefixes.sort();
            prefixes.dedup();
            // a prefix that contains another is redundant
            let all = prefixes.clone();
            prefixes.retain(|p| {
                !all.iter().any(|q| {
                    q != p && q.len() <= p.len() && p.windows(q.len()).any(|w| w == &q[..])
                })
            });
            if prefixes.len() <= MAX_PREFIXES {
                break;
            }
        }
        let prefixes = (prefixes.len() <= MAX_PREFIXES).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .build(&prefixes)
                .expect("prefilter prefixes compile: they are plain strings")
        });
        let words = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&words)
            .expect("prefilter words compile: they are plain strings");
        Prefilter {
            prefixes,
            words: Some(words),
            whole_words: false,
        }
    }

    /// Like [`Prefilter::new`], but a word counts only where it stands whole in the raw text
    /// (as the phrase matcher requires in the normalized text), so short words ("ct", "pth")
    /// do not pass every text they occur inside. Still exact: normalization only folds case and
    /// turns hyphens, slashes and whitespace into spaces, none of which changes whether a byte
    /// is a word byte, so a whole word of the normalized text is a whole word of the raw text.
    pub fn whole_words<'a>(terms: impl IntoIterator<Item = &'a str>) -> Prefilter {
        Prefilter {
            whole_words: true,
            ..Prefilter::new(terms)
        }
    }

    /// False only when the text certainly contains none of the phrases.
    #[inline]
    pub fn may_match(&self, raw: &str) -> bool {
        let Some(words) = &self.words else {
            return false;
        };
        if let Some(prefixes) = &self.prefixes {
            let hit = LOWER.with(|buf| {
                let mut buf = buf.borrow_mut();
                buf.clear();
                buf.extend(raw.bytes().map(|b| b.to_ascii_lowercase()));
                prefixes.is_match(&buf[..])
            });
            if !hit {
                return false;
            }
        }
        if self.whole_words {
            let bytes = raw.as_bytes();
            return words
                .find_overlapping_iter(raw)
                .any(|m| at_word_boundaries(bytes, m.start(), m.end()));
        }
        words.is_match(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize_phrase;

    #[test]
    fn longest_match_wins_after_word_checks() {
        let m = PhraseMatcher::new([
            ("calcified", 1),
            ("calcified granuloma", 2),
            ("granulomas", 3),
        ]);
        let t = normalize_phrase("Calcified granulomas noted");
        let hits = m.find_all(&t);
        // "calcified granuloma" fails the word check inside "granulomas"
        let best = leftmost_longest(&hits, |_| true);
        assert_eq!(best.iter().map(|h| h.key).collect::<Vec<_>>(), vec![1, 3]);
    }

    #[test]
    fn hyphen_and_space_variants_match_one_entry() {
        let m = PhraseMatcher::new([("non-calcified", 7)]);
        for s in [
            "a non-calcified nodule",
            "a noncalcified nodule",
            "a Non Calcified nodule",
        ] {
            assert_eq!(m.find_all(&normalize_phrase(s)).len(), 1, "{s}");
        }
    }

    #[test]
    fn prefilter_skips_text_without_any_term() {
        let p = Prefilter::new(["non-calcified", "calcified granuloma"]);
        assert!(p.may_match("Stable NON-CALCIFIED nodule"));
        assert!(p.may_match("granuloma, CALCIFIED"));
        assert!(!p.may_match("The lungs are clear. No effusion."));
        // the lowercase-prefix stage must not lose mixed case, and "calcium" (same prefix, no
        // word) is a miss after the second stage
        assert!(p.may_match("Old CaLcIfIeD Granuloma."));
        assert!(!p.may_match("Serum calcium is normal."));
    }

    #[test]
    fn whole_word_prefilter_ignores_words_inside_words() {
        let p = Prefilter::whole_words(["CT", "follow-up"]);
        assert!(!p.may_match("No acute fracture."));
        assert!(p.may_match("Recommend chest CT."));
        assert!(p.may_match("Follow-up in 6 months."));
        assert!(p.may_match("Needs followup."));
    }
}
