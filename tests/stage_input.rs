//! The input stage, the readers: stdin, `.txt` files and directories of them, CSV with several
//! text columns, TSV, JSON lines, gzip and Zstandard; and what real exports hold: byte-order
//! marks, CRLF line endings, header-only and empty tables, malformed rows, unterminated quotes,
//! truncated archives, missing files, invalid UTF-8 in the text and in the ids. Each case one by
//! one, through `calcmine extract` and through `calcmine::input` itself; generated files in
//! every format are in hostile_input.rs.

mod common;

use std::io::Write;

use calcmine::input::InputOptions;
use common::{calcmine, gzip, read_all, rows, s4, summary, without_provenance, write};
use predicates::str::contains;

// ---- formats ----------------------------------------------------------------------------------

#[test]
fn stdin_is_one_report_or_one_per_line() {
    let out = calcmine()
        .arg("extract")
        .write_stdin("FINDINGS: Calcified granuloma in the right upper lobe.\nIMPRESSION: No acute disease.\n")
        .assert()
        .code(0)
        .stderr(contains("1 reports read"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![s4("stdin", "findings", "calcified_granuloma", "present")]
    );
    let out = calcmine()
        .args(["extract", "--lines"])
        .write_stdin("Calcified granuloma in the left apex.\nNo pleural calcification.\n")
        .assert()
        .code(0)
        .stderr(contains("2 reports read"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![
            s4("1", "body", "calcified_granuloma", "present"),
            s4("2", "body", "calcification", "absent"),
        ]
    );
}

#[test]
fn txt_file_and_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("cxr/b/r2.txt"),
        b"IMPRESSION:\nDense aortic knob calcification.\n",
    );
    write(
        &dir.path().join("cxr/r1.txt"),
        b"Findings: Calcified granuloma in the lingula.",
    );
    write(&dir.path().join("cxr/notes.csv"), b"id,text\nx,calcified\n");
    let out = calcmine()
        .arg("extract")
        .arg(dir.path().join("cxr/r1.txt"))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![s4("r1", "findings", "calcified_granuloma", "present")]
    );
    // a directory is every .txt below it, sorted by path; other files are not reports
    let out = calcmine()
        .arg("extract")
        .arg(dir.path().join("cxr"))
        .assert()
        .code(0)
        .stderr(contains("2 reports read"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![
            s4("r2", "impression", "calcification", "present"),
            s4("r1", "findings", "calcified_granuloma", "present"),
        ]
    );
}

#[test]
fn csv_with_repeated_text_columns_makes_sections_in_the_order_given() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("reports.csv");
    write(
        &p,
        b"uid,indication,findings,impression\n\
          11,History of calcified granuloma.,\"Heart size normal. Calcified granuloma, right upper lobe.\",No acute disease.\n\
          12,Cough.,No calcification.,Clear lungs.\n",
    );
    let out = calcmine()
        .args(["extract", "--id-col", "uid"])
        .args(["--text-col", "impression", "--text-col", "findings"])
        .arg(&p)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let r = rows(&out);
    assert_eq!(
        summary(&out),
        vec![
            s4("11", "findings", "calcified_granuloma", "present"),
            s4("12", "findings", "calcification", "absent"),
        ]
    );
    // the impression column comes first in the report text, so the finding starts after it
    let start: usize = r[0]["start"].parse().unwrap();
    assert!(start > "No acute disease.".len(), "{start}");
    assert_eq!(r[0]["sentence"], "Calcified granuloma, right upper lobe.");
}

