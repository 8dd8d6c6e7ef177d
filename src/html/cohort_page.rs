//! `report.html`: the cohort at a glance, its charts, the tables of flagged reports, audit gaps
//! and reports with a finding (with a filter box), the reviews of some reports, and a glossary
//! of the words and rules the page uses.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use calcmine_core::audit::Outcome;
use calcmine_core::lexicon::vocab::MECHANISMS;
use calcmine_core::lexicon::{Lexicon, WorkupRule, RECOMMENDATION_TYPES};

use super::charts::{heat_map, intervals, stacked_bars, Rate, Series};
use super::cohort::{Cohort, PageInfo, Row};
use super::labels::{legend, outcome_badge, outcome_words, Shown};
use super::page::{footer, shell};
use super::{esc, review, words};

/// Rows of the heat map at most; the other organs are added up in one row.
const HEAT_ROWS: usize = 20;

fn pct(k: u64, n: u64) -> String {
    if n == 0 {
        "–".into()
    } else {
        format!("{:.1}%", 100.0 * k as f64 / n as f64)
    }
}

/// A card of the "at a glance" grid; `key` names the figure for tests (`data-count`).
fn stat(s: &mut String, key: &str, n: u64, what: &str, extra: &str, flag: bool) {
    let _ = write!(
        s,
        "<div class=\"stat{}\"><span class=\"n\" data-count=\"{key}\">{n}</span>\
         <span class=\"what\">{}{extra}</span></div>",
        if flag { " flag" } else { "" },
        esc(what)
    );
}

fn glance(s: &mut String, c: &Cohort) {
    s.push_str("<h2 id=\"glance\">The cohort at a glance</h2><div class=\"glance\">");
    stat(s, "reports", c.reports, "reports read", "", false);
    stat(s, "failed", c.failed, "could not be read", "", false);
    stat(
        s,
        "with_counting_mention",
        c.with_counting,
        "with a calcification that counts",
        &format!(" ({})", pct(c.with_counting, c.reports)),
        false,
    );
    stat(
        s,
        "mentions",
        c.mentions,
        "calcification mentions",
        "",
        false,
    );
    let by: Vec<String> = c
        .priorities
        .iter()
        .map(|(p, n)| format!("<span data-count=\"flagged_{0}\">{n}</span> {0}", esc(p)))
        .collect();
    stat(
        s,
        "flagged",
        c.flagged,
        "flagged for a metabolic work-up",
        &if by.is_empty() {
            String::new()
        } else {
            format!(": {}", by.join(", "))
        },
        true,
    );
    let a = &c.audit;
    for o in Outcome::ALL {
        let n = a.count(*o);
        if *o == Outcome::Error && n == 0 {
            continue;
        }
        stat(
            s,
            o.as_str(),
            n,
            &format!("audit: {}", outcome_words(*o)),
            "",
            false,
        );
    }
    s.push_str("</div>");
    let f = a.flagged();
    let _ = write!(
        s,
        "<p class=\"note\">Of {} flagged report(s), {} recommend metabolic labs: {}. A \
         calcification <em>counts</em> when the report says it is there, about the patient, \
         outside the indication. Counts equal <code>summary.csv</code> and \
         <code>reports.parquet</code> of the same run.</p>",
        f.flagged,
        f.recommended,
        calcmine_core::audit::rate_ci(f.recommended, f.flagged)
    );
}

