//! Properties checked on generated inputs (proptest: each failure is shrunk to a smallest
//! case and its seed kept in `tests/properties.proptest-regressions`):
//!
//! - every mention's offsets slice the report back to the mention's text, its sentence and its
//!   trigger words, whatever the text;
//! - as many report rows come out as reports go in, in every input format;
//! - the output is the same whatever `--threads` and `--batch`.
//!
//! The command-line properties start the binary for each case, so they run few cases.

mod common;

use proptest::prelude::*;

use common::{calcmine, process};

/// Pieces of report language: terms, triggers, section titles, punctuation, awkward
/// characters.
const PIECES: &[&str] = &[
    "calcified granuloma",
    "calcification",
    "Calcified",
    "coronary artery calcification",
    "nephrocalcinosis",
    "non-calcified",
    "No",
    "no evidence of",
    "possible",
    "history of",
    "mother had",
    "if",
    "but",
    "right upper lobe",
    "aortic knob",
    "FINDINGS:",
    "IMPRESSION:",
    "Dr.",
    "1.5 cm",
    "calcium 11.2 mg/dL",
    "ESRD on dialysis",
    ". ",
    ", ",
    ";",
    "\n",
    "\r\n",
    "\t",
    "\"",
    "—",
    "\u{a0}",
    "\u{feff}",
    "🙂",
    "Mönckeberg",
    "\u{1b}[2J",
    "\0",
];

fn report_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn offsets_slice_back_to_the_mention_text(text in report_text()) {
        let r = process("p", &text);
        for m in &r.mentions {
            prop_assert_eq!(text.get(m.start..m.end), Some(m.text.as_str()));
            let s = m.sentence_start;
            prop_assert_eq!(text.get(s..s + m.sentence.len()), Some(m.sentence.as_str()));
            prop_assert!(s <= m.start && m.end <= s + m.sentence.len());
            for t in &m.triggers {
                prop_assert_eq!(text.get(t.start..t.end), Some(t.text.as_str()));
            }
        }
    }
}

/// The reports as a file of `format` (with the ids `r0`, `r1`, …).
fn file_of(format: &str, texts: &[String]) -> Vec<u8> {
    let mut f = Vec::new();
    match format {
        "csv" | "tsv" => {
            let sep = if format == "csv" { b',' } else { b'\t' };
            let mut w = csv::WriterBuilder::new().delimiter(sep).from_writer(&mut f);
            w.write_record(["report_id", "text"]).unwrap();
            for (i, t) in texts.iter().enumerate() {
                w.write_record([format!("r{i}").as_str(), t]).unwrap();
            }
            w.flush().unwrap();
            drop(w);
        }
        "jsonl" => {
            for (i, t) in texts.iter().enumerate() {
                let o = serde_json::json!({"id": format!("r{i}"), "text": t});
                f.extend_from_slice(o.to_string().as_bytes());
                f.push(b'\n');
            }
        }
        _ => {
            // lines: one report per line, so line breaks inside a text are taken out
            for t in texts {
                f.extend_from_slice(t.replace(['\n', '\r'], " ").as_bytes());
                f.push(b'\n');
            }
        }
    }
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn as_many_report_rows_out_as_reports_in_for_every_format(
        texts in prop::collection::vec(report_text(), 0..12),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for format in ["csv", "tsv", "jsonl", "lines"] {
            let p = dir.path().join(format!("in.{format}"));
            std::fs::write(&p, file_of(format, &texts)).unwrap();
            let out = calcmine()
                .args(["flag", "-q", "--input-format", format])
                .arg(&p)
                .output()
                .unwrap();
            prop_assert!(out.status.code().is_some_and(|c| c < 2), "{format}: {out:?}");
            let rows = common::rows(&out.stdout);
            prop_assert_eq!(rows.len(), texts.len(), "{}", format);
        }
        // a directory of .txt files: one report each
        let d = dir.path().join("txt");
        std::fs::create_dir_all(&d).unwrap();
        for (i, t) in texts.iter().enumerate() {
            std::fs::write(d.join(format!("r{i}.txt")), t).unwrap();
        }
        if !texts.is_empty() {
            let out = calcmine().args(["flag", "-q"]).arg(&d).output().unwrap();
            prop_assert_eq!(common::rows(&out.stdout).len(), texts.len());
        }
    }

    #[test]
    fn output_is_the_same_whatever_threads_and_batch(
        texts in prop::collection::vec(report_text(), 1..40),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.jsonl");
        std::fs::write(&p, file_of("jsonl", &texts)).unwrap();
        let extract = |args: &[&str]| {
            calcmine().args(["extract", "-q"]).args(args).arg(&p).output().unwrap().stdout
        };
        let one = extract(&["-j1"]);
        prop_assert_eq!(&extract(&["-j2"]), &one);
        prop_assert_eq!(&extract(&["-j3"]), &one);
        let mine = |args: &[&str], out: &str| {
            let o = dir.path().join(out);
            calcmine()
                .args(["mine", "-q", "--format", "csv", "--out"])
                .arg(&o)
                .args(args)
                .arg(&p)
                .assert()
                .success();
            ["mentions.csv", "reports.csv", "summary.csv"]
                .map(|f| std::fs::read(o.join(f)).unwrap())
        };
        let base = mine(&["-j1", "--batch", "4096"], "a");
        prop_assert!(base == mine(&["-j2", "--batch", "1"], "b"));
        prop_assert!(base == mine(&["-j3", "--batch", "7", "--row-group", "5"], "c"));
    }
}
