//! The examination a report is of (docs/taxonomy.md §4, §7): its modality and body region, and,
//! where the exam leaves no doubt, the organ and side of its findings.
//!
//! Read, most specific first, from the exam description the input gives (`--exam-col`), from
//! the report's title line, and from words no other kind of report uses (`BI-RADS`,
//! "echocardiogram"; the `anywhere` entries of `lexicons/exams.toml`), which the pipeline's one
//! phrase automaton finds in the sentences it matches (`Key::Exam`; they are first-stage
//! anchors, so their sentences are matched): no second scan of the report. Generic words ("head",
//! "right", "ct") are read only in the description and the title: "the heart is normal in size"
//! in a chest radiograph does not make it a cardiac exam.

use regex::Regex;

use crate::lexicon::{Key, Lexicon};
use crate::matcher::PhraseMatcher;
use crate::sentence::SentenceView;
use crate::text::{cut, normalize};

/// What the report says about its examination; `None` where it says nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exam {
    pub modality: Option<String>,
    pub region: Option<String>,
    /// The organ of findings that name none (a mammogram: breast).
    pub organ: Option<String>,
    pub location_class: Option<String>,
    pub laterality: Option<String>,
}

/// One exam entry's codes.
#[derive(Debug, Clone)]
struct Codes {
    modality: Option<String>,
    region: Option<String>,
    organ: Option<String>,
    location_class: Option<String>,
    laterality: Option<String>,
}

/// Compiled from the `[[exam]]` entries.
#[derive(Debug, Clone)]
pub struct ExamReader {
    codes: Vec<Codes>,
    /// Every entry, for the description and the title line (normalized text).
    all: PhraseMatcher<u32>,
    birads: Regex,
}

/// Lines of a report looked at for a title (a short first line in capitals, or a line that
/// starts with one of [`TITLE_LABELS`]).
const TITLE_LINES: usize = 5;
/// A title line is short.
const MAX_TITLE_BYTES: usize = 100;
/// Labels that introduce the exam on a line of its own ("EXAM: CT head without contrast").
const TITLE_LABELS: &[&str] = &[
    "exam",
    "examination",
    "exam type",
    "type of exam",
    "type of study",
    "procedure",
    "study",
    "title",
];

impl ExamReader {
    pub fn new(lex: &Lexicon) -> ExamReader {
        let codes = lex
            .exams
            .iter()
            .map(|e| Codes {
                modality: e.modality.clone(),
                region: e.region.clone(),
                organ: e.organ.clone(),
                location_class: e.location_class.clone(),
                laterality: e.laterality.clone(),
            })
            .collect();
        let all = PhraseMatcher::new(
            lex.exams
                .iter()
                .enumerate()
                .flat_map(|(i, e)| e.terms.iter().map(move |t| (t.as_str(), i as u32))),
        );
        // ACR BI-RADS assessment categories: "BI-RADS 4A", "BIRADS: 2", "(birads 4)",
        // "BI-RADS category 3", "BI-RADS assessment: 5"
        let birads = Regex::new(
            r"(?i)\bbi[\s-]?rads(?:\s*(?:category|cat\.?|assessment|final assessment))?\s*[:=(\-]?\s*([0-6])\s*([abc])?\b",
        )
        .expect("the BI-RADS pattern is a constant");
        ExamReader { codes, all, birads }
    }

    /// The exam of a report from its exam description and its title line.
    pub fn read(&self, description: Option<&str>, text: &str) -> Exam {
        let mut exam = Exam::default();
        if let Some(d) = description {
            self.fill(&mut exam, self.entries_in(d));
        }
        if let Some(t) = title_line(text) {
            self.fill(&mut exam, self.entries_in(t));
        }
        exam
    }

    /// Add what the exam language of matched sentences says (`anywhere` entries), where the
    /// description and the title said nothing; not the side, which generic words decide.
    pub fn add_from_sentences(&self, exam: &mut Exam, sentences: &[SentenceView]) {
        let mut found: Vec<u32> = sentences
            .iter()
            .flat_map(|s| s.hits.iter())
            .filter_map(|h| match h.key {
                Key::Exam(i) => Some(i),
                _ => None,
            })
            .filter(|&i| self.codes[i as usize].laterality.is_none())
            .collect();
        found.sort_unstable();
        found.dedup();
        self.fill(exam, found);
    }

    /// The BI-RADS assessment category a report gives (0–6, 4A/4B/4C), the highest when it
    /// gives several (one per breast, or a mass and calcifications).
    pub fn birads(&self, text: &str) -> Option<String> {
        self.birads
            .captures_iter(text)
            .filter_map(|c| {
                let digit = c.get(1)?.as_str();
                let sub = c.get(2).map(|m| m.as_str().to_ascii_uppercase());
                let rank = digit.parse::<u32>().ok()? * 10
                    + sub
                        .as_deref()
                        .map_or(0, |s| s.as_bytes()[0] as u32 - b'A' as u32 + 1);
                Some((rank, format!("{digit}{}", sub.unwrap_or_default())))
            })
            .max_by_key(|(rank, _)| *rank)
            .map(|(_, b)| b)
    }

