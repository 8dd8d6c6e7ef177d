//! HTML pages for people who look rather than read tables: the review of each report
//! (`calcmine explain --html`) and the cohort page (`calcmine mine --html` writes
//! `report.html`: the cohort at a glance, charts, the flagged reports and audit gaps, and the
//! reviews of some reports).
//!
//! A page is one self-contained file: its style sheet, its few lines of script and its charts
//! (SVG drawn by [`charts`]) are inline, and nothing refers to the network. Every piece of
//! report text goes through [`esc`]; no report text goes into the script, which reads the page
//! itself. With `no_text` the pages carry codes, lexicon ids, rule ids and counts, and no word
//! of any report.
//!
//! - [`page`]: the shell (head, inline style and script, header, footer)
//! - [`labels`]: labels in words, badges, the legend
//! - [`review`]: one report's review (its text marked, a card per mention, the work-up decision)
//! - [`explain_page`]: the page of `explain --html`
//! - [`cohort`]: the cohort's counts, gathered batch by batch, and the reports kept for review
//! - [`cohort_page`]: `report.html` drawn from them
//! - [`charts`]: the SVG charts (heat map, bars, intervals)

pub mod charts;
pub mod cohort;
pub mod cohort_page;
pub mod explain_page;
pub mod labels;
pub mod page;
pub mod review;

#[cfg(test)]
mod tests;

pub use cohort::{Cohort, PageInfo};
pub use explain_page::explain_page;

/// `s` escaped for HTML text and attribute values: `&`, `<`, `>`, `"` and `'` as entities,
/// control characters (other than tab and line breaks) as U+FFFD, and the `:` of `://` as
/// `&#58;` so that no report text reads as a network address in the file (a browser shows it
/// unchanged, and loads nothing from it).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    push_esc(&mut out, s);
    out
}

/// [`esc`], appended to `out`.
pub fn push_esc(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(|c: char| {
        matches!(c, '&' | '<' | '>' | '"' | '\'' | ':')
            || (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    }) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().unwrap_or(' ');
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            ':' if rest[i + 1..].starts_with("//") => out.push_str("&#58;"),
            ':' => out.push(':'),
            _ => out.push('\u{FFFD}'),
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
}

/// A code in words: `upper_lobe` → `upper lobe`; `unspecified` and `none` → `not stated`.
pub fn words(code: &str) -> String {
    match code {
        "unspecified" | "none" | "" => "not stated".to_string(),
        "indeterminate" => "indeterminate (not stated)".to_string(),
        _ => code.replace('_', " "),
    }
}
