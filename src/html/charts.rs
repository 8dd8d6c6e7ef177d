//! The charts of the cohort page, as inline SVG written by hand (a charting crate would add
//! more code than these three shapes need): stacked horizontal bars, a heat map, and rates
//! with their 95 % intervals. Every chart has a title, axis titles and labels; every label is
//! escaped. Sizes are in SVG units of a `viewBox`, so a chart scales with the page.

use std::fmt::Write as _;

use super::esc;

const W: f64 = 760.0;
const ROW: f64 = 26.0;
const BAR: f64 = 17.0;

/// One series of a bar chart: its label (legend) and the CSS class of its colour.
pub struct Series<'a> {
    pub label: &'a str,
    pub class: &'a str,
}

/// A rate `k / n` with its label, for [`intervals`].
pub struct Rate {
    pub label: String,
    pub k: u64,
    pub n: u64,
}

/// Approximate width of `s` in 12 px text (the charts' labels).
fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 7.4
}

/// Left margin for row labels: the longest label, within bounds.
fn left_margin(labels: impl Iterator<Item = String>) -> f64 {
    let w = labels.map(|l| text_width(&l)).fold(0.0, f64::max);
    (w + 44.0).clamp(90.0, 300.0)
}

/// Round tick steps (1, 2, 5 × 10^k) from 0 to at least `max`.
fn ticks(max: u64) -> Vec<u64> {
    let max = max.max(1);
    let raw = max as f64 / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
        .max(1.0)
        .round() as u64;
    let top = max.div_ceil(step) * step;
    (0..=top / step).map(|i| i * step).collect()
}

/// The opening of a chart: the `svg` element, its accessible title and its visible title.
fn open(s: &mut String, id: &str, title: &str, h: f64) {
    let _ = write!(
        s,
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {W} {h:.0}\" role=\"img\" \
         aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{t}</title>\
         <text class=\"title\" x=\"8\" y=\"20\">{t}</text>",
        t = esc(title)
    );
}

/// The y axis title, rotated, at the left edge.
fn y_title(s: &mut String, label: &str, y0: f64, y1: f64) {
    let cy = (y0 + y1) / 2.0;
    let _ = write!(
        s,
        "<text class=\"axis\" transform=\"translate(14 {cy:.0}) rotate(-90)\" \
         text-anchor=\"middle\">{}</text>",
        esc(label)
    );
}

/// A message in place of an empty chart (the chart keeps its title and stays visible).
fn empty(s: &mut String, y: f64, what: &str) {
    let _ = write!(
        s,
        "<text class=\"axis\" x=\"{}\" y=\"{y:.0}\" text-anchor=\"middle\">{}</text>",
        W / 2.0,
        esc(what)
    );
}

/// Horizontal bars, one per row, stacked by series; the total at the end of each bar.
/// `rows`: (label, one value per series).
pub fn stacked_bars(
    id: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    rows: &[(String, Vec<u64>)],
) -> String {
    let mut s = String::new();
    let legend_h = if series.len() > 1 { 22.0 } else { 0.0 };
    let top = 34.0 + legend_h;
    let n = rows.len().max(1) as f64;
    let h = top + n * ROW + 52.0;
    open(&mut s, id, title, h);
    if series.len() > 1 {
        let mut x = 30.0;
        for se in series {
            let _ = write!(
                s,
                "<rect class=\"{}\" x=\"{x:.0}\" y=\"34\" width=\"12\" height=\"12\"/>\
                 <text class=\"lab\" x=\"{:.0}\" y=\"44\">{}</text>",
                se.class,
                x + 16.0,
                esc(se.label)
            );
            x += 16.0 + text_width(se.label) + 18.0;
        }
    }
    let x0 = left_margin(rows.iter().map(|r| r.0.clone()));
    let x1 = W - 56.0;
    let max = rows
        .iter()
        .map(|r| r.1.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let t = ticks(max);
    let top_tick = *t.last().unwrap_or(&1) as f64;
    let sx = |v: f64| x0 + (x1 - x0) * v / top_tick;
    let y_end = top + n * ROW;
    for tv in &t {
        let x = sx(*tv as f64);
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{top:.0}\" x2=\"{x:.1}\" y2=\"{y_end:.0}\"/>\
             <text class=\"axis\" x=\"{x:.1}\" y=\"{:.0}\" text-anchor=\"middle\">{tv}</text>",
            y_end + 15.0
        );
    }
    let _ = write!(
        s,
        "<line class=\"axisline\" x1=\"{x0:.1}\" y1=\"{top:.0}\" x2=\"{x0:.1}\" y2=\"{y_end:.0}\"/>\
         <text class=\"axis\" x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\">{}</text>",
        (x0 + x1) / 2.0,
        y_end + 38.0,
        esc(x_label)
    );
    y_title(&mut s, y_label, top, y_end);
    if rows.is_empty() {
        empty(&mut s, top + 17.0, "none in this cohort");
    }
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = top + i as f64 * ROW + (ROW - BAR) / 2.0;
        let _ = write!(
            s,
            "<text class=\"lab\" x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 6.0,
            y + BAR - 4.0,
            esc(label)
        );
        let mut acc = 0u64;
        for (v, se) in values.iter().zip(series) {
            if *v == 0 {
                continue;
            }
            let (a, b) = (sx(acc as f64), sx((acc + v) as f64));
            let _ = write!(
                s,
                "<rect class=\"{}\" x=\"{a:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{BAR}\">\
                 <title>{}: {} {v}</title></rect>",
                se.class,
                (b - a).max(0.8),
                esc(label),
                esc(se.label)
            );
            acc += v;
        }
        let _ = write!(
            s,
            "<text class=\"val\" x=\"{:.1}\" y=\"{:.1}\">{acc}</text>",
            sx(acc as f64) + 4.0,
            y + BAR - 4.0
        );
    }
    s.push_str("</svg>");
    s
}

