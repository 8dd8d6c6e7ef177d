//! Phrase matching over normalized text with one Aho-Corasick automaton for all lexicon
//! families, plus a cheap prefilter over raw text.
//!
//! All families share one automaton so a sentence is scanned once. The automaton reports every
//! (overlapping) match; whole-word checks come next, and each family then keeps its
//! leftmost-longest non-overlapping matches ([`leftmost_longest`]). Doing the longest-match
//! selection after the word check (rather than asking the automaton for leftmost-longest) means
//! a longer phrase that fails the word check does not hide a shorter one that passes.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, MatchKind, PatternID,
};

use crate::text::{at_word_boundaries, is_word_byte, term_variants};

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
                    // A contiguous NFA, not a full DFA. Measured on the sentences of the 104 MB
                    // benchmark corpus that have an anchor word: both scan them in the same time
                    // (sentences are short, and the NFA's root state is dense), but the DFA took
                    // 97 M instructions to build (a third of the start of every run: `extract`
                    // of one sentence) against the NFA's 15 M, and a few MB more memory.
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&patterns)
                    .expect("lexicon patterns compile: they are plain strings"),
            )
        };
        PhraseMatcher { ac, keys }
    }

    /// Every whole-word match in `text` (already normalized), overlapping, in text order.
    pub fn find_all(&self, text: &str) -> Vec<Hit<K>> {
        let mut out = Vec::with_capacity(16);
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

/// The cheap first stage: does a report name anything of interest, and where do the words that
/// matter stand whole?
///
/// Built from the longest word of every spelling of every phrase that matters. A phrase matches
/// the normalized text only as a whole word, and normalization only folds case and turns
/// hyphens, slashes and whitespace into spaces, none of which changes whether a byte is a word
/// byte: so where a phrase matches, its longest word stands whole in the raw text too. Two
/// kinds of word:
///
/// - *gate* words decide whether a report is read at all ([`Screen::gate`]); they count
///   anywhere, inside other words too (what calcmine has always screened reports by);
/// - *anchor* words count only where they stand whole ([`Screen::anchors`]): a sentence without
///   one yields nothing, and short words ("ct", "pth", "p") do not pass every text they occur
///   inside.
///
/// One scan for both, and exact (no word is ever missed). ASCII text (almost all reports) is
/// copied with letters lowercased and every other non-word byte turned into a space, between
/// two spaces, and an anchor word is looked for with a space on either side: the automaton
/// then reports whole words only, not the thousands of "p"s and "ca"s inside other words that
/// a plain scan would stop at. Other text is scanned for the plain words, and each anchor match
/// is checked for word boundaries.
#[derive(Debug, Clone)]
pub struct Prefilter {
    /// Over the spaced copy of ASCII text: anchors as ` word `, gate words as `word`.
    spaced: Option<DFA>,
    /// The longest pattern of `spaced`, in bytes.
    max_len: usize,
    /// The plain lowercase words (anchors, then gate words), for text that is not ASCII.
    plain: Option<AhoCorasick>,
    /// Per pattern (the same ids in both automata).
    info: Vec<Pattern>,
}

#[derive(Debug, Clone, Copy)]
struct Pattern {
    gate: bool,
    /// The word was cut to its first [`SCREEN_WORD_BYTES`]: it matches at a word start, and
    /// its end is not checked (the screen may pass more, never fewer).
    cut: bool,
    /// In the spaced automaton: bytes from the match start to the word's first byte, plus one
    /// (the copy's leading space).
    lead: u8,
}

/// What [`Prefilter::screen`] found in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screen {
    /// A gate word occurs.
    pub gate: bool,
    /// Start offsets of the anchor words found whole, in order, without repeats.
    pub anchors: Vec<usize>,
}

