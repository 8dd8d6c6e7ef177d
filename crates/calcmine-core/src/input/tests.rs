//! The readers on small inputs of every format, compression and malformation.

use super::table::*;
use super::*;
use std::fs::File;
use std::io;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

fn read(path: &Path, opts: &InputOptions) -> (Vec<Report>, ReadStats) {
    let mut out = Vec::new();
    let mut stats = ReadStats::default();
    let counter = Arc::new(AtomicU64::new(0));
    read_reports(
        &[path.to_path_buf()],
        opts,
        &mut stats,
        &counter,
        &mut |r| {
            out.push(r);
            Flow::Continue(())
        },
    );
    (out, stats)
}

#[test]
fn csv_rows_with_a_malformed_row_in_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.csv");
    std::fs::write(
        &p,
        "note_id,report\n1,Calcified granuloma.\n2,too,many\n3,\"No calcification.\"\n",
    )
    .unwrap();
    let (reports, stats) = read(&p, &InputOptions::default());
    assert_eq!(reports.len(), 3);
    assert_eq!(reports[0].id, "1");
    assert_eq!(reports[2].text, "No calcification.");
    assert!(reports[1].error.as_deref().unwrap().contains("3 fields"));
    assert_eq!(reports[1].line, 3);
    assert_eq!(stats.failed, 1);
    assert!(stats.errors[0].contains("r.csv:3"), "{:?}", stats.errors);
}

#[test]
fn jsonl_with_columns_as_sections_and_a_broken_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.jsonl");
    std::fs::write(&p, "{\"uid\": 7, \"findings\": \"Calcified node.\", \"impression\": \"Old granulomatous disease.\"}\n{oops\n").unwrap();
    let opts = InputOptions {
        text_cols: vec!["findings".into(), "impression".into()],
        ..Default::default()
    };
    let (reports, _) = read(&p, &opts);
    assert_eq!(reports[0].id, "7");
    assert_eq!(
        &reports[0].columns[..],
        [(0, "findings".into()), (17, "impression".into())]
    );
    assert!(reports[1]
        .error
        .as_deref()
        .unwrap()
        .starts_with("malformed JSON line"));
    assert_eq!(reports[1].line, 2);
}

#[test]
fn quote_tracker_follows_csv_quoting() {
    let state = |chunks: &[&[u8]]| {
        let mut t = QuoteTracker::new(io::empty(), b',');
        for c in chunks {
            t.track(c);
        }
        // byte by byte, as a row is read past, gives the same
        let (mut s, mut prev) = (Quoting::Outside, b'\n');
        for &b in chunks.iter().flat_map(|c| c.iter()) {
            s = s.after(b, prev, b',');
            prev = b;
        }
        assert_eq!(s, t.state, "{chunks:?}");
        t.state
    };
    let closed: &[&[u8]] = &[b"1,\"a \"\"b\"\" c\nd\",x\"y\n"];
    assert_eq!(state(closed), Quoting::Outside);
    assert_eq!(state(&[b"1,\"open\n2,no\n"]), Quoting::Quoted);
    // a quote inside an unquoted field is a character, not an opening
    assert_eq!(state(&[b"1,5\" nodule\n"]), Quoting::Outside);
    // the same, split across reads at every awkward place
    assert_eq!(state(&[b"1,", b"\"open"]), Quoting::Quoted);
    assert_eq!(state(&[b"1,\"a\"", b"\"b\"\n"]), Quoting::Outside);
    assert_eq!(state(&[b"1,\"a\"", b"\"b\n"]), Quoting::Quoted);
}

