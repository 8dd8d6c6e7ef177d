//! `calcmine mine`: the tables it writes, their types (the taxonomy and lab columns included),
//! every report appearing, `--screen-only`, over-long fields, atomic files, determinism across
//! thread counts, row groups, and `--shard` splitting an archive exactly.

mod common;

use std::collections::BTreeSet;
use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use calcmine::output::schema::{Kind, MentionField, ReportField};
use common::{bin, calcmine, read_parquet};
use polars::prelude::*;

/// Sentences as they appear in chest, abdominal and musculoskeletal reports.
const FINDINGS: &[&str] = &[
    "A 6 mm calcified granuloma in the right upper lobe is unchanged.",
    "No renal calculi or nephrocalcinosis.",
    "Dense coronary artery calcification.",
    "The lungs are clear. No pleural effusion.",
    "Mitral annular calcification.",
    "Possible punctate calcification in the left breast, recommend diagnostic mammogram.",
    "Calcified right hilar lymph nodes, consistent with prior granulomatous disease.",
    "Heart size is normal. No acute osseous abnormality.",
    "Non-calcified 4 mm nodule in the lingula.",
    "Atherosclerotic calcification of the abdominal aorta.",
    "Chondrocalcinosis of the knee menisci.",
    "No acute cardiopulmonary process.",
];

/// A CSV of `n` reports with ids `r000001…`, each a few findings plus an impression; every
/// seventh report has no calcification at all.
fn write_reports(path: &Path, n: usize) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(["report_id", "text"]).unwrap();
    for i in 0..n {
        let text = if i % 7 == 3 {
            "FINDINGS: The lungs are clear. Heart size is normal.\nIMPRESSION: Normal chest."
                .to_string()
        } else {
            let a = FINDINGS[i % FINDINGS.len()];
            let b = FINDINGS[(i * 5 + 1) % FINDINGS.len()];
            format!(
                "FINDINGS: {a} {b}\nIMPRESSION: {}",
                FINDINGS[(i * 3 + 2) % FINDINGS.len()]
            )
        };
        w.write_record([format!("r{i:06}"), text]).unwrap();
    }
    w.flush().unwrap();
}

fn mine(args: &[&str]) -> std::process::Output {
    let out = Command::new(bin()).arg("mine").args(args).output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "calcmine mine {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn expected_dtype(kind: Kind) -> Option<DataType> {
    match kind {
        Kind::Str => Some(DataType::String),
        Kind::Int => Some(DataType::Int64),
        Kind::Bool => Some(DataType::Boolean),
        Kind::Float => Some(DataType::Float64),
        Kind::List => Some(DataType::List(Box::new(DataType::String))),
        Kind::Records(fields) => Some(DataType::List(Box::new(DataType::Struct(
            fields
                .iter()
                .map(|(n, k)| {
                    polars::prelude::Field::new((*n).into(), expected_dtype(*k).expect("scalar"))
                })
                .collect(),
        )))),
        Kind::Category => None, // checked with is_categorical
    }
}

fn check_types(df: &DataFrame, cols: &[(&str, Kind)]) {
    let names: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
    let want: Vec<&str> = cols.iter().map(|c| c.0).collect();
    assert_eq!(names, want, "columns, in schema.rs order");
    for (name, kind) in cols {
        let got = df.column(name).unwrap().dtype();
        match expected_dtype(*kind) {
            Some(t) => assert_eq!(got, &t, "{name}"),
            None => assert!(
                got.is_categorical(),
                "{name} should be categorical: {got:?}"
            ),
        }
    }
}

#[test]
fn tables_have_the_schema_columns_and_types() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports.csv");
    write_reports(&input, 60);
    let out = dir.path().join("out");
    mine(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);

    let m = read_parquet(&out.join("mentions.parquet"));
    let mcols: Vec<(&str, Kind)> = MentionField::columns(false)
        .into_iter()
        .map(|f| (f.name(), f.kind()))
        .collect();
    check_types(&m, &mcols);
    assert!(m.height() > 60, "several mentions per report");
    // "A 6 mm calcified granuloma in the right upper lobe is unchanged." is a present mention
    let text = m.column("text").unwrap().str().unwrap();
    let status = m.column("status").unwrap().cast(&DataType::String).unwrap();
    let status = status.str().unwrap();
    let found = (0..m.height())
        .any(|i| text.get(i) == Some("calcified granuloma") && status.get(i) == Some("present"));
    assert!(found, "calcified granuloma present");

    let r = read_parquet(&out.join("reports.parquet"));
    let rcols: Vec<(&str, Kind)> = ReportField::columns(false)
        .into_iter()
        .map(|f| (f.name(), f.kind()))
        .collect();
    check_types(&r, &rcols);
    assert_eq!(r.height(), 60);

    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with(
        "kind,organ,mechanism,status,counts,mentions,reports,flagged_reports,rate,flag_rate\n"
    ));
    assert!(summary.contains("\nall_reports,*,*,*,,,60,"), "{summary}");

    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["counts"]["reports_read"], 60);
    assert_eq!(run["counts"]["reports_written"], 60);
    assert_eq!(run["counts"]["mentions_written"], m.height() as u64);
    assert_eq!(run["lexicon_digest"].as_str().unwrap().len(), 64);
    assert!(run["seconds"].as_f64().unwrap() > 0.0);
}

