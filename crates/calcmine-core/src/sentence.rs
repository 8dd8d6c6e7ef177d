//! A fast rule-based sentence splitter for report prose.
//!
//! Splits after `.`, `!` or `?` followed by white space, except after an abbreviation of the
//! lexicon (`Dr.`, `e.g.`, `approx.`, `vs.`), a single letter (an initial), a numbered list
//! marker (`1.` at the start of a line or after another sentence), or the de-identification
//! placeholder `XXXX.`, which may stand for anything — unless a capitalized ordinary word
//! follows it (`lymph XXXX. No pneumothorax`): de-identification turns names into `XXXX` too,
//! so an abbreviation like `Dr.` hidden behind it is followed by `XXXX`, not by `No`. Decimals (`1.5 cm`) never split because no
//! space follows the period. Also splits at a line break before a list item (`2.`, `-`, `*`) and
//! at blank lines.

use std::collections::HashSet;

use crate::lexicon::{Key, Lexicon};
use crate::matcher::Hit;
use crate::text::{Normalized, WordHash};

#[derive(Debug, Clone, Default)]
pub struct SentenceSplitter {
    abbreviations: HashSet<String, WordHash>,
    /// The longest abbreviation, in bytes: a longer word is not looked up.
    longest: usize,
}

impl SentenceSplitter {
    pub fn new(lex: &Lexicon) -> Self {
        let abbreviations: HashSet<String, WordHash> = lex
            .abbreviations
            .iter()
            .map(|a| a.trim_end_matches('.').to_ascii_lowercase())
            .collect();
        let longest = abbreviations.iter().map(String::len).max().unwrap_or(0);
        SentenceSplitter {
            abbreviations,
            longest,
        }
    }

    /// Sentence ranges within `text[start..end]`, trimmed of white space, empty ones dropped.
    pub fn split(&self, text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
        let b = text.as_bytes();
        let mut out = Vec::with_capacity(16);
        let mut s = start;
        let mut i = start;
        // Only `.`, `!`, `?` and line breaks can end a sentence: jump from one to the next
        // (memchr) instead of visiting every byte. `!` is rare, so its next position is
        // found apart and kept until it is passed.
        let mut bang = memchr::memchr(b'!', &b[start..end]).map_or(end, |k| start + k);
        while i < end {
            if bang < i {
                bang = memchr::memchr(b'!', &b[i..end]).map_or(end, |k| i + k);
            }
            i = memchr::memchr3(b'.', b'?', b'\n', &b[i..bang]).map_or(bang, |k| i + k);
            if i >= end {
                break;
            }
            let c = b[i];
            let split_after = match c {
                b'.' | b'!' | b'?' => {
                    let next = i + 1;
                    let next_ok = next >= end
                        || b[next].is_ascii_whitespace()
                        || (matches!(b[next], b')' | b'"' | b'\'')
                            && (next + 1 >= end || b[next + 1].is_ascii_whitespace()));
                    next_ok && (c != b'.' || self.period_ends_sentence(b, s, i, end))
                }
                b'\n' => {
                    if self.newline_splits(b, i, end) {
                        push(&mut out, b, s, i);
                        s = i + 1;
                    }
                    false
                }
                _ => false,
            };
            if split_after {
                let mut e = i + 1;
                while e < end && matches!(b[e], b')' | b'"' | b'\'') {
                    e += 1;
                }
                push(&mut out, b, s, e);
                s = e;
                i = e;
                continue;
            }
            i += 1;
        }
        push(&mut out, b, s, end);
        out
    }

