//! `explain`: how calcmine read one report, for a person debugging a lexicon.
//!
//! The report text is printed with every mention, every trigger word that decided a mention's
//! status, and every recommendation phrase marked: in colour for a terminal, with plain markers
//! otherwise (`[[mention]]`, `<<trigger>>`, `{{recommendation}}`), so the output also reads in a
//! pipe, a file or a bug report. Under the text, one block per mention gives its status, the
//! lexicon entry that matched (file:line), its codes, the trigger words, its mechanism basis and
//! the work-up rules its sentence fired; then the recommendations and the report's work-up flag.

use std::fmt::Write as _;

use calcmine_core::sanitize::terminal_safe as safe;

use calcmine_core::lexicon::{Lexicon, ModifierEntry};
use calcmine_core::model::{
    LinkedWord, Mention, Report, ReportResult, Status, TriggerHit, WordFamily,
};

/// ANSI styles; none of them changes the text, so the plain text is recoverable.
mod ansi {
    pub const RESET: &str = "\x1b[0m";
    pub const PRESENT: &str = "\x1b[1;31m";
    pub const ABSENT: &str = "\x1b[32m";
    pub const POSSIBLE: &str = "\x1b[1;33m";
    pub const HYPOTHETICAL: &str = "\x1b[36m";
    pub const TRIGGER: &str = "\x1b[4;35m";
    pub const RECOMMENDATION: &str = "\x1b[1;34m";
    pub const DIM: &str = "\x1b[2m";
    pub const BOLD: &str = "\x1b[1m";
}

/// What a span of the report text is: indices into the result (shared by the terminal
/// explanation and the HTML review, `crate::html`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// `r.mentions[i]`.
    Mention(usize),
    /// `r.mentions[i].triggers[t]`: a word that decided the mention's status.
    Trigger(usize, usize),
    /// `r.mentions[i].links[w]`: an anatomy, descriptor or cause word linked to the mention.
    Linked(usize, usize),
    /// `r.recommendations[i]`.
    Recommendation(usize),
}

/// The spans of the report text to mark, in text order: every mention, every trigger word that
/// decided a status (not the `lexicon` pseudo-trigger: the term itself), with `linked` every
/// word linked to a mention, and every recommendation phrase. A span that overlaps an earlier
/// one, or does not fall on character boundaries of `text`, is left out (it is still listed
/// under the text); of spans with the same range, the first (mention, trigger, linked word,
/// recommendation) is kept.
pub fn marks(text: &str, r: &ReportResult, linked: bool) -> Vec<(usize, usize, Mark)> {
    let mut spans: Vec<(usize, usize, Mark)> = Vec::new();
    for (i, m) in r.mentions.iter().enumerate() {
        spans.push((m.start, m.end, Mark::Mention(i)));
        for (t, hit) in m.triggers.iter().enumerate() {
            if hit.category != "lexicon" {
                spans.push((hit.start, hit.end, Mark::Trigger(i, t)));
            }
        }
    }
    if linked {
        for (i, m) in r.mentions.iter().enumerate() {
            for (w, l) in m.links.iter().enumerate() {
                spans.push((l.start, l.end, Mark::Linked(i, w)));
            }
        }
    }
    for (i, x) in r.recommendations.iter().enumerate() {
        spans.push((x.start, x.end, Mark::Recommendation(i)));
    }
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    spans.dedup_by_key(|s| (s.0, s.1));
    let mut out = Vec::with_capacity(spans.len());
    let mut at = 0;
    for (s, e, mark) in spans {
        if s < at
            || e <= s
            || e > text.len()
            || !text.is_char_boundary(s)
            || !text.is_char_boundary(e)
        {
            continue;
        }
        out.push((s, e, mark));
        at = e;
    }
    out
}

fn open(mark: Mark, r: &ReportResult, color: bool) -> &'static str {
    match (mark, color) {
        (Mark::Mention(i), true) => match r.mentions[i].status {
            Status::Present => ansi::PRESENT,
            Status::Absent => ansi::ABSENT,
            Status::Possible => ansi::POSSIBLE,
            Status::Hypothetical => ansi::HYPOTHETICAL,
        },
        (Mark::Trigger(..), true) => ansi::TRIGGER,
        (Mark::Recommendation(_), true) => ansi::RECOMMENDATION,
        (Mark::Mention(_), false) => "[[",
        (Mark::Trigger(..), false) => "<<",
        (Mark::Recommendation(_), false) => "{{",
        (Mark::Linked(..), _) => "",
    }
}