#[test]
fn no_text_leaves_report_text_out() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports.csv");
    write_reports(&input, 20);
    let out = dir.path().join("out");
    mine(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-text",
        "-q",
    ]);
    let m = read_parquet(&out.join("mentions.parquet"));
    for f in MentionField::ALL.iter().filter(|f| f.is_text()) {
        assert!(m.column(f.name()).is_err(), "{} left out", f.name());
    }
    let bytes = std::fs::read(out.join("mentions.parquet")).unwrap();
    let needle = b"right upper lobe";
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "no sentence text anywhere in the file"
    );
}

#[test]
fn every_report_appears_failures_included() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.csv");
    // a report with a mention, one without, a malformed row, an empty report
    std::fs::write(
        &input,
        "report_id,text\n\
         a1,Calcified granuloma in the right upper lobe.\n\
         a2,The lungs are clear.\n\
         a3,too,many,fields\n\
         a4,\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = Command::new(bin())
        .args(["mine", "-q", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    // the malformed row is named on stderr and the exit status says so, but it has its row
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("mixed.csv:4 (record 3)"));
    let r = read_parquet(&out.join("reports.parquet"));
    assert_eq!(r.height(), 4, "count in = count out");
    let err = r.column("error").unwrap().str().unwrap();
    assert!(err.get(0).is_none());
    assert!(
        err.get(2).unwrap().contains("malformed row"),
        "{:?}",
        err.get(2)
    );
    let n = r.column("n_mentions").unwrap().i64().unwrap();
    assert_eq!(n.get(0), Some(1));
    assert_eq!(n.get(1), Some(0));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["counts"]["failed"], 1);
}