#[test]
fn tsv_jsonl_and_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("r.tsv");
    write(
        &tsv,
        b"report_id\ttext\nt1\tMitral annular calcification.\nt2\tNo acute disease.\n",
    );
    let out = calcmine()
        .arg("extract")
        .arg(&tsv)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![s4("t1", "text", "calcification", "present")]
    );

    let jsonl = dir.path().join("r.jsonl");
    write(
        &jsonl,
        b"{\"note_id\": \"j1\", \"report\": \"Coronary artery calcification is noted.\"}\n\
          {\"note_id\": \"j2\", \"report\": \"No vascular calcification.\"}\n",
    );
    let out = calcmine()
        .arg("extract")
        .arg(&jsonl)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    // each text column is a section named after the column
    assert_eq!(
        summary(&out),
        vec![
            s4("j1", "report", "calcification", "present"),
            s4("j2", "report", "calcification", "absent"),
        ]
    );

    // .gz versions read the same as the plain ones
    for (name, plain) in [("r.tsv.gz", &tsv), ("r.jsonl.gz", &jsonl)] {
        let gz = dir.path().join(name);
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&std::fs::read(plain).unwrap()).unwrap();
        write(&gz, enc.finish().unwrap());
        let a = calcmine().arg("extract").arg(plain).output().unwrap();
        let b = calcmine().arg("extract").arg(&gz).output().unwrap();
        assert_eq!(
            without_provenance(&a.stdout),
            without_provenance(&b.stdout),
            "{name}"
        );
        assert_eq!(b.status.code(), Some(0), "{name}");
    }
}

// ---- what real exports hold -------------------------------------------------------------------

#[test]
fn malformed_csv_row_and_json_line_are_reported_with_file_and_line_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    write(
        &csv,
        b"report_id,text\n1,Calcified granuloma.\n2,No calcification,extra,fields\n3,Splenic calcifications.\n",
    );
    let out = calcmine()
        .arg("extract")
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(contains("bad.csv:3"))
        .stderr(contains("3 reports read (1 failed"))
        .get_output()
        .stdout
        .clone();
    // processing went on after the bad row
    let ids: Vec<String> = summary(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, vec!["1", "3"]);

    let jsonl = dir.path().join("bad.jsonl");
    write(
        &jsonl,
        b"{\"id\": \"a\", \"text\": \"Calcified granuloma.\"}\n{\"id\": \"b\", \"text\": \n{\"id\": \"c\", \"text\": \"Renal calculus.\"}\n",
    );
    calcmine()
        .arg("extract")
        .arg(&jsonl)
        .assert()
        .code(2)
        .stderr(contains("bad.jsonl:2"))
        .stderr(contains("3 reports read (1 failed"));
}

#[test]
fn invalid_utf8_is_decoded_lossily_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("latin1.txt");
    // "Calcified granuloma, caf\xe9." in Latin-1: one invalid sequence
    write(&p, b"Calcified granuloma near the caf\xe9 sign.\n");
    let out = calcmine()
        .arg("extract")
        .arg(&p)
        .assert()
        .code(0)
        .stderr(contains("1 invalid UTF-8 sequences replaced"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![s4("latin1", "body", "calcified_granuloma", "present")]
    );
}

#[test]
fn empty_stdin_is_one_empty_report() {
    calcmine()
        .arg("extract")
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(contains("1 reports read (0 failed"));
    calcmine()
        .args(["extract", "--lines"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(contains("0 reports read"));
}

#[test]
fn header_only_csv_has_no_reports_and_an_empty_csv_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("h.csv");
    std::fs::write(&p, "report_id,report_text\n").unwrap();
    calcmine()
        .arg("extract")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("0 reports read"));
    let p = dir.path().join("empty.csv");
    std::fs::write(&p, "").unwrap();
    calcmine()
        .arg("extract")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(contains("empty.csv:1: no header row"));
}

