//! Hostile input, generated: no panic on any input, nothing lost. Deterministic randomized tests
//! push many generated texts and files through `Engine::process` and through every reader, and
//! check the invariants every later stage relies on (offsets are char boundaries inside the
//! report and slice back to the mention text, sentences lie inside the report, one report out
//! per report in, rows over the size cap read past without disturbing the others); with very
//! long lines, and multi-byte and invisible characters around terms. The generator is a tiny
//! xorshift so a failure is reproducible from its case number. Malformed input case by case is
//! in stage_input.rs.

mod common;

use std::path::{Path, PathBuf};

use calcmine::input::{InputFormat, InputOptions};
use calcmine::{Engine, Report};
use common::{bundled_engine, gzip, read_all};

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// Pieces of report language, punctuation and awkward bytes that generated reports are made of.
const WORDS: &[&str] = &[
    "calcified",
    "Calcified",
    "CALCIFIED",
    "granuloma",
    "granulomas",
    "calcification",
    "calcifications",
    "non-calcified",
    "noncalcified",
    "Non Calcified",
    "calcium",
    "serum calcium",
    "calcium channel blocker",
    "coronary artery calcification",
    "aortic knob",
    "vascular",
    "Mönckeberg",
    "sclerosis",
    "nephrocalcinosis",
    "No",
    "no",
    "not",
    "without",
    "possible",
    "may represent",
    "history of",
    "mother",
    "if",
    "but",
    "which",
    "no change in",
    "the",
    "lungs",
    "are",
    "clear",
    "right",
    "upper",
    "lobe",
    "FINDINGS:",
    "FINDINGS",
    "IMPRESSION:",
    "Impression",
    "CLINICAL HISTORY:",
    "Comparison:",
    "XXXX",
    "XXXX.",
    "Dr.",
    "e.g.",
    "approx.",
    "vs.",
    "1.",
    "2)",
    "1.5",
    "cm",
    "3/4",
    "T-11",
    "L1-L2",
];

const PUNCT: &[&str] = &[
    " ", " ", " ", " ", ".", ". ", ": ", ":", ",", ", ", ";", "-", "--", "/", "\n", "\n\n", "\r\n",
    "\r\n\r\n", "\r", "\t", "\"", "'", "(", ")", "\0", "’", "—", "–", "\u{a0}", "\u{feff}", "“",
    "”", "🙂", "é", "ö", "\u{200b}", "•", "* ", "- ", "?", "!", "...",
];

/// Raw bytes that are not valid UTF-8 on their own.
const BAD_BYTES: &[&[u8]] = &[
    b"\xff",
    b"\xfe",
    b"\x80",
    b"\xbf",
    b"\xc3",
    b"\xe2\x80",
    b"\xf0\x9f",
];

fn bad_bytes(rng: &mut Rng) -> &'static [u8] {
    BAD_BYTES[rng.below(BAD_BYTES.len())]
}

/// A random report-like byte string (may contain invalid UTF-8 when `bad` is set).
fn gen_bytes(rng: &mut Rng, max_pieces: usize, bad: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let n = rng.below(max_pieces + 1);
    for _ in 0..n {
        match rng.below(10) {
            0..=4 => out.extend_from_slice(rng.pick(WORDS).as_bytes()),
            5..=7 => out.extend_from_slice(rng.pick(PUNCT).as_bytes()),
            8 => {
                let d = rng.below(1000).to_string();
                out.extend_from_slice(d.as_bytes());
            }
            _ => {
                if bad {
                    out.extend_from_slice(bad_bytes(rng));
                } else {
                    out.push(b' ');
                }
            }
        }
    }
    out
}

