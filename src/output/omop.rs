//! OMOP CDM v5.4 `NOTE_NLP` rows: one per mention, with the ids, snippet, modifiers and concept
//! ids the table holds (its columns are [`super::schema::NoteNlpField`]; the scheme of
//! `note_nlp_id` is in docs/omop.md).
//!
//! Limits are those of OHDSI's DDL, counted in bytes of UTF-8 so they hold in any database
//! (PostgreSQL counts characters, SQL Server's `varchar` bytes): `snippet` and `lexical_variant`
//! at most 250, `term_modifiers` at most 2000, `nlp_system` at most 250.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use calcmine_core::error::{Error, Result};
use calcmine_core::model::{Mention, ReportResult};
use calcmine_core::text::cut;

/// The most bytes of `snippet` and `lexical_variant` (OMOP: `varchar(250)`).
pub const MAX_SNIPPET: usize = 250;
/// The most bytes of `term_modifiers` (OMOP: `varchar(2000)`).
pub const MAX_MODIFIERS: usize = 2000;
/// The largest `note_nlp_id`: OMOP declares it `integer`, 32 bits in OHDSI's DDL.
pub const MAX_ID: i64 = i32::MAX as i64;

/// What every row of a run shares: the system and when it ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStamp {
    /// `calcmine VERSION, lexicon SHA256`
    pub system: String,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `YYYY-MM-DD HH:MM:SS` (UTC)
    pub datetime: String,
}

impl RunStamp {
    /// `at`: `--nlp-datetime` (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or with a `T`), else
    /// `SOURCE_DATE_EPOCH` (seconds), else now; always UTC.
    pub fn new(lexicon_digest: &str, at: Option<&str>) -> Result<RunStamp> {
        let secs = match at {
            Some(s) => parse_datetime(s).ok_or_else(|| {
                Error::Usage(format!(
                    "--nlp-datetime `{s}`: expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (UTC)"
                ))
            })?,
            None => match std::env::var("SOURCE_DATE_EPOCH") {
                Ok(v) => v.trim().parse::<i64>().map_err(|_| {
                    Error::Usage(format!("SOURCE_DATE_EPOCH `{v}`: expected seconds"))
                })?,
                Err(_) => std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64),
            },
        };
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        let t = secs.rem_euclid(86_400);
        let date = format!("{y:04}-{m:02}-{d:02}");
        Ok(RunStamp {
            system: format!(
                "calcmine {}, lexicon {lexicon_digest}",
                env!("CARGO_PKG_VERSION")
            ),
            datetime: format!("{date} {:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60),
            date,
        })
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + (m <= 2) as i64, m, d)
}

/// (year, month, day) to days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = y - (m <= 2) as i64;
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the epoch of `YYYY-MM-DD[( |T)HH:MM[:SS]]`, read as UTC.
fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches('Z');
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut ymd = date.split('-');
    let y: i64 = ymd.next()?.parse().ok()?;
    let m: u32 = ymd.next()?.parse().ok()?;
    let d: u32 = ymd.next()?.parse().ok()?;
    if ymd.next().is_some() || !(1..=12).contains(&m) || d == 0 || !(1..=9999).contains(&y) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // the day must exist (no 2026-02-30)
    if civil_from_days(days) != (y, m, d) {
        return None;
    }
    let mut secs = 0;
    if let Some(t) = time {
        let parts: Vec<&str> = t.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return None;
        }
        let limits = [24, 60, 60];
        for (i, p) in parts.iter().enumerate() {
            let v: i64 = p.parse().ok()?;
            if !(0..limits[i]).contains(&v) {
                return None;
            }
            secs += v * [3600, 60, 1][i];
        }
    }
    Some(days * 86_400 + secs)
}

/// One NOTE_NLP row (`note_nlp_id` is filled in by [`IdScheme::assign`], in output order).
#[derive(Debug, Clone)]
pub struct NoteNlpRow {
    pub note_nlp_id: i64,
    pub note_id: i64,
    pub section_concept_id: i64,
    pub snippet: String,
    /// The mention's start in characters of the note text.
    pub offset: usize,
    pub lexical_variant: String,
    pub concept_id: i64,
    pub source_concept_id: i64,
    pub stamp: Arc<RunStamp>,
    /// The mention counts for the report (`counts`; the report's `n_present`).
    pub term_exists: bool,
    /// `past` (historical) or `present`.
    pub term_temporal: &'static str,
    pub term_modifiers: String,
}

