//! The pages' content: escaping of hostile text, `--no-text`, the legend, the cohort's counts
//! merged batch by batch.

use calcmine_core::lexicon::Lexicon;
use calcmine_core::model::{Report, ReportResult};
use calcmine_core::pipeline::Engine;

use super::*;

fn engine() -> Engine {
    Engine::new(Lexicon::bundled().unwrap())
}

fn report(id: &str, text: &str) -> Report {
    Report {
        id: id.into(),
        text: text.into(),
        source: "test.jsonl".into(),
        line: 1,
        ..Default::default()
    }
}

const GAP: &str = "HISTORY: End-stage renal disease on hemodialysis.\n\
FINDINGS: Diffuse centrilobular nodules with calcification in both upper lobes, consistent \
with metastatic pulmonary calcification. No pleural calcification.\n\
IMPRESSION: Metastatic pulmonary calcification.\n";

#[test]
fn escape_covers_markup_quotes_controls_and_addresses() {
    assert_eq!(
        esc("<a href=\"x\">'&'</a>"),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(
        esc("see http://x.org, 12:30"),
        "see http&#58;//x.org, 12:30"
    );
    assert_eq!(esc("a\u{0}b\u{1b}c\nd"), "a\u{FFFD}b\u{FFFD}c\nd");
    assert_eq!(words("upper_lobe"), "upper lobe");
    assert_eq!(words("unspecified"), "not stated");
}

#[test]
fn hostile_report_text_stays_text() {
    let e = engine();
    let text = "FINDINGS: <script>alert('x')</script> \"><img src=x onerror=alert(1)> \
                Dense calcified granuloma </details> in the right upper lobe. https://evil.test/a";
    let rep = report("<b>id</b>", text);
    let r = e.process(&rep);
    let page = explain_page(&[(rep, r)], &e.lexicon, false);
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<img"), "{page}");
    assert!(!page.contains("<b>id</b>"), "{page}");
    assert_eq!(
        page.matches("</details>").count(),
        1,
        "one review, one close"
    );
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(!page.contains("http://") && !page.contains("https://"));
    // only the page's own script
    assert_eq!(page.matches("<script>").count(), 1);
}

#[test]
fn a_review_marks_mentions_triggers_linked_words_and_shows_the_decision() {
    let e = engine();
    let rep = report("gap", GAP);
    let r = e.process(&rep);
    assert!(r.metabolic_workup);
    let mut s = String::new();
    review::render(&mut s, Some(&rep.text), &r, &e.lexicon, "r0", true);
    assert!(s.contains("class=\"m st-present\""), "{s}");
    assert!(s.contains("class=\"m st-absent\""), "{s}");
    assert!(
        s.contains("<span class=\"t\" title=\"negation: decides mention"),
        "{s}"
    );
    assert!(s.contains("<span class=\"w\" title=\"anatomy word"), "{s}");
    assert!(s.contains("Flagged for a metabolic work-up"), "{s}");
    assert!(
        s.contains("rule <code>metastatic_pattern</code>, fired by: “"),
        "{s}"
    );
    assert!(s.contains("no labs recommended (gap)"), "{s}");
    assert!(s.contains("id=\"r0-m1\""), "{s}");
    // the codes on hover, in words
    assert!(
        s.contains("title=\"mention 1 · present&#10;")
            || s.contains("title=\"mention 1 · present\n")
    );
}

#[test]
fn a_mention_in_the_indication_or_about_family_does_not_count() {
    let e = engine();
    let rep = report(
        "f",
        "INDICATION: renal calcification.\nFINDINGS: Family history of renal calcification. \
         Calcified granuloma.",
    );
    let r = e.process(&rep);
    let mut s = String::new();
    review::render(&mut s, Some(&rep.text), &r, &e.lexicon, "r0", true);
    assert_eq!(s.matches("<dt>does not count</dt>").count(), 2, "{s}");
    assert!(s.contains("about someone else (family history)"));
    assert!(s.contains("in the indication"));
}

#[test]
fn no_text_leaves_every_report_word_out() {
    let e = engine();
    let text = GAP
        .replace("Diffuse", "Zebrafinch")
        .replace("Metastatic", "Zebrafinch metastatic");
    let rep = report("gap", &text);
    let r = e.process(&rep);
    let page = explain_page(&[(rep.clone(), r.clone())], &e.lexicon, true);
    assert!(!page.to_lowercase().contains("zebrafinch"), "{page}");
    assert!(!page.contains("hemodialysis"));
    assert!(page.contains("metastatic_pattern"));
    assert!(
        page.contains("<code>calcification</code>"),
        "the term id stands in: {page}"
    );
    let mut c = Cohort::new(10, false);
    c.add(r, rep.text);
    let page = cohort_page::render(&c, &PageInfo::default(), &e.lexicon);
    assert!(!page.to_lowercase().contains("zebrafinch"));
    assert!(page.contains("data-report=\"gap\""));
}

#[test]
fn the_cohort_merged_batch_by_batch_is_the_cohort_read_at_once() {
    let e = engine();
    let texts = [
        GAP,
        "FINDINGS: The lungs are clear.",
        "FINDINGS: Calcified granuloma in the left lower lobe.",
        GAP,
        "FINDINGS: No calcification.",
    ];
    let results: Vec<(ReportResult, String)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (e.process(&report(&format!("r{i}"), t)), t.to_string()))
        .collect();
    let mut one = Cohort::new(1, true);
    for (r, t) in results.clone() {
        one.add(r, t);
    }
    let mut merged = Cohort::new(1, true);
    for chunk in results.chunks(2) {
        let mut part = Cohort::new(1, true);
        for (r, t) in chunk.iter().cloned() {
            part.add(r, t);
        }
        merged.merge(part);
    }
    assert_eq!(one.reports, 5);
    assert_eq!(merged.reports, 5);
    assert_eq!(one.flagged, 2);
    assert_eq!(merged.flagged, 2);
    assert_eq!(merged.with_counting, one.with_counting);
    assert_eq!(merged.organ_mechanism, one.organ_mechanism);
    assert_eq!(merged.location_shown, one.location_shown);
    assert_eq!(merged.audit.flagged(), one.audit.flagged());
    let seqs = |c: &Cohort| c.flagged_rows.iter().map(|r| r.seq).collect::<Vec<_>>();
    assert_eq!(seqs(&merged), vec![0, 3]);
    assert_eq!(seqs(&one), seqs(&merged));
    // at most `limit` reviews in all: the first gap
    let reviewed = merged.reviewed();
    assert_eq!(reviewed.len(), 1);
    assert_eq!(reviewed[0].1[0].seq, 0);
    let page = cohort_page::render(&merged, &PageInfo::default(), &e.lexicon);
    assert!(page.contains("<span class=\"n\" data-count=\"reports\">5</span>"));
    assert!(
        page.contains("not embedded: calcmine explain --html --id r3"),
        "{page}"
    );
    assert!(!page.contains("http://") && !page.contains("https://"));
}