/// Completely random bytes, biased towards ASCII, line breaks and quotes.
fn gen_noise(rng: &mut Rng, max_len: usize) -> Vec<u8> {
    let n = rng.below(max_len + 1);
    (0..n)
        .map(|_| match rng.below(8) {
            0 => *rng.pick(b"\n\r\t,\"'{}:;. "),
            1 => (rng.next() & 0xff) as u8,
            _ => b'a' + rng.below(26) as u8,
        })
        .collect()
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every invariant of one processed report.
fn check_report(engine: &Engine, report: &Report, case: &str) {
    let text = report.text.as_str();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        (engine.process(report), engine.analyze(report))
    }));
    let (result, sentences) = match result {
        Ok(r) => r,
        Err(_) => panic!(
            "{case}: panicked on {:?} (columns {:?})",
            text, report.columns
        ),
    };
    assert_eq!(result.report_id, report.id, "{case}");
    for s in &sentences {
        assert!(
            s.start <= s.end && s.end <= text.len(),
            "{case}: sentence {}..{} outside the report of {} bytes: {text:?}",
            s.start,
            s.end,
            text.len()
        );
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "{case}: sentence {}..{} not on char boundaries: {text:?}",
            s.start,
            s.end
        );
        assert!(
            s.end - s.start <= calcmine::sentence::MAX_SENTENCE_BYTES,
            "{case}: a sentence of {} bytes",
            s.end - s.start
        );
        assert_eq!(s.norm.map.len(), s.norm.text.len() + 1, "{case}");
        // any range of whole normalized characters maps to whole original characters
        let n = &s.norm.text;
        for p in (0..=n.len().min(300)).filter(|&p| n.is_char_boundary(p)) {
            for (x, y) in [(0, p), (p, n.len())] {
                let (a, b) = s.norm.original_range(x, y);
                assert!(
                    s.start <= a && a <= b && b <= s.end,
                    "{case}: {x}..{y} maps to {a}..{b} outside {}..{}: {text:?}",
                    s.start,
                    s.end
                );
                assert!(
                    text.is_char_boundary(a) && text.is_char_boundary(b),
                    "{case}: {x}..{y} maps to {a}..{b}, not char boundaries: {text:?}"
                );
            }
        }
        for h in &s.hits {
            assert!(h.start < h.end && h.end <= s.norm.text.len(), "{case}");
            let (a, b) = s.norm.original_range(h.start, h.end);
            assert!(
                s.start <= a && a <= b && b <= s.end,
                "{case}: hit maps outside its sentence: {text:?}"
            );
            assert!(
                text.is_char_boundary(a) && text.is_char_boundary(b),
                "{case}: hit maps to {a}..{b}, not char boundaries: {text:?}"
            );
        }
    }
    for (i, m) in result.mentions.iter().enumerate() {
        assert_eq!(m.mention_id as usize, i + 1, "{case}");
        assert!(
            m.start < m.end && m.end <= text.len(),
            "{case}: mention {}..{} outside the report: {text:?}",
            m.start,
            m.end
        );
        assert!(
            text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
            "{case}: mention {}..{} not on char boundaries: {text:?}",
            m.start,
            m.end
        );
        assert_eq!(&text[m.start..m.end], m.text, "{case}: {text:?}");
        let s = &sentences[m.sentence_index as usize];
        assert!(s.start <= m.start && m.end <= s.end, "{case}: {text:?}");
        assert_eq!(m.sentence, &text[s.start..s.end], "{case}");
        assert_eq!(m.section.as_str(), &*s.section, "{case}");
        for t in &m.triggers {
            assert!(
                t.start <= t.end
                    && t.end <= text.len()
                    && text.is_char_boundary(t.start)
                    && text.is_char_boundary(t.end),
                "{case}: trigger {}..{}: {text:?}",
                t.start,
                t.end
            );
            assert_eq!(&text[t.start..t.end], t.text, "{case}");
        }
    }
}

#[test]
fn generated_reports_never_panic_and_offsets_slice_the_text() {
    let engine = bundled_engine();
    let mut rng = Rng::new(2);
    for case in 0..6000 {
        let bytes = if case % 10 == 9 {
            gen_noise(&mut rng, 400)
        } else {
            gen_bytes(&mut rng, 80, true)
        };
        let report = Report {
            id: format!("case-{case}"),
            text: lossy(&bytes),
            ..Default::default()
        };
        check_report(&engine, &report, &format!("case {case}"));
        // the same text as structured input: two columns become two sections
        if case % 4 == 0 && !report.text.is_empty() {
            let mut cut = rng.below(report.text.len() + 1);
            while !report.text.is_char_boundary(cut) {
                cut -= 1;
            }
            let text = format!("{}\n\n{}", &report.text[..cut], &report.text[cut..]);
            let columns = [(0, "findings".into()), (cut + 2, "impression".into())].into();
            let r = Report {
                text,
                columns,
                ..report
            };
            check_report(&engine, &r, &format!("case {case} in columns"));
            // column offsets from a careless caller: out of order, past the end, inside a
            // character
            let n = r.text.len();
            let columns = [
                (rng.below(n + 8), "findings".into()),
                (rng.below(n + 8), "impression".into()),
                (rng.below(n + 8), "indication".into()),
            ]
            .into();
            let r = Report { columns, ..r };
            check_report(&engine, &r, &format!("case {case} in bad columns"));
        }
    }
}