#[test]
fn screen_only_writes_every_report_as_if_it_named_nothing() {
    // the benchmark ceiling: the same reading and the same tables, no analysis; a run made
    // this way says so in run.json, so its tables are not taken for results
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports.csv");
    write_reports(&input, 50);
    let full = dir.path().join("full");
    let screened = dir.path().join("screened");
    mine(&[
        "-q",
        "--out",
        full.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    mine(&[
        "-q",
        "--screen-only",
        "--out",
        screened.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    let f = read_parquet(&full.join("reports.parquet"));
    let s = read_parquet(&screened.join("reports.parquet"));
    assert!(f.column("n_mentions").unwrap().i64().unwrap().sum() > Some(0));
    assert_eq!(s.height(), 50, "every report has its row");
    assert_eq!(s.get_column_names(), f.get_column_names());
    assert_eq!(
        s.column("n_mentions").unwrap().i64().unwrap().sum(),
        Some(0)
    );
    assert_eq!(read_parquet(&screened.join("mentions.parquet")).height(), 0);
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(screened.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["screen_only"], true);
    assert_eq!(run["counts"]["mentions_written"], 0);
}

#[test]
fn a_whole_archive_pasted_into_one_field_fails_alone() {
    // a field holding a whole export (1.2 MB) is over the default 1 MiB limit: named, kept
    // as a failed row, the reports around it read as usual
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    let pasted = format!(
        "{} Dense coronary artery calcification.",
        "The lungs are clear. ".repeat(57_000)
    );
    std::fs::write(
        &input,
        format!(
            "report_id,text\n\
             a1,Calcified granuloma in the right upper lobe.\n\
             a2,{pasted}\n\
             a3,Mitral annular calcification.\n"
        ),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = dir.path().join(format!("out{}", extra.len()));
        let o = Command::new(bin())
            .args(["mine", "-q", "--format", "csv", "--out"])
            .arg(&out)
            .arg(&input)
            .args(extra)
            .output()
            .unwrap();
        let reports = std::fs::read_to_string(out.join("reports.csv")).unwrap();
        let mentions = std::fs::read_to_string(out.join("mentions.csv")).unwrap();
        (o, reports, mentions)
    };
    let (o, reports, mentions) = run(&[]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("export.csv:3 (record 2): report of 1197037 bytes is longer than --max-report-bytes (1048576)"),
        "{stderr}"
    );
    assert_eq!(reports.lines().count(), 4, "count in = count out");
    let a2 = reports.lines().find(|l| l.starts_with("a2,")).unwrap();
    assert!(a2.contains("not analysed"), "{a2}");
    let ids: Vec<&str> = mentions.lines().skip(1).map(|l| &l[..2]).collect();
    assert_eq!(ids, ["a1", "a3"]);
    // raised, the field is read to its end
    let (o, _, mentions) = run(&["--max-report-bytes", "2M"]);
    assert_eq!(o.status.code(), Some(0));
    let ids: Vec<&str> = mentions.lines().skip(1).map(|l| &l[..2]).collect();
    assert_eq!(ids, ["a1", "a2", "a3"]);
}

#[test]
fn an_unreadable_input_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ok.csv");
    write_reports(&input, 10);
    let out = dir.path().join("out");
    let o = Command::new(bin())
        .args(["mine", "-q", "--out"])
        .arg(&out)
        .arg(&input)
        .arg(dir.path().join("missing.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.csv"));
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert!(left.is_empty(), "nothing written: {left:?}");
}

/// Start `mine` on a large input, wait until it is writing, and stop it with `signal`.
/// Returns the names left in the output directory, and beside it (`mine` writes into a
/// staging directory `.out.calcmine-XXXXXX` beside `--out`).
fn interrupted_run(signal: &str) -> (Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    write_reports(&input, 400_000);
    let out = dir.path().join("out");
    let mut child = Command::new(bin())
        .args([
            "mine",
            "-q",
            "--batch",
            "1000",
            "--row-group",
            "1000",
            "-j",
            "1",
            "--out",
        ])
        .arg(&out)
        .arg(&input)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // wait until a table exists in the staging directory and has grown (a batch was written)
    let started = Instant::now();
    loop {
        let growing = std::fs::read_dir(dir.path()).ok().is_some_and(|d| {
            d.flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(".out.calcmine-")
                })
                .filter_map(|e| std::fs::read_dir(e.path()).ok())
                .flatten()
                .flatten()
                .any(|e| e.metadata().is_ok_and(|m| m.len() > 4096))
        });
        if growing || started.elapsed() > Duration::from_secs(30) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "still running when stopped"
    );
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let _ = child.wait();
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    (names, beside)
}

const FINAL_NAMES: &[&str] = &[
    "mentions.parquet",
    "reports.parquet",
    "reasons.parquet",
    "summary.csv",
    "run.json",
];

#[test]
fn a_killed_run_leaves_no_final_named_file() {
    let (left, _) = interrupted_run("-KILL");
    for n in &left {
        assert!(!FINAL_NAMES.contains(&n.as_str()), "{n} left after kill -9");
    }
}

#[test]
fn an_interrupted_run_cleans_up_everything() {
    for sig in ["-INT", "-TERM"] {
        let (left, beside) = interrupted_run(sig);
        assert!(left.is_empty(), "after {sig}: {left:?}");
        assert!(beside.is_empty(), "after {sig}: {beside:?}");
    }
}

fn csv_tables(input: &Path, dir: &Path, extra: &[&str]) -> (String, String) {
    let out = dir.join(format!("out{}", extra.join("").replace('/', "_")));
    let mut args = vec![
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "csv",
        "--batch",
        "50",
        "--row-group",
        "120",
        "-q",
    ];
    args.extend_from_slice(extra);
    mine(&args);
    (
        std::fs::read_to_string(out.join("mentions.csv")).unwrap(),
        std::fs::read_to_string(out.join("reports.csv")).unwrap(),
    )
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports.csv");
    write_reports(&input, 3000);
    let one = csv_tables(&input, dir.path(), &["-j", "1"]);
    assert!(one.0.lines().count() > 3000);
    assert_eq!(one.1.lines().count(), 3001);
    for j in ["2", "3", "8"] {
        let many = csv_tables(&input, dir.path(), &["-j", j]);
        assert!(one == many, "-j {j} differs from -j 1");
    }
    // and the Parquet tables too
    let p1 = dir.path().join("p1");
    let p2 = dir.path().join("p2");
    for (p, j) in [(&p1, "1"), (&p2, "2")] {
        mine(&[
            input.to_str().unwrap(),
            "--out",
            p.to_str().unwrap(),
            "-j",
            j,
            "-q",
        ]);
    }
    for t in ["mentions.parquet", "reports.parquet"] {
        let a = read_parquet(&p1.join(t));
        let b = read_parquet(&p2.join(t));
        assert!(a.equals_missing(&b), "{t} differs between -j 1 and -j 2");
    }
}

#[test]
fn shards_partition_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports.csv");
    write_reports(&input, 2000);
    let (all_m, all_r) = csv_tables(&input, dir.path(), &["--no-text"]);
    let lines = |s: &str| s.lines().skip(1).map(str::to_string).collect::<Vec<_>>();
    let mut union_m = Vec::new();
    let mut union_r = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let (m, r) = csv_tables(&input, dir.path(), &["--no-text", "--shard", &shard]);
        let r = lines(&r);
        assert!(
            r.len() > 500 && r.len() < 850,
            "shard {shard}: {} reports",
            r.len()
        );
        union_m.extend(lines(&m));
        union_r.extend(r);
    }
    let (mut a, mut b) = (lines(&all_m), lines(&all_r));
    assert_eq!(union_r.len(), 2000, "every report in exactly one shard");
    for v in [&mut a, &mut b, &mut union_m, &mut union_r] {
        v.sort();
    }
    assert_eq!(union_r, b);
    assert_eq!(union_m, a);
    let ids: BTreeSet<_> = union_r
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 2000);
}