/// Every match of `dfa` (standard semantics, overlapping) in `hay`: `found(pattern, end, lane)`,
/// in order of their ends within each of the (up to four) lanes, the lanes interleaved.
///
/// A DFA scan is a chain of dependent table loads, one per byte, so it runs at the latency of
/// a cache hit rather than at the speed the core could go. The text is cut into four
/// pieces scanned in lockstep, whose loads overlap.
/// Each piece after the first starts `max_len - 1` bytes early, so that the automaton is in the
/// right state where the piece begins, and reports only matches that end inside it.
fn scan_lanes(
    dfa: &DFA,
    hay: &[u8],
    max_len: usize,
    found: &mut dyn FnMut(PatternID, usize, usize),
) {
    let start = dfa
        .start_state(Anchored::No)
        .expect("the prefilter DFA is built for unanchored search (the default start kind)");
    // the matches of the state reached after hay[i], in lane `lane`, whose piece begins at
    // `from`
    let mut report = |sid: StateID, i: usize, from: usize, lane: usize| {
        if dfa.is_match(sid) && i >= from {
            for k in 0..dfa.match_len(sid) {
                found(dfa.match_pattern(sid, k), i + 1, lane);
            }
        }
    };
    // one lane: scan hay[at..to] from the start state
    let single = |at: usize,
                  to: usize,
                  from: usize,
                  report: &mut dyn FnMut(StateID, usize, usize, usize)| {
        let mut sid = start;
        for (i, &b) in hay[at..to].iter().enumerate() {
            sid = dfa.next_state(Anchored::No, sid, b);
            if dfa.is_special(sid) {
                report(sid, at + i, from, 0);
            }
        }
    };
    let piece = hay.len() / 4;
    let back = max_len.saturating_sub(1);
    if piece < 2 * back.max(16) {
        single(0, hay.len(), 0, &mut report);
        return;
    }
    // lane k covers [from[k], to[k]) and starts scanning `back` bytes early, at at[k]
    let from = [0, piece, 2 * piece, 3 * piece];
    let to = [piece, 2 * piece, 3 * piece, hay.len()];
    let at = [0, piece - back, 2 * piece - back, 3 * piece - back];
    // the first lane has no lead-in and is the shortest: all four run in step for its length
    let steps = piece;
    let (mut s0, mut s1, mut s2, mut s3) = (start, start, start, start);
    let lanes = hay[at[0]..at[0] + steps]
        .iter()
        .zip(&hay[at[1]..at[1] + steps])
        .zip(&hay[at[2]..at[2] + steps])
        .zip(&hay[at[3]..at[3] + steps]);
    for (i, (((&b0, &b1), &b2), &b3)) in lanes.enumerate() {
        s0 = dfa.next_state(Anchored::No, s0, b0);
        s1 = dfa.next_state(Anchored::No, s1, b1);
        s2 = dfa.next_state(Anchored::No, s2, b2);
        s3 = dfa.next_state(Anchored::No, s3, b3);
        if dfa.is_special(s0) | dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3) {
            for (k, s) in [s0, s1, s2, s3].into_iter().enumerate() {
                if dfa.is_special(s) {
                    report(s, at[k] + i, from[k], k);
                }
            }
        }
    }
    // the rest of each lane alone
    for (k, mut sid) in [s0, s1, s2, s3].into_iter().enumerate() {
        for (i, &b) in hay[at[k] + steps..to[k]].iter().enumerate() {
            sid = dfa.next_state(Anchored::No, sid, b);
            if dfa.is_special(sid) {
                report(sid, at[k] + steps + i, from[k], k);
            }
        }
    }
}

thread_local! {
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The byte of the spaced copy of an ASCII byte: lowercase letters, digits and `_` as they
/// are, any other byte a space (what [`crate::text::is_word_byte`] does not count as part of a
/// word). Computed, not looked up in a table, so that the copy of a whole report compiles to
/// vector instructions (a look-up per byte does not): the first stage 7 % faster.
#[inline(always)]
fn spaced_byte(b: u8) -> u8 {
    let lower = b | ((b.is_ascii_uppercase() as u8) << 5);
    let word = lower.is_ascii_lowercase() | b.is_ascii_digit() | (b == b'_');
    if word {
        lower
    } else {
        b' '
    }
}

/// The longest a screen word is kept: longer words (no real term has one) are cut to their
/// first bytes, which occur wherever the whole word does. Building the screen's automaton (a
/// full DFA) takes time quadratic in a pattern's length: one `--targets` term of 10,000 letters
/// took 12.9 s, of 100,000 over a minute; cut, it takes milliseconds.
pub const SCREEN_WORD_BYTES: usize = 64;

/// The longest word of every spelling of `terms`, lowercase, each once, in first-seen order;
/// with whether it was cut to [`SCREEN_WORD_BYTES`]. Linear in the terms (a set, not a search
/// of the list: 100,000 user terms took 26 s, three quarters of it here).
fn longest_words<'a>(terms: impl IntoIterator<Item = &'a str>) -> Vec<(String, bool)> {
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for t in terms {
        for v in term_variants(t) {
            if let Some(w) = v.split(' ').max_by_key(|w| w.len()) {
                let mut w = w.to_ascii_lowercase();
                let cut = w.len() > SCREEN_WORD_BYTES;
                if cut {
                    let mut end = SCREEN_WORD_BYTES;
                    while !w.is_char_boundary(end) {
                        end -= 1;
                    }
                    w.truncate(end);
                }
                if !w.is_empty() && seen.insert(w.clone()) {
                    words.push((w, cut));
                }
            }
        }
    }
    words
}