#[test]
fn a_report_longer_than_the_limit_is_kept_failed_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.csv");
    let pasted = "Calcified granuloma. ".repeat(100);
    std::fs::write(
        &p,
        format!("id,text\n1,Calcified granuloma.\n2,{pasted}\n3,No calcification.\n"),
    )
    .unwrap();
    let (reports, stats) = read(&p, &small_limit());
    // every report read, the long one marked, its text and size kept
    assert_eq!(reports.len(), 3);
    assert!(reports[0].error.is_none() && reports[2].error.is_none());
    let e = reports[1].error.as_deref().unwrap();
    assert!(e.contains("2100 bytes") && e.contains("(1000)"), "{e}");
    assert_eq!(reports[1].text.len(), 2100);
    assert_eq!(stats.failed, 1);
    assert!(stats.errors[0].starts_with(&format!("{}:3 (record 2)", p.display())));
    // no limit: read like any other
    let none = no_limit();
    assert!(read(&p, &none).0.iter().all(|r| r.error.is_none()));
}

/// No limit on a report's length.
fn no_limit() -> InputOptions {
    InputOptions {
        max_report_bytes: None,
        ..Default::default()
    }
}

/// 1,000 bytes of report at most: rows are held up to 67,536 bytes.
fn small_limit() -> InputOptions {
    InputOptions {
        max_report_bytes: Some(1000),
        ..Default::default()
    }
}

#[test]
fn a_row_far_over_the_limit_is_read_past_and_the_rows_after_it_keep_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.csv");
    // a report pasted 5,000 times into one quoted field, quotes doubled inside it
    let long = "Aortic \"\"knob\"\" calcification.\n".repeat(5000);
    let row = format!("2,\"{long}\",b\n");
    std::fs::write(
        &p,
        format!(
            "id,text,site\n1,Calcified granuloma.,a\n{row}3,Calcified granuloma in the right upper lobe.,c\n"
        ),
    )
    .unwrap();
    let opts = small_limit();
    let cap = opts.record_cap().unwrap();
    let (reports, stats) = read(&p, &opts);
    assert_eq!(reports.len(), 3);
    let cut = &reports[1];
    assert_eq!(cut.id, "2");
    let e = cut.error.as_deref().unwrap();
    assert!(e.contains(&format!("row of {} bytes", row.len())), "{e}");
    assert_eq!(cut.bytes(), row.len() as u64);
    assert!(cut.text.len() <= cap, "held {} bytes", cut.text.len());
    assert_eq!(stats.failed, 1);
    assert!(stats.errors[0].starts_with(&format!("{}:3 (record 2)", p.display())));
    // the row after it is read whole, on its own line
    let after = &reports[2];
    assert_eq!(after.id, "3");
    assert!(after.error.is_none());
    assert_eq!(after.text, "Calcified granuloma in the right upper lobe.");
    assert_eq!(after.line, 3 + 5000 + 1);
    // without a limit the row is read whole
    let none = no_limit();
    let (whole, _) = read(&p, &none);
    assert_eq!(whole[1].text, long.replace("\"\"", "\""));
    assert_eq!(whole[2].line, after.line);
    // the same row last, its closing quote the last byte of the file: closed, not open
    std::fs::write(&p, format!("id,text\n1,Calcified granuloma.\n2,\"{long}\"")).unwrap();
    let (reports, _) = read(&p, &opts);
    let e = reports[1].error.as_deref().unwrap();
    assert!(
        e.contains("read past") && !e.contains("unterminated"),
        "{e}"
    );
    assert!(read(&p, &none).0[1].error.is_none());
}

#[test]
fn a_quote_left_open_does_not_read_the_rest_of_a_table_into_memory() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.csv");
    let head = "id,text\n1,Calcified granuloma.\n";
    let rest: String = (3..4000)
        .map(|i| format!("{i},Calcified granuloma in the right upper lobe.\n"))
        .collect();
    let open = format!("2,\"Aortic calcification, the quote left open\n{rest}");
    std::fs::write(&p, format!("{head}{open}")).unwrap();
    let (reports, _) = read(&p, &small_limit());
    assert_eq!(reports.len(), 2);
    let e = reports[1].error.as_deref().unwrap();
    assert!(e.contains(&format!("row of {} bytes", open.len())), "{e}");
    assert!(reports[1].text.len() <= small_limit().record_cap().unwrap());
    // said as it is without a limit, where the whole rest is read into the row
    let (whole, _) = read(&p, &no_limit());
    let unterminated = whole[1].error.as_deref().unwrap();
    assert!(unterminated.starts_with("unterminated quote"));
    assert!(e.ends_with(unterminated), "{e}\n{unterminated}");
}

