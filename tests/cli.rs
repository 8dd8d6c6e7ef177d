//! What every command shares: one exit-status convention (found / nothing found / error, like
//! grep), each `--help` saying it, and `--no-text` keeping report text out of `flag`, `audit`
//! (every format, Parquet included) and `explain`. Each command's own tests are in cmd_*.rs.

mod common;

use std::path::Path;

use common::{calcmine, three_reports};

/// Words of the three reports (common::three_reports) that must never appear in a `--no-text`
/// output.
const REPORT_WORDS: &[&str] = &[
    "centrilobular",
    "ground-glass",
    "hemodialysis",
    "Recommend serum",
    "upper lobes",
    "cardiopulmonary",
];

#[test]
fn no_text_leaves_report_text_out_of_flag_audit_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let files = three_reports(dir.path());
    let mut runs: Vec<(String, Vec<u8>)> = Vec::new();
    for format in ["tsv", "csv", "jsonl"] {
        for cmd in ["flag", "audit"] {
            let out = calcmine()
                .args([cmd, "--no-text", "--format", format])
                .args(&files)
                .output()
                .unwrap();
            assert!(out.status.code().is_some_and(|c| c <= 1), "{cmd}");
            let mut all = out.stdout;
            all.extend(out.stderr); // the audit summary and the summary line
            runs.push((format!("{cmd} --format {format}"), all));
        }
    }
    let target = dir.path().join("audit.parquet");
    let out = calcmine()
        .args(["audit", "--no-text", "--format", "parquet", "-o"])
        .arg(&target)
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    runs.push((
        "audit --format parquet".into(),
        std::fs::read(&target).unwrap(),
    ));
    let out = calcmine()
        .args(["explain", "--no-text", "--first", "3", "--color", "never"])
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    // what explain still shows without text: the codes and the rules
    assert!(
        shown.contains("entity=metastatic_pulmonary_calcification"),
        "{shown}"
    );
    assert!(shown.contains("rule metastatic_pattern"), "{shown}");
    runs.push(("explain".into(), out.stdout));
    for (what, bytes) in &runs {
        let s = String::from_utf8_lossy(bytes);
        for w in REPORT_WORDS {
            assert!(!s.contains(w), "{what} --no-text writes {w:?}:\n{s}");
        }
    }
    // and the same outputs without --no-text do carry the text (the check can fail)
    let out = calcmine()
        .args(["flag", "--format", "jsonl"])
        .args(&files)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("centrilobular"));
}

#[test]
fn exit_statuses_follow_one_convention_and_each_help_says_it() {
    let dir = tempfile::tempdir().unwrap();
    let files = three_reports(dir.path());
    let (gap, normal) = (&files[0], &files[2]);
    let missing = dir.path().join("missing.txt");
    let code = |args: &[&str], file: &Path| {
        calcmine()
            .args(args)
            .arg("-q")
            .arg(file)
            .output()
            .unwrap()
            .status
            .code()
    };
    // found / not found / error, like grep
    for (cmd, found) in [("extract", gap), ("flag", gap), ("audit", gap)] {
        assert_eq!(code(&[cmd], found), Some(0), "{cmd} found");
        assert_eq!(code(&[cmd], normal), Some(1), "{cmd} on a normal report");
        assert_eq!(code(&[cmd], &missing), Some(2), "{cmd} on a missing file");
    }
    let explain = |file: &Path| {
        calcmine()
            .arg("explain")
            .arg(file)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(explain(gap), Some(0));
    assert_eq!(explain(normal), Some(1));
    // mine writes tables: success whatever they hold, a shard with no calcification included
    let out = dir.path().join("mined");
    let mine = |file: &Path| {
        calcmine()
            .args(["mine", "-q", "--out"])
            .arg(&out)
            .arg(file)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(mine(normal), Some(0));
    assert!(out.join("reports.parquet").exists());
    assert_eq!(mine(gap), Some(0));
    assert_eq!(mine(&missing), Some(2));
    // each subcommand documents its statuses
    for cmd in [
        &["extract"][..],
        &["flag"],
        &["audit"],
        &["explain"],
        &["mine"],
        &["eval"],
        &["lexicon", "check"],
    ] {
        let help = calcmine().args(cmd).arg("--help").output().unwrap();
        let help = String::from_utf8_lossy(&help.stdout);
        assert!(help.contains("Exit status"), "{cmd:?} --help:\n{help}");
    }
}

#[test]
fn the_output_file_name_chooses_the_format_for_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let files = three_reports(dir.path());
    let magic = |p: &Path| {
        let b = std::fs::read(p).unwrap();
        b[..4.min(b.len())].to_vec()
    };
    for cmd in ["extract", "flag", "audit"] {
        let run = |name: &str| {
            let p = dir.path().join(format!("{cmd}-{name}"));
            let out = calcmine()
                .args([cmd, "-q", "-o"])
                .arg(&p)
                .args(&files)
                .output()
                .unwrap();
            assert!(
                out.status.code().unwrap() < 2,
                "{cmd} -o {name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            p
        };
        let csv = std::fs::read_to_string(run("t.csv")).unwrap();
        assert!(csv.starts_with("report_id,"), "{cmd}: {csv}");
        let jsonl = std::fs::read_to_string(run("t.jsonl")).unwrap();
        assert!(jsonl.starts_with("{\"report_id\":"), "{cmd}: {jsonl}");
        assert_eq!(magic(&run("t.parquet")), b"PAR1", "{cmd}");
        let tsv = std::fs::read_to_string(run("t.tsv")).unwrap();
        assert!(tsv.starts_with("report_id\t"));
        // .gz and .zst compress the text formats
        let gz = std::fs::read(run("t.tsv.gz")).unwrap();
        let mut plain = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain)
            .unwrap();
        assert_eq!(plain, tsv, "{cmd}");
        let zst = zstd::decode_all(&std::fs::read(run("t.csv.zst")).unwrap()[..]).unwrap();
        assert_eq!(String::from_utf8(zst).unwrap(), csv, "{cmd}");
        // an unknown extension keeps the default (TSV)
        assert_eq!(std::fs::read_to_string(run("t.out")).unwrap(), tsv);
        // a --format that contradicts the name is an error, and nothing is written
        let p = dir.path().join(format!("{cmd}-x.tsv"));
        calcmine()
            .args([cmd, "--format", "csv", "-o"])
            .arg(&p)
            .args(&files)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("contradicts"));
        assert!(!p.exists());
    }
    // eval's disagreements file too
    let gold = dir.path().join("gold.csv");
    std::fs::write(&gold, "report_id,present\ngap,false\nnormal,true\n").unwrap();
    let p = dir.path().join("d.jsonl");
    calcmine()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg("--disagreements")
        .arg(&p)
        .args(&files)
        .assert()
        .code(0);
    assert!(std::fs::read_to_string(&p)
        .unwrap()
        .starts_with("{\"field\":"));
}

#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // `calcmine lexicon dump | head -c 10` (160 KB, more than a pipe holds: the write after
    // the reader left fails with a broken pipe) and `mine --print-schema`, printed the same way
    for args in [&["lexicon", "dump"][..], &["mine", "--print-schema"][..]] {
        let mut child = Command::new(common::bin())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 10];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        // the reader is gone: the rest of the output meets a closed pipe
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
    }
}