#[test]
fn byte_order_marks_hide_neither_a_header_nor_a_column() {
    let dir = tempfile::tempdir().unwrap();
    // Excel writes a BOM before a quoted header
    let p = dir.path().join("bom.csv");
    std::fs::write(
        &p,
        "\u{feff}\"note_id\",\"report\"\r\n\"a1\",\"FINDINGS: Calcified granuloma in the left apex.\"\r\n",
    )
    .unwrap();
    let out = calcmine().arg("extract").arg(&p).assert().code(0);
    assert_eq!(
        summary(&out.get_output().stdout),
        vec![s4("a1", "findings", "calcified_granuloma", "present")]
    );
    // a text file with a BOM: the header on its first line is still a header
    let p = dir.path().join("bom.txt");
    std::fs::write(&p, "\u{feff}IMPRESSION:\r\nCalcified granuloma.\r\n").unwrap();
    let out = calcmine().arg("extract").arg(&p).assert().code(0);
    let out = &out.get_output().stdout;
    assert_eq!(
        summary(out),
        vec![s4("bom", "impression", "calcified_granuloma", "present")]
    );
    // offsets index the text without the BOM
    assert!(String::from_utf8_lossy(out).contains("\t13\t32\t"));
    // and the first JSON line still parses
    let p = dir.path().join("bom.jsonl");
    std::fs::write(
        &p,
        "\u{feff}{\"id\": \"j1\", \"text\": \"Calcified granuloma.\"}\n",
    )
    .unwrap();
    calcmine()
        .arg("extract")
        .arg(&p)
        .assert()
        .code(0)
        .stderr(contains("(0 failed"));
}

#[test]
fn crlf_line_endings_keep_headers_and_sentences() {
    let report = "CLINICAL HISTORY:\r\nCough.\r\n\r\nFINDINGS:\r\nThe lungs are clear.\r\nNo pleural calcification.\r\n1. Calcified granuloma in the right upper lobe\r\n2. Normal heart size\r\n\r\nIMPRESSION\r\nGranulomatous disease.\r\n";
    let out = calcmine()
        .args(["extract", "--format", "jsonl"])
        .write_stdin(report)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["section"].as_str().unwrap(),
                r["term"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["sentence"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "findings",
                "calcification",
                "absent",
                "No pleural calcification."
            ),
            (
                "findings",
                "calcified_granuloma",
                "present",
                "1. Calcified granuloma in the right upper lobe"
            ),
        ]
    );
    // the same report in a CSV cell, with CRLF rows
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("crlf.csv");
    let cell = report.replace('"', "\"\"");
    std::fs::write(&p, format!("id,text\r\nc1,\"{cell}\"\r\n")).unwrap();
    let out = calcmine().arg("extract").arg(&p).assert().code(0);
    assert_eq!(
        summary(&out.get_output().stdout),
        vec![
            s4("c1", "findings", "calcification", "absent"),
            s4("c1", "findings", "calcified_granuloma", "present"),
        ]
    );
}

#[test]
fn an_unterminated_quote_keeps_the_report_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("open.csv");
    std::fs::write(
        &p,
        "id,text\n1,Calcified granuloma.\n2,\"Dense aortic knob calcification.\n3,No calcification.\n",
    )
    .unwrap();
    let (reports, stats) = read_all(&p, &InputOptions::default());
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].error, None);
    assert_eq!(reports[1].id, "2");
    assert!(
        reports[1].text.starts_with("Dense aortic knob"),
        "the text is kept"
    );
    let e = reports[1].error.as_deref().unwrap();
    assert!(e.contains("unterminated quote"), "{e}");
    assert_eq!(stats.failed, 1);
    calcmine()
        .arg("extract")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(contains("open.csv:3 (record 2): unterminated quote"))
        .stderr(contains("2 reports read (1 failed"));
    // a quoted field that is closed, with line breaks and doubled quotes inside, is fine
    std::fs::write(
        &p,
        "id,text\n1,\"Calcified \"\"popcorn\"\"\ngranuloma.\"\n2,\"No calcification.\"\n",
    )
    .unwrap();
    let (reports, stats) = read_all(&p, &InputOptions::default());
    assert_eq!(reports.len(), 2);
    assert_eq!(stats.failed, 0, "{:?}", stats.errors);
    assert_eq!(reports[0].text, "Calcified \"popcorn\"\ngranuloma.");
}

