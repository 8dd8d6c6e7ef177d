//! Labels in words for a clinician who has never seen the taxonomy: how a mention is shown
//! (its status, or "does not count"), trigger categories, code columns, audit outcomes, the
//! badges of a report, its findings in words, and the legend of the review panels.

use std::fmt::Write as _;

use calcmine_core::audit::Outcome;
use calcmine_core::model::{Mention, ReportResult, Status};

use super::{esc, words};

/// How a mention is shown: its status, or "does not count" for a present mention that the
/// report does not count (in the indication, or about a family member).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shown {
    Present,
    NotCounted,
    Possible,
    Absent,
    Hypothetical,
}

impl Shown {
    pub const ALL: [Shown; 5] = [
        Shown::Present,
        Shown::NotCounted,
        Shown::Possible,
        Shown::Absent,
        Shown::Hypothetical,
    ];

    pub fn of(m: &Mention) -> Shown {
        match m.status {
            Status::Present if m.counts => Shown::Present,
            Status::Present => Shown::NotCounted,
            Status::Possible => Shown::Possible,
            Status::Absent => Shown::Absent,
            Status::Hypothetical => Shown::Hypothetical,
        }
    }

    /// The CSS class (`st-…`) of its colour; charts use `s-…`.
    pub fn key(self) -> &'static str {
        match self {
            Shown::Present => "present",
            Shown::NotCounted => "notcounted",
            Shown::Possible => "possible",
            Shown::Absent => "absent",
            Shown::Hypothetical => "hypothetical",
        }
    }

    /// Short label, for badges and chart legends.
    pub fn label(self) -> &'static str {
        match self {
            Shown::Present => "present",
            Shown::NotCounted => "does not count",
            Shown::Possible => "possible (uncertain)",
            Shown::Absent => "negated (absent)",
            Shown::Hypothetical => "hypothetical",
        }
    }

    /// What it means, for the legend.
    pub fn meaning(self) -> &'static str {
        match self {
            Shown::Present => "the report says it is there: counts for the report",
            Shown::NotCounted => {
                "said to be there, but in the indication (reason for the exam) or about a \
                 family member: does not count"
            }
            Shown::Possible => "the report is unsure (\"possible\", \"cannot exclude\")",
            Shown::Absent => "the report says it is not there (\"no\", \"without\")",
            Shown::Hypothetical => "only considered (\"if\", \"to rule out\", \"screening for\")",
        }
    }
}

/// A trigger category in words.
pub fn trigger_words(category: &str) -> &str {
    match category {
        "negated" => "negation",
        "uncertain" => "uncertainty",
        "historical" => "history (in the past)",
        "hypothetical" => "hypothetical",
        "experiencer" => "someone else",
        "lexicon" => "the term itself",
        other => other,
    }
}

/// A code column in words.
pub fn code_name(column: &str) -> &str {
    match column {
        "process" => "process",
        "location_class" => "location",
        "compartment" => "soft-tissue compartment",
        "organ" => "organ",
        "site" => "site",
        "laterality" => "side",
        "morphology" => "appearance",
        "distribution" => "distribution",
        "predominance" => "predominance",
        "entity" => "named condition",
        "mechanism" => "mechanism (kind of cause)",
        other => other,
    }
}

/// An audit outcome in words.
pub fn outcome_words(o: Outcome) -> &'static str {
    match o {
        Outcome::WorkupRecommended => "flagged, metabolic labs recommended",
        Outcome::WorkupNotRecommended => "flagged, no labs recommended (gap)",
        Outcome::NotIndicated => "not flagged",
        Outcome::Error => "could not be read",
    }
}

/// A badge for a report's work-up flag.
pub fn flag_badge(r: &ReportResult) -> String {
    if r.error.is_some() {
        "<span class=\"badge b-none\">could not be read</span>".into()
    } else if r.metabolic_workup {
        let p = if r.workup_priority.is_empty() {
            "routine"
        } else {
            r.workup_priority
        };
        format!(
            "<span class=\"badge b-{}\">work-up: {}</span>",
            if p == "urgent" { "urgent" } else { "routine" },
            esc(p)
        )
    } else {
        "<span class=\"badge b-none\">not flagged</span>".into()
    }
}

/// A badge for an audit outcome (flagged reports only).
pub fn outcome_badge(o: Outcome) -> String {
    match o {
        Outcome::WorkupNotRecommended => format!(
            "<span class=\"badge b-gap\" data-outcome=\"{}\">no labs recommended (gap)</span>",
            o.as_str()
        ),
        Outcome::WorkupRecommended => format!(
            "<span class=\"badge b-ok\" data-outcome=\"{}\">labs recommended</span>",
            o.as_str()
        ),
        _ => String::new(),
    }
}

/// The legend of the review panels: how mentions, trigger words, linked words and
/// recommendation phrases are marked.
pub fn legend(no_text: bool) -> String {
    let mut s = String::from("<div class=\"legend\"><strong>Legend</strong>");
    for k in Shown::ALL {
        let _ = write!(
            s,
            "<span><span class=\"sw st-{}\">{}</span> {}</span>",
            k.key(),
            k.label(),
            esc(k.meaning())
        );
    }
    if !no_text {
        s.push_str(
            "<span><span class=\"rtext\" style=\"padding:0;border:0;background:none\"><span class=\"t\">trigger word</span></span> \
             the word that decided the status</span>\
             <span><span class=\"rtext\" style=\"padding:0;border:0;background:none\"><span class=\"w\">linked word</span></span> \
             anatomy, appearance or cause word linked to a mention</span>\
             <span><span class=\"rtext\" style=\"padding:0;border:0;background:none\"><span class=\"r\">recommendation</span></span> \
             a recommendation phrase</span>",
        );
        s.push_str(
            "<span>Hover a marked word for its codes; the numbers lead to the mention's card.</span>",
        );
    } else {
        s.push_str("<span>Report text left out (<code>--no-text</code>): codes only.</span>");
    }
    s.push_str("</div>");
    s
}

/// The findings of a report that count, in words and without repeats: the organ, and the
/// mechanism when one is known (`lung (dystrophic)`, `aorta`).
pub fn findings(r: &ReportResult) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for m in r.mentions.iter().filter(|m| m.counts) {
        let organ = if m.organ == "unspecified" {
            "organ not stated".to_string()
        } else {
            words(&m.organ)
        };
        let f = if m.mechanism == "indeterminate" {
            organ
        } else {
            format!("{organ} ({})", words(&m.mechanism))
        };
        if !v.contains(&f) {
            v.push(f);
        }
    }
    v
}
