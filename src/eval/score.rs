//! Scoring results against gold: per report field, and per annotated sentence.

use super::*;

pub(super) fn evidence(mentions: &[&Mention]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for m in mentions {
        if !seen.contains(&m.sentence.as_str()) {
            seen.push(&m.sentence);
        }
    }
    seen.join(" | ").replace(['\n', '\r', '\t'], " ")
}

pub(super) fn mention_summary(mentions: &[&Mention]) -> String {
    mentions
        .iter()
        .map(|m| format!("{}:{}", m.text, m.status.as_str()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A categorical code of a mention, by field name.
pub(super) fn code<'m>(m: &'m Mention, field: &str) -> &'m str {
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
        let findings: Vec<&Mention> = r.mentions.iter().filter(|m| m.counts).collect();
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
pub(super) fn annotated<'m>(
    mentions: &'m [Mention],
    concept_id: &str,
    text: &str,
) -> Option<&'m Mention> {
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
