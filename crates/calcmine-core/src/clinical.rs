//! Clinical context and labs stated in a report (docs/taxonomy.md §7).
//!
//! Conditions are phrase hits (the `condition` family, in the same automaton as everything
//! else) asserted by the ConText engine, so "no history of CKD" does not count. Lab values are
//! read by regular expressions built from the `[[lab]]` entries: names, units with their factor
//! to the canonical unit, and a plausible range outside which a value is reported as unparsed.

use regex::Regex;

use crate::lexicon::vocab::lab;
use crate::lexicon::LabEntry;
use crate::model::{Condition, LabValue, Status};
use crate::text::squash_unit;

/// One compiled way of reading a lab.
#[derive(Debug, Clone)]
struct LabPattern {
    lab: usize,
    re: Regex,
    /// The pattern has a unit group (named `unit`).
    has_unit: bool,
    /// A short name ("Ca", "Phos"): without a unit, a value is read only when exactly one of
    /// the lab's `unitless` ranges holds it, and is no lab at all otherwise.
    short: bool,
}

/// Lab readers compiled from the lexicon.
#[derive(Debug, Clone, Default)]
pub struct LabReader {
    labs: Vec<LabEntry>,
    patterns: Vec<LabPattern>,
}

fn alternation(list: &[String]) -> String {
    let mut v: Vec<String> = list
        .iter()
        .map(|t| {
            // flexible whitespace and hyphens between the words of a name or unit
            t.trim()
                .to_lowercase()
                .split(|c: char| c.is_whitespace())
                .filter(|w| !w.is_empty())
                .map(|w| regex::escape(w).replace("\\-", "[-\\s]?"))
                .collect::<Vec<_>>()
                .join(r"\s*")
        })
        .filter(|s| !s.is_empty())
        .collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.len()));
    v.dedup();
    v.join("|")
}

/// Filler words between a lab name and its value: "calcium level of 11.2", "PTH was 840".
const FILLER: &str = r"(?:\s*(?:level|levels|value|concentration|measured|result)?\s*(?:of|is|was|were|at|=|:|-)?\s*(?:of|is|was|=|:)?\s*(?:elevated|raised|high|low|normal)?\s*(?:at|of|=|:)?)";
const NUMBER: &str = r"(?P<value>\d{1,4}(?:[.,]\d{1,3})?)";

impl LabReader {
    pub fn new(labs: &[LabEntry]) -> LabReader {
        let mut patterns = Vec::new();
        for (i, l) in labs.iter().enumerate() {
            let units: Vec<String> = l
                .units
                .iter()
                .flat_map(|u| u.spellings.iter().cloned())
                .collect();
            let unit_alt = alternation(&units);
            let unit_group = if unit_alt.is_empty() {
                String::new()
            } else {
                format!(r"(?:\s*(?P<unit>{unit_alt}))")
            };
            let compile = |names: &[String], unit_required: bool| -> Option<Regex> {
                let name_alt = alternation(names);
                if name_alt.is_empty() || (unit_required && unit_group.is_empty()) {
                    return None;
                }
                let q = if unit_required { "" } else { "?" };
                let src = format!(
                    r"(?i)(?:^|[^\w])(?:{name_alt}){FILLER}\s*{NUMBER}{unit_group}{q}(?:[^\w²]|$)"
                );
                Regex::new(&src).ok()
            };
            if let Some(re) = compile(&l.terms, false) {
                patterns.push(LabPattern {
                    lab: i,
                    re,
                    has_unit: !unit_group.is_empty(),
                    short: false,
                });
            }
            if let Some(re) = compile(&l.terms_need_unit, true) {
                patterns.push(LabPattern {
                    lab: i,
                    re,
                    has_unit: true,
                    short: false,
                });
            }
            // short names without a unit only where the ranges decide the unit
            if let Some(re) = compile(&l.terms_short, l.unitless.is_empty()) {
                patterns.push(LabPattern {
                    lab: i,
                    re,
                    has_unit: !unit_group.is_empty(),
                    short: true,
                });
            }
            for p in &l.patterns {
                if let Ok(re) = Regex::new(p) {
                    patterns.push(LabPattern {
                        lab: i,
                        re,
                        has_unit: false,
                        short: false,
                    });
                }
            }
        }
        LabReader {
            labs: labs.to_vec(),
            patterns,
        }
    }

