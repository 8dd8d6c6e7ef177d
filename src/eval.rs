//! Scoring calcmine against a user's annotated sample (`calcmine eval`).
//!
//! Two gold layouts are read, told apart by their header:
//!
//! - **report level** (CSV or TSV): a `report_id` column (or `id`, `note_id`, `uid`) plus any of `present`, `organ`,
//!   `mechanism`, `metabolic_workup`. An empty cell means "not judged" and the report is left
//!   out of that field. `present` is compared with "the report has a mention that is an imaging
//!   finding" ([`Mention::is_imaging_finding`]: present, patient, outside the indication);
//!   `metabolic_workup` with the report's flag. `organ` and `mechanism` are categorical: a gold
//!   value counts as found when it is among the codes of the report's imaging-finding mentions
//!   (a report often has several calcifications; the annotator named one), `none` when the
//!   report has no such mention.
//! - **sentence level** (the NegEx layout, Chapman et al. 2001): `Report No., Concept,
//!   Sentence, Negation` with `Affirmed` / `Negated`. Each row's concept is the only target;
//!   when it occurs more than once in the sentence, the occurrence written in upper case is the
//!   annotated one. The positive class is `Negated`.
//!
//! Binary fields get precision, recall, F1, accuracy and the confusion matrix; proportions get
//! 95 % Wilson score intervals, F1 (not a proportion) a percentile bootstrap over items with a
//! fixed seed, so the figures are reproducible. Categorical fields get accuracy and a gold ×
//! predicted matrix with one-vs-rest precision, recall and F1 per class.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::lexicon::Lexicon;
use crate::model::{Mention, Report, ReportResult};
use crate::pipeline::Engine;

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;
/// Bootstrap resamples for the F1 interval.
const BOOTSTRAP: usize = 2000;

/// Wilson score interval for `k` successes in `n` trials (95 %). `None` when `n == 0`.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((center - half).max(0.0), (center + half).min(1.0)))
}

/// A figure with its 95 % interval; `value` is `None` when undefined (0/0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
}

impl Estimate {
    fn proportion(k: u64, n: u64) -> Estimate {
        Estimate {
            value: (n > 0).then(|| k as f64 / n as f64),
            ci: wilson(k, n),
        }
    }
    fn show(&self) -> String {
        match (self.value, self.ci) {
            (Some(v), Some((lo, hi))) => format!("{v:.4}  [{lo:.4}, {hi:.4}]"),
            (Some(v), None) => format!("{v:.4}"),
            _ => "n/a".into(),
        }
    }
}

/// Counts of a two-class comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Confusion {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
    pub tn: u64,
}