#[test]
fn very_long_lines_and_empty_text() {
    let engine = bundled_engine();
    let mut rng = Rng::new(3);
    check_report(&engine, &Report::default(), "empty");
    for case in 0..6 {
        // one line of ~200 kB without a sentence end: a pasted report with no punctuation
        let mut b = Vec::new();
        while b.len() < 200_000 {
            b.extend_from_slice(rng.pick(WORDS).as_bytes());
            b.push(if case % 2 == 0 { b' ' } else { b'-' });
        }
        let report = Report {
            id: format!("long-{case}"),
            text: lossy(&b),
            ..Default::default()
        };
        check_report(&engine, &report, &format!("long {case}"));
    }
}

/// Multi-byte characters right at the ends of a term: offsets must still be char boundaries and
/// slice back to the term.
#[test]
fn multibyte_characters_around_terms_map_back_exactly() {
    let engine = bundled_engine();
    for text in [
        "“Calcified granuloma” in the right apex.",
        "Calcified granuloma—right apex.",
        "Mönckeberg sclerosis of the femoral arteries.",
        "Coronary artery calcification’s extent is mild.",
        "Dense calcification\u{a0}in the aortic knob.",
        "🙂calcified granuloma🙂",
        "é calcified granuloma é",
    ] {
        let report = Report {
            id: "r".into(),
            text: text.into(),
            ..Default::default()
        };
        check_report(&engine, &report, text);
        let found = engine.process(&report).mentions;
        assert!(!found.is_empty(), "no mention found in {text:?}");
    }
    // a word processor's non-breaking hyphen or an en dash in "non-calcified" is still a hyphen:
    // the nodule is not calcified, and "calcified" alone must not be read as present
    for text in [
        "Stable non\u{2011}calcified nodule.",
        "Stable non–calcified nodule.",
        "Stable non\u{2010}calcified nodule.",
    ] {
        let report = Report {
            id: "r".into(),
            text: text.into(),
            ..Default::default()
        };
        check_report(&engine, &report, text);
        let found: Vec<_> = engine
            .process(&report)
            .mentions
            .into_iter()
            .map(|m| (m.text, m.status.as_str()))
            .collect();
        let term = &text["Stable ".len()..text.len() - " nodule.".len()];
        assert_eq!(found, vec![(term.to_string(), "absent")], "{text}");
    }
}

/// Invisible characters pasted from word processors and web pages (zero-width space, word
/// joiner, a byte-order mark inside the text, soft hyphen) separate words like a space: the
/// phrase is still one mention.
#[test]
fn invisible_characters_do_not_split_a_phrase() {
    let engine = bundled_engine();
    for text in [
        "Calcified\u{200b} granuloma in the right apex.",
        "\u{feff}Calcified \u{2060}granuloma.",
        "Calcified\u{ad}granuloma noted.",
    ] {
        let report = Report {
            id: "r".into(),
            text: text.into(),
            ..Default::default()
        };
        check_report(&engine, &report, text);
        let terms: Vec<String> = engine
            .process(&report)
            .mentions
            .into_iter()
            .map(|m| m.term)
            .collect();
        assert_eq!(terms, vec!["calcified_granuloma"], "{text:?}");
    }
}

/// One generated record for the table readers: an id and a text, either of which may hold
/// invalid UTF-8, quotes, separators and line breaks.
fn gen_record(rng: &mut Rng) -> (Vec<u8>, Vec<u8>) {
    let mut id = format!("r{}", rng.below(100_000)).into_bytes();
    if rng.below(10) == 0 {
        id.extend_from_slice(bad_bytes(rng));
    }
    (id, gen_bytes(rng, 30, true))
}

fn csv_quote(field: &[u8]) -> Vec<u8> {
    let mut out = vec![b'"'];
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
    out
}

/// Write `bytes` under `name`, a gzipped copy under `name.gz` and a Zstandard one under
/// `name.zst`; return the three paths.
fn write_both(dir: &Path, name: &str, bytes: &[u8]) -> [PathBuf; 3] {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    let g = dir.join(format!("{name}.gz"));
    std::fs::write(&g, gzip(bytes)).unwrap();
    let z = dir.join(format!("{name}.zst"));
    std::fs::write(&z, zstd::encode_all(bytes, 3).unwrap()).unwrap();
    [p, g, z]
}