fn close(mark: Mark, color: bool) -> &'static str {
    match (mark, color) {
        (Mark::Linked(..), _) => "",
        (_, true) => ansi::RESET,
        (Mark::Mention(_), false) => "]]",
        (Mark::Trigger(..), false) => ">>",
        (Mark::Recommendation(_), false) => "}}",
    }
}

fn status_style(status: Status) -> &'static str {
    match status {
        Status::Present => ansi::PRESENT,
        Status::Absent => ansi::ABSENT,
        Status::Possible => ansi::POSSIBLE,
        Status::Hypothetical => ansi::HYPOTHETICAL,
    }
}

fn paint(s: &str, style: &str, color: bool) -> String {
    if color {
        format!("{style}{s}{}", ansi::RESET)
    } else {
        s.to_string()
    }
}

/// The report text with marks around mentions, triggers and recommendation phrases. Spans that
/// overlap an earlier one are left unmarked (they are still listed below the text).
pub fn highlight(text: &str, r: &ReportResult, color: bool) -> String {
    let spans = marks(text, r, false);
    let mut out = String::with_capacity(text.len() + spans.len() * 8);
    let mut at = 0;
    for (s, e, mark) in spans {
        // the report's own characters shown escaped, never acted on (`calcmine_core::sanitize`)
        out.push_str(&safe(&text[at..s]));
        out.push_str(open(mark, r, color));
        out.push_str(&safe(&text[s..e]));
        out.push_str(close(mark, color));
        at = e;
    }
    out.push_str(&safe(&text[at..]));
    out
}

/// Why a present mention does not count for its report (`None` when it counts, or when it is
/// not present: its status says why). A mention counts when
/// [`calcmine_core::model::Mention::counts`]: present, about the patient, and not
/// in the indication.
pub fn not_counted(m: &Mention) -> Option<&'static str> {
    if m.status != Status::Present || m.counts {
        None
    } else if m.experiencer != "patient" {
        Some("about someone else (family history)")
    } else {
        Some("in the indication (the reason for the exam), not a finding")
    }
}

/// What decided one mention's status and codes: what the terminal explanation and the HTML
/// review both show.
pub struct Facts<'a> {
    /// The lexicon entry that matched, `file:line`.
    pub origin: Option<String>,
    /// The trigger words that decided the status (none: present by default). The `lexicon`
    /// category is the term itself (`noncalcified`).
    pub decided_by: &'a [TriggerHit],
    /// The codes, `(column, value)`, those that say nothing (`none`, an empty list) left out
    /// except the location's.
    pub codes: Vec<(&'static str, String)>,
    /// The words linked to the mention with their lexicon entries.
    pub links: Vec<(&'a LinkedWord, &'a ModifierEntry)>,
    /// The work-up rules the mention's sentence fired.
    pub rules: Vec<&'a str>,
}

/// The lexicon entry of a linked word.
pub fn linked_entry<'a>(lex: &'a Lexicon, w: &LinkedWord) -> Option<&'a ModifierEntry> {
    let list = match w.family {
        WordFamily::Anatomy => &lex.anatomy,
        WordFamily::Descriptor => &lex.descriptors,
        WordFamily::Cause => &lex.causes,
    };
    list.get(w.entry as usize)
}

/// The facts of mention `m` of result `r`.
pub fn facts<'a>(m: &'a Mention, r: &'a ReportResult, lex: &'a Lexicon) -> Facts<'a> {
    let origin = lex
        .targets
        .iter()
        .find(|t| t.id == m.term)
        .map(|t| format!("{}:{}", t.origin.file, t.origin.line));
    let mut codes: Vec<(&'static str, String)> = vec![
        ("process", m.process.clone()),
        ("location_class", m.location_class.clone()),
        ("organ", m.organ.clone()),
        ("site", m.site.clone()),
        ("laterality", m.laterality.clone()),
    ];
    if m.compartment != "none" {
        codes.push(("compartment", m.compartment.clone()));
    }
    if !m.morphology.is_empty() {
        codes.push(("morphology", m.morphology.join("|")));
    }
    codes.push(("distribution", m.distribution.clone()));
    if m.predominance != "none" {
        codes.push(("predominance", m.predominance.clone()));
    }
    codes.push(("entity", m.entity.clone()));
    codes.push(("mechanism", m.mechanism.clone()));
    let rules = r
        .workup_reasons
        .iter()
        .filter(|w| w.sentence.trim() == m.sentence.trim())
        .map(|w| w.rule.as_str())
        .collect();
    let links = m
        .links
        .iter()
        .filter_map(|w| linked_entry(lex, w).map(|e| (w, e)))
        .collect();
    Facts {
        origin,
        decided_by: &m.triggers,
        codes,
        links,
        rules,
    }
}