impl Confusion {
    pub fn add(&mut self, gold: bool, pred: bool) {
        match (gold, pred) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    pub fn n(&self) -> u64 {
        self.tp + self.fp + self.fn_ + self.tn
    }
    pub fn precision(&self) -> Estimate {
        Estimate::proportion(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> Estimate {
        Estimate::proportion(self.tp, self.tp + self.fn_)
    }
    pub fn accuracy(&self) -> Estimate {
        Estimate::proportion(self.tp + self.tn, self.n())
    }
    /// F1 = 2TP / (2TP + FP + FN); undefined when there is nothing positive at all.
    pub fn f1(&self) -> Option<f64> {
        let d = 2 * self.tp + self.fp + self.fn_;
        (d > 0).then(|| 2.0 * self.tp as f64 / d as f64)
    }
}

/// F1 with a percentile-bootstrap 95 % interval over the items (gold, predicted).
pub fn f1_estimate(items: &[(bool, bool)]) -> Estimate {
    let mut c = Confusion::default();
    for &(g, p) in items {
        c.add(g, p);
    }
    let value = c.f1();
    if value.is_none() || items.is_empty() {
        return Estimate { value, ci: None };
    }
    // xorshift64*: a fixed seed makes the interval reproducible run to run
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let n = items.len() as u64;
    let mut f1s: Vec<f64> = Vec::with_capacity(BOOTSTRAP);
    for _ in 0..BOOTSTRAP {
        let mut b = Confusion::default();
        for _ in 0..n {
            let (g, p) = items[(next() % n) as usize];
            b.add(g, p);
        }
        // a resample without any positive has F1 undefined; count it as 0 agreement-free
        f1s.push(b.f1().unwrap_or(0.0));
    }
    f1s.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| f1s[((q * (BOOTSTRAP - 1) as f64).round() as usize).min(BOOTSTRAP - 1)];
    Estimate {
        value,
        ci: Some((at(0.025), at(0.975))),
    }
}

/// One field's comparison: binary (with its positive class name) or categorical.
#[derive(Debug, Clone)]
pub enum FieldScore {
    Binary {
        name: String,
        positive: String,
        negative: String,
        confusion: Confusion,
        items: Vec<(bool, bool)>,
    },
    Categorical {
        name: String,
        /// (gold, predicted) → count
        matrix: BTreeMap<(String, String), u64>,
    },
}

impl FieldScore {
    pub fn name(&self) -> &str {
        match self {
            FieldScore::Binary { name, .. } | FieldScore::Categorical { name, .. } => name,
        }
    }
    pub fn n(&self) -> u64 {
        match self {
            FieldScore::Binary { confusion, .. } => confusion.n(),
            FieldScore::Categorical { matrix, .. } => matrix.values().sum(),
        }
    }
    /// Share of items where gold and prediction agree.
    pub fn accuracy(&self) -> Estimate {
        match self {
            FieldScore::Binary { confusion, .. } => confusion.accuracy(),
            FieldScore::Categorical { matrix, .. } => {
                let ok = matrix
                    .iter()
                    .filter(|((g, p), _)| g == p)
                    .map(|(_, c)| c)
                    .sum();
                Estimate::proportion(ok, self.n())
            }
        }
    }
    /// F1 of the positive class (binary) or micro-F1 (= accuracy) for categorical fields.
    pub fn f1(&self) -> Estimate {
        match self {
            FieldScore::Binary { items, .. } => f1_estimate(items),
            FieldScore::Categorical { .. } => self.accuracy(),
        }
    }

    /// A human-readable block: the figures and the confusion matrix.
    pub fn render(&self) -> String {
        let mut s = String::new();
        match self {
            FieldScore::Binary {
                name,
                positive,
                negative,
                confusion: c,
                ..
            } => {
                let _ = writeln!(s, "{name}  (positive class: {positive}; n = {})", c.n());
                let _ = writeln!(s, "  precision  {}", c.precision().show());
                let _ = writeln!(s, "  recall     {}", c.recall().show());
                let _ = writeln!(s, "  f1         {}", self.f1().show());
                let _ = writeln!(s, "  accuracy   {}", c.accuracy().show());
                let w = positive.len().max(negative.len()).max(6);
                let _ = writeln!(
                    s,
                    "  {:w$}  {:>w$}  {:>w$}   (rows gold, columns predicted)",
                    "", positive, negative
                );
                let _ = writeln!(s, "  {positive:w$}  {:>w$}  {:>w$}", c.tp, c.fn_);
                let _ = writeln!(s, "  {negative:w$}  {:>w$}  {:>w$}", c.fp, c.tn);
            }
            FieldScore::Categorical { name, matrix } => {
                let _ = writeln!(s, "{name}  (categorical; n = {})", self.n());
                let _ = writeln!(s, "  accuracy   {}", self.accuracy().show());
                let labels: BTreeSet<&String> = matrix.keys().flat_map(|(g, p)| [g, p]).collect();
                let w = labels.iter().map(|l| l.len()).max().unwrap_or(4).max(6);
                let _ = write!(s, "  {:w$}", "");
                for l in &labels {
                    let _ = write!(s, "  {l:>w$}");
                }
                let _ = writeln!(s, "   (rows gold, columns predicted)");
                for g in &labels {
                    let _ = write!(s, "  {g:w$}");
                    for p in &labels {
                        let c = matrix.get(&((*g).clone(), (*p).clone())).unwrap_or(&0);
                        let _ = write!(s, "  {c:>w$}");
                    }
                    let _ = writeln!(s);
                }
                for l in &labels {
                    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
                    for ((g, p), &c) in matrix {
                        match (g == *l, p == *l) {
                            (true, true) => tp += c,
                            (false, true) => fp += c,
                            (true, false) => fn_ += c,
                            _ => {}
                        }
                    }
                    let c = Confusion { tp, fp, fn_, tn: 0 };
                    let f = c.f1().map_or("n/a".into(), |f| format!("{f:.4}"));
                    let _ = writeln!(
                        s,
                        "  {l:w$}  precision {}  recall {}  f1 {f}",
                        c.precision()
                            .value
                            .map_or("n/a".into(), |v| format!("{v:.4}")),
                        c.recall().value.map_or("n/a".into(), |v| format!("{v:.4}")),
                    );
                }
            }
        }
        s
    }
}

/// One item where calcmine and the gold disagree, for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub field: String,
    pub report_id: String,
    pub gold: String,
    pub predicted: String,
    /// The sentence(s) the prediction rests on (or that the gold row gives).
    pub evidence: String,
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub fields: Vec<FieldScore>,
    pub disagreements: Vec<Disagreement>,
    /// Gold items that could not be scored as intended (report not in the input, concept not
    /// found in its sentence), with why.
    pub notes: Vec<String>,
}

impl Evaluation {
    pub fn field(&self, name: &str) -> Option<&FieldScore> {
        self.fields.iter().find(|f| f.name() == name)
    }
}

// --- gold files ------------------------------------------------------------------------------

/// The report-level fields calcmine can be compared on.
pub const REPORT_FIELDS: &[&str] = &["present", "organ", "mechanism", "metabolic_workup"];
const BINARY_REPORT_FIELDS: &[&str] = &["present", "metabolic_workup"];

/// Report-level gold: per report id, the judged fields (field → value as written, lower case).
#[derive(Debug, Clone, Default)]
pub struct ReportGold {
    /// In file order.
    pub rows: Vec<(String, BTreeMap<String, String>)>,
    pub fields: Vec<String>,
}

/// One sentence-level gold row.
#[derive(Debug, Clone)]
pub struct SentenceGold {
    pub report_id: String,
    pub line: u64,
    pub concept: String,
    pub sentence: String,
    pub negated: bool,
}

/// A gold file, either layout.
#[derive(Debug, Clone)]
pub enum Gold {
    Reports(ReportGold),
    Sentences(Vec<SentenceGold>),
}

fn parse_bool(v: &str) -> Option<Option<bool>> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" | "na" | "n/a" | "-" | "?" => Some(None),
        "1" | "true" | "yes" | "y" | "present" | "positive" | "pos" | "t" => Some(Some(true)),
        "0" | "false" | "no" | "n" | "absent" | "negative" | "neg" | "f" => Some(Some(false)),
        _ => None,
    }
}

