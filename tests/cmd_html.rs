//! The HTML pages, parsed: `mine --html` writes report.html whose counts equal the tables of the
//! same run and that lists every flagged report; `--no-text` leaves no report word in any page;
//! report text is escaped; nothing on a page refers to the network.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{calcmine, read_parquet, write, GAP, NORMAL, RECOMMENDED};
use polars::prelude::*;

/// A word planted in every report, to look for in the pages.
const MARKER: &str = "Quokkaword";

/// Reports covering what the page shows: a gap, a recommendation, a normal report, a finding
/// in the indication only, one about a family member, an uncertain one, two more gaps (one
/// urgent), and a line that is not JSON (a failed report).
fn corpus(dir: &Path) -> std::path::PathBuf {
    let texts = [
        ("gap-1", GAP.to_string()),
        ("recommended", RECOMMENDED.to_string()),
        ("normal", NORMAL.to_string()),
        (
            "indication",
            "INDICATION: Renal calcification.\nFINDINGS: Normal kidneys.".to_string(),
        ),
        (
            "family",
            "FINDINGS: Family history of renal calcification. Calcified granuloma in the right upper lobe.".to_string(),
        ),
        (
            "possible",
            "FINDINGS: Possible calcification in the left kidney.".to_string(),
        ),
        (
            "urgent",
            "FINDINGS: Calciphylaxis of the thigh. Calcium 12.1 mg/dL, phosphate 6.0 mg/dL.".to_string(),
        ),
        ("gap-2", GAP.replace("both upper lobes", "the lungs")),
    ];
    let mut lines = String::new();
    for (id, text) in texts {
        let text = format!("{text}\nNOTE: {MARKER} stated. No {MARKER} calcification.");
        lines.push_str(&serde_json::json!({ "id": id, "text": text }).to_string());
        lines.push('\n');
    }
    lines.push_str("{\"id\": \"broken\", \"text\": \n");
    let path = dir.join("reports.jsonl");
    write(&path, lines);
    path
}

/// Every `data-count` figure of a page, by key.
fn counts(dom: &tl::VDom) -> BTreeMap<String, u64> {
    let parser = dom.parser();
    let mut out = BTreeMap::new();
    for node in dom.nodes() {
        let Some(tag) = node.as_tag() else { continue };
        if tag.name().as_utf8_str() == "rect" {
            continue;
        }
        if let Some(Some(key)) = tag.attributes().get("data-count") {
            let text = tag.inner_text(parser).trim().to_string();
            let n: u64 = text.parse().unwrap_or_else(|_| panic!("a count: {text}"));
            out.insert(key.as_utf8_str().to_string(), n);
        }
    }
    out
}

/// The `data-report` ids of the rows of table `id`.
fn table_ids(dom: &tl::VDom, id: &str) -> Vec<String> {
    let parser = dom.parser();
    let table = dom
        .get_element_by_id(id)
        .and_then(|h| h.get(parser))
        .and_then(|n| n.as_tag())
        .unwrap_or_else(|| panic!("table {id}"));
    let mut ids = Vec::new();
    for h in table.query_selector(parser, "tr").unwrap() {
        if let Some(tag) = h.get(parser).and_then(|n| n.as_tag()) {
            if let Some(Some(v)) = tag.attributes().get("data-report") {
                ids.push(v.as_utf8_str().to_string());
            }
        }
    }
    ids
}

fn str_col(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    let c = c.str().unwrap();
    (0..c.len())
        .map(|i| c.get(i).unwrap_or("").to_string())
        .collect()
}

fn bool_col(df: &DataFrame, name: &str) -> Vec<bool> {
    let c = df.column(name).unwrap().bool().unwrap().clone();
    (0..c.len()).map(|i| c.get(i).unwrap_or(false)).collect()
}

