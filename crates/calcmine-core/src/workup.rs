//! The report flag: does this report warrant a metabolic work-up (docs/taxonomy.md §8)?
//!
//! The rules and suppressors are data (`lexicons/workup.toml`); this module only evaluates them.
//! Every reason names the rule and the sentence that fired it; every suppressor that stopped a
//! rule for some mention is recorded, so a reader can see both why a report was flagged and why
//! another was not.

use crate::lexicon::{Lexicon, Suppressor, WorkupRule};
use crate::model::{Mention, ReportResult, Suppression, WorkupReason};
use crate::text::normalize_phrase;

fn any_or_empty(list: &[String], v: &str) -> bool {
    list.is_empty() || list.iter().any(|x| x == v)
}

/// Does the rule select this mention (selectors OR'd, filters AND'd)?
fn selects(rule: &WorkupRule, m: &Mention, r: &ReportResult) -> bool {
    // what counts for the report (docs/taxonomy.md §2); a rule may widen the statuses it
    // takes ("possible calciphylaxis"), never the patient or the section
    let ok = if rule.statuses.is_empty() {
        m.counts
    } else {
        m.is_patients_finding() && rule.statuses.iter().any(|s| s == m.status.as_str())
    };
    if !ok {
        return false;
    }
    let no_selector = rule.mechanisms.is_empty()
        && rule.entities.is_empty()
        && rule.morphologies.is_empty()
        && rule.organs.is_empty()
        && rule.sites.is_empty();
    let selected = no_selector
        || rule.mechanisms.contains(&m.mechanism)
        || rule.entities.contains(&m.entity)
        || m.morphology.iter().any(|x| rule.morphologies.contains(x))
        || rule.organs.contains(&m.organ)
        || rule.sites.contains(&m.site);
    selected
        && any_or_empty(&rule.processes, &m.process)
        && any_or_empty(&rule.location_classes, &m.location_class)
        && any_or_empty(&rule.distributions, &m.distribution)
        && !rule.not_mechanisms.contains(&m.mechanism)
        && !rule.not_entities.contains(&m.entity)
        && (rule.conditions.is_empty() || rule.conditions.iter().any(|c| r.has_condition(c)))
}

/// Does the suppressor stop this rule for this mention?
fn suppresses(s: &Suppressor, rule: &WorkupRule, m: &Mention, r: &ReportResult) -> bool {
    if !rule.suppressible || !any_or_empty(&s.rules, &rule.id) {
        return false;
    }
    if s.unless_conditions.iter().any(|c| r.has_condition(c)) {
        return false;
    }
    let sentence_ok = s.sentence_terms.is_empty() || {
        let norm = format!(
            " {} ",
            normalize_phrase(&m.sentence).replace(['.', ','], " ")
        );
        s.sentence_terms
            .iter()
            .any(|t| norm.contains(&format!(" {} ", normalize_phrase(t))))
    };
    any_or_empty(&s.entities, &m.entity)
        && any_or_empty(&s.mechanisms, &m.mechanism)
        && any_or_empty(&s.sources, &m.mechanism_source)
        && any_or_empty(&s.organs, &m.organ)
        && sentence_ok
}

/// Evaluate every rule on a coded report and fill its work-up fields.
pub fn flag(lex: &Lexicon, r: &mut ReportResult) {
    let mut reasons: Vec<WorkupReason> = Vec::new();
    // (rule, suppression): kept only for rules that end up not firing
    let mut suppressed: Vec<Suppression> = Vec::new();
    let mut urgent = false;
    for rule in &lex.workup_rules {
        if reasons.iter().any(|w| w.rule == rule.id) {
            continue; // another pattern of this rule already fired
        }
        let fired: Option<WorkupReason> = if let (Some(lab), Some(above)) = (&rule.lab, rule.above)
        {
            r.labs
                .iter()
                .find(|l| &l.name == lab && l.parsed && l.value.is_some_and(|v| v > above))
                .map(|l| WorkupReason {
                    rule: rule.id.clone(),
                    mention_id: None,
                    sentence_index: l.sentence_index,
                    sentence: l.sentence.clone(),
                })
        } else {
            let mut first = None;
            for m in r.mentions.iter().filter(|m| selects(rule, m, r)) {
                match lex.suppressors.iter().find(|s| suppresses(s, rule, m, r)) {
                    Some(s) => {
                        if !suppressed.iter().any(|x| {
                            x.rule == rule.id
                                && x.suppressor == s.id
                                && x.mention_id == m.mention_id
                        }) {
                            suppressed.push(Suppression {
                                suppressor: s.id.clone(),
                                rule: rule.id.clone(),
                                mention_id: m.mention_id,
                                sentence_index: m.sentence_index,
                            });
                        }
                    }
                    None => {
                        first = Some(WorkupReason {
                            rule: rule.id.clone(),
                            mention_id: Some(m.mention_id),
                            sentence_index: m.sentence_index,
                            sentence: m.sentence.trim().to_string(),
                        });
                        break;
                    }
                }
            }
            first
        };
        if let Some(reason) = fired {
            urgent |= rule.priority == "urgent";
            reasons.push(reason);
        }
    }
    // a suppressor beside a rule that fired anyway set nothing aside
    suppressed.retain(|x| !reasons.iter().any(|w| w.rule == x.rule));
    r.metabolic_workup = !reasons.is_empty();
    r.workup_priority = if !r.metabolic_workup {
        "none"
    } else if urgent {
        "urgent"
    } else {
        "routine"
    };
    r.workup_reasons = reasons;
    r.workup_suppressed_by = suppressed;
}