/// A CSV table of `rows` short reports, one calcified granuloma each, ids 0, 1, …
fn numbered_table(rows: usize) -> String {
    let mut csv = String::from("id,text\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "{i},Calcified granuloma number {i} in the right upper lobe.\n"
        ));
    }
    csv
}

#[test]
fn a_truncated_gzip_names_the_file_and_keeps_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let csv = numbered_table(2000);
    let gz = gzip(csv.as_bytes());
    let p = dir.path().join("cut.csv.gz");
    std::fs::write(&p, &gz[..gz.len() * 3 / 4]).unwrap();
    let (reports, stats) = read_all(&p, &InputOptions::default());
    assert!(
        reports.len() > 100 && reports.len() < 2000,
        "{}",
        reports.len()
    );
    assert!(reports.iter().all(|r| r.error.is_none()));
    assert_eq!(stats.errors.len(), 1);
    assert!(stats.errors[0].contains("cut.csv.gz"), "{:?}", stats.errors);
    assert!(stats.errors[0].contains("read error"), "{:?}", stats.errors);
    calcmine()
        .arg("extract")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(contains("cut.csv.gz"));
    // a single report in a truncated .txt.gz is kept, marked with the error
    let gz = gzip(b"FINDINGS: Calcified granuloma. IMPRESSION: Old granulomatous disease.");
    let p = dir.path().join("r9.txt.gz");
    std::fs::write(&p, &gz[..gz.len() - 6]).unwrap();
    let (reports, stats) = read_all(&p, &InputOptions::default());
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].id, "r9");
    assert!(reports[0].error.as_deref().unwrap().contains("read error"));
    assert_eq!(stats.failed, 1);
    // a gzip of jsonl lines cut short: the lines before the cut are kept
    let mut jl = String::new();
    for i in 0..2000 {
        jl.push_str(&format!(
            "{{\"id\": {i}, \"text\": \"No calcification {i}.\"}}\n"
        ));
    }
    let gz = gzip(jl.as_bytes());
    let p = dir.path().join("cut.jsonl.gz");
    std::fs::write(&p, &gz[..gz.len() / 2]).unwrap();
    let (reports, stats) = read_all(&p, &InputOptions::default());
    assert!(reports.len() > 100 && reports.len() < 2000);
    assert!(
        stats.errors[0].contains("cut.jsonl.gz:"),
        "{:?}",
        stats.errors
    );
}

#[test]
fn zstandard_archives_read_like_plain_ones_and_a_cut_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    // 20,000 rows (1.1 MB): each frame holds several blocks, the unit zstd decodes in
    let csv = numbered_table(20_000);
    // two frames, as `cat a.zst b.zst` makes: both read
    let (head, tail) = csv.split_at(csv.len() / 2);
    let split = head.rfind('\n').unwrap() + 1;
    let (head, tail) = (&csv[..split], format!("{}{tail}", &head[split..]));
    let mut two = zstd::encode_all(head.as_bytes(), 3).unwrap();
    two.extend(zstd::encode_all(tail.as_bytes(), 19).unwrap());
    let p = dir.path().join("archive.csv.zst");
    std::fs::write(&p, &two).unwrap();
    let (reports, stats) = read_all(&p, &InputOptions::default());
    assert_eq!(reports.len(), 20_000);
    assert!(stats.errors.is_empty(), "{:?}", stats.errors);
    assert_eq!(reports[19_999].id, "19999");
    // cut short: what was read is kept, the file is named
    let p = dir.path().join("cut.csv.zst");
    std::fs::write(&p, &two[..two.len() / 3]).unwrap();
    let (reports, stats) = read_all(&p, &InputOptions::default());
    assert!(
        reports.len() > 1000 && reports.len() < 20_000,
        "{}",
        reports.len()
    );
    assert_eq!(stats.errors.len(), 1);
    assert!(
        stats.errors[0].contains("cut.csv.zst"),
        "{:?}",
        stats.errors
    );
    assert!(stats.errors[0].contains("read error"), "{:?}", stats.errors);
    // a directory of compressed reports: the ids are the file stems
    let scans = dir.path().join("scans");
    std::fs::create_dir_all(&scans).unwrap();
    std::fs::write(
        scans.join("ct-1.txt.zst"),
        zstd::encode_all(&b"IMPRESSION: Nephrocalcinosis."[..], 3).unwrap(),
    )
    .unwrap();
    std::fs::write(scans.join("ct-2.txt.gz"), gzip(b"No calcification.")).unwrap();
    std::fs::write(scans.join("notes.md"), "not a report").unwrap();
    let (reports, _) = read_all(&scans, &InputOptions::default());
    let ids: Vec<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["ct-1", "ct-2"]);
    assert_eq!(reports[0].text, "IMPRESSION: Nephrocalcinosis.");
}