impl Prefilter {
    /// `gate`: words that make a report worth reading; `anchors`: words that make a sentence
    /// worth matching.
    pub fn new<'a>(
        gate: impl IntoIterator<Item = &'a str>,
        anchors: impl IntoIterator<Item = &'a str>,
    ) -> Prefilter {
        let anchors = longest_words(anchors);
        let gate = longest_words(gate);
        let mut spaced: Vec<Vec<u8>> = Vec::new();
        let mut plain: Vec<Vec<u8>> = Vec::new();
        let mut info = Vec::new();
        let spell = |w: &str| -> Vec<u8> {
            w.bytes()
                .map(|c| if c < 0x80 { spaced_byte(c) } else { c })
                .collect()
        };
        for (w, cut) in &anchors {
            // A word that begins (ends) with a word byte follows (precedes) a non-word byte or
            // the text's edge: a space in the spaced copy (not after a word cut short).
            let b = w.as_bytes();
            let starts = is_word_byte(b[0]);
            let mut p = Vec::with_capacity(b.len() + 2);
            if starts {
                p.push(b' ');
            }
            p.extend(spell(w));
            if is_word_byte(b[b.len() - 1]) && !cut {
                p.push(b' ');
            }
            spaced.push(p);
            plain.push(b.to_vec());
            info.push(Pattern {
                gate: false,
                cut: *cut,
                lead: starts as u8,
            });
        }
        for (w, _) in &gate {
            spaced.push(spell(w));
            plain.push(w.as_bytes().to_vec());
            info.push(Pattern {
                gate: true,
                cut: false,
                lead: 0,
            });
        }
        if info.is_empty() {
            return Prefilter {
                spaced: None,
                max_len: 0,
                plain: None,
                info,
            };
        }
        let max_len = spaced.iter().map(Vec::len).max().unwrap_or(0);
        let spaced = DFA::builder()
            .match_kind(MatchKind::Standard)
            // most patterns start with a space: a start-byte prefilter would stop at every word
            .prefilter(false)
            .build(&spaced)
            .expect("prefilter words compile: they are plain strings");
        // text that is not ASCII is rare: a contiguous NFA (slower to scan, far quicker to
        // build) is enough for it
        let plain = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&plain)
            .expect("prefilter words compile: they are plain strings");
        Prefilter {
            spaced: Some(spaced),
            max_len,
            plain: Some(plain),
            info,
        }
    }

    /// Anchor words only (no gate).
    pub fn whole_words<'a>(terms: impl IntoIterator<Item = &'a str>) -> Prefilter {
        Prefilter::new(std::iter::empty(), terms)
    }

    /// False only when the text certainly contains none of the words.
    pub fn may_match(&self, raw: &str) -> bool {
        let s = self.screen(raw);
        s.gate || !s.anchors.is_empty()
    }

    /// The screens of many texts ([`Prefilter::screen`] of each), in one scan of their spaced
    /// copies laid end to end. Reports are short (a few hundred bytes): scanned one by one,
    /// each is too short to be cut into lanes, or pays a lead-in per lane; laid end to end,
    /// a batch is cut into lanes once. A word found across two texts' copies is dropped (an
    /// overlapping scan reports every occurrence whatever precedes it, so those found
    /// within a text's copy are exactly what a scan of that copy alone finds).
    pub fn screen_many(&self, texts: &[&str]) -> Vec<Screen> {
        let mut out = vec![Screen::default(); texts.len()];
        let Some(spaced) = &self.spaced else {
            return out;
        };
        // where each ASCII text's copy begins in the buffer (its leading space), in order
        let mut starts: Vec<(usize, usize)> = Vec::with_capacity(texts.len());
        LOWER.with(|buf| {
            let mut buf = buf.borrow_mut();
            buf.clear();
            buf.reserve(texts.iter().map(|t| t.len() + 2).sum());
            for (i, t) in texts.iter().enumerate() {
                let bytes = t.as_bytes();
                if !bytes.is_ascii() {
                    out[i] = self.screen_plain(bytes);
                    continue;
                }
                starts.push((buf.len(), i));
                buf.push(b' ');
                buf.extend(bytes.iter().map(|&b| spaced_byte(b)));
                buf.push(b' ');
            }
            // per lane, the copy its last match ended in: a lane's matches come in order of
            // their ends, so finding the copy a match ends in only ever moves forward
            let mut cursor = [0usize; 4];
            scan_lanes(spaced, &buf, self.max_len, &mut |pid, end, lane| {
                let start = end - spaced.pattern_len(pid);
                // the copy the match ends in (` text `: offset j of the text is j + 1 of its
                // copy); a match that begins in an earlier copy spans two texts
                let k = &mut cursor[lane];
                while starts.get(*k + 1).is_some_and(|&(s, _)| s < end) {
                    *k += 1;
                }
                let (copy, i) = starts[*k];
                if start < copy {
                    return;
                }
                let pat = self.info[pid.as_usize()];
                if pat.gate {
                    out[i].gate = true;
                    return;
                }
                // a word that begins with a non-word byte cannot begin at the added space
                if let Some(p) = (start - copy + pat.lead as usize).checked_sub(1) {
                    out[i].anchors.push(p);
                }
            });
        });
        for s in &mut out {
            s.anchors.sort_unstable();
            s.anchors.dedup();
        }
        out
    }

    /// Gate and anchors of one text, in one scan.
    pub fn screen(&self, raw: &str) -> Screen {
        self.screen_many(&[raw]).pop().unwrap_or_default()
    }

    /// [`Prefilter::screen`] of text that is not ASCII: the plain words, case folded as
    /// normalization folds it, each anchor match checked for word boundaries.
    fn screen_plain(&self, bytes: &[u8]) -> Screen {
        let mut out = Screen::default();
        let Some(plain) = &self.plain else {
            return out;
        };
        // case folded as normalization folds it (ASCII and Latin-1 capitals)
        let folded: Vec<u8> = bytes
            .iter()
            .enumerate()
            .map(|(i, b)| {
                match i
                    .checked_sub(1)
                    .and_then(|p| crate::text::latin1_capital(bytes, p))
                {
                    Some(lower) => lower,
                    None => b.to_ascii_lowercase(),
                }
            })
            .collect();
        for m in plain.find_overlapping_iter(&folded[..]) {
            let pat = self.info[m.pattern().as_usize()];
            // (the end of a word cut short is not its end: only its start is checked)
            let end = if pat.cut { bytes.len() } else { m.end() };
            if pat.gate {
                out.gate = true;
            } else if at_word_boundaries(bytes, m.start(), end) {
                out.anchors.push(m.start());
            }
        }
        out.anchors.sort_unstable();
        out.anchors.dedup();
        out
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
    fn the_spaced_copy_keeps_word_bytes_lowercased_and_blanks_the_rest() {
        for b in 0u8..0x80 {
            let want = if b.is_ascii_alphanumeric() || b == b'_' {
                b.to_ascii_lowercase()
            } else {
                b' '
            };
            assert_eq!(spaced_byte(b), want, "byte {b:#04x}");
        }
    }

    #[test]
    fn prefilter_skips_text_without_any_term() {
        let p = Prefilter::whole_words(["non-calcified", "calcified granuloma"]);
        assert!(p.may_match("Stable NON-CALCIFIED nodule"));
        assert!(p.may_match("granuloma, CALCIFIED"));
        assert!(!p.may_match("The lungs are clear. No effusion."));
        // case is folded; "calcium" shares a beginning with "calcified" but is another word
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

    #[test]
    fn anchors_are_whole_words_at_their_offsets_in_ascii_and_other_text() {
        let p = Prefilter::whole_words(["P", "calcified granuloma", "Ca"]);
        let t = "Phosphate (P) 7.1; calcified granulomas. CA: 9.1, pleural p. Granuloma.";
        let at: Vec<usize> = p.screen(t).anchors;
        let words: Vec<&str> = at.iter().map(|&i| &t[i..i + 2]).collect();
        // "P", "CA", the last "p" and "Granuloma" (the phrase's longest word) stand whole; the
        // p of "Phosphate" and "pleural", the ca of "calcified" and "granulomas" do not
        assert_eq!(words, vec!["P)", "CA", "p.", "Gr"]);
        // the scan of text that is not ASCII (plain words, boundaries checked) finds the same
        let not_ascii = format!("{t} é");
        assert_eq!(p.screen(&not_ascii).anchors, at);
        // the same words beside characters that are not ASCII: a typographic quote and an
        // em dash are not word characters, an accented letter is
        let u = "“calcified” granuloma—P; éP";
        let at = p.screen(u).anchors;
        assert_eq!(at.len(), 2, "{at:?}");
        assert_eq!(&u[at[0]..at[0] + 9], "granuloma");
        assert_eq!(&u[at[1]..at[1] + 1], "P");
    }

    #[test]
    fn gate_words_count_anywhere_anchors_only_whole() {
        let p = Prefilter::new(["recommend"], ["follow-up"]);
        let s = p.screen("Recommended: nothing.");
        assert!(s.gate && s.anchors.is_empty());
        let s = p.screen("Clinical follow up advised.");
        assert!(!s.gate);
        assert_eq!(s.anchors, vec![9]);
        let s = p.screen("Recommend followup. Follow-up again.");
        assert!(s.gate);
        assert_eq!(s.anchors, vec![10, 20]);
        // a word that begins with a non-word character, at the very start of the text
        let p = Prefilter::whole_words(["(a)"]);
        assert_eq!(p.screen("(a) b").anchors, vec![0]);
        assert_eq!(p.screen("").anchors, Vec::<usize>::new());
    }

    #[test]
    fn a_long_report_scanned_in_lanes_gets_what_one_scan_gets() {
        // long enough to be cut into four pieces; the shift moves words across the cuts
        let p = Prefilter::new(["calcified"], ["granuloma", "p", "ca"]);
        for shift in 0..64 {
            let mut t = " ".repeat(shift);
            for i in 0..40 {
                t.push_str(if i % 3 == 0 {
                    "Calcified granuloma, P 4.1. "
                } else {
                    "The lungs are clear. Ca 9.1 mg/dL. "
                });
            }
            let lanes = p.screen(&t);
            // text that is not ASCII is scanned plainly, in one piece
            let plain = p.screen(&format!("{t}é"));
            assert_eq!(lanes, plain, "shift {shift}");
            assert!(lanes.gate);
            let words = t.matches("granuloma").count() + t.matches(" P ").count();
            assert_eq!(lanes.anchors.len(), words + t.matches("Ca ").count());
        }
    }

    #[test]
    fn a_batch_screened_at_once_gets_what_each_report_gets_alone() {
        let p = Prefilter::new(["calcified", "25-oh"], ["granuloma", "p", "ca", "(a)"]);
        // words cut across two reports must not be found: "calci" + "fied", "25" + "-oh"
        let texts = [
            "Calcified granuloma.",
            "calci",
            "fied granuloma p",
            "",
            "Ca 9.1 mg/dL, 25",
            "-oh vitamin D. (a) Granulomas",
            "Granulome calcifié, P 4.1, CA",
            "p",
            "granuloma",
            &"The lungs are clear. Ca 9.1. ".repeat(50),
            "(a)",
            "Calcified",
        ];
        for n in 0..=texts.len() {
            let batch: Vec<&str> = texts[..n].to_vec();
            let one_by_one: Vec<Screen> = batch.iter().map(|t| p.screen(t)).collect();
            assert_eq!(p.screen_many(&batch), one_by_one, "first {n} texts");
        }
        assert!(!p.screen_many(&["calci", "fied"])[0].gate);
        assert!(!p.screen_many(&["calci", "fied"])[1].gate);
        assert_eq!(
            p.screen_many(&["x", "Calcified granuloma"])[1].anchors,
            vec![10]
        );
    }
}