fn charts(s: &mut String, c: &Cohort) {
    s.push_str("<h2 id=\"charts\">Charts</h2><div class=\"charts\">");
    // organ x mechanism, organs by count, the tail added up
    let mut organs: BTreeMap<&str, u64> = BTreeMap::new();
    for ((o, _), n) in &c.organ_mechanism {
        *organs.entry(o).or_default() += n;
    }
    let mut order: Vec<(&str, u64)> = organs.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let cols: Vec<String> = MECHANISMS.iter().map(|m| m.to_string()).collect();
    let col_of: HashMap<&str, usize> = MECHANISMS
        .iter()
        .enumerate()
        .map(|(i, m)| (*m, i))
        .collect();
    let mut rows: Vec<(String, Vec<u64>)> = Vec::new();
    let mut other = vec![0u64; cols.len()];
    let mut n_other = 0;
    for (i, (organ, _)) in order.iter().enumerate() {
        let mut v = vec![0u64; cols.len()];
        for ((o, m), n) in &c.organ_mechanism {
            if o == organ {
                if let Some(j) = col_of.get(m.as_str()) {
                    v[*j] += n;
                }
            }
        }
        if i < HEAT_ROWS {
            let label = match *organ {
                "unspecified" => "organ not stated".to_string(),
                o => words(o),
            };
            rows.push((label, v));
        } else {
            n_other += 1;
            for (a, b) in other.iter_mut().zip(v) {
                *a += b;
            }
        }
    }
    if n_other > 0 {
        rows.push((format!("{n_other} other organs"), other));
    }
    figure(
        s,
        &heat_map(
            "chart-organ-mechanism",
            "Calcifications that count, by organ and mechanism",
            "mechanism (kind of cause)",
            "organ",
            &cols,
            &rows,
        ),
        "Each cell counts the mentions that count (present, the patient's, outside the \
         indication) of an organ with a mechanism; organs with the most first.",
    );
    // location class x status
    let mut classes: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for ((class, shown), n) in &c.location_shown {
        let v = classes
            .entry(class)
            .or_insert_with(|| vec![0; Shown::ALL.len()]);
        if let Some(j) = Shown::ALL.iter().position(|x| x == shown) {
            v[j] += n;
        }
    }
    let mut rows: Vec<(String, Vec<u64>)> =
        classes.into_iter().map(|(k, v)| (words(k), v)).collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1.iter().sum::<u64>()));
    let classes_of: Vec<String> = Shown::ALL
        .iter()
        .map(|k| format!("s-{}", k.key()))
        .collect();
    let series: Vec<Series> = Shown::ALL
        .iter()
        .zip(&classes_of)
        .map(|(k, class)| Series {
            label: k.label(),
            class,
        })
        .collect();
    figure(
        s,
        &stacked_bars(
            "chart-location-status",
            "Every mention, by location and status",
            "mentions",
            "location",
            &series,
            &rows,
        ),
        "Bars are split by how the report states the calcification; \"does not count\": \
         present, but in the indication or about a family member.",
    );
    // rules: flagged reports, with and without labs recommended
    let a = &c.audit;
    let rows: Vec<(String, Vec<u64>)> = a
        .by_rule
        .iter()
        .map(|(rule, k)| (rule.clone(), vec![k.recommended, k.gaps()]))
        .collect();
    figure(
        s,
        &stacked_bars(
            "chart-rules",
            "Flagged reports by work-up rule",
            "flagged reports",
            "work-up rule",
            &[
                Series {
                    label: "metabolic labs recommended",
                    class: "s-labs",
                },
                Series {
                    label: "no labs recommended (gap)",
                    class: "s-gap",
                },
            ],
            &rows,
        ),
        "A report flagged by two rules counts under both.",
    );
    let f = a.flagged();
    let mut rates = vec![Rate {
        label: "all flagged reports".into(),
        k: f.recommended,
        n: f.flagged,
    }];
    for (p, k) in &a.by_priority {
        rates.push(Rate {
            label: format!("priority {p}"),
            k: k.recommended,
            n: k.flagged,
        });
    }
    for (rule, k) in &a.by_rule {
        rates.push(Rate {
            label: format!("rule {rule}"),
            k: k.recommended,
            n: k.flagged,
        });
    }
    if f.flagged == 0 {
        rates.clear();
    }
    figure(
        s,
        &intervals(
            "chart-labs-share",
            "Share of flagged reports that recommend metabolic labs",
            "reports recommending labs (dot), with its 95% Wilson interval (line)",
            "flagged reports",
            &rates,
        ),
        "The interval is wide when few reports are flagged.",
    );
    let rows: Vec<(String, Vec<u64>)> = RECOMMENDATION_TYPES
        .iter()
        .map(|t| (words(t), vec![a.by_type.get(*t).copied().unwrap_or(0)]))
        .collect();
    figure(
        s,
        &stacked_bars(
            "chart-recommendations",
            "Reports recommending, by type of recommendation",
            "reports",
            "recommendation",
            &[Series {
                label: "reports",
                class: "s-bar",
            }],
            &rows,
        ),
        &format!(
            "A report counts once per type. Imaging follow-up with a stated interval: {} of {}; \
             metabolic labs recommended without a work-up flag: {}.",
            a.imaging_followup_with_interval, a.imaging_followup, a.labs_not_indicated
        ),
    );
    s.push_str("</div>");
}

fn figure(s: &mut String, svg: &str, caption: &str) {
    let _ = write!(
        s,
        "<figure class=\"chart\">{svg}<figcaption>{}</figcaption></figure>",
        esc(caption)
    );
}