#[test]
fn generated_files_in_every_format_lose_no_report() {
    let engine = bundled_engine();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(5);
    for case in 0..150 {
        let n = rng.below(12);
        let records: Vec<(Vec<u8>, Vec<u8>)> = (0..n).map(|_| gen_record(&mut rng)).collect();

        // txt: the whole file is one report
        let txt = gen_bytes(&mut rng, 60, true);
        for p in write_both(dir.path(), &format!("c{case}.txt"), &txt) {
            let (reports, stats) = read_all(&p, &InputOptions::default());
            assert_eq!(reports.len(), 1, "case {case}: {p:?}");
            assert_eq!(stats.reports, 1);
            assert!(stats.errors.is_empty(), "{:?}", stats.errors);
            assert_eq!(reports[0].id, format!("c{case}"));
            check_report(&engine, &reports[0], &format!("case {case} txt"));
        }

        // lines: one report per line, empty lines included
        let mut lines = Vec::new();
        for (_, t) in &records {
            let t: Vec<u8> = t.iter().copied().filter(|&b| b != b'\n').collect();
            lines.extend_from_slice(&t);
            lines.extend_from_slice(if rng.below(2) == 0 { b"\n" } else { b"\r\n" });
        }
        let opts = InputOptions {
            format: Some(InputFormat::Lines),
            ..Default::default()
        };
        for p in write_both(dir.path(), &format!("c{case}.lines"), &lines) {
            let (reports, stats) = read_all(&p, &opts);
            assert_eq!(reports.len(), n, "case {case}: {p:?}");
            assert_eq!(stats.reports as usize, n);
            for r in &reports {
                check_report(&engine, r, &format!("case {case} lines"));
            }
        }

        // csv and tsv, every field quoted as a CSV writer would
        for (ext, sep) in [("csv", b','), ("tsv", b'\t')] {
            let mut f = Vec::new();
            if rng.below(4) == 0 {
                f.extend_from_slice("\u{feff}".as_bytes());
            }
            f.extend_from_slice(b"report_id");
            f.push(sep);
            f.extend_from_slice(b"report_text");
            f.extend_from_slice(if rng.below(2) == 0 { b"\n" } else { b"\r\n" });
            for (id, t) in &records {
                f.extend_from_slice(&csv_quote(id));
                f.push(sep);
                f.extend_from_slice(&csv_quote(t));
                f.extend_from_slice(if rng.below(2) == 0 { b"\n" } else { b"\r\n" });
            }
            for p in write_both(dir.path(), &format!("c{case}.{ext}"), &f) {
                let (reports, stats) = read_all(&p, &InputOptions::default());
                assert!(
                    stats.errors.is_empty(),
                    "case {case} {p:?}: {:?}",
                    stats.errors
                );
                assert_eq!(reports.len(), n, "case {case}: {p:?}");
                for (r, (id, t)) in reports.iter().zip(&records) {
                    assert_eq!(r.id, lossy(id), "case {case} {ext}");
                    assert_eq!(r.text, lossy(t), "case {case} {ext}");
                    check_report(&engine, r, &format!("case {case} {ext}"));
                }
            }
        }

        // jsonl, with blank lines and a broken line now and then
        let mut f = Vec::new();
        let mut m = 0;
        for (id, t) in &records {
            if rng.below(5) == 0 {
                f.extend_from_slice(b"\n");
            }
            if rng.below(6) == 0 {
                f.extend_from_slice(b"{\"id\": \"broken\", \"text\": \"calcified\n");
                m += 1;
                continue;
            }
            let obj = serde_json::json!({"id": lossy(id), "text": lossy(t)});
            f.extend_from_slice(obj.to_string().as_bytes());
            f.push(b'\n');
            m += 1;
        }
        for p in write_both(dir.path(), &format!("c{case}.jsonl"), &f) {
            let (reports, stats) = read_all(&p, &InputOptions::default());
            assert_eq!(reports.len(), m, "case {case}: {p:?}");
            assert_eq!(
                stats.failed as usize,
                reports.iter().filter(|r| r.error.is_some()).count()
            );
            for r in &reports {
                check_report(&engine, r, &format!("case {case} jsonl"));
            }
        }

        // noise in every format: no panic, every report either read or marked with an error
        let noise = gen_noise(&mut rng, 600);
        for ext in ["txt", "csv", "tsv", "jsonl"] {
            for p in write_both(dir.path(), &format!("n{case}.{ext}"), &noise) {
                let (reports, stats) = read_all(&p, &InputOptions::default());
                assert_eq!(stats.reports as usize, reports.len());
                for r in &reports {
                    check_report(&engine, r, &format!("noise {case} {ext}"));
                }
            }
        }
        // noise that claims to be gzip
        let p = dir.path().join(format!("n{case}.csv.gz"));
        std::fs::write(&p, &noise).unwrap();
        let (reports, stats) = read_all(&p, &InputOptions::default());
        assert_eq!(stats.reports as usize, reports.len());
    }
}

