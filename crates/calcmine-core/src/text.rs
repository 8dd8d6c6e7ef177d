//! Text normalization shared by every matcher.
//!
//! Lexicon phrases and report text go through the same function, so that spelling variants are
//! handled once, here, and never by listing them in a lexicon: ASCII case is folded, hyphens and
//! slashes become spaces, and runs of whitespace collapse to one space. A lexicon term written
//! with a hyphen (`non-calcified`) is also compiled closed (`noncalcified`); see
//! [`term_variants`]. Typographic spaces and dashes (no-break space, en and em dashes, the
//! Unicode hyphens that word processors put in `non‑calcified`) count as white space and
//! hyphens. The capital letters of Latin-1 (`À`–`Þ`, as in `MÖNCKEBERG` of a report typed in
//! capitals) are folded too: each has a lowercase of the same two bytes, so offsets keep
//! their meaning. All other non-ASCII bytes are copied unchanged, so the normalized text is
//! still UTF-8.

/// Normalized text with a map back to byte offsets of the original.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    pub text: String,
    /// `map[i]` is the offset in the original of normalized byte `i`; one extra entry maps the
    /// end of the normalized text to the end of the original.
    pub map: Vec<u32>,
    /// Normalized bytes that stand for a wider original character (a no-break space, an en
    /// dash): (normalized index, extra original bytes), in index order. Usually empty.
    wide: Vec<(u32, u8)>,
}

impl Normalized {
    /// Original byte range of a normalized range.
    #[inline]
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.map[start] as usize;
        // the end maps to one past the last byte of the last normalized character
        let e = if end == 0 {
            s
        } else {
            let last = end - 1;
            let extra = if self.wide.is_empty() {
                0
            } else {
                self.wide
                    .binary_search_by_key(&(last as u32), |w| w.0)
                    .map_or(0, |k| self.wide[k].1 as usize)
            };
            self.map[last] as usize + 1 + extra
        };
        (s, e.max(s))
    }
}

/// Non-ASCII characters normalized like ASCII ones: typographic spaces become a space, Unicode
/// hyphens and dashes become a space as `-` does. Returns the replacement and the character's
/// byte length.
#[inline]
fn fold_wide(rest: &[u8]) -> Option<(u8, usize)> {
    match rest {
        // U+00A0 no-break space
        [0xC2, 0xA0, ..] => Some((b' ', 2)),
        // U+00AD soft hyphen (a hyphen, as `-` is)
        [0xC2, 0xAD, ..] => Some((b' ', 2)),
        // U+2000..U+200A spaces, U+200B zero-width space, U+2010..U+2015 hyphens and dashes,
        // U+202F narrow no-break space
        [0xE2, 0x80, 0x80..=0x8B | 0x90..=0x95 | 0xAF, ..] => Some((b' ', 3)),
        // U+205F medium mathematical space, U+2060 word joiner
        [0xE2, 0x81, 0x9F | 0xA0, ..] => Some((b' ', 3)),
        // U+FEFF zero-width no-break space (a byte-order mark inside the text)
        [0xEF, 0xBB, 0xBF, ..] => Some((b' ', 3)),
        // U+2212 minus sign
        [0xE2, 0x88, 0x92, ..] => Some((b' ', 3)),
        // U+3000 ideographic space
        [0xE3, 0x80, 0x80, ..] => Some((b' ', 3)),
        _ => None,
    }
}

#[inline]
fn fold(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b + 32),
        b'-' | b'/' => Some(b' '),
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => Some(b' '),
        _ => None,
    }
}

/// If `bytes[i..]` starts with a Latin-1 capital letter (`À`–`Þ` but `×`: U+00C0–U+00DE, UTF-8
/// `C3 80`–`C3 9E`), the second byte of its lowercase (U+00E0–U+00FE: `C3 A0`–`C3 BE`).
#[inline]
pub fn latin1_capital(bytes: &[u8], i: usize) -> Option<u8> {
    match bytes.get(i..i + 2) {
        Some(&[0xC3, c @ 0x80..=0x9E]) if c != 0x97 => Some(c + 0x20),
        _ => None,
    }
}

/// [`fold`] of every ASCII byte, as a table (the byte itself where nothing is folded).
const ASCII_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            c @ b'A'..=b'Z' => c + 32,
            b'-' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => b' ',
            c => c,
        };
        b += 1;
    }
    t
};

/// Normalize `s` (see module doc), recording offsets relative to `base`.
pub fn normalize_with_base(s: &str, base: usize) -> Normalized {
    let bytes = s.as_bytes();
    if bytes.is_ascii() {
        normalize_ascii(bytes, base)
    } else {
        normalize_any(bytes, base)
    }
}