/// A table of reports; `outcome`: with the audit outcome column.
fn table(s: &mut String, id: &str, rows: &[&Row], anchors: &HashMap<u64, String>, outcome: bool) {
    let _ = write!(
        s,
        "<table class=\"data filterable\" id=\"{id}\"><thead><tr><th>report</th><th>source</th>\
         <th>priority</th><th>work-up rules</th><th>findings that count</th>\
         <th>recommendations</th>{}<th>review</th></tr></thead><tbody>",
        if outcome { "<th>audit</th>" } else { "" }
    );
    for r in rows {
        let review = match anchors.get(&r.seq) {
            Some(a) => format!("<a href=\"#{a}\">review</a>"),
            None => format!(
                "<span class=\"code\">not embedded: calcmine explain --html --id {}</span>",
                esc(&r.report_id)
            ),
        };
        let _ = write!(
            s,
            "<tr data-report=\"{id_}\"><td>{link}</td><td>{}:{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td>{}<td>{review}</td></tr>",
            esc(if r.source.is_empty() { "-" } else { &r.source }),
            r.line,
            esc(if r.priority.is_empty() {
                "–"
            } else {
                r.priority
            }),
            esc(&r.rules.join(", ")),
            esc(&r.findings.join(", ")),
            esc(&r
                .recommendations
                .iter()
                .map(|t| words(t))
                .collect::<Vec<_>>()
                .join(", ")),
            if outcome {
                format!("<td>{}</td>", outcome_badge(r.outcome))
            } else {
                String::new()
            },
            id_ = esc(&r.report_id),
            link = match anchors.get(&r.seq) {
                Some(a) => format!("<a href=\"#{a}\">{}</a>", esc(&r.report_id)),
                None => esc(&r.report_id),
            },
        );
    }
    s.push_str("</tbody></table>");
    if rows.is_empty() {
        s.push_str("<p class=\"note\">none in this cohort</p>");
    }
}

fn tables(s: &mut String, c: &Cohort, anchors: &HashMap<u64, String>) {
    s.push_str(
        "<h2 id=\"flagged\">Flagged reports</h2>\
         <div class=\"filterbar\"><input id=\"filter\" type=\"search\" \
         placeholder=\"Filter the tables: report id, rule, organ, recommendation…\" \
         aria-label=\"Filter the tables\"><span id=\"filter-count\"></span></div>",
    );
    let _ = write!(
        s,
        "<p class=\"note\">Every report flagged for a metabolic work-up (<span \
         data-count=\"flagged_rows\">{}</span>), in input order.</p>",
        c.flagged_rows.len()
    );
    let all: Vec<&Row> = c.flagged_rows.iter().collect();
    table(s, "table-flagged", &all, anchors, true);
    let gaps: Vec<&Row> = c
        .flagged_rows
        .iter()
        .filter(|r| r.outcome.is_gap())
        .collect();
    let _ = write!(
        s,
        "<h2 id=\"gaps\">Audit gaps</h2><p class=\"note\">Flagged reports that recommend no \
         metabolic labs (<span data-count=\"gap_rows\">{}</span>): what a quality team looks \
         at first.</p>",
        gaps.len()
    );
    table(s, "table-gaps", &gaps, anchors, false);
    let shown: Vec<&Row> = c.finding_rows.iter().collect();
    let _ = write!(
        s,
        "<h2 id=\"findings\">Other reports with a calcification that counts</h2>\
         <p class=\"note\">Not flagged: {} report(s){}.</p>",
        c.finding_reports,
        if c.finding_reports > shown.len() as u64 {
            format!(
                ", the first {} listed (the rest are in <code>reports.parquet</code>)",
                shown.len()
            )
        } else {
            String::new()
        }
    );
    table(s, "table-findings", &shown, anchors, false);
}

/// A work-up rule in words: its priority and what it fires on.
fn rule_words(r: &WorkupRule) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let (Some(lab), Some(above)) = (&r.lab, r.above) {
        parts.push(format!("lab {} above {above}", words(lab)));
    }
    let list = |name: &str, v: &[String]| {
        (!v.is_empty()).then(|| {
            format!(
                "{name} {}",
                v.iter().map(|x| words(x)).collect::<Vec<_>>().join(" or ")
            )
        })
    };
    let any: Vec<String> = [
        list("mechanism", &r.mechanisms),
        list("condition", &r.entities),
        list("appearance", &r.morphologies),
        list("organ", &r.organs),
        list("site", &r.sites),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !any.is_empty() {
        parts.push(format!("a finding with {}", any.join("; or ")));
    }
    for (name, v) in [
        ("only", &r.location_classes),
        ("only", &r.processes),
        ("not", &r.not_mechanisms),
        ("not", &r.not_entities),
        ("when the report states", &r.conditions),
    ] {
        if let Some(x) = list(name, v) {
            parts.push(x);
        }
    }
    if parts.is_empty() {
        parts.push("any finding".into());
    }
    parts.join("; ")
}

