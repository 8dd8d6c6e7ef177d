//! Report sections: which part of the report a sentence belongs to.
//!
//! A header is a known title at the start of a line, followed by a colon, or alone on its line,
//! or written in capitals and followed by text ("FINDINGS The lungs ..."); or, inside a line, a
//! known title in capitals with its colon after a comma or a sentence end (reports whose line
//! breaks became commas: "…,FINDINGS:,1. …", "… normal. IMPRESSION: …"). Titles come from the
//! `[[section]]` entries of the lexicon. Text before the first header is in section `body`.
//! Structured input (a CSV row with several text columns) gives sections by column; headers
//! found inside a column start subsections of it.

use std::collections::HashMap;

use crate::lexicon::Lexicon;
use crate::text::{normalize_phrase, normalize_phrase_into, WordHash};

/// The section of text before any header.
pub const BODY: &str = "body";

/// The organ and location class an organ-system header gives, shared by its sentences.
pub type OrganContext = std::sync::Arc<(String, Option<String>)>;

/// A section of a report: `[start, end)` is its content, after the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub start: usize,
    pub end: usize,
    /// The header's byte range, when a header introduced it.
    pub header: Option<(usize, usize)>,
    /// The organ (and location class) an organ-system header under it names (`LUNGS:` →
    /// lung), for findings that name none.
    pub organ: Option<OrganContext>,
}

/// Compiled section titles.
#[derive(Debug, Clone, Default)]
pub struct SectionIndex {
    titles: HashMap<String, String, WordHash>,
    max_words: usize,
    /// Organ-system headers by section id: the organ and location class they give (`None`
    /// for a region header such as `UPPER ABDOMEN:`).
    organ_headers: HashMap<String, Option<OrganContext>>,
}

/// Titles are short; a colon further into a line than this does not end a header.
const MAX_TITLE_BYTES: usize = 48;

impl SectionIndex {
    pub fn new(lex: &Lexicon) -> SectionIndex {
        let mut titles = HashMap::default();
        let mut max_words = 1;
        for e in &lex.sections {
            for t in &e.terms {
                let n = normalize_phrase(t);
                max_words = max_words.max(n.split(' ').count());
                titles.insert(n, e.id.clone());
            }
        }
        let organ_headers = lex
            .sections
            .iter()
            .filter(|e| e.organ_header)
            .map(|e| {
                let organ = e
                    .organ
                    .clone()
                    .map(|o| std::sync::Arc::new((o, e.location_class.clone())));
                (e.id.clone(), organ)
            })
            .collect();
        SectionIndex {
            titles,
            max_words,
            organ_headers,
        }
    }

    /// The canonical section for a title or column name (`Findings` → `findings`); unknown names
    /// are kept, folded to lower case with `_` for spaces.
    pub fn canonical(&self, name: &str) -> String {
        let n = normalize_phrase(name.replace('_', " ").as_str());
        self.titles
            .get(&n)
            .cloned()
            .unwrap_or_else(|| n.replace(' ', "_"))
    }

    fn lookup(&self, title: &str) -> Option<&str> {
        // called for most lines of every report read: short ASCII titles are normalized on
        // the stack
        let mut buf = [0u8; MAX_TITLE_BYTES];
        match normalize_phrase_into(title, &mut buf) {
            Some(n) => self.titles.get(n),
            None => self.titles.get(&normalize_phrase(title)),
        }
        .map(String::as_str)
    }

    /// If the line `text[ls..le]` starts with a header, the header's end and the section name.
    fn header_at(&self, text: &str, ls: usize, le: usize) -> Option<(usize, usize, &str)> {
        let line = &text[ls..le];
        let lead = line.len() - line.trim_start().len();
        let body = line.trim();
        if body.is_empty() {
            return None;
        }
        let hs = ls + lead;
        // 1. "Title:" (or "Title -" is too ambiguous; only the colon)
        if let Some(c) = line[lead..].find(':') {
            if c <= MAX_TITLE_BYTES {
                if let Some(name) = self.lookup(&line[lead..lead + c]) {
                    return Some((hs, hs + c + 1, name));
                }
            }
        }
        // 2. a title alone on its line
        if body.len() <= MAX_TITLE_BYTES {
            if let Some(name) = self.lookup(body) {
                return Some((hs, hs + body.len(), name));
            }
        }
        // 3. a title in capitals followed by text
        // the ends of the leading words in capitals (most lines have none: nothing allocated)
        let mut caps: Vec<usize> = Vec::new();
        for (s, e) in word_spans(&line[lead..]).take(self.max_words) {
            let w = &line[lead + s..lead + e];
            if w.bytes().any(|b| b.is_ascii_alphabetic())
                && !w.bytes().any(|b| b.is_ascii_lowercase())
            {
                caps.push(e);
            } else {
                break;
            }
        }
        for &end in caps.iter().rev() {
            if end >= body.len() {
                continue; // alone on its line: case 2 already looked
            }
            if let Some(name) = self.lookup(&line[lead..lead + end]) {
                if name != "body" {
                    return Some((hs, hs + end, name));
                }
            }
        }
        None
    }