/// The words linked to a mention: each with its family, its lexicon entry and the words as
/// written; with `no_text` only how many of each family (an entry id is often the very word
/// of the report: `centrilobular`).
pub fn linked_words(f: &Facts, text: &str, no_text: bool) -> String {
    if no_text {
        let mut n: Vec<(&str, usize)> = Vec::new();
        for (w, _) in &f.links {
            let name = family_name(w.family);
            match n.iter_mut().find(|(k, _)| *k == name) {
                Some((_, c)) => *c += 1,
                None => n.push((name, 1)),
            }
        }
        return n
            .iter()
            .map(|(k, c)| format!("{c} {k}"))
            .collect::<Vec<_>>()
            .join(", ");
    }
    f.links
        .iter()
        .map(|(w, e)| {
            let said = text.get(w.start..w.end).unwrap_or("");
            format!("{} \"{said}\" ({})", family_name(w.family), e.id)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The name of a word family as the lexicon files say it.
pub fn family_name(f: WordFamily) -> &'static str {
    match f {
        WordFamily::Anatomy => "anatomy",
        WordFamily::Descriptor => "morphology",
        WordFamily::Cause => "cause",
    }
}

/// Everything `explain` prints for one report.
pub fn explain(report: &Report, r: &ReportResult, lex: &Lexicon, color: bool) -> String {
    explain_with(report, r, lex, color, false)
}

/// [`explain`], or with `no_text` (`--no-text`) without any report text: no report body, no
/// matched words, trigger words, basis or sentences — the codes, lexicon ids and their file and
/// line, trigger categories, rule ids and positions (section, sentence index) remain.
pub fn explain_with(
    report: &Report,
    r: &ReportResult,
    lex: &Lexicon,
    color: bool,
    no_text: bool,
) -> String {
    // report text, or nothing with --no-text
    let quote = |t: &str| {
        if no_text {
            String::new()
        } else {
            format!(" \"{}\"", safe(t))
        }
    };
    let mut s = String::new();
    let title = format!(
        "── report {} ({}:{}) ──",
        safe(&r.report_id),
        safe(if r.source.is_empty() { "-" } else { &r.source }),
        r.line
    );
    let _ = writeln!(s, "{}", paint(&title, ansi::BOLD, color));
    if let Some(e) = &r.error {
        let _ = writeln!(s, "error: {}", safe(e));
        return s;
    }
    if no_text {
        let _ = writeln!(s, "(report text left out: --no-text)");
    } else {
        let body = highlight(&report.text, r, color);
        let _ = writeln!(s, "{}", body.trim_end());
    }
    let _ = writeln!(s);
    if r.mentions.is_empty() {
        let _ = writeln!(s, "no mentions");
    }
    for m in &r.mentions {
        let f = facts(m, r, lex);
        let origin = f
            .origin
            .as_ref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default();
        let status = paint(m.status.as_str(), status_style(m.status), color);
        let _ = writeln!(
            s,
            "[{}]{} {status} — term {}{origin}; {} sentence {}",
            m.mention_id,
            quote(&m.text),
            safe(&m.term),
            safe(&m.section),
            m.sentence_index
        );
        let decided: Vec<String> = f
            .decided_by
            .iter()
            .map(|t| format!("{}{}", t.category, quote(&t.text)))
            .collect();
        let _ = writeln!(
            s,
            "    decided by: {}",
            if decided.is_empty() {
                "no trigger in scope (present by default)".to_string()
            } else {
                decided.join(", ")
            }
        );
        if m.experiencer != "patient" || m.historical {
            let _ = writeln!(
                s,
                "    experiencer {}, historical {}",
                m.experiencer, m.historical
            );
        }
        if let Some(why) = not_counted(m) {
            let _ = writeln!(s, "    does not count for the report: {why}");
        }
        let mut codes = String::from("    codes:");
        for (name, value) in f.codes.iter().filter(|(n, _)| *n != "mechanism") {
            let _ = write!(codes, " {name}={value}");
        }
        let _ = writeln!(s, "{codes}");
        let _ = writeln!(
            s,
            "    mechanism: {}{}",
            m.mechanism,
            if m.mechanism_basis.is_empty() {
                String::new()
            } else if no_text {
                " (basis in the report text)".to_string()
            } else {
                format!(" (basis: {})", safe(&m.mechanism_basis))
            }
        );
        if !f.links.is_empty() {
            let _ = writeln!(
                s,
                "    linked words: {}",
                safe(&linked_words(&f, &report.text, no_text))
            );
        }
        if !f.rules.is_empty() {
            let _ = writeln!(
                s,
                "    work-up rules of its sentence: {}",
                f.rules.join(", ")
            );
        }
    }
    if !r.recommendations.is_empty() {
        let _ = writeln!(s, "recommendations:");
        for x in &r.recommendations {
            let interval = match (x.interval_days, x.interval_max_days) {
                (Some(a), Some(b)) if b > a => format!(" in {a}–{b} days"),
                (Some(a), _) => format!(" in {a} days"),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "  {}{interval} —{}; {} sentence {}",
                paint(&x.kind, ansi::RECOMMENDATION, color),
                quote(&x.text),
                safe(&x.section),
                x.sentence_index
            );
        }
    } else {
        let _ = writeln!(s, "recommendations: none");
    }
    // the clinical context the work-up rules read (docs/taxonomy.md §7), as the reports table has it
    for field in [
        crate::output::schema::ReportField::Labs,
        crate::output::schema::ReportField::Conditions,
    ] {
        if let crate::output::schema::Val::List(v) = field.value(r) {
            if !v.is_empty() {
                let _ = writeln!(s, "{}: {}", field.name(), safe(&v.join(", ")));
            }
        }
    }
    let _ = write!(
        s,
        "metabolic work-up: {} (priority {})",
        r.metabolic_workup,
        if r.workup_priority.is_empty() {
            "none"
        } else {
            r.workup_priority
        }
    );
    if r.metabolic_workup {
        let _ = write!(
            s,
            ", audit outcome {}",
            calcmine_core::audit::outcome(r).as_str()
        );
    }
    let _ = writeln!(s);
    for w in &r.workup_reasons {
        if no_text {
            let _ = writeln!(s, "  rule {}", w.rule);
        } else {
            let _ = writeln!(
                s,
                "  rule {}: {}",
                w.rule,
                paint(&safe(w.sentence.trim()), ansi::DIM, color)
            );
        }
    }
    for x in &r.workup_suppressed_by {
        let _ = writeln!(
            s,
            "  set aside: rule {} for mention {} by suppressor {}",
            x.rule, x.mention_id, x.suppressor
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcmine_core::pipeline::Engine;

    #[test]
    fn plain_markers_show_mentions_triggers_and_recommendations() {
        let engine = Engine::new(Lexicon::bundled().unwrap());
        let report = Report {
            id: "r1".into(),
            text: "No calcification. Calcified granuloma. Recommend CT in 3 months.".into(),
            ..Default::default()
        };
        let r = engine.process(&report);
        assert_eq!(
            highlight(&report.text, &r, false),
            "<<No>> [[calcification]]. [[Calcified granuloma]]. Recommend {{CT}} in 3 months."
        );
        let coloured = highlight(&report.text, &r, true);
        assert!(coloured.contains("\x1b[1;31mCalcified granuloma\x1b[0m"));
        assert!(!coloured.contains("[["));
    }
}

#[cfg(test)]
mod workup_tests {
    use super::*;
    use calcmine_core::model::WorkupReason;
    use calcmine_core::pipeline::Engine;

    #[test]
    fn mentions_show_the_rules_their_sentence_fired() {
        let engine = Engine::new(Lexicon::bundled().unwrap());
        let report = Report {
            id: "r1".into(),
            text: "Dense calcification of both basal ganglia. Recommend follow-up MRI in 6 months."
                .into(),
            ..Default::default()
        };
        let mut r = engine.process(&report);
        r.metabolic_workup = true;
        r.workup_priority = "routine";
        r.workup_reasons = vec![WorkupReason {
            rule: "brain_parenchymal".into(),
            mention_id: Some(1),
            sentence_index: 1,
            sentence: "Dense calcification of both basal ganglia.".into(),
        }];
        let text = explain(&report, &r, &engine.lexicon, false);
        assert!(
            text.contains("work-up rules of its sentence: brain_parenchymal"),
            "{text}"
        );
        assert!(
            text.contains(
                "metabolic work-up: true (priority routine), audit outcome workup_not_recommended"
            ),
            "{text}"
        );
        assert!(text.contains("imaging_followup in 180 days"), "{text}");

        r.labs.push(calcmine_core::model::LabValue {
            name: "calcium".into(),
            value: Some(11.2),
            unit: "mg/dL".into(),
            text: "Ca 11.2".into(),
            parsed: true,
            sentence: "Ca 11.2 mg/dL.".into(),
            sentence_index: 0,
        });
        let text = explain(&report, &r, &engine.lexicon, false);
        assert!(text.contains("labs: calcium=11.2 mg/dL"), "{text}");
    }
}