/// Colour of a heat-map cell: white to dark red by the square root of `v / max`.
fn heat(v: u64, max: u64) -> (String, bool) {
    if v == 0 || max == 0 {
        return ("#f4f6f8".into(), false);
    }
    let t = (v as f64 / max as f64).sqrt();
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    (
        format!(
            "#{:02x}{:02x}{:02x}",
            lerp(254.0, 153.0),
            lerp(229.0, 0.0),
            lerp(217.0, 13.0)
        ),
        t > 0.55,
    )
}

/// A heat map: a cell per row × column with its count, darker for more. `rows`: (label, one
/// value per column).
pub fn heat_map(
    id: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    cols: &[String],
    rows: &[(String, Vec<u64>)],
) -> String {
    let mut s = String::new();
    let x0 = left_margin(rows.iter().map(|r| r.0.clone()));
    let cw = ((W - x0 - 10.0) / cols.len().max(1) as f64).min(130.0);
    let ch = 24.0;
    let top = 74.0;
    let n = rows.len().max(1) as f64;
    let h = top + n * ch + 44.0;
    open(&mut s, id, title, h);
    let grid_w = cw * cols.len() as f64;
    let _ = write!(
        s,
        "<text class=\"axis\" x=\"{:.0}\" y=\"44\" text-anchor=\"middle\">{}</text>",
        x0 + grid_w / 2.0,
        esc(x_label)
    );
    for (j, c) in cols.iter().enumerate() {
        let _ = write!(
            s,
            "<text class=\"lab\" x=\"{:.1}\" y=\"64\" text-anchor=\"middle\">{}</text>",
            x0 + (j as f64 + 0.5) * cw,
            esc(c)
        );
    }
    y_title(&mut s, y_label, top, top + n * ch);
    if rows.is_empty() {
        empty(&mut s, top + 16.0, "none in this cohort");
    }
    let max = rows
        .iter()
        .flat_map(|r| r.1.iter().copied())
        .max()
        .unwrap_or(0);
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = top + i as f64 * ch;
        let _ = write!(
            s,
            "<text class=\"lab\" x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 6.0,
            y + ch / 2.0 + 4.0,
            esc(label)
        );
        for (j, v) in values.iter().enumerate() {
            let (fill, dark) = heat(*v, max);
            let x = x0 + j as f64 * cw;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\" \
                 stroke=\"#fff\" data-count=\"{v}\"><title>{}, {}: {v}</title></rect>",
                cw,
                ch,
                esc(label),
                esc(cols.get(j).map(String::as_str).unwrap_or(""))
            );
            if *v > 0 {
                let _ = write!(
                    s,
                    "<text class=\"val\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\"{}>{v}</text>",
                    x + cw / 2.0,
                    y + ch / 2.0 + 4.0,
                    if dark { " style=\"fill:#fff\"" } else { "" }
                );
            }
        }
    }
    // the scale
    let ly = top + n * ch + 16.0;
    let _ = write!(
        s,
        "<text class=\"axis\" x=\"{x0:.0}\" y=\"{:.0}\">colour: count of mentions, from 1 (light) to {max} (dark)</text>",
        ly + 12.0
    );
    s.push_str("</svg>");
    s
}

