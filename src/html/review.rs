//! One report's review: its text with every mention, trigger word, linked word and
//! recommendation phrase marked (codes on hover), a card per mention saying what decided its
//! status and codes, and the report's work-up decision with its rules, sentences and
//! suppressors. What decided what comes from [`crate::explain`], as in the terminal.

use std::fmt::Write as _;

use calcmine_core::lexicon::Lexicon;
use calcmine_core::model::{Mention, ReportResult};

use super::labels::{code_name, flag_badge, outcome_badge, outcome_words, trigger_words, Shown};
use super::{esc, push_esc, words};
use crate::explain::{facts, family_name, linked_words, marks, not_counted, Mark};
use crate::output::schema::{ReportField, Val};

/// A mention's codes in words, one per line: the tooltip of its mark.
fn tooltip(m: &Mention, same_span: &[&Mention]) -> String {
    let ids: Vec<String> = same_span.iter().map(|x| x.mention_id.to_string()).collect();
    let mut s = format!("mention {} · {}", ids.join(" and "), Shown::of(m).label());
    for x in same_span {
        let _ = write!(
            s,
            "\norgan: {} · site: {} · side: {} · location: {}",
            words(&x.organ),
            words(&x.site),
            words(&x.laterality),
            words(&x.location_class)
        );
    }
    if !m.morphology.is_empty() {
        let _ = write!(s, "\nappearance: {}", words(&m.morphology.join(", ")));
    }
    let _ = write!(s, "\nmechanism: {}", words(&m.mechanism));
    if m.entity != "none" {
        let _ = write!(s, " · condition: {}", words(&m.entity));
    }
    s
}

/// The report text, escaped, with its marks.
fn marked_text(out: &mut String, text: &str, r: &ReportResult, anchor: &str) {
    let mut at = 0;
    for (s, e, mark) in marks(text, r, true) {
        push_esc(out, &text[at..s]);
        let said = &text[s..e];
        match mark {
            Mark::Mention(i) => {
                let m = &r.mentions[i];
                let same: Vec<&Mention> = r
                    .mentions
                    .iter()
                    .filter(|x| x.start == m.start && x.end == m.end)
                    .collect();
                let ids: Vec<String> = same.iter().map(|x| x.mention_id.to_string()).collect();
                let _ = write!(
                    out,
                    "<a class=\"m st-{}\" href=\"#{anchor}-m{}\" title=\"{}\">",
                    Shown::of(m).key(),
                    m.mention_id,
                    esc(&tooltip(m, &same))
                );
                push_esc(out, said);
                let _ = write!(out, "<sup>{}</sup></a>", ids.join(","));
            }
            Mark::Trigger(i, t) => {
                let m = &r.mentions[i];
                let _ = write!(
                    out,
                    "<span class=\"t\" title=\"{}: decides mention {}\">",
                    esc(trigger_words(&m.triggers[t].category)),
                    m.mention_id
                );
                push_esc(out, said);
                out.push_str("</span>");
            }
            Mark::Linked(i, w) => {
                let m = &r.mentions[i];
                let l = &m.links[w];
                let _ = write!(
                    out,
                    "<span class=\"w\" title=\"{} word, linked to mention {}\">",
                    family_name(l.family),
                    m.mention_id
                );
                push_esc(out, said);
                out.push_str("</span>");
            }
            Mark::Recommendation(i) => {
                let x = &r.recommendations[i];
                let _ = write!(
                    out,
                    "<span class=\"r\" title=\"recommendation: {}{}\">",
                    esc(&words(&x.kind)),
                    interval(x.interval_days, x.interval_max_days)
                );
                push_esc(out, said);
                out.push_str("</span>");
            }
        }
        at = e;
    }
    push_esc(out, &text[at..]);
}

/// " in 90 days", " in 180–360 days", or nothing.
fn interval(a: Option<u32>, b: Option<u32>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > a => format!(" in {a}–{b} days"),
        (Some(a), _) => format!(" in {a} days"),
        _ => String::new(),
    }
}

/// `“words”` escaped, or nothing with `no_text`.
fn quoted(s: &str, no_text: bool) -> String {
    if no_text || s.is_empty() {
        String::new()
    } else {
        format!(" “{}”", esc(s))
    }
}

