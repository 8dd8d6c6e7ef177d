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
/// (`joiners` from [`joiners`]), and two mentions of one finding at one place into one
/// (`same_words`: the lexicon's `same_finding_words`).
pub fn merge_explained(
    ms: Vec<Mention>,
    text: &str,
    joiners: &[String],
    same_words: &[String],
) -> Vec<Mention> {
    if ms.len() < 2 {
        return ms;
    }
    let mut out: Vec<Mention> = Vec::with_capacity(ms.len());
    for b in ms {
        let Some(a) = out.last_mut() else {
            out.push(b);
            continue;
        };
        if b.start == a.start && b.end == a.end {
            // two mentions never share a span: the first one found stands
            continue;
        }
        if explains(a, &b, text, joiners) {
            absorb(a, b, text);
        } else if same_finding(a, &b, text, same_words) {
            if a.entity == "none" && b.entity != "none" {
                absorb(a, b, text);
            } else {
                // `a` names the finding (or restates it in parentheses): it keeps its codes,
                // and takes what `b` adds
                absorb_generic(a, b, text);
            }
        } else {
            out.push(b);
        }
    }
    out
}

/// Are `a` and `b` (just after it) one finding: at most one of them names an entity, they
/// are at the same place (or one names none), and only joining words, numbers, a comma or a
/// parenthesis stand between them?
fn same_finding(a: &Mention, b: &Mention, text: &str, words: &[String]) -> bool {
    // coordinated places ("calcifications of the thalami and dentate nuclei") overlap: each
    // is a finding of its own
    if words.is_empty() || b.start < a.end || a.status != b.status || a.process != b.process {
        return false;
    }
    let between = &text[a.end..b.start];
    let paren = between.trim() == "(";
    if a.entity != "none" && b.entity != "none" {
        return false;
    }
    if a.entity == "none" && b.entity == "none" && !paren {
        return false;
    }
    let same = |x: &str, y: &str| x == y || x == "unspecified" || y == "unspecified";
    if !(same(&a.organ, &b.organ) && same(&a.site, &b.site)) {
        return false;
    }
    if between.contains([';', '.']) || between.split_whitespace().count() > 6 {
        return false;
    }
    between
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == '-')
        .filter(|w| !w.is_empty())
        .all(|w| {
            let w = w.to_lowercase();
            w.chars().all(|c| c.is_ascii_digit() || c == '.') || words.contains(&w)
        })
}

/// `a` (the named finding, just before `generic` in the text) takes what the generic word
/// adds: its morphology and a place `a` left unspecified; its span runs over both.
fn absorb_generic(a: &mut Mention, generic: Mention, text: &str) {
    if a.organ == "unspecified" && generic.organ != "unspecified" {
        a.organ = generic.organ;
        a.organ_source = generic.organ_source;
        a.site = generic.site;
    } else if a.site == "unspecified" && generic.site != "unspecified" {
        a.site = generic.site;
    }
    if a.location_class == "unspecified" {
        a.location_class = generic.location_class;
        a.compartment = generic.compartment;
    }
    if a.laterality == "none" {
        a.laterality = generic.laterality;
    }
    add_morphology(a, generic.morphology);
    a.start = a.start.min(generic.start);
    a.end = a.end.max(generic.end);
    a.text = text[a.start..a.end].to_string();
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
    add_morphology(a, b.morphology);
    a.end = b.end;
    a.text = text[a.start..a.end].to_string();
    a.value = a.value.or(b.value);
}

/// The morphology of the other mention of a finding, each code once.
fn add_morphology(a: &mut Mention, more: Vec<String>) {
    for m in more {
        if !a.morphology.contains(&m) {
            a.morphology.push(m);
        }
    }
}
