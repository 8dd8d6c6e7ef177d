//! `explain`: how calcmine read one report, for a person debugging a lexicon.
//!
//! The report text is printed with every mention, every trigger word that decided a mention's
//! status, and every recommendation phrase marked: in colour for a terminal, with plain markers
//! otherwise (`[[mention]]`, `<<trigger>>`, `{{recommendation}}`), so the output also reads in a
//! pipe, a file or a bug report. Under the text, one block per mention gives its status, the
//! lexicon entry that matched (file:line), its codes, the trigger words, its mechanism basis and
//! the work-up rules its sentence fired; then the recommendations and the report's work-up flag.

use std::fmt::Write as _;

use calcmine_core::lexicon::Lexicon;
use calcmine_core::model::{Report, ReportResult, Status};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Mention(Status),
    Trigger,
    Recommendation,
}

impl Mark {
    fn open(self, color: bool) -> &'static str {
        match (self, color) {
            (Mark::Mention(Status::Present), true) => ansi::PRESENT,
            (Mark::Mention(Status::Absent), true) => ansi::ABSENT,
            (Mark::Mention(Status::Possible), true) => ansi::POSSIBLE,
            (Mark::Mention(Status::Hypothetical), true) => ansi::HYPOTHETICAL,
            (Mark::Trigger, true) => ansi::TRIGGER,
            (Mark::Recommendation, true) => ansi::RECOMMENDATION,
            (Mark::Mention(_), false) => "[[",
            (Mark::Trigger, false) => "<<",
            (Mark::Recommendation, false) => "{{",
        }
    }
    fn close(self, color: bool) -> &'static str {
        match (self, color) {
            (_, true) => ansi::RESET,
            (Mark::Mention(_), false) => "]]",
            (Mark::Trigger, false) => ">>",
            (Mark::Recommendation, false) => "}}",
        }
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
    let mut spans: Vec<(usize, usize, Mark)> = Vec::new();
    for m in &r.mentions {
        spans.push((m.start, m.end, Mark::Mention(m.status)));
        for t in &m.triggers {
            if t.category != "lexicon" {
                spans.push((t.start, t.end, Mark::Trigger));
            }
        }
    }
    for x in &r.recommendations {
        spans.push((x.start, x.end, Mark::Recommendation));
    }
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    spans.dedup_by_key(|s| (s.0, s.1));
    let mut out = String::with_capacity(text.len() + spans.len() * 8);
    let mut at = 0;
    for (s, e, mark) in spans {
        if s < at || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(mark.open(color));
        out.push_str(&text[s..e]);
        out.push_str(mark.close(color));
        at = e;
    }
    out.push_str(&text[at..]);
    out
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
            format!(" \"{t}\"")
        }
    };
    let mut s = String::new();
    let title = format!(
        "── report {} ({}:{}) ──",
        r.report_id,
        if r.source.is_empty() { "-" } else { &r.source },
        r.line
    );
    let _ = writeln!(s, "{}", paint(&title, ansi::BOLD, color));
    if let Some(e) = &r.error {
        let _ = writeln!(s, "error: {e}");
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
        let origin = lex
            .targets
            .iter()
            .find(|t| t.id == m.term)
            .map(|t| format!(" ({}:{})", t.origin.file, t.origin.line))
            .unwrap_or_default();
        let status = paint(m.status.as_str(), Mark::Mention(m.status).open(true), color);
        let _ = writeln!(
            s,
            "[{}]{} {status} — term {}{origin}; {} sentence {}",
            m.mention_id,
            quote(&m.text),
            m.term,
            m.section,
            m.sentence_index
        );
        let decided: Vec<String> = m
            .triggers
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
        let mut codes = format!(
            "    codes: process={} location_class={} organ={} site={} laterality={}",
            m.process, m.location_class, m.organ, m.site, m.laterality
        );
        if m.compartment != "none" {
            let _ = write!(codes, " compartment={}", m.compartment);
        }
        if !m.morphology.is_empty() {
            let _ = write!(codes, " morphology={}", m.morphology.join("|"));
        }
        let _ = write!(
            codes,
            " distribution={} entity={}",
            m.distribution, m.entity
        );
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
                format!(" (basis: {})", m.mechanism_basis)
            }
        );
        let rules: Vec<&str> = r
            .workup_reasons
            .iter()
            .filter(|w| w.sentence.trim() == m.sentence.trim())
            .map(|w| w.rule.as_str())
            .collect();
        if !rules.is_empty() {
            let _ = writeln!(s, "    work-up rules of its sentence: {}", rules.join(", "));
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
                x.section,
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
                let _ = writeln!(s, "{}: {}", field.name(), v.join(", "));
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
                paint(w.sentence.trim(), ansi::DIM, color)
            );
        }
    }
    if !r.workup_suppressed_by.is_empty() {
        let _ = writeln!(s, "  suppressed by: {}", r.workup_suppressed_by.join(", "));
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
        });
        let text = explain(&report, &r, &engine.lexicon, false);
        assert!(text.contains("labs: calcium=11.2 mg/dL"), "{text}");
    }
}
