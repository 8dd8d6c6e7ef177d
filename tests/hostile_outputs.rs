//! Hostile input and failure, case by case, through the binary as a user runs it (issue 21):
//! outputs that cannot be hijacked or mixed (planted links, a killed run, two runs at once),
//! directory walking (FIFOs, link loops), encodings and ids, limits, escapes on the terminal,
//! `--no-text` without exception, and the cap on mentions per report. Generated input is in
//! hostile_input.rs, properties in properties.rs, a closed pipe in cli.rs.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{bin, calcmine, write};

/// `n` reports as JSON lines, each naming a calcification, with the ids `tag-0`, `tag-1`, ….
fn jsonl_reports(path: &Path, tag: &str, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "{{\"id\":\"{tag}-{i}\",\"text\":\"FINDINGS: Calcified granuloma in the right upper lobe, report {i}. No pleural effusion. The heart is normal in size and the mediastinum is unremarkable.\"}}\n"
        ));
    }
    write(path, s);
}

/// The entries of `dir`, by name.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A `mine --format csv` output directory's run: (reports in run.json, rows of reports.csv,
/// the first report id of reports.csv). A mixed set shows as a disagreement.
fn mined_set(out: &Path) -> (u64, usize, String) {
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let reports = std::fs::read_to_string(out.join("reports.csv")).unwrap();
    let first = reports
        .lines()
        .nth(1)
        .unwrap_or("")
        .split(',')
        .next()
        .unwrap_or("")
        .to_string();
    (
        run["counts"]["reports_written"].as_u64().unwrap(),
        reports.lines().count() - 1,
        first,
    )
}

// ---- outputs ----------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_link_planted_beside_the_output_is_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    write(&victim, "precious");
    // the old predictable names for the next few process ids, and names of the new pattern
    let out = dir.path().join("out.tsv");
    for name in (0..64)
        .map(|k| format!(".out.tsv.calcmine-tmp-{}", std::process::id() + k))
        .chain([".out.tsv.calcmine-AAAAAA".to_string()])
    {
        std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
    }
    let report = dir.path().join("r.txt");
    write(&report, "Calcified granuloma.");
    calcmine()
        .args(["extract", "-q", "-o"])
        .arg(&out)
        .arg(&report)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("calcified_granuloma"));
}

/// Start `mine` on `input` into `out` (CSV tables).
fn start_mine(input: &Path, out: &Path) -> std::process::Child {
    Command::new(bin())
        .args([
            "mine", "-q", "-j1", "--format", "csv", "--batch", "64", "--out",
        ])
        .arg(out)
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_run_killed_at_any_moment_leaves_the_old_set_or_the_new_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    jsonl_reports(&a, "a", 300);
    jsonl_reports(&b, "b", 6000);
    let out = dir.path().join("mined");
    start_mine(&a, &out).wait().unwrap();
    assert_eq!(mined_set(&out), (300, 300, "a-0".into()));
    let mut killed_before_commit = 0;
    for delay_ms in [0, 20, 60, 120, 250, 400, 700, 1000, 1500, 2500] {
        let mut child = start_mine(&b, &out);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no handler runs, nothing is cleaned up
        let status = child.wait().unwrap();
        let set = mined_set(&out);
        assert!(
            set == (300, 300, "a-0".into()) || set == (6000, 6000, "b-0".into()),
            "after a kill at {delay_ms} ms: {set:?}"
        );
        killed_before_commit += (!status.success()) as u32;
        // back to the old set for the next trial
        start_mine(&a, &out).wait().unwrap();
        // what the killed run left beside the directory is gone: the next run removed it
        assert_eq!(names(dir.path()), ["a.jsonl", "b.jsonl", "mined"]);
    }
    assert!(killed_before_commit > 0, "no run was killed before its end");
}

#[test]
fn a_second_run_into_the_same_directory_fails_clearly_and_the_first_completes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    jsonl_reports(&a, "a", 20000);
    jsonl_reports(&b, "b", 10);
    let out = dir.path().join("mined");
    let first = start_mine(&a, &out);
    // once the first holds the directory (its staging directory exists)
    let started = std::time::Instant::now();
    while names(dir.path()).len() < 4 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = start_mine(&b, &out).wait_with_output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success());
    assert_eq!(second.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&second.stderr);
    assert!(msg.contains("another calcmine run is writing"), "{msg}");
    assert_eq!(mined_set(&out), (20000, 20000, "a-0".into()));
}