/// summary.csv's cohort rows: (kind, status) → reports.
fn summary_rows(path: &Path) -> BTreeMap<(String, String), u64> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let head = rd.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (kind, organ, status, reports) = (col("kind"), col("organ"), col("status"), col("reports"));
    let mut out = BTreeMap::new();
    for row in rd.records() {
        let row = row.unwrap();
        if &row[organ] == "*" {
            out.insert(
                (row[kind].to_string(), row[status].to_string()),
                row[reports].parse().unwrap(),
            );
        }
    }
    out
}

fn assert_offline(html: &str) {
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network address in the page"
    );
    for tag in ["<link", "<img", "<iframe", " src=", "@import", "url("] {
        assert!(!html.contains(tag), "no external resource: {tag}");
    }
}

#[test]
fn the_cohort_page_counts_what_the_tables_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let out = dir.path().join("out");
    calcmine()
        .args(["mine", "-q", "--html", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .code(2); // the broken line: named, with its row
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_offline(&html);
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    let c = counts(&dom);

    let reports = read_parquet(&out.join("reports.parquet"));
    let mentions = read_parquet(&out.join("mentions.parquet"));
    let summary = summary_rows(&out.join("summary.csv"));
    let s = |k: &str, st: &str| summary[&(k.to_string(), st.to_string())];
    assert_eq!(c["reports"], reports.height() as u64);
    assert_eq!(c["reports"], 9);
    assert_eq!(c["reports"], s("all_reports", "*"));
    assert_eq!(c["failed"], s("failed", "*"));
    assert_eq!(c["failed"], 1);
    // summary.csv's row and the page count the same reports: those with a mention that counts
    assert_eq!(
        c["with_counting_mention"],
        s("with_present_mention", "present")
    );
    assert_eq!(c["flagged"], s("flagged", "*"));
    assert_eq!(c["flagged_routine"], s("flagged", "routine"));
    assert_eq!(c["flagged_urgent"], s("flagged", "urgent"));
    assert_eq!(c["mentions"], mentions.height() as u64);

    // reports with a mention that counts: present, the patient's, outside the indication
    let (ids, status, section, who, counts) = (
        str_col(&mentions, "report_id"),
        str_col(&mentions, "status"),
        str_col(&mentions, "section"),
        str_col(&mentions, "experiencer"),
        bool_col(&mentions, "counts"),
    );
    let counting: Vec<usize> = (0..ids.len())
        .filter(|&i| status[i] == "present" && section[i] != "indication" && who[i] == "patient")
        .collect();
    for (i, c) in counts.iter().enumerate() {
        assert_eq!(*c, counting.contains(&i), "the counts column, row {i}");
    }
    let mut with: Vec<&String> = counting.iter().map(|&i| &ids[i]).collect();
    with.dedup();
    assert_eq!(c["with_counting_mention"], with.len() as u64);
    assert!(
        !with.iter().any(|id| *id == "indication"),
        "indication only: does not count"
    );

    // the heat map's cells add up to the mentions that count
    let cells: u64 = dom
        .nodes()
        .iter()
        .filter_map(|n| n.as_tag())
        .filter(|t| t.name().as_utf8_str() == "rect")
        .filter_map(|t| t.attributes().get("data-count").flatten())
        .map(|v| v.as_utf8_str().parse::<u64>().unwrap())
        .sum();
    assert_eq!(cells, counting.len() as u64);

    // every flagged report is in the flagged table, every gap in the gaps table
    let rid = str_col(&reports, "report_id");
    let flag = reports.column("metabolic_workup").unwrap().bool().unwrap();
    let flagged: Vec<String> = (0..rid.len())
        .filter(|&i| flag.get(i) == Some(true))
        .map(|i| rid[i].clone())
        .collect();
    assert!(flagged.len() >= 3, "{flagged:?}");
    assert_eq!(table_ids(&dom, "table-flagged"), flagged);
    assert_eq!(c["flagged_rows"], flagged.len() as u64);
    let gaps = table_ids(&dom, "table-gaps");
    assert!(gaps.contains(&"gap-1".to_string()) && gaps.contains(&"gap-2".to_string()));
    assert!(!gaps.contains(&"recommended".to_string()));
    assert_eq!(c["gap_rows"], gaps.len() as u64);
    assert_eq!(
        c["workup_not_recommended"] + c["workup_recommended"],
        flagged.len() as u64
    );
    // each flagged report is reviewed on the page, and its row links to it
    for id in &flagged {
        assert!(
            html.contains("<details class=\"review\" id=\"")
                && html.contains(&format!("data-report=\"{id}\"")),
            "{id}"
        );
    }
    assert!(
        html.contains("<a href=\"#r0\">gap-1</a>"),
        "the row links to its review"
    );

    // every chart is drawn
    for id in [
        "chart-organ-mechanism",
        "chart-location-status",
        "chart-rules",
        "chart-labs-share",
        "chart-recommendations",
    ] {
        let svg = dom
            .get_element_by_id(id)
            .and_then(|h| h.get(dom.parser()))
            .and_then(|n| n.as_tag())
            .unwrap_or_else(|| panic!("chart {id}"));
        assert_eq!(svg.name().as_utf8_str(), "svg");
        assert!(svg.children().top().len() > 5, "{id} has content");
    }
    // the text is there, marked, without --no-text
    assert!(html.contains(MARKER));
    // run.json names the page
    let run = std::fs::read_to_string(out.join("run.json")).unwrap();
    assert!(run.contains("report.html"));
}

#[test]
fn no_text_leaves_no_report_word_in_any_page() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let out = dir.path().join("out");
    calcmine()
        .args(["mine", "-q", "--html", "--no-text", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .code(2);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains(MARKER), "no report sentence in report.html");
    assert!(!html.contains("hemodialysis") && !html.contains("Calciphylaxis of the thigh"));
    assert!(html.contains("metastatic_pattern"), "rule ids stay");
    assert!(html.contains("data-report=\"gap-1\""), "report ids stay");
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    assert_eq!(counts(&dom)["reports"], 9);

    let page = dir.path().join("explain.html");
    calcmine()
        .args(["explain", "--html", "--no-text", "--first", "20", "-o"])
        .arg(&page)
        .arg(&input)
        .assert()
        .code(2);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains(MARKER),
        "no report sentence in the explain page"
    );
    assert!(!html.to_lowercase().contains("family history of"));
    assert!(html.contains("<code>calcification</code>"));
}