#[test]
fn a_directory_without_reports_and_a_missing_file_are_errors_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("scans");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("notes.csv"), "id,text\n1,calcified\n").unwrap();
    calcmine()
        .arg("extract")
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(contains("scans: no .txt"));
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Calcified granuloma in the left lower lobe.").unwrap();
    let missing = dir.path().join("missing.txt");
    let out = calcmine()
        .arg("extract")
        .arg(&missing)
        .arg(&good)
        .assert()
        .code(2)
        .stderr(contains("missing.txt"))
        .stderr(contains("1 reports read"));
    assert_eq!(
        summary(&out.get_output().stdout),
        vec![s4("good", "body", "calcified_granuloma", "present")]
    );
}

#[test]
fn non_utf8_bytes_in_the_id_column_are_replaced_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ids.csv");
    std::fs::write(
        &p,
        b"id,text\nM\xfcller-7,Calcified granuloma.\n".as_slice(),
    )
    .unwrap();
    let out = calcmine()
        .arg("extract")
        .arg(&p)
        .assert()
        .code(0)
        .stderr(contains("1 invalid UTF-8 sequences replaced"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        summary(&out),
        vec![s4(
            "M\u{fffd}ller-7",
            "text",
            "calcified_granuloma",
            "present"
        )]
    );
}

// ---- Parquet ----------------------------------------------------------------------------------

/// An OMOP-like NOTE frame of `n` rows: integer note_id, note_text (every 10th null), and a
/// note_title; `categorical`: the text dictionary-encoded.
fn note_frame(n: usize, categorical: bool) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    let ids: Vec<i64> = (0..n as i64).map(|i| 500 + i).collect();
    let texts: Vec<Option<String>> = (0..n)
        .map(|i| {
            (i % 10 != 3).then(|| match i % 3 {
                0 => format!("FINDINGS: Exam {i}. Calcified granuloma in the right upper lobe."),
                1 => "IMPRESSION: No pleural calcification.".to_string(),
                _ => format!("Exam {i}: the lungs are clear."),
            })
        })
        .collect();
    let mut text = Series::new("note_text".into(), texts);
    if categorical {
        text = text
            .cast(&DataType::from_categories(Categories::global()))
            .unwrap();
    }
    let titles: Vec<String> = (0..n).map(|i| format!("CT chest {i}")).collect();
    DataFrame::new_infer_height(vec![
        Series::new("note_id".into(), ids).into_column(),
        Series::new("note_title".into(), titles).into_column(),
        text.into_column(),
    ])
    .unwrap()
}