#[test]
fn shard_is_stable_fnv1a_of_the_id() {
    use calcmine::run::{fnv1a, Shard};
    // the published FNV-1a 64 test vectors: the split must not change between versions
    assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
    assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
    assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    // shard = hash % N + 1
    assert_eq!(Shard::of("foobar", 4), 1);
    assert_eq!(Shard::of("a", 3), 2);
    assert!("0/3".parse::<Shard>().is_err());
    assert!("4/3".parse::<Shard>().is_err());
    assert_eq!("2/3".parse::<Shard>().unwrap(), Shard { k: 2, n: 3 });
}

/// Row sizes of the row groups of a Parquet file.
fn row_groups(path: &Path) -> Vec<usize> {
    let mut r = ParquetReader::new(File::open(path).unwrap());
    let md = r.get_metadata().unwrap();
    md.row_groups.iter().map(|g| g.num_rows()).collect()
}

#[test]
fn mentions_are_written_as_reports_are() {
    // One report in four mentions a calcification: far fewer mentions than reports. Gathered
    // only up to --row-group rows, all the mentions would wait for the end of the input.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports.csv");
    let mut w = csv::Writer::from_path(&input).unwrap();
    w.write_record(["report_id", "text"]).unwrap();
    for i in 0..400 {
        let text = if i % 4 == 0 {
            "FINDINGS: Mitral annular calcification. The lungs are clear."
        } else {
            "FINDINGS: The lungs are clear. Heart size is normal."
        };
        w.write_record([format!("r{i:04}"), text.to_string()])
            .unwrap();
    }
    w.flush().unwrap();
    let out = dir.path().join("out");
    mine(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--batch",
        "20",
        "--row-group",
        "100",
        "-j",
        "2",
        "-q",
    ]);
    assert_eq!(row_groups(&out.join("reports.parquet")), vec![100; 4]);
    // each reports row group's 25 mentions are written with it, not all 100 at the end
    assert_eq!(row_groups(&out.join("mentions.parquet")), vec![25; 4]);
    let m = read_parquet(&out.join("mentions.parquet"));
    assert_eq!(m.height(), 100);
}

#[test]
fn row_groups_shorten_towards_the_end_of_the_input_the_same_at_any_thread_count() {
    // What is pending when the input ends is written after the workers are done, on one
    // core: near the end, row groups are cut early, so the last is short.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports.csv");
    let mut w = csv::Writer::from_path(&input).unwrap();
    w.write_record(["report_id", "text"]).unwrap();
    for i in 0..3600 {
        let text = if i % 5 == 0 {
            "FINDINGS: Coarse calcification of the pancreas. Borderline splenomegaly. \
             IMPRESSION: Findings of chronic pancreatitis; no acute abnormality."
        } else {
            "FINDINGS: The liver, spleen and pancreas are unremarkable. No free fluid. \
             IMPRESSION: No acute abnormality of the abdomen or pelvis."
        };
        // long enough that a row group is many times what the reader reads at once
        w.write_record([format!("r{i:05}"), text.repeat(4)])
            .unwrap();
    }
    w.flush().unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(format!("out-j{threads}"));
        mine(&[
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--batch",
            "100",
            "--row-group",
            "1000",
            "-j",
            threads,
            "-q",
        ]);
        out
    };
    let (one, two) = (run("1"), run("2"));
    let groups = row_groups(&one.join("reports.parquet"));
    assert_eq!(groups.iter().sum::<usize>(), 3600);
    assert!(groups.iter().all(|&g| g <= 1000), "{groups:?}");
    // gathered up to 1000 rows only, the last group would be 600 rows; cut early, the groups
    // before it shrink, and it holds about what the reader reads ahead (64 KiB)
    assert_eq!(groups[..2], [1000, 1000], "{groups:?}");
    let (last, cut) = groups[2..].split_last().unwrap();
    assert!(cut.windows(2).all(|w| w[1] <= w[0]), "{groups:?}");
    assert!(*last <= 200, "{groups:?}");
    // the same files, byte for byte, whatever the number of threads
    for table in ["reports.parquet", "mentions.parquet"] {
        assert_eq!(
            std::fs::read(one.join(table)).unwrap(),
            std::fs::read(two.join(table)).unwrap(),
            "{table}"
        );
    }
    assert_eq!(read_parquet(&one.join("reports.parquet")).height(), 3600);
}

