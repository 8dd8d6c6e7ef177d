//! The page of `explain --html`: an index of the reports shown (with a filter box), the
//! legend, and each report's review.

use std::fmt::Write as _;

use calcmine_core::lexicon::Lexicon;
use calcmine_core::model::{Report, ReportResult};

use super::labels::{findings, flag_badge, legend, outcome_badge};
use super::page::{footer, shell};
use super::{esc, review};

/// The page of `explain --html`: an index of the reports shown, the legend, and each
/// report's review, open. `reports` pairs each report (its text) with its result.
pub fn explain_page(reports: &[(Report, ReportResult)], lex: &Lexicon, no_text: bool) -> String {
    let mut body = String::new();
    let n = reports.len();
    let present = reports
        .iter()
        .filter(|(_, r)| r.mentions.iter().any(|m| m.counts))
        .count();
    let flagged = reports.iter().filter(|(_, r)| r.metabolic_workup).count();
    body.push_str("<h2 id=\"reports\">Reports</h2>\n");
    let _ = writeln!(
        body,
        "<p class=\"note\"><span data-count=\"reports\">{n}</span> report(s); \
         <span data-count=\"with_counting_mention\">{present}</span> with a calcification that \
         counts; <span data-count=\"flagged\">{flagged}</span> flagged for a metabolic work-up.</p>"
    );
    if n > 1 {
        body.push_str(
            "<div class=\"filterbar\"><input id=\"filter\" type=\"search\" \
             placeholder=\"Filter: report id, organ, rule…\" aria-label=\"Filter the table\">\
             <span id=\"filter-count\"></span></div>\n",
        );
    }
    body.push_str(
        "<table class=\"data filterable\" id=\"index\"><thead><tr><th>report</th>\
         <th>mentions</th><th>counting findings</th><th>work-up</th></tr></thead><tbody>\n",
    );
    for (i, (_, r)) in reports.iter().enumerate() {
        let _ = writeln!(
            body,
            "<tr><td><a href=\"#r{i}\">{}</a></td><td class=\"num\">{}</td><td>{}</td><td>{} {}</td></tr>",
            esc(&r.report_id),
            r.mentions.len(),
            esc(&findings(r).join(", ")),
            flag_badge(r),
            outcome_badge(calcmine_core::audit::outcome(r)),
        );
    }
    body.push_str("</tbody></table>\n");
    body.push_str("<h2 id=\"reviews\">Reviews</h2>\n");
    body.push_str(&legend(no_text));
    for (i, (report, r)) in reports.iter().enumerate() {
        let text = (!no_text).then_some(report.text.as_str());
        review::render(&mut body, text, r, lex, &format!("r{i}"), true);
    }
    let header = format!(
        "<p>How calcmine read {} report(s): each calcification mention marked by status, the \
         words that decided it, its codes, and the report's work-up decision.{}</p>",
        n,
        if no_text {
            " Report text left out (<code>--no-text</code>)."
        } else {
            ""
        }
    );
    shell(
        "calcmine: report review",
        &header,
        &[("reports", "Reports"), ("reviews", "Reviews")],
        &body,
        &footer(lex),
    )
}