/// How mentions become NOTE_NLP rows: the run's stamp, the concept maps, `--no-text`.
#[derive(Debug, Clone)]
pub struct NoteNlp {
    pub stamp: Arc<RunStamp>,
    /// term → (note_nlp_concept_id, note_nlp_source_concept_id)
    concepts: HashMap<String, (i64, i64)>,
    /// section → section_concept_id
    sections: HashMap<String, i64>,
    no_text: bool,
}

impl NoteNlp {
    pub fn new(stamp: RunStamp, no_text: bool) -> NoteNlp {
        NoteNlp {
            stamp: Arc::new(stamp),
            concepts: HashMap::new(),
            sections: HashMap::new(),
            no_text,
        }
    }

    /// Read `--concept-map FILE`: CSV with a header, columns `term` and `concept_id`, and
    /// optionally `source_concept_id` (else the concept id is the source concept id too).
    /// `terms`: the lexicon's terms, so a misspelt one is an error, not a silent 0.
    pub fn with_concept_map(mut self, path: &Path, terms: &[&str]) -> Result<NoteNlp> {
        for (line, (term, ids)) in read_map(path, "term", &["concept_id", "source_concept_id"])? {
            if !terms.contains(&term.as_str()) {
                return Err(Error::Usage(format!(
                    "{}:{line}: `{term}` is not a term of the lexicon (`calcmine lexicon dump` lists them)",
                    path.display()
                )));
            }
            let concept = ids[0].ok_or_else(|| missing(path, line, "concept_id"))?;
            let source = ids[1].unwrap_or(concept);
            if self
                .concepts
                .insert(term.clone(), (concept, source))
                .is_some()
            {
                return Err(Error::Usage(format!(
                    "{}:{line}: `{term}` is mapped twice",
                    path.display()
                )));
            }
        }
        Ok(self)
    }

    /// Read `--section-concept-map FILE`: CSV with a header, columns `section` and
    /// `concept_id` (sections as the mentions table names them).
    pub fn with_section_map(mut self, path: &Path) -> Result<NoteNlp> {
        for (line, (section, ids)) in read_map(path, "section", &["concept_id"])? {
            let concept = ids[0].ok_or_else(|| missing(path, line, "concept_id"))?;
            if self.sections.insert(section.clone(), concept).is_some() {
                return Err(Error::Usage(format!(
                    "{}:{line}: `{section}` is mapped twice",
                    path.display()
                )));
            }
        }
        Ok(self)
    }

    /// The rows of a report's mentions (`note_nlp_id` 0, to be assigned). An error names a
    /// report with mentions whose id is not an integer.
    pub fn rows(&self, r: &ReportResult) -> Result<Vec<NoteNlpRow>> {
        if r.mentions.is_empty() {
            return Ok(Vec::new());
        }
        let note_id: i64 = r.report_id.trim().parse().map_err(|_| {
            Error::Usage(format!(
                "report `{}` ({}:{}): NOTE_NLP's note_id is an integer, and this report id is not \
                 (name an integer id column with --id-col)",
                r.report_id, r.source, r.line
            ))
        })?;
        Ok(r.mentions.iter().map(|m| self.row(note_id, m)).collect())
    }

    fn row(&self, note_id: i64, m: &Mention) -> NoteNlpRow {
        let (concept_id, source_concept_id) = self.concepts.get(&m.term).copied().unwrap_or((0, 0));
        let (snippet, lexical_variant) = if self.no_text {
            (String::new(), cut(&m.term, MAX_SNIPPET).to_string())
        } else {
            (snippet(m), cut(&m.text, MAX_SNIPPET).to_string())
        };
        NoteNlpRow {
            note_nlp_id: 0,
            note_id,
            section_concept_id: self.sections.get(&m.section).copied().unwrap_or(0),
            snippet,
            offset: m.char_start,
            lexical_variant,
            concept_id,
            source_concept_id,
            stamp: self.stamp.clone(),
            term_exists: m.counts,
            term_temporal: if m.historical { "past" } else { "present" },
            term_modifiers: modifiers(m),
        }
    }
}

fn missing(path: &Path, line: u64, col: &str) -> Error {
    Error::Usage(format!("{}:{line}: no {col}", path.display()))
}

/// A row of a map file: its key, and the integer columns asked for, where the file has them.
type MapKeyRow = (String, [Option<i64>; 2]);