/// The same NOTE rows as a CSV (a null text as an empty field).
fn note_csv(path: &std::path::Path, n: usize) {
    let df = note_frame(n, false);
    let ids = df.column("note_id").unwrap().i64().unwrap().clone();
    let texts = df.column("note_text").unwrap().str().unwrap().clone();
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(["note_id", "note_text"]).unwrap();
    for (id, t) in ids.iter().zip(texts.iter()) {
        w.write_record([id.unwrap().to_string(), t.unwrap_or("").to_string()])
            .unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn parquet_rows_are_the_reports_of_the_same_csv_whatever_the_row_groups_and_text_type() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("notes.csv");
    note_csv(&csv_path, 1000);
    let (want, _) = read_all(&csv_path, &InputOptions::default());
    assert_eq!(want.len(), 1000);
    for (name, categorical, row_group) in [
        ("one.parquet", false, 1000),
        ("groups.parquet", false, 128),
        ("dictionary.parquet", true, 300),
    ] {
        let path = dir.path().join(name);
        common::write_parquet(&path, &mut note_frame(1000, categorical), row_group);
        let (got, stats) = read_all(&path, &InputOptions::default());
        // note_id and note_text are the default columns, as in an OMOP NOTE table
        let pairs = |v: &[calcmine::Report]| {
            v.iter()
                .map(|r| (r.id.clone(), r.text.clone(), r.error.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs(&got), pairs(&want), "{name}");
        assert_eq!(stats.reports, 1000);
        assert_eq!(stats.null_texts, 100, "{name}: null texts are counted");
        assert_eq!(
            got[999].line, 1000,
            "the line of a Parquet report is its row"
        );
        assert!(stats.errors.is_empty(), "{:?}", stats.errors);
    }
    // and through the command: the same mention rows as from the CSV
    let from_csv = calcmine()
        .args(["extract", "-q"])
        .arg(&csv_path)
        .output()
        .unwrap();
    let from_parquet = calcmine()
        .args(["extract", "-q"])
        .arg(dir.path().join("groups.parquet"))
        .output()
        .unwrap();
    assert_eq!(from_csv.status.code(), Some(0));
    assert_eq!(
        without_provenance(&from_parquet.stdout),
        without_provenance(&from_csv.stdout)
    );
}

#[test]
fn a_large_row_group_is_read_in_slices_in_order() {
    // one row group of 40,000 rows: read in slices (16,384 rows at most), every row once
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.parquet");
    common::write_parquet(&path, &mut note_frame(40_000, false), 40_000);
    let (got, stats) = read_all(&path, &InputOptions::default());
    assert_eq!(stats.reports, 40_000);
    let ids: Vec<String> = got.iter().map(|r| r.id.clone()).collect();
    let want: Vec<String> = (0..40_000).map(|i| (500 + i).to_string()).collect();
    assert_eq!(ids, want);
}

#[test]
fn a_directory_of_parquet_parts_is_read_in_order_and_named_columns_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let parts = dir.path().join("notes");
    let all = note_frame(900, false);
    for k in 0..3 {
        let mut part = all.slice(k * 300, 300);
        common::write_parquet(&parts.join(format!("part-{k:05}.parquet")), &mut part, 100);
    }
    // what Spark leaves beside its parts is not a part
    write(&parts.join("_SUCCESS"), "");
    write(&parts.join(".part-00000.parquet.crc"), "crc");
    let mut stray = all.slice(0, 5);
    common::write_parquet(&parts.join("_temporary/part-9.parquet"), &mut stray, 5);
    let (got, stats) = read_all(&parts, &InputOptions::default());
    assert!(stats.errors.is_empty(), "{:?}", stats.errors);
    let ids: Vec<String> = got.iter().map(|r| r.id.clone()).collect();
    let want: Vec<String> = (0..900).map(|i| (500 + i).to_string()).collect();
    assert_eq!(ids, want);
    assert!(got[0].source.ends_with("part-00000.parquet"));
    // other columns by name; a missing one is an error that names the columns there are
    let opts = InputOptions {
        id_col: Some("note_title".into()),
        text_cols: vec!["note_text".into(), "note_title".into()],
        ..Default::default()
    };
    let (got, _) = read_all(&parts.join("part-00000.parquet"), &opts);
    assert_eq!(got[0].id, "CT chest 0");
    assert!(got[0].text.ends_with("\n\nCT chest 0"), "{}", got[0].text);
    calcmine()
        .args(["flag", "--text-col", "impression"])
        .arg(parts.join("part-00001.parquet"))
        .assert()
        .code(2)
        .stderr(contains(
            "no text column `impression` (columns: note_id, note_title, note_text)",
        ));
}