    /// Headers inside the line `text[from..le]`: a known title in capitals with its colon,
    /// right after a comma, a semicolon or a sentence end ("…,FINDINGS:,1. …"). Most lines have
    /// no such colon: one `memchr` each.
    fn inline_headers<'s>(
        &'s self,
        text: &str,
        from: usize,
        le: usize,
        out: &mut Vec<(usize, usize, &'s str)>,
    ) {
        let bytes = text.as_bytes();
        let mut at = from;
        while let Some(i) = memchr::memchr(b':', &bytes[at..le]) {
            let colon = at + i;
            at = colon + 1;
            // the title: back to the comma, semicolon or period before it
            let Some(j) = memchr::memrchr3(b',', b';', b'.', &bytes[from..colon]) else {
                continue;
            };
            let start = from + j + 1;
            let raw = &text[start..colon];
            let title = raw.trim();
            if title.is_empty()
                || title.len() > MAX_TITLE_BYTES
                || !title.bytes().any(|b| b.is_ascii_alphabetic())
                || title.bytes().any(|b| b.is_ascii_lowercase())
            {
                continue;
            }
            if let Some(name) = self.lookup(title).filter(|n| *n != BODY) {
                let hs = start + (raw.len() - raw.trim_start().len());
                out.push((hs, colon + 1, name));
            }
        }
    }

    /// Split `text[start..end]` into sections, the first named `initial`.
    fn split_range(
        &self,
        text: &str,
        start: usize,
        end: usize,
        initial: &str,
        out: &mut Vec<Section>,
    ) {
        let mut cur = Section {
            name: initial.to_string(),
            start,
            end,
            header: None,
            organ: None,
        };
        // the section an organ-system header's text stays in
        let mut enclosing = initial.to_string();
        let mut ls = start;
        while ls < end {
            let le = memchr::memchr(b'\n', &text.as_bytes()[ls..end])
                .map(|i| ls + i)
                .unwrap_or(end);
            let mut found: Vec<(usize, usize, &str)> = Vec::new();
            let mut from = ls;
            if let Some(h) = self.header_at(text, ls, le) {
                from = h.1;
                found.push(h);
            }
            self.inline_headers(text, from, le, &mut found);
            for (hs, he, name) in found {
                cur.end = hs;
                if cur.end > cur.start || cur.header.is_some() {
                    out.push(cur);
                }
                let organ = match self.organ_headers.get(name) {
                    Some(organ) => organ.clone(),
                    None => {
                        enclosing = name.to_string();
                        None
                    }
                };
                cur = Section {
                    name: enclosing.clone(),
                    start: he,
                    end,
                    header: Some((hs, he)),
                    organ,
                };
            }
            ls = le + 1;
        }
        cur.end = end;
        if cur.end > cur.start || cur.header.is_some() || out.is_empty() {
            out.push(cur);
        }
    }

    /// The sections of a report. `columns` are (start offset, column name) from structured
    /// input; empty for free text.
    pub fn split(&self, text: &str, columns: &[(usize, std::sync::Arc<str>)]) -> Vec<Section> {
        let mut out = Vec::new();
        if columns.is_empty() {
            self.split_range(text, 0, text.len(), BODY, &mut out);
        } else {
            // Column offsets come from the caller: clamp them into the text, onto character
            // boundaries and into order, so a bad one cannot slice outside the text.
            let mut prev = 0;
            let starts: Vec<usize> = columns
                .iter()
                .map(|(s, _)| {
                    let mut s = (*s).clamp(prev, text.len());
                    while !text.is_char_boundary(s) {
                        s += 1;
                    }
                    prev = s;
                    s
                })
                .collect();
            for (i, (_, name)) in columns.iter().enumerate() {
                let e = starts.get(i + 1).copied().unwrap_or(text.len());
                let canon = self.canonical(name);
                self.split_range(text, starts[i], e, &canon, &mut out);
            }
        }
        out
    }
}