#[test]
fn options_past_sane_bounds_are_clear_errors() {
    for args in [
        &["mine", "--batch", "99999999999999"][..],
        &["mine", "--batch", "0"][..],
        &["mine", "--row-group", "0"][..],
        &["extract", "-j", "99999999999"][..],
        &["extract", "-j", "0"][..],
    ] {
        let out = calcmine()
            .args(args)
            .args(["--example", "--out", "/nonexistent/x"])
            .output()
            .unwrap();
        let msg = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {msg}");
        assert!(
            msg.contains("out of range") || msg.contains("from"),
            "{msg}"
        );
        assert!(!msg.contains("panicked"), "{msg}");
    }
}

// ---- walking ----------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn fifos_links_and_loops_are_skipped_and_counted_each_report_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("reports");
    write(&root.join("a.txt"), "Calcified granuloma.");
    write(&root.join("sub/b.txt"), "No calcification.");
    std::os::unix::fs::symlink("..", root.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("self", root.join("self")).unwrap();
    std::os::unix::fs::symlink(root.join("a.txt"), root.join("link.txt")).unwrap();
    let fifo = root.join("x.txt");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let has_fifo = made.is_ok_and(|s| s.success());
    let run = |follow: bool| {
        let mut c = Command::new(bin());
        c.args(["flag"]).arg(&root);
        if follow {
            c.arg("--follow");
        }
        let child = c
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // a FIFO that was opened would block the run: fail the test rather than hang
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        rx.recv_timeout(Duration::from_secs(60))
            .expect("the walk blocked (a FIFO opened?)")
            .unwrap()
    };
    let out = run(false);
    let ids: Vec<String> = common::rows(&out.stdout)
        .into_iter()
        .map(|r| r["report_id"].clone())
        .collect();
    assert_eq!(ids, ["a", "b"]);
    let err = String::from_utf8_lossy(&out.stderr);
    let special = if has_fifo { 1 } else { 0 };
    assert!(
        err.contains(&format!(
            "{} directory entries skipped: 3 symbolic links",
            3 + special
        )),
        "{err}"
    );
    // following links: the link to a.txt is read, the loop and the self-link are not entered
    let out = run(true);
    let ids: Vec<String> = common::rows(&out.stdout)
        .into_iter()
        .map(|r| r["report_id"].clone())
        .collect();
    assert_eq!(ids, ["a", "link", "b"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 link loops"), "{err}");
}

// ---- encodings and ids ------------------------------------------------------------------------

#[test]
fn utf16_with_a_byte_order_mark_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let text = "FINDINGS: Calcified granuloma in the right upper lobe.\r\n";
    let mut le = vec![0xff, 0xfe];
    let mut be = vec![0xfe, 0xff];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    let csv = "report_id,text\nr1,Calcified granuloma.\n";
    let mut csv16 = vec![0xff, 0xfe];
    for u in csv.encode_utf16() {
        csv16.extend_from_slice(&u.to_le_bytes());
    }
    write(&dir.path().join("le.txt"), &le);
    write(&dir.path().join("be.txt"), &be);
    write(&dir.path().join("t.csv"), &csv16);
    for f in ["le.txt", "be.txt", "t.csv"] {
        let out = calcmine()
            .args(["extract"])
            .arg(dir.path().join(f))
            .output()
            .unwrap();
        let rows = common::rows(&out.stdout);
        assert_eq!(rows.len(), 1, "{f}: {out:?}");
        assert_eq!(rows[0]["term"], "calcified_granuloma", "{f}");
        assert_eq!(rows[0]["status"], "present", "{f}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("0 invalid UTF-8"), "{f}: {err}");
    }
}

#[test]
fn duplicate_ids_are_counted_and_named_and_record_numbers_carry_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    // no id column: records are numbered, per file
    write(&a, "text\nCalcified granuloma.\nNo calcification.\n");
    write(&b, "text\nCalcified granuloma.\n");
    let dup = dir.path().join("dup.jsonl");
    write(
        &dup,
        "{\"id\":\"x\",\"text\":\"calcified\"}\n{\"id\":\"x\",\"text\":\"no\"}\n{\"id\":\"y\",\"text\":\"no\"}\n",
    );
    let out = calcmine().arg("flag").args([&a, &b]).output().unwrap();
    let ids: Vec<String> = common::rows(&out.stdout)
        .into_iter()
        .map(|r| r["report_id"].clone())
        .collect();
    assert_eq!(ids, ["a:1", "a:2", "b:1"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("earlier report"));
    let mined = dir.path().join("mined");
    let out = calcmine()
        .args(["mine", "--format", "csv", "--out"])
        .arg(&mined)
        .arg(&dup)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: 1 reports have the id of an earlier report (x)"),
        "{err}"
    );
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(mined.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["counts"]["duplicate_ids"], 1);
    assert_eq!(run["duplicate_id_examples"][0], "x");
}

// ---- memory -----------------------------------------------------------------------------------

#[test]
fn mentions_past_the_caps_of_a_sentence_and_a_report_are_left_out_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    // one sentence of 400 mentions (4,000 bytes without a sentence end): 32 kept
    let one = dir.path().join("one.txt");
    write(&one, "calcified;".repeat(400));
    let out = calcmine().args(["extract"]).arg(&one).output().unwrap();
    assert_eq!(common::rows(&out.stdout).len(), 32);
    // 3,000 sentences of one mention: 1,000 kept
    let p = dir.path().join("many.txt");
    write(&p, "Calcified. ".repeat(3000));
    let out = calcmine().args(["extract"]).arg(&p).output().unwrap();
    assert_eq!(common::rows(&out.stdout).len(), 1000);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "2000 mentions (or labs, conditions, recommendations) left out past the cap of 1000"
        ),
        "{err}"
    );
    let mined = dir.path().join("mined");
    calcmine()
        .args(["mine", "-q", "--format", "csv", "--out"])
        .arg(&mined)
        .arg(&p)
        .arg(&one)
        .assert()
        .success();
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(mined.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["counts"]["items_over_cap"], 2000 + 368);
    assert_eq!(run["counts"]["reports_over_cap"], 2);
    assert_eq!(run["counts"]["mentions_written"], 1032);
}