    /// `b[dot]` is a period followed by white space: does it end the sentence that began at `s`?
    fn period_ends_sentence(&self, b: &[u8], s: usize, dot: usize, end: usize) -> bool {
        let mut ts = dot;
        while ts > s
            && !b[ts - 1].is_ascii_whitespace()
            && !matches!(b[ts - 1], b'(' | b'"' | b'\'' | b',')
        {
            ts -= 1;
        }
        let tok = &b[ts..dot];
        if tok.is_empty() {
            return true;
        }
        // XXXX. (de-identified word: it may be a name, a date or an abbreviation)
        if tok.ends_with(b"XXXX") {
            let mut k = dot + 1;
            while k < end && b[k].is_ascii_whitespace() {
                k += 1;
            }
            return k + 1 < end && b[k].is_ascii_uppercase() && b[k + 1].is_ascii_lowercase();
        }
        // single letter: an initial
        if tok.len() == 1 && tok[0].is_ascii_alphabetic() {
            return false;
        }
        // abbreviation
        if tok.len() <= self.longest
            && tok.iter().any(|c| c.is_ascii_alphabetic())
            && self.is_abbreviation(tok)
        {
            return false;
        }
        // numbered list marker: digits at the start of the sentence
        if tok.iter().all(u8::is_ascii_digit) && tok.len() <= 3 {
            let before = b[s..ts].iter().all(|c| c.is_ascii_whitespace());
            if before {
                return false;
            }
        }
        true
    }

    /// Is `tok` (a word before a period) an abbreviation, in any case? A period after a word
    /// is the commonest case of all: short words are lowercased on the stack, not in a new
    /// string.
    fn is_abbreviation(&self, tok: &[u8]) -> bool {
        let mut buf = [0u8; 32];
        if tok.len() > buf.len() {
            return self
                .abbreviations
                .contains(&String::from_utf8_lossy(tok).to_ascii_lowercase());
        }
        let lower = &mut buf[..tok.len()];
        lower.copy_from_slice(tok);
        lower.make_ascii_lowercase();
        // tok lies between ASCII bytes of a str, so it is UTF-8, and so is its ASCII lowercase
        std::str::from_utf8(lower).is_ok_and(|w| self.abbreviations.contains(w))
    }

    /// Does the line break at `b[nl]` start a new sentence? Yes before a list item or after a
    /// blank line.
    fn newline_splits(&self, b: &[u8], nl: usize, end: usize) -> bool {
        let mut j = nl + 1;
        while j < end && (b[j] == b' ' || b[j] == b'\t' || b[j] == b'\r') {
            j += 1;
        }
        if j >= end {
            return false;
        }
        if b[j] == b'\n' {
            return true;
        }
        if matches!(b[j], b'-' | b'*' | b'+') && j + 1 < end && b[j + 1] == b' ' {
            return true;
        }
        if b[j..end].starts_with("•".as_bytes()) {
            return true;
        }
        let mut k = j;
        while k < end && b[k].is_ascii_digit() {
            k += 1;
        }
        if k > j
            && k - j <= 3
            && k + 1 < end
            && matches!(b[k], b'.' | b')')
            && b[k + 1].is_ascii_whitespace()
        {
            return true;
        }
        false
    }
}

/// The longest sentence kept whole. Text without sentence punctuation (a whole report on one
/// line, a pasted table) would otherwise be one "sentence" of any size, and every mention in it
/// would carry and scan all of it: work and memory quadratic in its length. Real sentences are
/// far shorter; a longer one is cut at white space into pieces of at most this size.
pub const MAX_SENTENCE_BYTES: usize = 4096;