/// Rows longer than the reader holds are read past, not into memory. Reading past them follows
/// the same quoting as reading them, so every other row reads exactly as without a limit: same
/// id, text, line and error, on generated tables with long rows, stray and doubled quotes, line
/// breaks inside fields, extra columns and a quote left open now and then.
#[test]
fn rows_read_past_at_the_cap_leave_every_other_row_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(11);
    let capped = InputOptions {
        max_report_bytes: Some(1),
        ..Default::default()
    };
    let cap = capped.record_cap().unwrap();
    let unlimited = InputOptions {
        max_report_bytes: None,
        ..Default::default()
    };
    let mut cut_rows = 0;
    for case in 0..150 {
        let mut f = b"id,text,site\n".to_vec();
        for _ in 0..rng.below(8) {
            let (id, mut text) = gen_record(&mut rng);
            if rng.below(3) == 0 {
                // long: 64 KiB and more of report, over the cap now and then
                let len = 40_000 + rng.below(60_000);
                while text.len() < len {
                    text.extend_from_slice(&gen_bytes(&mut rng, 60, true));
                }
            }
            let field = |rng: &mut Rng, b: &[u8]| match rng.below(4) {
                // unquoted: a line break or separator in it makes rows of its own
                0 => b.to_vec(),
                _ => csv_quote(b),
            };
            f.extend_from_slice(&field(&mut rng, &id));
            f.push(b',');
            f.extend_from_slice(&field(&mut rng, &text));
            if rng.below(5) > 0 {
                f.extend_from_slice(b",x");
            }
            f.extend_from_slice(if rng.below(2) == 0 { b"\n" } else { b"\r\n" });
        }
        if rng.below(4) == 0 {
            // the last row without its line break
            while f.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
                f.pop();
            }
        } else if rng.below(6) == 0 {
            f.extend_from_slice(b"9,\"a quote left open\n");
            f.extend_from_slice(&gen_bytes(&mut rng, 20_000, true));
        }
        let p = dir.path().join(format!("c{case}.csv"));
        std::fs::write(&p, &f).unwrap();
        let (short, _) = read_all(&p, &capped);
        let (whole, _) = read_all(&p, &unlimited);
        assert_eq!(short.len(), whole.len(), "case {case}");
        for (s, w) in short.iter().zip(&whole) {
            // (a byte of invalid UTF-8 is decoded to three)
            assert!(
                s.text.len() <= 3 * cap,
                "case {case}: held {}",
                s.text.len()
            );
            assert_eq!((s.line, s.record), (w.line, w.record), "case {case}");
            match s.error.as_deref() {
                Some(e) if e.contains("read past") => {
                    cut_rows += 1;
                    assert!(s.bytes() > cap as u64, "case {case}: {e}");
                    // what went wrong with the row besides is still said, and only that
                    let we = w.error.as_deref().filter(|e| e.starts_with("unterm"));
                    assert_eq!(e.contains("unterm"), we.is_some(), "case {case}: {e}");
                    if let Some(we) = we {
                        assert!(e.ends_with(we), "case {case}: {e}");
                    }
                }
                _ => {
                    assert_eq!(s.id, w.id, "case {case}");
                    assert_eq!(s.text, w.text, "case {case}");
                    // with a limit of one byte, every report says it is over it, and only that
                    let other = s.error.as_deref().filter(|e| !e.starts_with("report of"));
                    assert_eq!(other, w.error.as_deref(), "case {case}");
                }
            }
        }
    }
    assert!(cut_rows >= 40, "only {cut_rows} rows over the cap");
}