#[test]
fn a_line_file_or_json_line_far_over_the_limit_is_read_past() {
    let dir = tempfile::tempdir().unwrap();
    let cap = small_limit().record_cap().unwrap();
    // lines: the long one cut, the next one whole and numbered
    let p = dir.path().join("notes.txt");
    let long = "calcified ".repeat(10_000);
    std::fs::write(
        &p,
        format!("Calcified granuloma.\n{long}\nNo calcification.\n"),
    )
    .unwrap();
    let opts = InputOptions {
        format: Some(InputFormat::Lines),
        ..small_limit()
    };
    let (reports, _) = read(&p, &opts);
    assert_eq!(reports.len(), 3);
    assert_eq!(reports[1].bytes(), 100_000);
    assert!(reports[1].text.len() <= cap);
    let e = reports[1].error.as_deref().unwrap();
    assert!(e.contains("report of 100000 bytes"), "{e}");
    assert_eq!(
        (reports[2].line, reports[2].text.as_str()),
        (3, "No calcification.")
    );
    // a text file: counted to its end, and a character cut at the cap is not invalid UTF-8
    let p = dir.path().join("pasted.txt");
    let text = format!("a{}", "é".repeat(60_000));
    std::fs::write(&p, &text).unwrap();
    let (reports, stats) = read(&p, &small_limit());
    assert_eq!(reports[0].bytes(), text.len() as u64);
    assert!(reports[0].text.len() < cap && reports[0].text.len() > cap - 4);
    assert_eq!((reports[0].invalid_utf8, stats.invalid_utf8), (0, 0));
    assert!(reports[0]
        .error
        .as_deref()
        .unwrap()
        .contains("report of 120001 bytes"));
    // JSON lines: the cut line keeps its place and its size; the next line is read
    let p = dir.path().join("r.jsonl");
    let line = format!("{{\"id\": \"b\", \"text\": \"{long}\"}}");
    std::fs::write(
        &p,
        format!("{{\"id\": \"a\", \"text\": \"x\"}}\n{line}\n{{\"id\": \"c\", \"text\": \"y\"}}\n"),
    )
    .unwrap();
    let (reports, _) = read(&p, &small_limit());
    let ids: Vec<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["a", &format!("{}:2", p.display()), "c"]);
    assert_eq!(reports[1].bytes(), line.len() as u64);
    assert!(reports[1].error.as_deref().unwrap().contains("longer than"));
    assert_eq!(reports[2].text, "y");
}

#[test]
fn sizes_read_with_binary_suffixes() {
    assert_eq!(parse_size("1048576"), Ok(Some(1 << 20)));
    assert_eq!(parse_size("1M"), Ok(Some(1 << 20)));
    assert_eq!(parse_size("512k"), Ok(Some(512 << 10)));
    assert_eq!(parse_size("2MiB"), Ok(Some(2 << 20)));
    assert_eq!(parse_size("1 GB"), Ok(Some(1 << 30)));
    assert_eq!(parse_size("0"), Ok(None));
    assert!(parse_size("1.5M").is_err());
    assert!(parse_size("M").is_err());
    assert!(parse_size("99999999999999999999G").is_err());
}

#[test]
fn gzip_text_file_and_invalid_utf8() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("case-12.txt.gz");
    let mut gz =
        flate2::write::GzEncoder::new(File::create(&p).unwrap(), flate2::Compression::fast());
    gz.write_all(b"Calcified \xff granuloma.").unwrap();
    gz.finish().unwrap();
    let (reports, stats) = read(&p, &InputOptions::default());
    assert_eq!(reports[0].id, "case-12");
    assert_eq!(reports[0].invalid_utf8, 1);
    assert_eq!(stats.invalid_utf8, 1);
}