// ---- what a person reads ----------------------------------------------------------------------

#[test]
fn escape_sequences_in_reports_and_names_reach_no_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "FINDINGS: \u{1b}]0;pwned\u{7}Calcified \u{1b}[8mgranuloma\u{1b}[0m.\u{1b}[2J \u{9b}31m \u{202e}right\r";
    let p = dir.path().join("r.txt");
    write(&p, hostile);
    let out = calcmine()
        .args(["explain", "--color", "never"])
        .arg(&p)
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("\\x1b]0;pwned\\x07"), "{shown}");
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\r'] {
        assert!(!shown.contains(c), "{c:?} reached the terminal: {shown}");
    }
    // the data files keep the text as written
    let out = calcmine().args(["extract"]).arg(&p).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\u{1b}[8mgranuloma"));
    // a file name and a header name on stderr
    let name = dir.path().join("bad\u{1b}[2J.csv");
    write(&name, "id,\u{1b}]0;x\u{7}\n1,2\n");
    let out = calcmine().args(["flag"]).arg(&name).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad\\x1b[2J.csv"), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err}");
}

#[test]
fn csv_safe_defuses_formula_cells_and_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.csv");
    write(&p, "id,text\n=HYPERLINK(1),\"-calcified granuloma\"\n");
    let run = |safe: bool| {
        let mut c = calcmine();
        c.args(["extract", "--format", "csv"]).arg(&p);
        if safe {
            c.arg("--csv-safe");
        }
        String::from_utf8(c.output().unwrap().stdout).unwrap()
    };
    // the cells a spreadsheet would run: those starting with = + - @ or a tab or return
    let formulas = |csv_text: &str| -> Vec<String> {
        let mut r = csv::Reader::from_reader(csv_text.as_bytes());
        r.records()
            .flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
            .filter(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r']))
            .collect()
    };
    let plain = run(false);
    assert!(
        formulas(&plain).contains(&"=HYPERLINK(1)".to_string()),
        "{plain}"
    );
    let safe = run(true);
    assert_eq!(formulas(&safe), Vec::<String>::new(), "{safe}");
    assert!(safe.contains("'=HYPERLINK(1),"), "{safe}");
}

