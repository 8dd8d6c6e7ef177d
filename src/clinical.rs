//! Clinical context and labs stated in a report (TAXONOMY.md §7).
//!
//! Conditions are phrase hits (the `condition` family, in the same automaton as everything
//! else) asserted by the ConText engine, so "no history of CKD" does not count. Lab values are
//! read by regular expressions built from the `[[lab]]` entries: names, units with their factor
//! to the canonical unit, and a plausible range outside which a value is reported as unparsed.

use regex::Regex;

use crate::error::Error;
use crate::lexicon::LabEntry;
use crate::model::LabValue;

/// Check lab entries: patterns compile, factors are positive, ranges are ranges.
pub fn validate_labs(labs: &[LabEntry], errors: &mut Vec<Error>) {
    for l in labs {
        let err = |m: String| Error::lexicon(&l.origin.file, l.origin.line, m);
        if l.terms.is_empty() && l.terms_need_unit.is_empty() && l.patterns.is_empty() {
            errors.push(err(format!("lab `{}`: no terms and no patterns", l.id)));
        }
        if !l.patterns.is_empty() && l.terms.is_empty() && l.cues.is_empty() {
            errors.push(err(format!(
                "lab `{}`: patterns need `cues` (words that must occur in the sentence)",
                l.id
            )));
        }
        if l.min.is_nan() || l.max.is_nan() || l.min >= l.max {
            errors.push(err(format!("lab `{}`: min must be below max", l.id)));
        }
        for u in &l.units {
            if u.factor.is_nan() || u.factor <= 0.0 || u.spellings.is_empty() {
                errors.push(err(format!(
                    "lab `{}`: each unit needs spellings and a positive factor",
                    l.id
                )));
            }
        }
        for p in &l.patterns {
            match Regex::new(p) {
                // without a `value` group the first group is the value: it cannot be `not`
                Ok(r)
                    if r.capture_names().flatten().all(|n| n != "value")
                        && r.capture_names().nth(1).flatten() == Some("not") =>
                {
                    errors.push(err(format!(
                        "lab `{}`: pattern `{p}`: the first group is the value, not `not` \
                         (move the value first or name it `(?P<value>...)`)",
                        l.id
                    )))
                }
                Ok(r) if r.captures_len() >= 2 => {}
                Ok(_) => errors.push(err(format!(
                    "lab `{}`: pattern `{p}` needs a capture group for the value",
                    l.id
                ))),
                Err(e) => errors.push(err(format!("lab `{}`: pattern `{p}`: {e}", l.id))),
            }
        }
    }
}

/// One compiled way of reading a lab.
#[derive(Debug, Clone)]
struct LabPattern {
    lab: usize,
    re: Regex,
    /// The pattern has a unit group (named `unit`).
    has_unit: bool,
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
                });
            }
            if let Some(re) = compile(&l.terms_need_unit, true) {
                patterns.push(LabPattern {
                    lab: i,
                    re,
                    has_unit: true,
                });
            }
            for p in &l.patterns {
                if let Ok(re) = Regex::new(p) {
                    patterns.push(LabPattern {
                        lab: i,
                        re,
                        has_unit: false,
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
                let factor = match &unit_text {
                    Some(u) => {
                        let un = squash(u);
                        lab.units
                            .iter()
                            .find(|x| x.spellings.iter().any(|s| squash(s) == un))
                            .map(|x| x.factor)
                    }
                    None => Some(1.0),
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
                    },
                ));
            }
        }
        out.sort_by_key(|(p, _)| *p);
        out.into_iter().map(|(_, v)| v).collect()
    }
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
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
    if labs.iter().any(|l| l.name == "ca_phos_product" && l.parsed) {
        return;
    }
    let (Some(ca), Some(p)) = (first("calcium"), first("phosphate")) else {
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
        name: "ca_phos_product".into(),
        value: (v <= max).then_some(v),
        unit: "mg2/dL2".into(),
        text: format!("computed: {} × {}", ca.text, p.text),
        parsed: v <= max,
        sentence,
    });
}