/// [`normalize_with_base`] of any UTF-8.
fn normalize_any(bytes: &[u8], base: usize) -> Normalized {
    let mut out = Vec::with_capacity(bytes.len());
    let mut map = Vec::with_capacity(bytes.len() + 1);
    let mut wide = Vec::new();
    let mut last_space = true; // drop leading whitespace
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(lower) = latin1_capital(bytes, i) {
            out.extend_from_slice(&[0xC3, lower]);
            map.extend_from_slice(&[(base + i) as u32, (base + i + 1) as u32]);
            last_space = false;
            i += 2;
            continue;
        }
        let (c, width) = if b < 0x80 {
            (fold(b).unwrap_or(b), 1)
        } else {
            fold_wide(&bytes[i..]).unwrap_or((b, 1))
        };
        if c == b' ' && last_space {
            i += width;
            continue;
        }
        last_space = c == b' ';
        if width > 1 {
            wide.push((out.len() as u32, (width - 1) as u8));
        }
        out.push(c);
        map.push((base + i) as u32);
        i += width;
    }
    if out.last() == Some(&b' ') {
        out.pop();
        map.pop();
        if wide.last().is_some_and(|w| w.0 as usize == out.len()) {
            wide.pop();
        }
    }
    map.push((base + bytes.len()) as u32);
    // ASCII bytes were replaced by ASCII bytes, whole characters by a space, and only those
    // were dropped: the rest of the UTF-8 is intact.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Normalized { text, map, wide }
}

/// [`normalize_with_base`] of ASCII text (almost every sentence of a report): one table look-up
/// per byte, written in place without a capacity check per byte, and no wide characters.
fn normalize_ascii(bytes: &[u8], base: usize) -> Normalized {
    let n = bytes.len();
    let mut out = vec![0u8; n];
    let mut map = vec![0u32; n + 1];
    let mut k = 0;
    let mut last_space = true; // drop leading whitespace
    for (i, &b) in bytes.iter().enumerate() {
        let c = ASCII_FOLD[(b & 0x7f) as usize];
        let space = c == b' ';
        // k <= i < n: always in bounds; a dropped space is overwritten by the next byte
        out[k] = c;
        map[k] = (base + i) as u32;
        k += !(space && last_space) as usize;
        last_space = space;
    }
    if k > 0 && out[k - 1] == b' ' {
        k -= 1;
    }
    out.truncate(k);
    map[k] = (base + n) as u32;
    map.truncate(k + 1);
    // ASCII bytes were replaced by ASCII bytes
    let text = String::from_utf8(out).unwrap_or_default();
    Normalized {
        text,
        map,
        wide: Vec::new(),
    }
}

/// [`normalize_phrase`] of a short ASCII phrase, written into `buf` instead of a new string:
/// `None` when `s` is not ASCII or longer than `buf`. For the look-ups done on every line of a
/// report (is this a section title?), which allocate nothing this way.
pub fn normalize_phrase_into<'b>(s: &str, buf: &'b mut [u8]) -> Option<&'b str> {
    let bytes = s.as_bytes();
    if bytes.len() > buf.len() || !bytes.is_ascii() {
        return None;
    }
    let mut k = 0;
    let mut last_space = true;
    for &b in bytes {
        let c = ASCII_FOLD[b as usize];
        let space = c == b' ';
        buf[k] = c;
        k += !(space && last_space) as usize;
        last_space = space;
    }
    if k > 0 && buf[k - 1] == b' ' {
        k -= 1;
    }
    std::str::from_utf8(&buf[..k]).ok()
}

/// A hasher for the short words and titles of lexicon look-ups (64-bit FNV-1a): a few
/// instructions per byte where the standard SipHash costs a hundred per key. The keys come from
/// the lexicon, so there is no one to flood the table.
#[derive(Debug, Clone, Copy)]
pub struct WordHasher(u64);

