//! One finding, one mention (docs/taxonomy.md §2): a diagnosis that explains a finding in the
//! same sentence ("amorphous calcification in the supraspinatus tendon, consistent with calcific
//! tendinitis"; "pelvic calcifications likely represent phleboliths") codes that finding's
//! entity and mechanism; it is not a second mention. The words that join the two are
//! `explained_by` in `lexicons/targets.toml`.

use crate::model::Mention;
use crate::text::normalize_phrase;

/// The `explained_by` phrases as [`merge_explained`] takes them: normalized, a space on each
/// side, so a phrase is found only as whole words. Made once, when the engine is built.
pub fn joiners(phrases: &[String]) -> Vec<String> {
    phrases
        .iter()
        .map(|p| format!(" {} ", normalize_phrase(p)))
        .collect()
}

/// Merge each mention that names an entity into the finding before it that it explains
/// (`joiners` from [`joiners`]).
pub fn merge_explained(ms: Vec<Mention>, text: &str, joiners: &[String]) -> Vec<Mention> {
    if ms.len() < 2 || joiners.is_empty() {
        return ms;
    }
    let mut out: Vec<Mention> = Vec::with_capacity(ms.len());
    for b in ms {
        let explains = out.last().is_some_and(|a| explains(a, &b, text, joiners));
        match out.last_mut() {
            Some(a) if explains => absorb(a, b, text),
            _ => out.push(b),
        }
    }
    out
}

/// Does `b` name the entity of the finding `a` just before it, joined by an explaining phrase?
fn explains(a: &Mention, b: &Mention, text: &str, joiners: &[String]) -> bool {
    if a.entity != "none" || b.entity == "none" || b.start < a.end || a.status != b.status {
        return false;
    }
    let between = &text[a.end..b.start];
    if between.contains(';') || between.split_whitespace().count() > 12 {
        return false;
    }
    let norm = format!(" {} ", normalize_phrase(between));
    joiners.iter().any(|j| norm.contains(j.as_str()))
}

/// `a` takes `b`'s entity and what `a` itself left undecided; its span runs through `b`.
fn absorb(a: &mut Mention, b: Mention, text: &str) {
    a.entity = b.entity;
    if a.mechanism == "indeterminate" && b.mechanism != "indeterminate" {
        a.mechanism = b.mechanism;
        a.mechanism_basis = b.mechanism_basis;
        a.mechanism_source = b.mechanism_source;
    }
    if a.organ == "unspecified" || (a.organ_source != "text" && b.organ_source == "text") {
        // a site belongs to its organ
        a.organ = b.organ;
        a.organ_source = b.organ_source;
        a.site = b.site;
    }
    if a.location_class == "unspecified" {
        a.location_class = b.location_class;
        a.compartment = b.compartment;
    }
    for m in b.morphology {
        if !a.morphology.contains(&m) {
            a.morphology.push(m);
        }
    }
    a.end = b.end;
    a.text = text[a.start..a.end].to_string();
    a.value = a.value.or(b.value);
}