#[test]
fn explain_html_reviews_a_report_and_escapes_its_text() {
    let hostile = "FINDINGS: <script>alert(1)</script> Dense calcified granuloma in the right \
                   upper lobe.\" onmouseover=\"alert(2) </details></div> https://example.org/x\n";
    let out = calcmine()
        .args(["explain", "--html"])
        .write_stdin(hostile)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let html = String::from_utf8(out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_offline(&html);
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("\" onmouseover=\"alert"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    assert_eq!(html.matches("</details>").count(), 1);
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    let c = counts(&dom);
    assert_eq!(c["reports"], 1);
    assert_eq!(c["with_counting_mention"], 1);
    // the mention, marked as present, with its codes in words on hover and its card
    assert!(
        html.contains("<a class=\"m st-present\" href=\"#r0-m1\""),
        "{html}"
    );
    assert!(html.contains("organ: lung · site: upper lobe · side: right"));
    assert!(html.contains("id=\"r0-m1\""));
    assert!(html.contains("Not flagged for a metabolic work-up"));
}

#[test]
fn reviews_are_limited_and_the_rest_listed() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let out = dir.path().join("out");
    calcmine()
        .args(["mine", "-q", "--html", "--html-reviews", "1", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .code(2);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    assert_eq!(counts(&dom)["reviews"], 1);
    assert_eq!(html.matches("<details class=\"review\"").count(), 1);
    // the first gap is reviewed; the other flagged reports are listed, not embedded
    assert!(
        html.contains("data-report=\"gap-1\" id=\"r0\"")
            || html.contains("id=\"r0\" data-report=\"gap-1\"")
    );
    assert!(html.contains("not embedded: calcmine explain --html --id gap-2"));
    assert!(table_ids(&dom, "table-flagged").contains(&"gap-2".to_string()));
}