impl Gold {
    /// Read a gold file; the header decides the layout (a `Concept` and a `Sentence` column:
    /// sentence level; a `report_id` column: report level). Tabs or commas, from the header line.
    pub fn load(path: &Path) -> Result<Gold> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let shown = path.display().to_string();
        let first = text.lines().next().unwrap_or("");
        let delim = if first.contains('\t') { b'\t' } else { b',' };
        let mut rd = csv::ReaderBuilder::new()
            .delimiter(delim)
            .flexible(true)
            .from_reader(text.as_bytes());
        let at = |line: u64| Location {
            file: shown.clone(),
            line: Some(line),
            record: None,
        };
        let header: Vec<String> = rd
            .headers()
            .map_err(|e| Error::input(at(1), format!("cannot read the header: {e}")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        if let (Some(ci), Some(si)) = (col("concept"), col("sentence")) {
            let li = col("negation").ok_or_else(|| {
                Error::input(at(1), "sentence-level gold needs a `Negation` column")
            })?;
            let ri = col("report no.").or_else(|| col("report_id")).or(Some(0));
            let mut rows = Vec::new();
            for rec in rd.records() {
                let rec = rec.map_err(|e| {
                    Error::input(at(e.position().map_or(0, |p| p.line())), e.to_string())
                })?;
                let line = rec.position().map_or(0, |p| p.line());
                let get = |i: usize| rec.get(i).unwrap_or("").to_string();
                let negated = match get(li).trim().to_ascii_lowercase().as_str() {
                    "negated" | "negative" | "1" | "true" | "yes" => true,
                    "affirmed" | "affirmative" | "0" | "false" | "no" => false,
                    other => {
                        return Err(Error::input(
                            at(line),
                            format!("Negation is `{other}`; expected Affirmed or Negated"),
                        ))
                    }
                };
                rows.push(SentenceGold {
                    report_id: ri.map(get).unwrap_or_default(),
                    line,
                    concept: get(ci).trim().to_string(),
                    sentence: get(si),
                    negated,
                });
            }
            return Ok(Gold::Sentences(rows));
        }
        let Some(idi) = crate::input::DEFAULT_ID_COLS.iter().find_map(|c| col(c)) else {
            return Err(Error::input(
                at(1),
                "gold file needs a `report_id` column (or `id`, `note_id`, `uid`: report level) \
                 or `Concept`, `Sentence` and `Negation` columns (sentence level)",
            ));
        };
        let fields: Vec<(usize, String)> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| REPORT_FIELDS.iter().any(|f| h.eq_ignore_ascii_case(f)))
            .map(|(i, h)| (i, h.to_ascii_lowercase()))
            .collect();
        if fields.is_empty() {
            return Err(Error::input(
                at(1),
                format!(
                    "no field to score: give any of {}",
                    REPORT_FIELDS.join(", ")
                ),
            ));
        }
        let mut gold = ReportGold {
            rows: Vec::new(),
            fields: fields.iter().map(|(_, f)| f.clone()).collect(),
        };
        for rec in rd.records() {
            let rec = rec.map_err(|e| {
                Error::input(at(e.position().map_or(0, |p| p.line())), e.to_string())
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let id = rec.get(idi).unwrap_or("").trim().to_string();
            if id.is_empty() {
                return Err(Error::input(at(line), "empty report_id"));
            }
            let mut values = BTreeMap::new();
            for (i, f) in &fields {
                let v = rec.get(*i).unwrap_or("").trim().to_ascii_lowercase();
                if BINARY_REPORT_FIELDS.contains(&f.as_str()) && parse_bool(&v).is_none() {
                    return Err(Error::input(
                        at(line),
                        format!("{f} is `{v}`; expected 1/0, true/false, yes/no or empty"),
                    ));
                }
                if !v.is_empty() {
                    values.insert(f.clone(), v);
                }
            }
            gold.rows.push((id, values));
        }
        Ok(Gold::Reports(gold))
    }
}

// --- scoring ---------------------------------------------------------------------------------

fn evidence(mentions: &[&Mention]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for m in mentions {
        if !seen.contains(&m.sentence.as_str()) {
            seen.push(&m.sentence);
        }
    }
    seen.join(" | ").replace(['\n', '\r', '\t'], " ")
}

fn mention_summary(mentions: &[&Mention]) -> String {
    mentions
        .iter()
        .map(|m| format!("{}:{}", m.text, m.status.as_str()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A categorical code of a mention, by field name.
fn code<'m>(m: &'m Mention, field: &str) -> &'m str {
    match field {
        "organ" => &m.organ,
        "mechanism" => &m.mechanism,
        _ => "",
    }
}

/// Compare report-level gold with calcmine's results (keyed by report id). Gold reports absent
/// from `results` are noted and left out of every field.
pub fn score_reports(gold: &ReportGold, results: &HashMap<String, ReportResult>) -> Evaluation {
    let mut ev = Evaluation::default();
    let mut binary: BTreeMap<&str, Vec<(bool, bool)>> = BTreeMap::new();
    let mut categorical: BTreeMap<&str, BTreeMap<(String, String), u64>> = BTreeMap::new();
    let mut missing = 0usize;
    for (id, values) in &gold.rows {
        let Some(r) = results.get(id) else {
            missing += 1;
            if missing <= 5 {
                ev.notes
                    .push(format!("report {id}: in the gold file, not in the input"));
            }
            continue;
        };
        let findings: Vec<&Mention> = r
            .mentions
            .iter()
            .filter(|m| m.is_imaging_finding())
            .collect();
        let all: Vec<&Mention> = r.mentions.iter().collect();
        for f in &gold.fields {
            let Some(v) = values.get(f) else { continue };
            if BINARY_REPORT_FIELDS.contains(&f.as_str()) {
                let Some(Some(g)) = parse_bool(v) else {
                    continue;
                };
                let p = match f.as_str() {
                    "present" => !findings.is_empty(),
                    _ => r.metabolic_workup,
                };
                binary.entry(f.as_str()).or_default().push((g, p));
                if g != p {
                    let ev_m = if p { &findings } else { &all };
                    let evidence = if f == "present" {
                        let s = evidence(ev_m);
                        if p || s.is_empty() {
                            s
                        } else {
                            format!("{} — {s}", mention_summary(ev_m))
                        }
                    } else {
                        r.workup_reasons
                            .iter()
                            .map(|w| format!("{}: {}", w.rule, w.sentence))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    };
                    ev.disagreements.push(Disagreement {
                        field: f.clone(),
                        report_id: id.clone(),
                        gold: g.to_string(),
                        predicted: p.to_string(),
                        evidence,
                    });
                }
            } else {
                // the codes of the report's imaging findings, most frequent first
                let mut counts: Vec<(&str, usize)> = Vec::new();
                for m in &findings {
                    let c = code(m, f);
                    match counts.iter_mut().find(|(k, _)| *k == c) {
                        Some(e) => e.1 += 1,
                        None => counts.push((c, 1)),
                    }
                }
                counts.sort_by_key(|c| std::cmp::Reverse(c.1));
                let pred = if counts.iter().any(|(k, _)| k == v) {
                    v.clone()
                } else if let Some((k, _)) = counts.first() {
                    k.to_string()
                } else {
                    "none".to_string()
                };
                *categorical
                    .entry(f.as_str())
                    .or_default()
                    .entry((v.clone(), pred.clone()))
                    .or_default() += 1;
                if &pred != v {
                    ev.disagreements.push(Disagreement {
                        field: f.clone(),
                        report_id: id.clone(),
                        gold: v.clone(),
                        predicted: counts.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(";"),
                        evidence: evidence(&findings),
                    });
                }
            }
        }
    }
    if missing > 5 {
        ev.notes.push(format!(
            "… {missing} gold reports in all were not in the input"
        ));
    }
    for f in &gold.fields {
        if let Some(items) = binary.remove(f.as_str()) {
            let mut confusion = Confusion::default();
            for &(g, p) in &items {
                confusion.add(g, p);
            }
            ev.fields.push(FieldScore::Binary {
                name: f.clone(),
                positive: "true".into(),
                negative: "false".into(),
                confusion,
                items,
            });
        } else if let Some(matrix) = categorical.remove(f.as_str()) {
            ev.fields.push(FieldScore::Categorical {
                name: f.clone(),
                matrix,
            });
        }
    }
    ev
}

/// The occurrence of the row's concept that the annotator meant: the one written in upper case
/// when the sentence has several (the NegEx convention), else the first. An upper-case label
/// followed by a colon ("ALLERGIES: He has no known ALLERGIES.") is a heading, not the mention.
fn annotated<'m>(mentions: &'m [Mention], concept_id: &str, text: &str) -> Option<&'m Mention> {
    let own: Vec<&Mention> = mentions.iter().filter(|m| m.term == concept_id).collect();
    let upper = |m: &Mention| {
        m.text.bytes().any(|b| b.is_ascii_uppercase())
            && !m.text.bytes().any(|b| b.is_ascii_lowercase())
    };
    let heading = |m: &Mention| text[m.end..].trim_start().starts_with(':');
    own.iter()
        .find(|m| upper(m) && !heading(m))
        .or_else(|| own.iter().find(|m| upper(m)))
        .or(own.first())
        .copied()
}

/// Score sentence-level gold: each row's sentence is a report whose only target is the row's
/// concept; calcmine's `negated` flag is compared with the gold `Negation`. `base` is the
/// lexicon without targets (triggers, sections, abbreviations).
pub fn score_sentences(rows: &[SentenceGold], base: &Lexicon) -> Evaluation {
    let mut ev = Evaluation::default();
    let mut engines: HashMap<String, Engine> = HashMap::new();
    let mut items = Vec::with_capacity(rows.len());
    let mut not_found = 0usize;
    for row in rows {
        let key = row.concept.to_ascii_lowercase();
        let engine = engines.entry(key.clone()).or_insert_with(|| {
            let mut lex = base.clone();
            lex.targets.clear();
            lex.excludes.clear();
            lex.add_plain_targets("<gold concept>", &row.concept);
            Engine::new(lex)
        });
        let report = Report {
            id: row.report_id.clone(),
            text: row.sentence.clone(),
            line: row.line,
            ..Default::default()
        };
        let result = engine.process(&report);
        let concept_id = engine
            .lexicon
            .targets
            .first()
            .map(|t| t.id.clone())
            .unwrap_or_default();
        let m = annotated(&result.mentions, &concept_id, &row.sentence);
        if m.is_none() {
            not_found += 1;
            if not_found <= 5 {
                // no text here: the printed summary carries figures only
                ev.notes.push(format!(
                    "line {}: the concept is not in its sentence as whole words (scored as affirmed)",
                    row.line
                ));
            }
        }
        let pred = m.is_some_and(|m| m.negated);
        items.push((row.negated, pred));
        if pred != row.negated {
            let label = |b: bool| if b { "Negated" } else { "Affirmed" };
            let triggers = m
                .map(|m| {
                    m.triggers
                        .iter()
                        .map(|t| format!("{}:{}", t.category, t.text))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            ev.disagreements.push(Disagreement {
                field: "negated".into(),
                report_id: format!("{} (line {})", row.report_id, row.line),
                gold: label(row.negated).into(),
                predicted: if triggers.is_empty() {
                    label(pred).into()
                } else {
                    format!("{} [{triggers}]", label(pred))
                },
                evidence: format!(
                    "{}: {}",
                    row.concept,
                    row.sentence.replace(['\n', '\r', '\t'], " ")
                ),
            });
        }
    }
    if not_found > 5 {
        ev.notes.push(format!(
            "… {not_found} concepts in all were not found in their sentence"
        ));
    }
    let mut confusion = Confusion::default();
    for &(g, p) in &items {
        confusion.add(g, p);
    }
    ev.fields.push(FieldScore::Binary {
        name: "negated".into(),
        positive: "Negated".into(),
        negative: "Affirmed".into(),
        confusion,
        items,
    });
    ev
}

/// A floor on one figure: `--min-f1 0.95` (every binary field) or `--min-f1 negated=0.95`.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    pub field: Option<String>,
    pub value: f64,
}

impl std::str::FromStr for Floor {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Floor, String> {
        let (field, v) = match s.split_once('=') {
            Some((f, v)) => (Some(f.trim().to_string()), v),
            None => (None, s),
        };
        let value: f64 = v
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: expected a number in [0, 1], optionally FIELD=NUMBER"))?;
        if !(0.0..=1.0).contains(&value) {
            return Err(format!("`{s}`: a floor is between 0 and 1"));
        }
        Ok(Floor { field, value })
    }
}

/// Check floors; returns one message per figure below its floor. A floor naming a field the
/// evaluation does not have is an error (a typo must not pass CI silently).
pub fn check_floors(
    ev: &Evaluation,
    min_f1: &[Floor],
    min_accuracy: &[Floor],
) -> Result<Vec<String>> {
    let mut failures = Vec::new();
    for (what, floors) in [("f1", min_f1), ("accuracy", min_accuracy)] {
        for fl in floors {
            let fields: Vec<&FieldScore> = match &fl.field {
                Some(name) => vec![ev.field(name).ok_or_else(|| {
                    Error::Usage(format!(
                        "--min-{what}: no field `{name}` in this evaluation"
                    ))
                })?],
                None => ev
                    .fields
                    .iter()
                    .filter(|f| what == "accuracy" || matches!(f, FieldScore::Binary { .. }))
                    .collect(),
            };
            for f in fields {
                let est = if what == "f1" { f.f1() } else { f.accuracy() };
                let v = est.value.unwrap_or(0.0);
                if v < fl.value {
                    failures.push(format!(
                        "{} {what} {v:.4} is below the floor {:.4}",
                        f.name(),
                        fl.value
                    ));
                }
            }
        }
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    #[test]
    fn wilson_interval_matches_the_textbook_value() {
        // 8 of 10: Wilson 95 % interval is [0.4902, 0.9433] (Newcombe 1998, table I style)
        let (lo, hi) = wilson(8, 10).unwrap();
        assert!((lo - 0.4902).abs() < 1e-4, "{lo}");
        assert!((hi - 0.9433).abs() < 1e-4, "{hi}");
        // all successes: the upper bound is 1, the lower one stays below it
        let (lo, hi) = wilson(20, 20).unwrap();
        assert_eq!(hi, 1.0);
        assert!((lo - 0.8389).abs() < 1e-4, "{lo}");
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn confusion_figures_by_hand() {
        // 6 TP, 2 FP, 1 FN, 11 TN
        let mut c = Confusion::default();
        for (g, p, n) in [
            (true, true, 6),
            (false, true, 2),
            (true, false, 1),
            (false, false, 11),
        ] {
            for _ in 0..n {
                c.add(g, p);
            }
        }
        assert_eq!(c.precision().value, Some(0.75));
        assert_eq!(c.recall().value, Some(6.0 / 7.0));
        assert_eq!(c.accuracy().value, Some(17.0 / 20.0));
        assert!((c.f1().unwrap() - 12.0 / 15.0).abs() < 1e-12);
    }

    #[test]
    fn f1_bootstrap_interval_brackets_the_estimate_and_is_reproducible() {
        let mut items = vec![(true, true); 40];
        items.extend(vec![(false, true); 5]);
        items.extend(vec![(true, false); 5]);
        items.extend(vec![(false, false); 50]);
        let a = f1_estimate(&items);
        let (lo, hi) = a.ci.unwrap();
        assert!((a.value.unwrap() - 0.8889).abs() < 1e-4);
        assert!(
            lo < 0.8889 && 0.8889 < hi && hi <= 1.0 && lo > 0.7,
            "{lo} {hi}"
        );
        assert_eq!(a, f1_estimate(&items));
    }

    fn mention(status: Status, section: &str, organ: &str, sentence: &str) -> Mention {
        let mut m = Mention::new("r", "calcification", 0, 1, "x");
        m.status = status;
        m.section = section.into();
        m.organ = organ.into();
        m.sentence = sentence.into();
        m
    }

    fn result(id: &str, mentions: Vec<Mention>) -> (String, ReportResult) {
        (
            id.to_string(),
            ReportResult {
                report_id: id.into(),
                mentions,
                ..Default::default()
            },
        )
    }

    #[test]
    fn report_level_gold_scored_by_hand() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gold.csv");
        std::fs::write(
            &p,
            "report_id,present,organ\n\
             a,1,lung\n\
             b,1,aorta\n\
             c,0,\n\
             d,0,\n\
             e,,\n\
             f,yes,kidney\n",
        )
        .unwrap();
        let Gold::Reports(gold) = Gold::load(&p).unwrap() else {
            panic!("report-level layout expected")
        };
        let results: HashMap<String, ReportResult> = [
            // a: calcified granuloma in the lung — TP, organ right
            result(
                "a",
                vec![mention(
                    Status::Present,
                    "findings",
                    "lung",
                    "Calcified granuloma.",
                )],
            ),
            // b: only in the history — FN, organ none
            result(
                "b",
                vec![mention(
                    Status::Present,
                    "indication",
                    "aorta",
                    "History of aortic calcification.",
                )],
            ),
            // c: negated — TN
            result(
                "c",
                vec![mention(
                    Status::Absent,
                    "findings",
                    "lung",
                    "No calcification.",
                )],
            ),
            // d: present — FP
            result(
                "d",
                vec![mention(
                    Status::Present,
                    "impression",
                    "heart",
                    "Mitral annular calcification.",
                )],
            ),
            // e: not judged
            result(
                "e",
                vec![mention(
                    Status::Present,
                    "findings",
                    "lung",
                    "Calcified nodule.",
                )],
            ),
            // f: two findings, the gold organ among them — TP, organ right
            result(
                "f",
                vec![
                    mention(Status::Present, "findings", "lung", "Calcified granuloma."),
                    mention(Status::Present, "findings", "kidney", "Nephrocalcinosis."),
                ],
            ),
        ]
        .into_iter()
        .collect();
        let ev = score_reports(&gold, &results);
        let FieldScore::Binary { confusion, .. } = ev.field("present").unwrap() else {
            panic!()
        };
        assert_eq!(
            *confusion,
            Confusion {
                tp: 2,
                fp: 1,
                fn_: 1,
                tn: 1
            }
        );
        let organ = ev.field("organ").unwrap();
        assert_eq!(organ.n(), 3);
        assert_eq!(organ.accuracy().value, Some(2.0 / 3.0));
        let FieldScore::Categorical { matrix, .. } = organ else {
            panic!()
        };
        assert_eq!(matrix.get(&("aorta".into(), "none".into())), Some(&1));
        let ids: Vec<(&str, &str)> = ev
            .disagreements
            .iter()
            .map(|d| (d.field.as_str(), d.report_id.as_str()))
            .collect();
        assert_eq!(
            ids,
            vec![("present", "b"), ("organ", "b"), ("present", "d")]
        );
        assert_eq!(
            ev.disagreements[2].evidence,
            "Mitral annular calcification."
        );
    }

    #[test]
    fn gold_from_a_spreadsheet_export_with_bom_and_uid_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gold.csv");
        std::fs::write(&p, "\u{feff}uid,Present\r\n17,Yes\r\n18,no\r\n19,\r\n").unwrap();
        let Gold::Reports(g) = Gold::load(&p).unwrap() else {
            panic!("report-level layout expected")
        };
        assert_eq!(g.fields, vec!["present"]);
        let got: Vec<(&str, Option<&str>)> = g
            .rows
            .iter()
            .map(|(id, v)| (id.as_str(), v.get("present").map(String::as_str)))
            .collect();
        assert_eq!(
            got,
            vec![("17", Some("yes")), ("18", Some("no")), ("19", None)]
        );
    }

    #[test]
    fn sentence_level_gold_uses_the_upper_case_occurrence() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gold.tsv");
        std::fs::write(
            &p,
            "Report No.\tConcept\tSentence\tNegation\n\
             1\tchest pain\t\"He denies chest pain at rest but has CHEST PAIN on exertion.\"\tAffirmed\n\
             1\tfever\t\"No FEVER or chills.\"\tNegated\n\
             2\tcough\t\"The patient reports a COUGH.\"\tAffirmed\n\
             2\tedema\t\"EDEMA has resolved.\"\tNegated\n",
        )
        .unwrap();
        let Gold::Sentences(rows) = Gold::load(&p).unwrap() else {
            panic!("sentence layout expected")
        };
        assert_eq!(rows.len(), 4);
        let ev = score_sentences(&rows, &Lexicon::bundled().unwrap());
        let FieldScore::Binary { confusion, .. } = ev.field("negated").unwrap() else {
            panic!()
        };
        assert_eq!(
            *confusion,
            Confusion {
                tp: 2,
                fp: 0,
                fn_: 0,
                tn: 2
            },
            "{:?}",
            ev.disagreements
        );
    }

    #[test]
    fn floors_fail_below_and_name_unknown_fields() {
        let mut c = Confusion::default();
        let items = vec![(true, true), (true, false), (false, false), (false, false)];
        for &(g, p) in &items {
            c.add(g, p);
        }
        let ev = Evaluation {
            fields: vec![FieldScore::Binary {
                name: "negated".into(),
                positive: "Negated".into(),
                negative: "Affirmed".into(),
                confusion: c,
                items,
            }],
            ..Default::default()
        };
        let f = |s: &str| vec![s.parse::<Floor>().unwrap()];
        assert!(check_floors(&ev, &f("0.6"), &f("0.75")).unwrap().is_empty());
        assert_eq!(check_floors(&ev, &f("negated=0.7"), &[]).unwrap().len(), 1);
        assert!(check_floors(&ev, &f("present=0.5"), &[]).is_err());
        assert!("1.5".parse::<Floor>().is_err());
    }
}