/// Rates with their 95 % Wilson intervals, one row each: a dot at the rate and a line across
/// the interval on a 0–100 % axis, with `k / n` and the figures at the right.
pub fn intervals(id: &str, title: &str, x_label: &str, y_label: &str, rows: &[Rate]) -> String {
    let mut s = String::new();
    let top = 40.0;
    let n = rows.len().max(1) as f64;
    let h = top + n * ROW + 52.0;
    open(&mut s, id, title, h);
    let x0 = left_margin(rows.iter().map(|r| r.label.clone()));
    let x1 = W - 190.0;
    let sx = |p: f64| x0 + (x1 - x0) * p;
    let y_end = top + n * ROW;
    for i in 0..=5 {
        let p = i as f64 / 5.0;
        let x = sx(p);
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{top:.0}\" x2=\"{x:.1}\" y2=\"{y_end:.0}\"/>\
             <text class=\"axis\" x=\"{x:.1}\" y=\"{:.0}\" text-anchor=\"middle\">{}%</text>",
            y_end + 15.0,
            i * 20
        );
    }
    let _ = write!(
        s,
        "<line class=\"axisline\" x1=\"{x0:.1}\" y1=\"{top:.0}\" x2=\"{x0:.1}\" y2=\"{y_end:.0}\"/>\
         <text class=\"axis\" x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\">{}</text>",
        (x0 + x1) / 2.0,
        y_end + 38.0,
        esc(x_label)
    );
    y_title(&mut s, y_label, top, y_end);
    if rows.is_empty() {
        empty(&mut s, top + 17.0, "no flagged report in this cohort");
    }
    for (i, r) in rows.iter().enumerate() {
        let cy = top + i as f64 * ROW + ROW / 2.0;
        // clear of the dot at 0 %
        let _ = write!(
            s,
            "<text class=\"lab\" x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 12.0,
            cy + 4.0,
            esc(&r.label)
        );
        let Some((lo, hi)) = calcmine_core::stats::wilson(r.k, r.n) else {
            continue;
        };
        let p = r.k as f64 / r.n as f64;
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" y1=\"{cy:.1}\" x2=\"{:.1}\" y2=\"{cy:.1}\" stroke=\"#3f6e99\" stroke-width=\"2\"/>\
             <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#3f6e99\"/>\
             <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#3f6e99\"/>\
             <circle cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"5\" fill=\"#1d3f63\"><title>{}: {} of {} ({:.1}%, 95% interval {:.1}–{:.1}%)</title></circle>\
             <text class=\"val\" x=\"{:.0}\" y=\"{:.1}\">{} of {}: {:.0}% ({:.0}–{:.0}%)</text>",
            sx(lo),
            sx(hi),
            sx(lo),
            cy - 5.0,
            sx(lo),
            cy + 5.0,
            sx(hi),
            cy - 5.0,
            sx(hi),
            cy + 5.0,
            sx(p),
            esc(&r.label),
            r.k,
            r.n,
            100.0 * p,
            100.0 * lo,
            100.0 * hi,
            x1 + 10.0,
            cy + 4.0,
            r.k,
            r.n,
            100.0 * p,
            100.0 * lo,
            100.0 * hi
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(0), vec![0, 1]);
        assert_eq!(ticks(7), vec![0, 2, 4, 6, 8]);
        assert_eq!(ticks(100), vec![0, 20, 40, 60, 80, 100]);
        assert_eq!(ticks(1234), vec![0, 500, 1000, 1500]);
    }

    #[test]
    fn labels_are_escaped_and_an_empty_chart_says_so() {
        let svg = stacked_bars(
            "c",
            "T <1>",
            "x",
            "y",
            &[Series {
                label: "a",
                class: "s-bar",
            }],
            &[("<script>".into(), vec![3])],
        );
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("T &lt;1&gt;"));
        let svg = intervals("i", "t", "x", "y", &[]);
        assert!(svg.contains("no flagged report"));
    }
}