#[test]
fn mine_reports_carry_typed_taxonomy_and_lab_columns() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("ckd5.txt");
    std::fs::write(
        &report,
        "HISTORY: Chronic kidney disease stage 5. Serum calcium 2.61 mmol/L, phosphate 2.1 mmol/L, \
         PTH 450 pg/mL.\n\
         FINDINGS: Punctate calcifications in both kidneys, consistent with medullary \
         nephrocalcinosis.\n\
         IMPRESSION: Medullary nephrocalcinosis. Follow-up renal ultrasound in 6 months.\n",
    )
    .unwrap();
    let out_dir = dir.path().join("mined");
    let out = calcmine()
        .args(["mine", "-q", "--out"])
        .arg(&out_dir)
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| read_parquet(&out_dir.join(name));
    let reports = read("reports.parquet");
    let float = |c: &str| {
        let col = reports.column(c).unwrap();
        assert_eq!(col.dtype(), &DataType::Float64, "{c}");
        col.f64().unwrap().get(0)
    };
    // mmol/L converted to mg/dL (× 4.008, × 3.097), the product computed, 3 decimals
    assert_eq!(float("calcium_mg_dl"), Some(10.461));
    assert_eq!(float("phosphate_mg_dl"), Some(6.504));
    assert_eq!(float("ca_phos_product"), Some(68.034));
    assert_eq!(float("pth_pg_ml"), Some(450.0));
    assert_eq!(float("egfr"), None);
    let int = |c: &str| {
        let col = reports.column(c).unwrap();
        assert_eq!(col.dtype(), &DataType::Int64, "{c}");
        col.i64().unwrap().get(0)
    };
    assert_eq!(int("ckd_stage"), Some(5));
    assert_eq!(int("followup_interval_days"), Some(180));
    let list = |c: &str| {
        let col = reports.column(c).unwrap();
        assert_eq!(
            col.dtype(),
            &DataType::List(Box::new(DataType::String)),
            "{c}"
        );
        let s = col.list().unwrap().get_as_series(0).unwrap();
        s.str()
            .unwrap()
            .iter()
            .map(|x| x.unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(list("recommendation_types"), ["imaging_followup"]);
    assert!(list("conditions").contains(&"ckd".to_string()));
    assert!(list("workup_rules").contains(&"ca_phos_product_high".to_string()));
    assert_eq!(
        reports
            .column("metabolic_workup")
            .unwrap()
            .bool()
            .unwrap()
            .get(0),
        Some(true)
    );
    // the mention codes: the kidney, medullary, metastatic in CKD
    let mentions = read("mentions.parquet");
    let strings = |c: &str| -> Vec<String> {
        let col = mentions.column(c).unwrap().cast(&DataType::String).unwrap();
        col.str()
            .unwrap()
            .iter()
            .map(|x| x.unwrap_or_default().to_string())
            .collect()
    };
    assert!(mentions
        .column("mechanism")
        .unwrap()
        .dtype()
        .is_categorical());
    assert!(mentions
        .column("compartment")
        .unwrap()
        .dtype()
        .is_categorical());
    assert!(
        strings("organ").iter().all(|o| o == "kidney"),
        "{:?}",
        strings("organ")
    );
    assert!(
        strings("mechanism").iter().any(|m| m == "metastatic"),
        "{:?}",
        strings("mechanism")
    );
    assert_eq!(
        mentions.column("morphology").unwrap().dtype(),
        &DataType::List(Box::new(DataType::String))
    );
}