fn read_map(path: &Path, key: &str, ints: &[&str]) -> Result<Vec<(u64, MapKeyRow)>> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    let header = rdr
        .headers()
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?
        .clone();
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let k = col(key).ok_or_else(|| {
        Error::Usage(format!(
            "{}: no `{key}` column (a header `{key},{}` is expected; columns: {})",
            path.display(),
            ints[0],
            header.iter().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let int_cols: Vec<Option<usize>> = ints.iter().map(|c| col(c)).collect();
    if int_cols[0].is_none() {
        return Err(Error::Usage(format!(
            "{}: no `{}` column",
            path.display(),
            ints[0]
        )));
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
        let line = rec.position().map_or(0, |p| p.line());
        let mut row: MapKeyRow = (rec.get(k).unwrap_or_default().to_string(), [None, None]);
        if row.0.is_empty() {
            continue;
        }
        for (i, c) in int_cols.iter().enumerate() {
            let Some(v) = c.and_then(|c| rec.get(c)).filter(|v| !v.is_empty()) else {
                continue;
            };
            row.1[i] = Some(v.parse().map_err(|_| {
                Error::Usage(format!(
                    "{}:{line}: {} `{v}` is not an integer",
                    path.display(),
                    ints[i]
                ))
            })?);
        }
        out.push((line, row));
    }
    Ok(out)
}

/// The text around a mention: its sentence, cut to [`MAX_SNIPPET`] bytes around the mention
/// (as much before as after, where the sentence has it), runs of white space as one space.
pub fn snippet(m: &Mention) -> String {
    let s = &m.sentence;
    // the mention in its sentence (found by its text if the offsets do not say)
    let a = m
        .start
        .checked_sub(m.sentence_start)
        .filter(|&a| s.get(a..a + m.text.len()) == Some(m.text.as_str()))
        .or_else(|| s.find(&m.text))
        .unwrap_or(0);
    let b = (a + m.text.len()).min(s.len());
    let window = if s.len() <= MAX_SNIPPET {
        s.as_str()
    } else if b - a >= MAX_SNIPPET {
        cut(&s[a..], MAX_SNIPPET)
    } else {
        let room = MAX_SNIPPET - (b - a);
        let mut start = a.saturating_sub(room / 2);
        let mut end = (b + (room - (a - start))).min(s.len());
        start = start.min(end.saturating_sub(MAX_SNIPPET));
        while !s.is_char_boundary(start) {
            start += 1;
        }
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        &s[start..end]
    };
    window.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every code of a mention but those with columns of their own (`term_exists` is the status,
/// `term_temporal` the historical flag), as `key=value` pairs joined by `;`, lists joined by
/// `|`, cut after the last whole pair within [`MAX_MODIFIERS`] bytes. No report text.
pub fn modifiers(m: &Mention) -> String {
    let pairs: [(&str, &str); 16] = [
        ("term", &m.term),
        ("status", m.status.as_str()),
        ("negated", bool_str(m.negated)),
        ("uncertain", bool_str(m.uncertain)),
        ("hypothetical", bool_str(m.hypothetical)),
        ("experiencer", &m.experiencer),
        ("section", &m.section),
        ("process", &m.process),
        ("location_class", &m.location_class),
        ("compartment", &m.compartment),
        ("organ", &m.organ),
        ("site", &m.site),
        ("laterality", &m.laterality),
        ("distribution", &m.distribution),
        ("predominance", &m.predominance),
        ("entity", &m.entity),
    ];
    let morphology = m.morphology.join(super::LIST_SEP);
    let mut out = String::new();
    let more = [
        ("morphology", morphology.as_str()),
        ("mechanism", &m.mechanism),
    ];
    for (k, v) in pairs.iter().chain(more.iter()) {
        let sep = if out.is_empty() { "" } else { ";" };
        if out.len() + sep.len() + k.len() + 1 + v.len() > MAX_MODIFIERS {
            break;
        }
        out.push_str(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// `note_nlp_id`s, given in output order: the `i`-th row (0-based) of shard `k` of `n` gets
/// `start + i × n + (k − 1)`, so the shards of one archive never share an id; without shards
/// (`n` = 1) the ids run `start, start + 1, …`. Output order is input order whatever the thread
/// count, so the same input and lexicon give the same ids. An id past [`MAX_ID`] is an error.
#[derive(Debug, Clone)]
pub struct IdScheme {
    start: i64,
    step: i64,
    shift: i64,
    next: i64,
}

impl IdScheme {
    /// `shard`: (k, n), 1-based.
    pub fn new(start: i64, shard: Option<(u64, u64)>) -> Result<IdScheme> {
        if !(1..=MAX_ID).contains(&start) {
            return Err(Error::Usage(format!(
                "--note-nlp-id-start {start}: must be from 1 to {MAX_ID} (OMOP's integer)"
            )));
        }
        let (k, n) = shard.unwrap_or((1, 1));
        Ok(IdScheme {
            start,
            step: n as i64,
            shift: k as i64 - 1,
            next: 0,
        })
    }

    /// Give the rows their ids, continuing from the rows before.
    pub fn assign(&mut self, rows: &mut [NoteNlpRow]) -> Result<()> {
        for r in rows {
            let id = self.start + self.next * self.step + self.shift;
            if id > MAX_ID {
                return Err(Error::Usage(format!(
                    "note_nlp_id would pass {MAX_ID}, the largest OMOP integer, at the mention of \
                     note {} (row {} of NOTE_NLP): lower --note-nlp-id-start, or split the input",
                    r.note_id,
                    self.next + 1
                )));
            }
            r.note_nlp_id = id;
            self.next += 1;
        }
        Ok(())
    }

    /// The ids given so far: (first, last), `None` before any.
    pub fn range(&self) -> Option<(i64, i64)> {
        (self.next > 0).then(|| {
            (
                self.start + self.shift,
                self.start + (self.next - 1) * self.step + self.shift,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_read_and_written_as_utc() {
        assert_eq!(parse_datetime("1970-01-01"), Some(0));
        assert_eq!(parse_datetime("2000-03-01 00:00:01"), Some(951_868_801));
        assert_eq!(parse_datetime("2024-02-29T12:30"), Some(1_709_209_800));
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-01-01 24:00:00",
            "yesterday",
            "2026-1",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        let s = RunStamp::new("abc", Some("2026-01-31T23:59:58")).unwrap();
        assert_eq!(s.date, "2026-01-31");
        assert_eq!(s.datetime, "2026-01-31 23:59:58");
        assert!(s.system.starts_with("calcmine ") && s.system.ends_with(", lexicon abc"));
        for days in [-1, 0, 59, 10_957, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    fn mention(sentence: &str, at: usize, text: &str) -> Mention {
        let mut m = Mention::new("1", "calcification", at + 10, at + 10 + text.len(), text);
        m.sentence = sentence.into();
        m.sentence_start = 10;
        m
    }

    #[test]
    fn snippets_hold_the_mention_within_250_bytes() {
        let m = mention("Dense calcified granuloma.", 6, "calcified");
        assert_eq!(snippet(&m), "Dense calcified granuloma.");
        // a long sentence: a window around the mention, on character boundaries
        let before = "é".repeat(300);
        let after = " ü".repeat(300);
        let sentence = format!("{before}calcified{after}");
        let m = mention(&sentence, before.len(), "calcified");
        let s = snippet(&m);
        assert!(s.len() <= MAX_SNIPPET && s.contains("calcified"), "{s}");
        assert!(s.starts_with('é') && s.ends_with('ü'));
        // a mention longer than a snippet is cut
        let long = "x".repeat(400);
        let m = mention(&long, 0, &long);
        assert_eq!(snippet(&m).len(), MAX_SNIPPET);
        assert_eq!(cut("éé", 3), "é");
    }

    #[test]
    fn ids_run_in_order_interleave_shards_and_stop_at_the_integer_limit() {
        let row = || {
            NoteNlp::new(RunStamp::new("d", Some("2026-01-01")).unwrap(), true)
                .row(7, &Mention::new("7", "calcification", 0, 1, "x"))
        };
        let mut rows = vec![row(), row(), row()];
        let mut ids = IdScheme::new(1, None).unwrap();
        ids.assign(&mut rows).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.note_nlp_id).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(ids.range(), Some((1, 3)));
        let mut ids = IdScheme::new(100, Some((2, 4))).unwrap();
        ids.assign(&mut rows).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.note_nlp_id).collect::<Vec<_>>(),
            [101, 105, 109]
        );
        let mut ids = IdScheme::new(MAX_ID - 1, None).unwrap();
        assert!(ids
            .assign(&mut rows)
            .unwrap_err()
            .to_string()
            .contains("largest OMOP integer"));
        assert!(IdScheme::new(0, None).is_err());
    }

    #[test]
    fn modifiers_are_codes_within_the_limit() {
        let mut m = Mention::new("1", "calcification", 0, 1, "x");
        m.morphology = vec!["punctate".into(), "coarse".into()];
        m.organ = "lung".into();
        let s = modifiers(&m);
        assert!(
            s.contains(";organ=lung;") && s.contains("morphology=punctate|coarse"),
            "{s}"
        );
        assert!(!s.contains("historical"));
        m.entity = "y".repeat(3000);
        assert!(modifiers(&m).len() <= MAX_MODIFIERS);
    }
}