// ---- --no-text without exception ----------------------------------------------------------------

/// The word planted in every text of every input, well formed and malformed.
const MARKER: &str = "Zyxwvutsecret";

fn planted_inputs(dir: &Path) -> Vec<PathBuf> {
    let m = MARKER;
    let files = [
        ("t.txt", format!("Calcified {m} granuloma.")),
        ("u.txt.gz", String::new()),
        (
            "t.csv",
            format!("id,text\n1,Calcified {m}.\n2,\"calcified {m}, a, b\",extra\n3,\"open {m}\n"),
        ),
        ("t.tsv", format!("id\ttext\n1\tcalcified {m}\n2\tcalcified\t{m}\n")),
        (
            "t.jsonl",
            format!(
                "{{\"id\":\"1\",\"text\":\"calcified {m}\"}}\n\"calcified {m}\"\n[\"{m}\"]\n{{\"id\":\"4\",\"text\":[\"{m}\"]}}\n{{\"id\":\"5\",\"text\":{{\"{m}\":1}}}}\n{{\"id\":\"6\",\"text\":\"calcified {m}\n{{\"id\":\"7\",\"note\":\"{m}\"}}\n{m}\n"
            ),
        ),
        ("long.txt", format!("calcified {m} ").repeat(80)),
    ];
    let mut out = Vec::new();
    for (name, text) in files {
        let p = dir.join(name);
        if name.ends_with(".gz") {
            write(&p, common::gzip(format!("calcified {m}").as_bytes()));
        } else {
            write(&p, text);
        }
        out.push(p);
    }
    out
}

/// Every file below `dir`, as text.
fn every_file(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            every_file(&p, out);
        } else {
            let bytes = std::fs::read(&p).unwrap();
            // Parquet pages may be compressed: read the table back as text
            let text = if p.extension().is_some_and(|x| x == "parquet") {
                format!("{:?}", common::read_parquet(&p))
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            out.push((p, text));
        }
    }
}

#[test]
fn no_text_leaves_a_planted_word_out_of_every_output_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = planted_inputs(dir.path());
    let out_dir = dir.path().join("outputs");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut stderr = String::new();
    let mut run = |args: Vec<String>| {
        let out = calcmine()
            .args(&args)
            .args(["--no-text", "--max-report-bytes", "400"])
            .args(&inputs)
            .output()
            .unwrap();
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains(MARKER),
            "{args:?}"
        );
        stderr.push_str(&String::from_utf8_lossy(&out.stderr));
    };
    let o = |name: &str| out_dir.join(name).display().to_string();
    run(vec!["extract".into(), "-o".into(), o("m.tsv")]);
    run(vec!["extract".into(), "--format".into(), "jsonl".into()]);
    run(vec!["extract".into(), "-o".into(), o("m.parquet")]);
    run(vec!["flag".into(), "-o".into(), o("f.csv")]);
    run(vec![
        "explain".into(),
        "--first".into(),
        "50".into(),
        "-o".into(),
        o("e.txt"),
    ]);
    run(vec![
        "explain".into(),
        "--html".into(),
        "--first".into(),
        "50".into(),
        "-o".into(),
        o("e.html"),
    ]);
    for format in ["parquet", "csv"] {
        run(vec![
            "mine".into(),
            "--format".into(),
            format.into(),
            "--html".into(),
            "--out".into(),
            o(&format!("mined-{format}")),
        ]);
    }
    assert!(stderr.contains("malformed JSON line"), "{stderr}");
    assert!(!stderr.contains(MARKER), "{stderr}");
    let mut files = Vec::new();
    every_file(&out_dir, &mut files);
    assert!(
        files.len() >= 15,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (p, text) in files {
        assert!(
            !text.contains(MARKER),
            "{} holds the planted word",
            p.display()
        );
    }
}