    /// Every lab value stated in one sentence (raw text), converted to its canonical unit.
    pub fn read(&self, sentence: &str) -> Vec<LabValue> {
        let mut out: Vec<(usize, LabValue)> = Vec::new();
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for p in &self.patterns {
            let lab = &self.labs[p.lab];
            for c in p.re.captures_iter(sentence) {
                let Some(all) = c.get(0) else { continue };
                // the lexicon's way to say "not this": "CKD 3 years" is a duration
                if c.name("not").is_some() {
                    continue;
                }
                let (vm, raw) = match c.name("value") {
                    Some(v) => (v, v.as_str().replace(',', ".")),
                    None => match c.get(1) {
                        Some(v) => (v, v.as_str().to_string()),
                        None => continue,
                    },
                };
                // "CA 19-9" is a tumour marker, not calcium 19
                if sentence[vm.end()..].starts_with('-')
                    && sentence[vm.end() + 1..].starts_with(|c: char| c.is_ascii_digit())
                {
                    continue;
                }
                // a number cut short by backtracking ("11.2mg" read as 11)
                let rest = &sentence[vm.end()..];
                let mut rc = rest.chars();
                match (rc.next(), rc.next()) {
                    (Some(d), _) if d.is_ascii_digit() => continue,
                    (Some('.' | ','), Some(d)) if d.is_ascii_digit() => continue,
                    _ => {}
                }
                if taken.iter().any(|&(s, e)| vm.start() < e && s < vm.end()) {
                    continue;
                }
                let unit_text = if p.has_unit {
                    c.name("unit").map(|u| u.as_str().to_string())
                } else {
                    None
                };
                let value = parse_number(&raw);
                let factor = match (&unit_text, value) {
                    (Some(u), _) => unit_factor(lab, u),
                    (None, _) if lab.unitless.is_empty() => Some(1.0),
                    // without a unit: the one unit whose plausible range holds the value
                    // a short name without a unit: only a value that ends the phrase ("Ca
                    // 11.4, Phos 6.9"), never one a word follows ("breast ca 2 years ago")
                    (None, Some(_))
                        if p.short
                            && sentence[vm.end()..]
                                .trim_start_matches([' ', '\t'])
                                .starts_with(|c: char| c.is_alphabetic()) =>
                    {
                        continue
                    }
                    (None, Some(v)) => {
                        let mut holders = lab.unitless.iter().filter(|r| r.min <= v && v <= r.max);
                        match (holders.next(), holders.next()) {
                            (Some(r), None) => unit_factor(lab, &r.unit),
                            _ if p.short => continue,
                            _ => None,
                        }
                    }
                    (None, None) => None,
                };
                let converted = match (value, factor) {
                    (Some(v), Some(f)) => Some(v * f),
                    _ => None,
                };
                let plausible = converted.filter(|v| *v >= lab.min && *v <= lab.max);
                let text = sentence[all.start()..all.end()]
                    .trim_matches(|c: char| !c.is_alphanumeric() && c != '²')
                    .to_string();
                taken.push((vm.start(), vm.end()));
                out.push((
                    all.start(),
                    LabValue {
                        name: lab.id.clone(),
                        value: plausible,
                        unit: lab.unit.clone(),
                        text,
                        parsed: plausible.is_some(),
                        sentence: sentence.trim().to_string(),
                        sentence_index: 0,
                    },
                ));
            }
        }
        out.sort_by_key(|(p, _)| *p);
        out.into_iter().map(|(_, v)| v).collect()
    }
}

/// The factor from a unit as written to the lab's canonical unit (`None`: not one of its units).
fn unit_factor(lab: &LabEntry, unit: &str) -> Option<f64> {
    let un = squash_unit(unit);
    if squash_unit(&lab.unit) == un {
        return Some(1.0);
    }
    lab.units
        .iter()
        .find(|x| x.spellings.iter().any(|s| squash_unit(s) == un))
        .map(|x| x.factor)
}