fn glossary(s: &mut String, c: &Cohort, lex: &Lexicon) {
    s.push_str("<h2 id=\"terms\">Words used on this page</h2>");
    s.push_str(&legend(false));
    s.push_str(
        "<h3>Mechanism (kind of cause)</h3><table class=\"data\"><tbody>\
         <tr><th>dystrophic</th><td>in damaged or scarred tissue (old infection, injury, \
         atherosclerosis) with normal calcium levels</td></tr>\
         <tr><th>metastatic</th><td>from raised calcium or phosphate in the blood (kidney \
         failure, hyperparathyroidism)</td></tr>\
         <tr><th>idiopathic</th><td>no known cause, or inherited</td></tr>\
         <tr><th>iatrogenic</th><td>caused by treatment (surgery, injection)</td></tr>\
         <tr><th>physiologic</th><td>normal for age (pineal gland, costal cartilage)</td></tr>\
         <tr><th>indeterminate</th><td>the report does not say</td></tr></tbody></table>",
    );
    let used: Vec<&String> = c.audit.by_rule.keys().collect();
    s.push_str(
        "<h3>Work-up rules</h3><table class=\"data\"><thead><tr><th>rule</th><th>priority</th>\
         <th>fires on</th><th>flagged here</th></tr></thead><tbody>",
    );
    let mut seen: Vec<&str> = Vec::new();
    for r in &lex.workup_rules {
        if seen.contains(&r.id.as_str()) {
            continue;
        }
        seen.push(&r.id);
        let alternatives: Vec<String> = lex
            .workup_rules
            .iter()
            .filter(|x| x.id == r.id)
            .map(rule_words)
            .collect();
        let n = c.audit.by_rule.get(&r.id).map(|k| k.flagged).unwrap_or(0);
        let _ = write!(
            s,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"num\">{n}</td></tr>",
            esc(&r.id),
            esc(&r.priority),
            esc(&alternatives.join("; or ")),
        );
    }
    for rule in used {
        if !seen.contains(&rule.as_str()) {
            let _ = write!(
                s,
                "<tr><td><code>{}</code></td><td></td><td></td><td class=\"num\">{}</td></tr>",
                esc(rule),
                c.audit.by_rule[rule].flagged
            );
        }
    }
    s.push_str("</tbody></table>");
}

/// The page.
pub fn render(c: &Cohort, info: &PageInfo, lex: &Lexicon) -> String {
    let reviewed = c.reviewed();
    let mut anchors: HashMap<u64, String> = HashMap::new();
    for (_, list) in &reviewed {
        for k in list {
            anchors.insert(k.seq, format!("r{}", k.seq));
        }
    }
    let mut body = String::new();
    glance(&mut body, c);
    charts(&mut body, c);
    tables(&mut body, c, &anchors);
    let n_reviews: usize = reviewed.iter().map(|(_, l)| l.len()).sum();
    let _ = write!(
        body,
        "<h2 id=\"reviews\">Report reviews</h2><p class=\"note\"><span \
         data-count=\"reviews\">{n_reviews}</span> report(s) reviewed here (at most {}: the gaps \
         first, then the other flagged reports, then other reports with a finding); every other \
         report: <code>calcmine explain --html --id ID</code>.\
         <button class=\"toggle\" data-open=\"1\" type=\"button\">open all</button>\
         <button class=\"toggle\" data-open=\"0\" type=\"button\">close all</button></p>",
        c.limit
    );
    body.push_str(&legend(info.no_text));
    for (title, list) in &reviewed {
        let _ = write!(body, "<h3>{}</h3>", esc(title));
        for k in list {
            review::render(
                &mut body,
                k.text.as_deref(),
                &k.result,
                lex,
                &format!("r{}", k.seq),
                false,
            );
        }
    }
    glossary(&mut body, c, lex);
    let inputs = if info.inputs.len() > 4 {
        format!(
            "{} and {} other input(s)",
            info.inputs[..3].join(", "),
            info.inputs.len() - 3
        )
    } else {
        info.inputs.join(", ")
    };
    let header = format!(
        "<p>{} report(s) from <code>{}</code>{}.</p><p>Calcification mentions, their status \
         and codes, and the reports that warrant a metabolic work-up, with the audit of whether \
         they recommend labs.{}</p>",
        c.reports,
        esc(&inputs),
        info.shard
            .as_ref()
            .map(|k| format!(", shard {}", esc(k)))
            .unwrap_or_default(),
        if info.no_text {
            " No report text on this page (<code>--no-text</code>): codes, rule ids and \
             counts only."
        } else {
            ""
        }
    );
    shell(
        "calcmine: cohort review",
        &header,
        &[
            ("glance", "At a glance"),
            ("charts", "Charts"),
            ("flagged", "Flagged reports"),
            ("gaps", "Audit gaps"),
            ("findings", "Other findings"),
            ("reviews", "Reviews"),
            ("terms", "Words used"),
        ],
        &body,
        &footer(lex),
    )
}