impl Default for WordHasher {
    fn default() -> Self {
        WordHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Build [`WordHasher`]s for a `HashMap` or `HashSet`.
pub type WordHash = std::hash::BuildHasherDefault<WordHasher>;

pub fn normalize(s: &str) -> Normalized {
    normalize_with_base(s, 0)
}

/// Normalize a lexicon phrase (no offsets needed).
pub fn normalize_phrase(s: &str) -> String {
    normalize(s).text
}

/// `s` cut to at most `max` bytes, at a character boundary.
pub fn cut(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A unit as written, with spacing and case folded away (`mg / dL` → `mg/dl`), so the
/// spellings of a lab's units compare whatever the spacing (the lab reader and the lexicon's
/// check of `unitless` ranges).
pub fn squash_unit(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The spellings a lexicon term is compiled to: its normalized form and, when the written term
/// has hyphens, the closed form as well (`non-calcified` → `non calcified`, `noncalcified`).
pub fn term_variants(term: &str) -> Vec<String> {
    let spaced = normalize_phrase(term);
    let mut v = vec![spaced];
    if term.contains('-') {
        let closed = normalize_phrase(&term.replace('-', ""));
        if !v.contains(&closed) {
            v.push(closed);
        }
    }
    v
}

/// The longest word whose misspellings are derived (the longest English words in reports,
/// `pseudohypoparathyroidism`, have 24 letters).
pub const MAX_TYPO_WORD: usize = 40;

/// The misspellings of a single lower-case ASCII word of at least `min` letters that are one
/// edit from it: one letter left out, or two neighbouring letters swapped. The two commonest
/// slips of typed reports ("calcifcation", "calcfication", "calcifiaction"); a letter typed in
/// addition or instead of another would need a fuzzy search of every word, not a list.
///
/// Only words of at most [`MAX_TYPO_WORD`] letters: the variants of a word of `n` letters hold
/// `n²` bytes, and a 10,000-letter word in a lexicon would take gigabytes and hours.
pub fn one_letter_typos(word: &str, min: usize) -> Vec<String> {
    let b = word.as_bytes();
    if b.len() < min || b.len() > MAX_TYPO_WORD || !b.iter().all(u8::is_ascii_lowercase) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |v: Vec<u8>| {
        if let Ok(s) = String::from_utf8(v) {
            if s != word && !out.contains(&s) {
                out.push(s);
            }
        }
    };
    for i in 0..b.len() {
        let mut v = b.to_vec();
        v.remove(i);
        push(v);
    }
    for i in 0..b.len() - 1 {
        if b[i] != b[i + 1] {
            let mut v = b.to_vec();
            v.swap(i, i + 1);
            push(v);
        }
    }
    out
}

/// True for bytes that make up words: a match must not start or end inside a word. Non-ASCII
/// bytes count as word bytes here; [`at_word_boundaries`] looks at the whole character.
#[inline]
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b == b'_'
}

/// Letters and digits of any script make up words (`Mönckeberg`); punctuation and symbols do
/// not, so a term next to a typographic quote, a dash or an emoji (`“calcified granuloma”`,
/// `calcification—right`) is still a whole word.
#[inline]
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Is the character that ends at byte `i` (`before`) or starts at byte `i` a word character?
/// Falls back to [`is_word_byte`] where `text` is not valid UTF-8 around `i`.
fn word_char_at(text: &[u8], i: usize, before: bool) -> bool {
    let b = if before { text[i - 1] } else { text[i] };
    if b < 0x80 {
        return is_word_byte(b);
    }
    let c = if before {
        let mut k = i - 1;
        while k > 0 && i - k < 4 && (text[k] & 0xC0) == 0x80 {
            k -= 1;
        }
        std::str::from_utf8(&text[k..i])
            .ok()
            .and_then(|s| s.chars().next_back())
    } else {
        let e = (i + 4).min(text.len());
        let chunk = &text[i..e];
        let valid = match std::str::from_utf8(chunk) {
            Ok(s) => s,
            Err(err) => std::str::from_utf8(&chunk[..err.valid_up_to()]).unwrap_or(""),
        };
        valid.chars().next()
    };
    c.is_none_or(is_word_char)
}

/// Whole-word check of `[start, end)` in `text`: no word character runs on across either end.
#[inline]
pub fn at_word_boundaries(text: &[u8], start: usize, end: usize) -> bool {
    let left_ok = start == 0
        || start >= text.len()
        || !word_char_at(text, start, true)
        || !word_char_at(text, start, false);
    let right_ok = end == 0
        || end >= text.len()
        || !word_char_at(text, end, false)
        || !word_char_at(text, end, true);
    left_ok && right_ok
}

/// Decode bytes as UTF-8, replacing invalid sequences; returns the text and how many invalid
/// sequences were replaced (counted, never silently dropped).
pub fn decode_lossy(bytes: Vec<u8>) -> (String, usize) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, 0),
        Err(e) => {
            let bytes = e.into_bytes();
            let mut n = 0;
            for chunk in bytes.utf8_chunks() {
                if !chunk.invalid().is_empty() {
                    n += 1;
                }
            }
            (String::from_utf8_lossy(&bytes).into_owned(), n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_hyphens_and_whitespace() {
        let n = normalize("Non-Calcified   NODULE\n seen");
        assert_eq!(n.text, "non calcified nodule seen");
        // "NODULE" starts at byte 16 of the original
        let at = n.text.find("nodule").unwrap();
        assert_eq!(n.original_range(at, at + 6), (16, 22));
    }

    #[test]
    fn the_ascii_path_normalizes_as_the_general_one() {
        let samples = [
            "",
            " ",
            "\n\n",
            "  Calcified  granuloma.  ",
            "FINDINGS:\tNon-calcified / partly-calcified\r\nnodule -",
            "-Calcified-",
            "Coronary artery calcification (CAC) score 0/400. \x0bX\x0c",
            "a",
            "A B  C   D",
        ];
        for (k, s) in samples.iter().enumerate() {
            for base in [0, 7] {
                let (a, b) = (
                    normalize_ascii(s.as_bytes(), base),
                    normalize_any(s.as_bytes(), base),
                );
                assert_eq!((&a.text, &a.map), (&b.text, &b.map), "sample {k}: {s:?}");
                assert!(a.wide.is_empty() && b.wide.is_empty());
            }
            let mut buf = [0u8; 64];
            assert_eq!(
                normalize_phrase_into(s, &mut buf),
                Some(normalize_phrase(s).as_str()),
                "sample {k}: {s:?}"
            );
        }
        // too long for the buffer, or not ASCII: the caller normalizes into a new string
        assert_eq!(normalize_phrase_into("IMPRESSION", &mut [0u8; 4]), None);
        assert_eq!(
            normalize_phrase_into("Befund – Lunge", &mut [0u8; 64]),
            None
        );
    }

    #[test]
    fn latin1_capitals_fold_in_place() {
        // a report typed in capitals: Ö and É fold like ASCII letters; × (U+00D7) is not a
        // letter and ß (U+00DF) has no one-character capital, so both stay
        let s = "MÖNCKEBERG SCLEROSIS, ÉTAT 2×3 mm, Straße";
        let n = normalize(s);
        assert_eq!(n.text, "mönckeberg sclerosis, état 2×3 mm, straße");
        assert_eq!(n.text.len(), s.len());
        let at = n.text.find("mönckeberg").unwrap();
        let (a, b) = n.original_range(at, at + "mönckeberg".len());
        assert_eq!(&s[a..b], "MÖNCKEBERG");
        assert_eq!(
            normalize_phrase("Mönckeberg"),
            normalize_phrase("MÖNCKEBERG")
        );
    }

    #[test]
    fn invisible_characters_are_spaces() {
        // zero-width space, word joiner, byte-order mark, soft hyphen: pasted from word
        // processors and web pages, invisible on screen
        let s = "\u{feff}Calcified\u{200b} granuloma,\u{2060}calci\u{ad}fied";
        let n = normalize(s);
        assert_eq!(n.text, "calcified granuloma, calci fied");
        let at = n.text.find("calcified granuloma").unwrap();
        let (a, b) = n.original_range(at, at + "calcified granuloma".len());
        assert_eq!(&s[a..b], "Calcified\u{200b} granuloma");
    }

    #[test]
    fn typographic_spaces_and_dashes_normalize_and_map_back_whole() {
        let s = "Non\u{2011}calcified\u{a0}nodule \u{2014} stable";
        let n = normalize(s);
        assert_eq!(n.text, "non calcified nodule stable");
        let at = n.text.find("calcified nodule").unwrap();
        let (a, b) = n.original_range(at, at + "calcified nodule".len());
        assert_eq!(&s[a..b], "calcified\u{a0}nodule");
        // a range ending on a space that stands for a 3-byte dash ends after the whole dash
        let (a, b) = n.original_range(0, 4);
        assert_eq!(&s[a..b], "Non\u{2011}");
        let e = n.text.len();
        let (_, b) = n.original_range(e - 7, e);
        assert_eq!(b, s.len());
    }

    #[test]
    fn hyphenated_terms_compile_to_spaced_and_closed_forms() {
        assert_eq!(
            term_variants("non-calcified"),
            vec!["non calcified", "noncalcified"]
        );
        assert_eq!(
            term_variants("calcified granuloma"),
            vec!["calcified granuloma"]
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_and_counted() {
        let (s, n) = decode_lossy(b"calcified \xff\xfe granuloma \xc3".to_vec());
        assert!(s.starts_with("calcified "));
        assert_eq!(n, 3, "each invalid byte is one replaced sequence");
    }

    #[test]
    fn word_boundaries() {
        let t = b"calcified granulomas";
        assert!(at_word_boundaries(t, 0, 9));
        assert!(!at_word_boundaries(t, 10, 19));
        // typographic punctuation ends a word, letters of any script do not
        let t = "“calcified granuloma”—noted".as_bytes();
        let s = "“".len();
        assert!(at_word_boundaries(t, s, s + "calcified granuloma".len()));
        let t = "Mönckeberg".as_bytes();
        assert!(
            !at_word_boundaries(t, 3, t.len()),
            "ckeberg is inside a word"
        );
        assert!(!at_word_boundaries(t, 0, 1), "M is inside a word");
    }
}