/// Byte spans of whitespace-separated words, with trailing punctuation kept.
fn word_spans(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let st = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        Some((st, i))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SectionIndex {
        SectionIndex::new(&Lexicon::bundled().unwrap())
    }

    #[test]
    fn a_title_in_capitals_after_a_comma_or_a_sentence_end_starts_a_section() {
        // line breaks that became commas, as in transcribed reports
        let s = names(
            "INDICATION: , Aortic stenosis.,PROCEDURE: , Echocardiogram.,FINDINGS:,1.  Annular \
             calcification. IMPRESSION: Moderate aortic stenosis.",
        );
        let got: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(got, ["indication", "technique", "findings", "impression"]);
        assert!(s[2].1.contains("Annular calcification"));
        // a title word in running text, or in lower case, starts nothing
        let s = names("FINDINGS: The findings: calcified granuloma. No history: none.");
        assert_eq!(s.len(), 1, "{s:?}");
    }

    fn names(text: &str) -> Vec<(String, String)> {
        index()
            .split(text, &[])
            .into_iter()
            .map(|s| (s.name, text[s.start..s.end].trim().to_string()))
            .collect()
    }

    #[test]
    fn headers_with_colon_alone_or_in_capitals() {
        let t = "CLINICAL HISTORY: Chest pain.\nFindings:\nCalcified granuloma in the right upper lobe.\nIMPRESSION\nNo acute disease.\nRECOMMENDATION Follow-up CT in 3 months.";
        assert_eq!(
            names(t),
            vec![
                ("indication".into(), "Chest pain.".into()),
                (
                    "findings".into(),
                    "Calcified granuloma in the right upper lobe.".into()
                ),
                ("impression".into(), "No acute disease.".into()),
                ("recommendation".into(), "Follow-up CT in 3 months.".into()),
            ]
        );
    }

    #[test]
    fn placeholders_and_sentences_are_not_headers() {
        let t = "XXXX: the lungs are clear.\nFindings are consistent with a calcified granuloma.\nHeart: normal size.";
        let s = names(t);
        // "Heart:" is an organ-system header: it stays in the enclosing section and names
        // the organ of what is under it; the placeholder and the sentence start nothing
        assert_eq!(s.len(), 2);
        assert!(s.iter().all(|(name, _)| name == "body"), "{s:?}");
        assert!(s[0].1.contains("calcified granuloma"), "{s:?}");
        let idx = SectionIndex::new(&Lexicon::bundled().unwrap());
        let secs = idx.split(t, &[]);
        assert_eq!(secs[0].organ, None);
        assert_eq!(secs[1].organ.as_ref().map(|o| o.0.as_str()), Some("heart"));
    }

    #[test]
    fn an_organ_header_names_the_organ_until_the_next_header() {
        let t = "FINDINGS:\nLUNGS: Few calcified granulomas.\nMEDIASTINUM: Calcified nodes.\nIMPRESSION: Stable.";
        let idx = SectionIndex::new(&Lexicon::bundled().unwrap());
        let got: Vec<(String, Option<String>)> = idx
            .split(t, &[])
            .into_iter()
            .map(|s| (s.name, s.organ.map(|o| o.0.clone())))
            .collect();
        assert_eq!(
            got,
            vec![
                ("findings".into(), None), // the header line alone
                ("findings".into(), Some("lung".into())),
                ("findings".into(), None),
                ("impression".into(), None),
            ]
        );
    }

    #[test]
    fn columns_become_sections() {
        let text = "Chest pain\nCalcified granuloma.";
        let cols = vec![(0, "indication".into()), (11, "findings".into())];
        let s = index().split(text, &cols);
        assert_eq!(s[0].name, "indication");
        assert_eq!(s[1].name, "findings");
        assert_eq!(&text[s[1].start..s[1].end], "Calcified granuloma.");
        assert_eq!(index().canonical("report_text"), "report_text");
        assert_eq!(index().canonical("Clinical History"), "indication");
    }
}