/// One mention's card.
fn card(
    out: &mut String,
    m: &Mention,
    r: &ReportResult,
    lex: &Lexicon,
    anchor: &str,
    text: Option<&str>,
) {
    let no_text = text.is_none();
    let f = facts(m, r, lex);
    let shown = Shown::of(m);
    let _ = write!(
        out,
        "<li id=\"{anchor}-m{}\" class=\"st-{}\" data-status=\"{}\"><div class=\"card-head\">{}.{} \
         <span class=\"badge st-{}\">{}</span></div><dl class=\"codes\">",
        m.mention_id,
        shown.key(),
        m.status.as_str(),
        m.mention_id,
        if no_text {
            format!(" <code>{}</code>", esc(&m.term))
        } else {
            quoted(&m.text, false)
        },
        shown.key(),
        shown.label()
    );
    let decided = if f.decided_by.is_empty() {
        "no negation, doubt or other cue in range: present by default".to_string()
    } else {
        f.decided_by
            .iter()
            .map(|t| {
                format!(
                    "{}{}",
                    esc(trigger_words(&t.category)),
                    quoted(&t.text, no_text)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let _ = write!(out, "<dt>decided by</dt><dd>{decided}</dd>");
    if let Some(why) = not_counted(m) {
        let _ = write!(out, "<dt>does not count</dt><dd>{}</dd>", esc(why));
    }
    if m.historical && shown == Shown::Present {
        out.push_str("<dt>timing</dt><dd>stated as old or prior</dd>");
    }
    // the codes in words, grouped; the codes themselves on hover
    let code = |name: &str| {
        f.codes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let stated = |v: &str| !matches!(v, "" | "unspecified" | "none");
    let mut place: Vec<String> = vec![if stated(code("organ")) {
        words(code("organ"))
    } else {
        "organ not stated".into()
    }];
    for (name, prefix) in [("site", ""), ("laterality", "side: "), ("compartment", "")] {
        if stated(code(name)) {
            place.push(format!("{prefix}{}", words(code(name))));
        }
    }
    let mut looks: Vec<String> = code("morphology")
        .split('|')
        .filter(|v| stated(v))
        .map(words)
        .collect();
    for name in ["distribution", "predominance"] {
        if stated(code(name)) {
            looks.push(words(code(name)));
        }
    }
    let titled = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("{n}={}", code(n)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = write!(
        out,
        "<dt>where</dt><dd title=\"{}\">{}{}</dd>",
        esc(&titled(&[
            "organ",
            "site",
            "laterality",
            "location_class",
            "compartment"
        ])),
        esc(&place.join(", ")),
        if stated(code("location_class")) {
            format!(
                " <span class=\"code\">({} location)</span>",
                esc(&words(code("location_class")))
            )
        } else {
            String::new()
        }
    );
    if !looks.is_empty() {
        let _ = write!(
            out,
            "<dt>{}</dt><dd title=\"{}\">{}</dd>",
            code_name("morphology"),
            esc(&titled(&["morphology", "distribution", "predominance"])),
            esc(&looks.join(", "))
        );
    }
    if code("process") != "calcification" {
        let _ = write!(
            out,
            "<dt>process</dt><dd title=\"process={0}\">{0}</dd>",
            esc(code("process"))
        );
    }
    if stated(code("entity")) {
        let _ = write!(
            out,
            "<dt>{}</dt><dd title=\"entity={}\">{}</dd>",
            code_name("entity"),
            esc(code("entity")),
            esc(&words(code("entity")))
        );
    }
    let _ = write!(
        out,
        "<dt>{}</dt><dd title=\"mechanism={}\">{}{}</dd>",
        code_name("mechanism"),
        esc(&m.mechanism),
        esc(&words(&m.mechanism)),
        if m.mechanism_basis.is_empty() || no_text {
            String::new()
        } else {
            format!(" — from “{}”", esc(&m.mechanism_basis))
        }
    );
    if !f.links.is_empty() {
        let linked = if no_text {
            esc(&linked_words(&f, "", true))
        } else {
            let t = text.unwrap_or("");
            f.links
                .iter()
                .map(|(w, e)| {
                    format!(
                        "{}{} <span class=\"code\">{}</span>",
                        family_name(w.family),
                        quoted(t.get(w.start..w.end).unwrap_or(""), false),
                        esc(&e.id)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(out, "<dt>linked words</dt><dd>{linked}</dd>");
    }
    let _ = write!(
        out,
        "<dt>lexicon term</dt><dd><code>{}</code>{}</dd><dt>where in the report</dt><dd>{}, sentence {}</dd>",
        esc(&m.term),
        f.origin
            .map(|o| format!(" <span class=\"code\">{}</span>", esc(&o)))
            .unwrap_or_default(),
        esc(&words(&m.section)),
        m.sentence_index + 1
    );
    if !f.rules.is_empty() {
        let rules: Vec<String> = f
            .rules
            .iter()
            .map(|x| format!("<code>{}</code>", esc(x)))
            .collect();
        let _ = write!(
            out,
            "<dt>work-up rules</dt><dd>its sentence fired {}</dd>",
            rules.join(", ")
        );
    }
    out.push_str("</dl></li>");
}

/// The work-up decision, the recommendations and the clinical context.
fn decision(out: &mut String, r: &ReportResult, no_text: bool) {
    let o = calcmine_core::audit::outcome(r);
    let _ = write!(
        out,
        "<h4>Work-up decision</h4><div class=\"decision{}\" data-outcome=\"{}\">",
        if r.metabolic_workup { " flagged" } else { "" },
        o.as_str()
    );
    if r.metabolic_workup {
        let _ = write!(
            out,
            "<p><strong>Flagged for a metabolic work-up</strong>, priority <strong>{}</strong>. \
             Audit: {}.</p>",
            esc(r.workup_priority),
            outcome_words(o)
        );
    } else if r.error.is_some() {
        out.push_str("<p>Not analysed: the report could not be read.</p>");
    } else {
        out.push_str("<p>Not flagged for a metabolic work-up.</p>");
    }
    if !r.workup_reasons.is_empty() {
        out.push_str("<ul>");
        for w in &r.workup_reasons {
            let _ = write!(
                out,
                "<li>rule <code>{}</code>{}</li>",
                esc(&w.rule),
                if no_text {
                    String::new()
                } else {
                    format!(", fired by: “{}”", esc(w.sentence.trim()))
                }
            );
        }
        out.push_str("</ul>");
    }
    if !r.workup_suppressed_by.is_empty() {
        out.push_str("<p>Findings set aside (they would have fired a rule):</p><ul>");
        for x in &r.workup_suppressed_by {
            let _ = write!(
                out,
                "<li data-suppressed=\"{}\">mention {}: rule <code>{}</code> set aside by \
                 <code>{}</code></li>",
                esc(&x.suppressor),
                x.mention_id,
                esc(&x.rule),
                esc(&x.suppressor)
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</div>");
    out.push_str("<h4>Recommendations</h4>");
    if r.recommendations.is_empty() {
        out.push_str("<p class=\"note\">none</p>");
    } else {
        out.push_str("<ul>");
        for x in &r.recommendations {
            let _ = write!(
                out,
                "<li data-rec=\"{}\">{}{}{} <span class=\"code\">({}, sentence {})</span></li>",
                esc(&x.kind),
                esc(&words(&x.kind)),
                interval(x.interval_days, x.interval_max_days),
                quoted(&x.text, no_text),
                esc(&words(&x.section)),
                x.sentence_index + 1
            );
        }
        out.push_str("</ul>");
    }
    for field in [ReportField::Labs, ReportField::Conditions] {
        if let Val::List(v) = field.value(r) {
            if !v.is_empty() {
                let _ = write!(
                    out,
                    "<p><strong>{}</strong>: {}</p>",
                    if field == ReportField::Labs {
                        "Lab values stated"
                    } else {
                        "Conditions stated"
                    },
                    esc(&v.join(", "))
                );
            }
        }
    }
}

/// Append the review of one report to `out`: `text` is its text, `None` with `--no-text`
/// (then only codes, lexicon ids and rule ids are shown); `anchor` the panel's id (mention
/// cards are `anchor-mN`); `open` whether the panel starts open.
pub fn render(
    out: &mut String,
    text: Option<&str>,
    r: &ReportResult,
    lex: &Lexicon,
    anchor: &str,
    open: bool,
) {
    let no_text = text.is_none();
    let _ = write!(
        out,
        "<details class=\"review\" id=\"{anchor}\" data-report=\"{}\"{}><summary>\
         <span class=\"rid\">report {}</span>{} {}<span class=\"src\">{}:{} · {} mention(s)</span></summary>",
        esc(&r.report_id),
        if open { " open" } else { "" },
        esc(&r.report_id),
        flag_badge(r),
        outcome_badge(calcmine_core::audit::outcome(r)),
        esc(if r.source.is_empty() { "-" } else { &r.source }),
        r.line,
        r.mentions.len()
    );
    out.push_str("<div class=\"rv\"><div>");
    if let Some(e) = &r.error {
        let _ = write!(out, "<p><strong>Could not be read:</strong> {}</p>", esc(e));
    }
    match text {
        Some(t) => {
            out.push_str("<div class=\"rtext\">");
            marked_text(out, t, r, anchor);
            out.push_str("</div>");
        }
        None => out.push_str(
            "<p class=\"note\">Report text left out (<code>--no-text</code>): the codes, \
             lexicon entries and rule ids only.</p>",
        ),
    }
    out.push_str("</div><div class=\"side\">");
    decision(out, r, no_text);
    let _ = write!(out, "<h4>Mentions ({})</h4>", r.mentions.len());
    if r.mentions.is_empty() {
        out.push_str("<p class=\"note\">no calcification mention</p>");
    } else {
        out.push_str("<ol class=\"cards\">");
        for m in &r.mentions {
            card(out, m, r, lex, anchor, text);
        }
        out.push_str("</ol>");
    }
    out.push_str("</div></div></details>\n");
}