    /// The entries named in a short piece of text, in lexicon order.
    fn entries_in(&self, s: &str) -> Vec<u32> {
        let norm = normalize(s);
        let mut v: Vec<u32> = self
            .all
            .find_all(&norm.text)
            .iter()
            .map(|h| h.key)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Fill the codes still missing from `entries`, the first entry with a code winning.
    fn fill(&self, exam: &mut Exam, entries: Vec<u32>) {
        for i in entries {
            let c = &self.codes[i as usize];
            for (slot, v) in [
                (&mut exam.modality, &c.modality),
                (&mut exam.region, &c.region),
                (&mut exam.organ, &c.organ),
                (&mut exam.location_class, &c.location_class),
                (&mut exam.laterality, &c.laterality),
            ] {
                if slot.is_none() {
                    slot.clone_from(v);
                }
            }
        }
    }
}

/// The report's title line, if it has one: a line labelled as the exam ("EXAM: …") among its
/// first lines, else a short first line written in capitals ("BILATERAL SCREENING MAMMOGRAM").
fn title_line(text: &str) -> Option<&str> {
    // only the head of the report is looked at: a report without line breaks (a table's text
    // column) is not scanned to its end for one
    let head = cut(text, TITLE_LINES * (MAX_TITLE_BYTES + 1));
    let mut lines = head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(TITLE_LINES);
    let first = lines.next()?;
    for line in std::iter::once(first).chain(lines) {
        // a label is a word or two before a colon near the start of the line
        let near = cut(line, 24);
        if let Some((label, _)) = near.split_once(':') {
            let rest = &line[label.len() + 1..];
            let label = label.trim();
            if TITLE_LABELS.iter().any(|l| l.eq_ignore_ascii_case(label)) && !rest.trim().is_empty()
            {
                let rest = rest.trim();
                return Some(cut(rest, MAX_TITLE_BYTES));
            }
        }
    }
    let capitals = first.len() <= MAX_TITLE_BYTES
        && first.bytes().any(|b| b.is_ascii_uppercase())
        && !first.bytes().any(|b| b.is_ascii_lowercase());
    capitals.then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exam of a report as the engine reads it (title, description and sentences).
    fn read(description: Option<&str>, text: &str) -> Exam {
        let engine = crate::pipeline::Engine::new(Lexicon::bundled().unwrap());
        let report = crate::model::Report {
            text: text.into(),
            exam: description.map(String::from),
            ..Default::default()
        };
        let r = engine.process(&report);
        let reader = ExamReader::new(&engine.lexicon);
        let mut e = reader.read(description, text);
        reader.add_from_sentences(&mut e, &engine.analyze(&report));
        assert_eq!(
            e.modality.as_deref().unwrap_or("unspecified"),
            r.exam_modality
        );
        e
    }

    #[test]
    fn a_title_line_in_capitals_gives_modality_region_and_side() {
        let e = read(
            None,
            "CT RIGHT SHOULDER WITHOUT CONTRAST\n\nFINDINGS: Calcific tendinitis.",
        );
        assert_eq!(e.modality.as_deref(), Some("ct"));
        assert_eq!(e.region.as_deref(), Some("upper_extremity"));
        assert_eq!(e.laterality.as_deref(), Some("right"));
        assert_eq!(e.organ, None);
    }

    #[test]
    fn birads_language_anywhere_makes_a_mammogram_of_the_breast() {
        let e = read(
            None,
            "scattered benign calcifications. opinion: benign (birads 2).",
        );
        assert_eq!(e.modality.as_deref(), Some("mammography"));
        assert_eq!(e.region.as_deref(), Some("breast"));
        assert_eq!(e.organ.as_deref(), Some("breast"));
    }

    #[test]
    fn the_highest_birads_category_is_the_reports() {
        let r = ExamReader::new(&Lexicon::bundled().unwrap());
        assert_eq!(
            r.birads("RIGHT: BI-RADS 2. LEFT: grouped amorphous calcifications, BI-RADS 4B."),
            Some("4B".into())
        );
        assert_eq!(r.birads("opinion: benign (birads 2)."), Some("2".into()));
        assert_eq!(
            r.birads("BI-RADS category: 0 - incomplete"),
            Some("0".into())
        );
        assert_eq!(r.birads("no assessment given"), None);
    }

    #[test]
    fn generic_words_in_the_text_are_not_an_exam() {
        let e = read(
            None,
            "The heart is normal in size. Calcified granuloma in the right upper lobe.",
        );
        assert_eq!(e, Exam::default());
    }

    #[test]
    fn the_exam_description_wins_over_the_text() {
        let e = read(Some("TTE"), "EXAM: CT chest\nMitral annular calcification.");
        assert_eq!(e.modality.as_deref(), Some("echocardiography"));
        assert_eq!(e.region.as_deref(), Some("heart"));
        assert_eq!(e.organ.as_deref(), Some("heart"));
        // what the description does not say comes from the title line
        let e = read(Some("RIGHT"), "EXAM: CT chest");
        assert_eq!(e.modality.as_deref(), Some("ct"));
        assert_eq!(e.region.as_deref(), Some("chest"));
        assert_eq!(e.laterality.as_deref(), Some("right"));
    }
}