fn push(out: &mut Vec<(usize, usize)>, b: &[u8], mut s: usize, mut e: usize) {
    while s < e && b[s].is_ascii_whitespace() {
        s += 1;
    }
    while e > s && b[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    while e - s > MAX_SENTENCE_BYTES {
        let limit = s + MAX_SENTENCE_BYTES;
        // the last white space in the second half of the piece, else a character boundary
        let cut = (s + MAX_SENTENCE_BYTES / 2..limit)
            .rev()
            .find(|&i| b[i].is_ascii_whitespace())
            .or_else(|| (s + 1..=limit).rev().find(|&i| (b[i] & 0xC0) != 0x80))
            .unwrap_or(limit);
        push(out, b, s, cut);
        s = cut;
        while s < e && b[s].is_ascii_whitespace() {
            s += 1;
        }
    }
    if e > s {
        out.push((s, e));
    }
}

/// One sentence, normalized and matched: what every later stage reads.
#[derive(Debug, Clone)]
pub struct SentenceView {
    /// 0-based within the report.
    pub index: u32,
    /// Shared by the sentences of a section.
    pub section: std::sync::Arc<str>,
    /// The organ (and location class) of the organ-system header the sentence is under.
    pub section_organ: Option<crate::section::OrganContext>,
    /// Byte range in the report text.
    pub start: usize,
    pub end: usize,
    /// Normalized text; its map gives offsets in the report text.
    pub norm: Normalized,
    /// Every whole-word phrase hit, all families, overlapping.
    pub hits: Vec<Hit<Key>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        let sp = SentenceSplitter::new(&Lexicon::bundled().unwrap());
        sp.split(t, 0, t.len())
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect()
    }

    #[test]
    fn decimals_abbreviations_and_placeholders_do_not_split() {
        assert_eq!(
            split("A 1.5 cm calcified nodule, approx. 2 mm from the pleura, was seen by Dr. Smith. No effusion."),
            vec!["A 1.5 cm calcified nodule, approx. 2 mm from the pleura, was seen by Dr. Smith.", "No effusion."]
        );
        assert_eq!(
            split("Granulomas, e.g. calcified ones, vs. scars. Stable."),
            vec!["Granulomas, e.g. calcified ones, vs. scars.", "Stable."]
        );
        // XXXX may hide an abbreviation ("Dr."), whose name is de-identified too
        assert_eq!(
            split("Discussed with XXXX. XXXX by telephone."),
            vec!["Discussed with XXXX. XXXX by telephone."]
        );
        assert_eq!(
            split("Measured approx. XXXX. mm."),
            vec!["Measured approx. XXXX. mm."]
        );
    }

    #[test]
    fn a_placeholder_before_a_capitalized_word_ends_the_sentence() {
        // "lymph XXXX." is "lymph node." in the Open-i collection
        assert_eq!(
            split("No focal airspace disease in the left cardiophrenic XXXX. Calcified granuloma in the right apex."),
            vec![
                "No focal airspace disease in the left cardiophrenic XXXX.",
                "Calcified granuloma in the right apex."
            ]
        );
        assert_eq!(
            split("Calcified hilar lymph XXXX. No pneumothorax."),
            vec!["Calcified hilar lymph XXXX.", "No pneumothorax."]
        );
    }

    #[test]
    fn numbered_lists_split_between_items_not_after_markers() {
        assert_eq!(
            split("1. No acute disease. 2. Calcified right hilar nodes."),
            vec!["1. No acute disease.", "2. Calcified right hilar nodes."]
        );
        assert_eq!(
            split("1. No pneumothorax\n2. Calcified granuloma\n- Stable aorta"),
            vec![
                "1. No pneumothorax",
                "2. Calcified granuloma",
                "- Stable aorta"
            ]
        );
    }

    #[test]
    fn text_without_sentence_ends_is_cut_at_white_space_into_bounded_pieces() {
        let t = "no calcification; ".repeat(1000);
        let pieces = split(&t);
        assert!(pieces.len() >= 4, "{}", pieces.len());
        assert!(pieces.iter().all(|p| p.len() <= MAX_SENTENCE_BYTES));
        // cut at spaces: nothing lost, no word broken
        assert_eq!(pieces.join(" "), t.trim_end());
        // one enormous token of multi-byte characters is cut on character boundaries
        let t = "é".repeat(5000);
        let pieces = split(&t);
        assert_eq!(pieces.concat(), t);
    }

    #[test]
    fn question_and_exclamation_marks_end_sentences_inside_a_section() {
        assert_eq!(
            split("Calcified aortic knob! Renal stone? No. Stable!\nNo hydronephrosis?"),
            vec![
                "Calcified aortic knob!",
                "Renal stone?",
                "No.",
                "Stable!",
                "No hydronephrosis?"
            ]
        );
        // a range inside the text (a section): marks outside it do not count
        let sp = SentenceSplitter::new(&Lexicon::bundled().unwrap());
        let t = "Wow! FINDINGS: Gallstones! Calcified gallbladder wall. IMPRESSION: Urgent!";
        let (a, b) = (
            t.find("Gallstones").unwrap(),
            t.find(" IMPRESSION").unwrap(),
        );
        let got: Vec<&str> = sp
            .split(t, a, b)
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect();
        assert_eq!(got, vec!["Gallstones!", "Calcified gallbladder wall."]);
    }

    #[test]
    fn wrapped_lines_stay_one_sentence_blank_lines_split() {
        assert_eq!(
            split("No pleural\neffusion.\n\nCalcified node"),
            vec!["No pleural\neffusion.", "Calcified node"]
        );
    }
}