/// Arabic or roman numerals (CKD stage "IV").
fn parse_number(s: &str) -> Option<f64> {
    if let Ok(v) = s.parse::<f64>() {
        return Some(v);
    }
    match s.to_ascii_lowercase().as_str() {
        "i" => Some(1.0),
        "ii" => Some(2.0),
        "iii" => Some(3.0),
        "iv" => Some(4.0),
        "v" => Some(5.0),
        _ => None,
    }
}

/// The calcium × phosphate product from separately stated values, when no product is stated.
pub fn add_computed_product(labs: &mut Vec<LabValue>, max: f64) {
    let first = |name: &str| labs.iter().find(|l| l.name == name && l.parsed).cloned();
    if labs
        .iter()
        .any(|l| l.name == lab::CA_PHOS_PRODUCT && l.parsed)
    {
        return;
    }
    let (Some(ca), Some(p)) = (first(lab::CALCIUM), first(lab::PHOSPHATE)) else {
        return;
    };
    let (Some(a), Some(b)) = (ca.value, p.value) else {
        return;
    };
    let v = a * b;
    let sentence = if ca.sentence == p.sentence {
        ca.sentence.clone()
    } else {
        format!("{} {}", ca.sentence, p.sentence)
    };
    labs.push(LabValue {
        name: lab::CA_PHOS_PRODUCT.into(),
        value: (v <= max).then_some(v),
        unit: "mg2/dL2".into(),
        text: format!("computed: {} × {}", ca.text, p.text),
        parsed: v <= max,
        sentence,
        sentence_index: ca.sentence_index.max(p.sentence_index),
    });
}

/// The conditions stated by lab values above their reference range (`above_is`): calcium
/// 12.5 mg/dL is hypercalcaemia, whether or not the report uses the word (docs/taxonomy.md §7).
pub fn conditions_from_labs(entries: &[LabEntry], labs: &[LabValue]) -> Vec<Condition> {
    let mut out: Vec<Condition> = Vec::new();
    for l in labs.iter().filter(|l| l.parsed) {
        let (Some(v), Some(e)) = (l.value, entries.iter().find(|e| e.id == l.name)) else {
            continue;
        };
        let Some(c) = e.above_is.as_ref().filter(|c| v > c.above) else {
            continue;
        };
        out.push(Condition {
            id: c.condition.clone(),
            text: l.text.clone(),
            negated: false,
            sentence_index: l.sentence_index,
            status: Status::Present,
            experiencer: "patient".into(),
            laterality: "none".into(),
        });
    }
    out
}

/// The score a term states right after it, in normalized text: `rest` is what follows the term
/// ("of 0 agatston units", ": 412", "was zero"), `fillers` the words allowed before the number.
/// Returns the value and the byte length of `rest` read through the number and the filler
/// words after it ("412 agatston units").
pub fn score_after(rest: &str, fillers: &[String]) -> Option<(f64, usize)> {
    let (v, mut at) = number_after(rest, fillers)?;
    loop {
        let trimmed = rest[at..].trim_start_matches(' ');
        let word_end = trimmed
            .find([' ', ',', ';', ')', '.'])
            .unwrap_or(trimmed.len());
        let word = &trimmed[..word_end];
        if word.is_empty() || !fillers.iter().any(|f| f == word) {
            return Some((v, at));
        }
        at = rest.len() - trimmed.len() + word_end;
    }
}

fn number_after(rest: &str, fillers: &[String]) -> Option<(f64, usize)> {
    let mut at = 0;
    for _ in 0..=fillers.len().min(6) {
        let trimmed = rest[at..].trim_start_matches([' ', ':', '=', '-', '(']);
        at = rest.len() - trimmed.len();
        let word_end = trimmed.find([' ', ',', ';', ')']).unwrap_or(trimmed.len());
        let word = trimmed[..word_end].trim_end_matches('.');
        if word == "zero" || word == "0" {
            return Some((0.0, at + word.len()));
        }
        if word.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            return parse_number(word).map(|v| (v, at + word.len()));
        }
        if !fillers.iter().any(|f| f == word) {
            return None;
        }
        at += word_end;
    }
    None
}
