//! Mechanisms from the report's context (docs/taxonomy.md §6): the `[[mechanism_rule]]`s decide
//! what a sentence left `indeterminate`, for the whole report or only at the places the context
//! names.

use crate::lexicon::{Key, Lexicon, MechanismRule};
use crate::matcher::leftmost_longest;
use crate::model::{Condition, Mention};
use crate::sentence::SentenceView;

/// Organs and sites named by each sentence (for rules scoped to "that site").
pub fn sentence_places(lex: &Lexicon, s: &SentenceView) -> Vec<String> {
    let mut out = Vec::new();
    for h in leftmost_longest(&s.hits, |k| matches!(k, Key::Anatomy(_))) {
        let Some(e) = lex.modifier(h.key) else {
            continue;
        };
        for v in [&e.organ, &e.site].into_iter().flatten() {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
    }
    out
}

/// Decide the mechanism of mentions the sentence left undecided from the report's context
/// (the `[[mechanism_rule]]`s, in order).
pub fn apply_mechanism_rules(
    rules: &[MechanismRule],
    conditions: &[Condition],
    places: &[Vec<String>],
    mentions: &mut [Mention],
) {
    for m in mentions.iter_mut() {
        // a denied calcification ("non-calcified nodule") has no mechanism to decide
        if m.mechanism != "indeterminate" || m.negated {
            continue;
        }
        for r in rules {
            let applies_here = (r.organs.is_empty()
                && r.sites.is_empty()
                && r.compartments.is_empty()
                && r.entities.is_empty())
                || r.organs.contains(&m.organ)
                || r.sites.contains(&m.site)
                || r.compartments.contains(&m.compartment)
                || r.entities.contains(&m.entity);
            if !applies_here {
                continue;
            }
            let found = conditions.iter().find(|c| {
                c.asserted()
                    && r.conditions.contains(&c.id)
                    // a cause on one side explains nothing on the other (docs/taxonomy.md §6)
                    && !(r.scope != "report" && opposite_sides(&c.laterality, &m.laterality))
                    && (r.scope == "report"
                        || c.sentence_index == m.sentence_index
                        || places.get(c.sentence_index as usize).is_some_and(|p| {
                            (m.organ != "unspecified" && p.contains(&m.organ))
                                || (m.site != "unspecified" && p.contains(&m.site))
                        }))
            });
            if let Some(c) = found {
                m.mechanism = r.mechanism.clone();
                m.mechanism_basis = c.text.clone();
                m.mechanism_source = c.id.clone();
                if m.entity == "none" {
                    if let Some(e) = r.entity_by_organ.get(&m.organ) {
                        m.entity = e.clone();
                    }
                }
                break;
            }
        }
    }
}

/// Both sides stated, and different: a right lumpectomy and a left breast calcification.
fn opposite_sides(a: &str, b: &str) -> bool {
    matches!((a, b), ("left", "right") | ("right", "left"))
}
