//! Validation of the effective lexicon: every mistake found, each with its file and line, so a
//! user fixes a lexicon in one round. Checks that span families (the same phrase in two
//! concepts, references from rules to conditions and labs) and the closed vocabularies live
//! here, beside the loader, so that no stage has to be called back while the lexicon loads.

use std::collections::HashMap;

use regex::Regex;

use super::entries::*;
use super::vocab::*;
use super::Lexicon;
use crate::error::Error;
use crate::text::normalize_phrase;

impl Lexicon {
    /// Checks that span families: empty terms, phrases that normalize to nothing, the same
    /// phrase given to two different concepts of one family.
    pub(super) fn validate(&self, errors: &mut Vec<Error>) {
        fn check<'a>(
            family: &str,
            entries: impl Iterator<Item = (&'a str, &'a [String], &'a Origin)>,
            errors: &mut Vec<Error>,
        ) {
            let mut seen: HashMap<String, (&'a str, &'a Origin)> = HashMap::new();
            for (id, terms, origin) in entries {
                if id.trim().is_empty() {
                    errors.push(Error::lexicon(
                        &origin.file,
                        origin.line,
                        format!("{family}: empty id"),
                    ));
                }
                if terms.is_empty() {
                    errors.push(Error::lexicon(
                        &origin.file,
                        origin.line,
                        format!("{family} `{id}`: no terms"),
                    ));
                }
                for t in terms {
                    let n = normalize_phrase(t);
                    if n.is_empty() {
                        errors.push(Error::lexicon(
                            &origin.file,
                            origin.line,
                            format!("{family} `{id}`: empty term"),
                        ));
                        continue;
                    }
                    if let Some((other, o)) = seen.get(&n) {
                        if *other != id {
                            errors.push(Error::lexicon(
                                &origin.file,
                                origin.line,
                                format!(
                                    "{family} `{id}`: term `{t}` is already in `{other}` ({}:{})",
                                    o.file, o.line
                                ),
                            ));
                        }
                    } else {
                        seen.insert(n, (id, origin));
                    }
                }
            }
        }
        check(
            "target",
            self.targets
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        check(
            "exclude",
            self.excludes
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        check(
            "section",
            self.sections
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        for e in &self.sections {
            if (e.organ.is_some() || e.location_class.is_some()) && !e.organ_header {
                errors.push(Error::lexicon(
                    &e.origin.file,
                    e.origin.line,
                    format!(
                        "section `{}`: `organ` and `location_class` apply only to an organ_header",
                        e.id
                    ),
                ));
            }
            if let Some(v) = &e.location_class {
                check_code(
                    errors,
                    &e.origin,
                    "section",
                    &e.id,
                    "location_class",
                    v,
                    LOCATION_CLASSES,
                );
            }
        }
        check(
            "exam",
            self.exams
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        for e in &self.exams {
            let fields: [(&str, &Option<String>, &[&str]); 3] = [
                ("modality", &e.modality, EXAM_MODALITIES),
                ("laterality", &e.laterality, LATERALITIES),
                ("location_class", &e.location_class, LOCATION_CLASSES),
            ];
            for (name, v, vocab) in fields {
                if let Some(v) = v {
                    check_code(errors, &e.origin, "exam", &e.id, name, v, vocab);
                }
            }
        }
        check(
            "recommendation",
            self.recommendations
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        for e in &self.recommendations {
            let mut wrong = |msg: String| {
                errors.push(Error::lexicon(
                    &e.origin.file,
                    e.origin.line,
                    format!("recommendation `{}`: {msg}", e.id),
                ))
            };
            let action = e.role == RecommendationRole::Action;
            match (&e.kind, action) {
                (None, true) => wrong(format!(
                    "an action needs a `type` (one of {})",
                    RECOMMENDATION_TYPES.join(", ")
                )),
                (Some(k), true) if !RECOMMENDATION_TYPES.contains(&k.as_str()) => wrong(format!(
                    "unknown type `{k}` (expected one of {})",
                    RECOMMENDATION_TYPES.join(", ")
                )),
                (Some(_), false) => wrong("`type` applies only to role = \"action\"".into()),
                _ => {}
            }
            if (e.standalone || e.weak) && !action {
                wrong("`standalone` and `weak` apply only to role = \"action\"".into());
            }
            if e.at_start && e.role != RecommendationRole::Cue {
                wrong("`at_start` applies only to role = \"cue\"".into());
            }
            if (e.direction.is_some() || e.max_scope.is_some())
                && e.role != RecommendationRole::Negation
            {
                wrong("`direction` and `max_scope` apply only to role = \"negation\"".into());
            }
        }
        for t in &self.triggers {
            if t.terms.iter().all(|x| normalize_phrase(x).is_empty()) {
                errors.push(Error::lexicon(
                    &t.origin.file,
                    t.origin.line,
                    format!("trigger ({}): no terms", t.category.as_str()),
                ));
            }
            if !t.ends.is_empty() && t.category != Category::Terminate {
                errors.push(Error::lexicon(
                    &t.origin.file,
                    t.origin.line,
                    "trigger: `ends` applies only to category = \"terminate\"",
                ));
            }
            for s in &t.sections {
                if !self.sections.iter().any(|e| &e.id == s) && s != "body" {
                    errors.push(Error::lexicon(
                        &t.origin.file,
                        t.origin.line,
                        format!("trigger: unknown section `{s}`"),
                    ));
                }
            }
        }
        for (family, list) in [
            ("anatomy", &self.anatomy),
            ("descriptor", &self.descriptors),
            ("cause", &self.causes),
        ] {
            check(
                family,
                list.iter()
                    .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
                errors,
            );
            for e in list {
                validate_modifier(family, e, errors);
            }
        }
        check(
            "condition",
            self.conditions
                .iter()
                .map(|e| (e.id.as_str(), e.terms.as_slice(), &e.origin)),
            errors,
        );
        validate_labs(&self.labs, errors);
        for l in &self.labs {
            if let Some(c) = &l.above_is {
                if !self.conditions.iter().any(|x| x.id == c.condition) {
                    errors.push(Error::lexicon(
                        &l.origin.file,
                        l.origin.line,
                        format!(
                            "lab `{}`: `above_is`: unknown condition `{}`",
                            l.id, c.condition
                        ),
                    ));
                }
            }
        }
        validate_rules(self, errors);
        for t in &self.targets {
            validate_target(t, errors);
        }
    }
}

/// Report a code outside its closed vocabulary, with the entry's file and line.
fn check_code(
    errors: &mut Vec<Error>,
    origin: &Origin,
    family: &str,
    id: &str,
    field: &str,
    v: &str,
    vocab: &[&str],
) {
    if !vocab.contains(&v) {
        errors.push(Error::lexicon(
            &origin.file,
            origin.line,
            format!(
                "{family} `{id}`: unknown {field} `{v}` (expected one of {})",
                vocab.join(", ")
            ),
        ));
    }
}

/// Check the codes a target term implies against the closed vocabularies.
fn validate_target(t: &TargetEntry, errors: &mut Vec<Error>) {
    let fields: [(&str, &Option<String>, &[&str]); 3] = [
        ("mechanism", &t.mechanism, MECHANISMS),
        ("location_class", &t.location_class, LOCATION_CLASSES),
        ("compartment", &t.compartment, COMPARTMENTS),
    ];
    for (name, v, vocab) in fields {
        if let Some(v) = v {
            check_code(errors, &t.origin, "target", &t.id, name, v, vocab);
        }
    }
    for m in &t.morphology {
        check_code(
            errors,
            &t.origin,
            "target",
            &t.id,
            "morphology",
            m,
            MORPHOLOGIES,
        );
    }
}

/// Check a modifier entry's codes against the closed vocabularies.
fn validate_modifier(family: &str, e: &ModifierEntry, errors: &mut Vec<Error>) {
    let mut bad = |field: &str, v: &str, vocab: &[&str]| {
        check_code(errors, &e.origin, family, &e.id, field, v, vocab)
    };
    let fields: [(&str, &Option<String>, &[&str]); 5] = [
        ("location_class", &e.location_class, LOCATION_CLASSES),
        ("compartment", &e.compartment, COMPARTMENTS),
        ("laterality", &e.laterality, LATERALITIES),
        ("distribution", &e.distribution, DISTRIBUTIONS),
        ("predominance", &e.predominance, PREDOMINANCES),
    ];
    for (name, v, vocab) in fields {
        if let Some(v) = v {
            bad(name, v, vocab);
        }
    }
    if let Some(v) = &e.mechanism {
        bad("mechanism", v, MECHANISMS);
    }
    for m in &e.morphology {
        bad("morphology", m, MORPHOLOGIES);
    }
    if e.weight.is_some_and(|w| w > 2) {
        errors.push(Error::lexicon(
            &e.origin.file,
            e.origin.line,
            format!("{family} `{}`: weight must be 0, 1 or 2", e.id),
        ));
    }
}

/// Check a mechanism rule: its mechanism and scope.
fn validate_mechanism_rule(r: &MechanismRule, errors: &mut Vec<Error>) {
    if !MECHANISMS.contains(&r.mechanism.as_str()) {
        errors.push(Error::lexicon(
            &r.origin.file,
            r.origin.line,
            format!(
                "mechanism_rule `{}`: unknown mechanism `{}`",
                r.id, r.mechanism
            ),
        ));
    }
    if !MECHANISM_RULE_SCOPES.contains(&r.scope.as_str()) {
        errors.push(Error::lexicon(
            &r.origin.file,
            r.origin.line,
            format!(
                "mechanism_rule `{}`: scope must be `report` or `site`, not `{}`",
                r.id, r.scope
            ),
        ));
    }
    for c in &r.compartments {
        if !COMPARTMENTS.contains(&c.as_str()) {
            errors.push(Error::lexicon(
                &r.origin.file,
                r.origin.line,
                format!("mechanism_rule `{}`: unknown compartment `{c}`", r.id),
            ));
        }
    }
}

/// Check rules and suppressors: priorities, vocabularies, and references to conditions and labs.
fn validate_rules(lex: &Lexicon, errors: &mut Vec<Error>) {
    for r in &lex.mechanism_rules {
        validate_mechanism_rule(r, errors);
        for c in &r.conditions {
            if !lex.conditions.iter().any(|x| &x.id == c) {
                errors.push(Error::lexicon(
                    &r.origin.file,
                    r.origin.line,
                    format!("mechanism_rule `{}`: unknown condition `{c}`", r.id),
                ));
            }
        }
    }
    for r in &lex.workup_rules {
        let mut err = |m: String| {
            errors.push(Error::lexicon(
                &r.origin.file,
                r.origin.line,
                format!("workup_rule `{}`: {m}", r.id),
            ))
        };
        if !PRIORITIES.contains(&r.priority.as_str()) {
            err(format!(
                "priority must be `urgent` or `routine`, not `{}`",
                r.priority
            ));
        }
        if r.lab.is_some() != r.above.is_some() {
            err("`lab` and `above` go together".into());
        }
        if let Some(l) = &r.lab {
            if !lex.labs.iter().any(|x| &x.id == l) {
                err(format!("unknown lab `{l}`"));
            }
        }
        for m in r.mechanisms.iter().chain(&r.not_mechanisms) {
            if !MECHANISMS.contains(&m.as_str()) {
                err(format!("unknown mechanism `{m}`"));
            }
        }
        for m in &r.morphologies {
            if !MORPHOLOGIES.contains(&m.as_str()) {
                err(format!("unknown morphology `{m}`"));
            }
        }
        for m in &r.location_classes {
            if !LOCATION_CLASSES.contains(&m.as_str()) {
                err(format!("unknown location_class `{m}`"));
            }
        }
        for s in &r.statuses {
            if !STATUSES.contains(&s.as_str()) {
                err(format!("unknown status `{s}`"));
            }
        }
        for c in &r.conditions {
            if !lex.conditions.iter().any(|x| &x.id == c) {
                err(format!("unknown condition `{c}`"));
            }
        }
    }
    for s in &lex.suppressors {
        let mut err = |m: String| {
            errors.push(Error::lexicon(
                &s.origin.file,
                s.origin.line,
                format!("suppressor `{}`: {m}", s.id),
            ))
        };
        if s.entities.is_empty()
            && s.mechanisms.is_empty()
            && s.sources.is_empty()
            && s.organs.is_empty()
        {
            err("needs at least one of entities, mechanisms, sources, organs".into());
        }
        for m in &s.mechanisms {
            if !MECHANISMS.contains(&m.as_str()) {
                err(format!("unknown mechanism `{m}`"));
            }
        }
        for r in &s.rules {
            if !lex.workup_rules.iter().any(|x| &x.id == r) {
                err(format!("unknown rule `{r}`"));
            }
        }
        for c in &s.unless_conditions {
            if !lex.conditions.iter().any(|x| &x.id == c) {
                err(format!("unknown condition `{c}`"));
            }
        }
    }
}

/// Check lab entries: patterns compile, factors are positive, ranges are ranges.
fn validate_labs(labs: &[LabEntry], errors: &mut Vec<Error>) {
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
        for r in &l.unitless {
            let un = crate::text::squash_unit(&r.unit);
            let known = crate::text::squash_unit(&l.unit) == un
                || l.units.iter().any(|u| {
                    u.spellings
                        .iter()
                        .any(|s| crate::text::squash_unit(s) == un)
                });
            if !known {
                errors.push(err(format!(
                    "lab `{}`: unitless range in `{}`, which is not one of its units",
                    l.id, r.unit
                )));
            }
            if r.min.is_nan() || r.max.is_nan() || r.min >= r.max {
                errors.push(err(format!(
                    "lab `{}`: unitless range in `{}`: min must be below max",
                    l.id, r.unit
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
