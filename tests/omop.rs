//! OMOP CDM: NOTE_NLP rows from `extract --format note_nlp` and `mine --note-nlp` (ids unique
//! and the same across runs and thread counts, lengths within the DDL's limits, term_exists
//! agreeing with n_present, concept maps, the note_id check), and a NOTE table read by its
//! column names. The real database is in scripts/ci.d/70-omop.sh.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use common::{calcmine, read_parquet, write};

const COLUMNS: &str = "note_nlp_id,note_id,section_concept_id,snippet,offset,lexical_variant,\
note_nlp_concept_id,note_nlp_source_concept_id,nlp_system,nlp_date,nlp_datetime,term_exists,\
term_temporal,term_modifiers";

/// A NOTE table as a CSV: 300 notes of several kinds, one with a long sentence and non-ASCII
/// text, one without any mention.
fn notes(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("note.csv");
    let mut w = csv::Writer::from_path(&p).unwrap();
    w.write_record(["note_id", "person_id", "note_title", "note_text"])
        .unwrap();
    for i in 0..300 {
        let text = match i % 5 {
            0 => "FINDINGS: Dense calcified granuloma in the right upper lobe. No pleural calcification.".to_string(),
            1 => "HISTORY: Prior renal stones.\nFINDINGS: Coronary artery calcification. Possible punctate calcification in the left breast.".to_string(),
            2 => format!("FINDINGS: {} calcified médiastinal lymph nodes {}.", "très ".repeat(60), "ü".repeat(200)),
            3 => "IMPRESSION: History of calcified granuloma, resolved.".to_string(),
            _ => "FINDINGS: The lungs are clear.".to_string(),
        };
        w.write_record([
            (7000 + i).to_string(),
            i.to_string(),
            "CT chest".into(),
            text,
        ])
        .unwrap();
    }
    w.flush().unwrap();
    p
}

fn note_nlp(args: &[&str], input: &Path) -> Vec<BTreeMap<String, String>> {
    let out = calcmine()
        .args(["extract", "--format", "note_nlp", "-q"])
        .args(args)
        .arg(input)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(COLUMNS),
        "{}",
        &text[..200.min(text.len())]
    );
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn note_nlp_rows_have_unique_stable_ids_and_fit_the_omop_limits() {
    let dir = tempfile::tempdir().unwrap();
    let input = notes(dir.path());
    let at = ["--nlp-datetime", "2026-03-04 05:06:07"];
    let rows = note_nlp(&[&at[..], &["-j2"]].concat(), &input);
    // the same input gives the same rows, byte for byte, at any thread count
    assert_eq!(note_nlp(&[&at[..], &["-j1"]].concat(), &input), rows);
    assert_eq!(note_nlp(&at, &input), rows);
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r["note_nlp_id"].parse().unwrap())
        .collect();
    assert_eq!(ids, (1..=rows.len() as i64).collect::<Vec<_>>());
    assert!(rows.len() >= 300, "{} rows", rows.len());
    for r in &rows {
        assert!(
            r["snippet"].len() <= 250 && !r["snippet"].is_empty(),
            "{r:?}"
        );
        assert!(r["lexical_variant"].len() <= 250 && !r["lexical_variant"].is_empty());
        assert!(r["term_modifiers"].len() <= 2000);
        assert!(r["nlp_system"].len() <= 250 && r["nlp_system"].starts_with("calcmine "));
        assert_eq!(r["nlp_date"], "2026-03-04");
        assert_eq!(r["nlp_datetime"], "2026-03-04 05:06:07");
        assert_eq!(r["section_concept_id"], "0");
        assert_eq!(r["note_nlp_concept_id"], "0");
        assert!(r["term_modifiers"].contains(";organ="), "{r:?}");
        assert!(["Y", "N"].contains(&r["term_exists"].as_str()));
        assert!(["past", "present"].contains(&r["term_temporal"].as_str()));
    }
    // offsets count characters: the mention's words start there in the note text
    let text = "FINDINGS: ".to_string() + &"très ".repeat(60) + " calcified médiastinal";
    let third = rows.iter().find(|r| r["note_id"] == "7002").unwrap();
    let offset: usize = third["offset"].parse().unwrap();
    let words: String = text.chars().skip(offset).take(9).collect();
    assert_eq!(words, "calcified");
    assert!(third["snippet"].contains("calcified médiastinal"));
    // historical mentions are past
    let past = rows.iter().find(|r| r["note_id"] == "7003").unwrap();
    assert_eq!(past["term_temporal"], "past");
}

#[test]
fn term_exists_agrees_with_n_present_of_the_report_table() {
    let dir = tempfile::tempdir().unwrap();
    let input = notes(dir.path());
    let out = dir.path().join("mined");
    calcmine()
        .args([
            "mine",
            "-q",
            "--note-nlp",
            "--nlp-datetime",
            "2026-01-01",
            "--out",
        ])
        .arg(&out)
        .arg(&input)
        .assert()
        .code(0);
    let nlp = read_parquet(&out.join("note_nlp.parquet"));
    let reports = read_parquet(&out.join("reports.parquet"));
    let mut yes: BTreeMap<i64, i64> = BTreeMap::new();
    let note_ids = nlp.column("note_id").unwrap().i64().unwrap().clone();
    let exists = nlp.column("term_exists").unwrap().str().unwrap().clone();
    for (id, e) in note_ids.iter().zip(exists.iter()) {
        *yes.entry(id.unwrap()).or_default() += (e == Some("Y")) as i64;
    }
    let ids = reports.column("report_id").unwrap().str().unwrap().clone();
    let present = reports.column("n_present").unwrap().i64().unwrap().clone();
    let mut compared = 0;
    for (id, n) in ids.iter().zip(present.iter()) {
        let id: i64 = id.unwrap().parse().unwrap();
        assert_eq!(yes.get(&id).copied().unwrap_or(0), n.unwrap(), "note {id}");
        compared += 1;
    }
    assert_eq!(compared, 300);
    // the Parquet NOTE_NLP holds the rows extract writes, in the CDM's column order
    let names: Vec<String> = nlp
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names.join(","), COLUMNS);
    let csv_rows = note_nlp(&["--nlp-datetime", "2026-01-01"], &input);
    assert_eq!(nlp.height(), csv_rows.len());
    let snippets = nlp.column("snippet").unwrap().str().unwrap().clone();
    for (r, s) in csv_rows.iter().zip(snippets.iter()) {
        assert_eq!(r["snippet"], s.unwrap());
    }
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["note_nlp"]["rows"], csv_rows.len() as u64);
    assert_eq!(run["note_nlp"]["note_nlp_id_first"], 1);
}

#[test]
fn shards_never_share_an_id_and_the_start_can_be_moved() {
    let dir = tempfile::tempdir().unwrap();
    let input = notes(dir.path());
    let mut seen = HashSet::new();
    let mut total = 0;
    for k in 1..=3 {
        let out = dir.path().join(format!("shard{k}"));
        calcmine()
            .args(["mine", "-q", "--note-nlp", "--format", "csv", "--shard"])
            .arg(format!("{k}/3"))
            .args(["--note-nlp-id-start", "1000", "--out"])
            .arg(&out)
            .arg(&input)
            .assert()
            .code(0);
        let mut rdr = csv::Reader::from_path(out.join("note_nlp.csv")).unwrap();
        for r in rdr.records() {
            let id: i64 = r.unwrap()[0].parse().unwrap();
            assert!(id >= 1000 && (id - 1000) % 3 == k - 1, "{id} in shard {k}");
            assert!(seen.insert(id), "{id} given twice");
            total += 1;
        }
    }
    assert_eq!(total, note_nlp(&[], &input).len());
    // past OMOP's integer: an error, and no file
    let target = dir.path().join("nlp.csv");
    calcmine()
        .args([
            "extract",
            "--format",
            "note_nlp",
            "--note-nlp-id-start",
            "2147483600",
            "-o",
        ])
        .arg(&target)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("largest OMOP integer"));
    assert!(!target.exists());
}

#[test]
fn concept_maps_no_text_and_report_ids_that_are_no_integers() {
    let dir = tempfile::tempdir().unwrap();
    let input = notes(dir.path());
    let map = dir.path().join("concepts.csv");
    write(&map, "term,concept_id\ncalcified_granuloma,4163819\n");
    let sections = dir.path().join("sections.csv");
    write(&sections, "section,concept_id\nfindings,3028823\n");
    let rows = note_nlp(
        &[
            "--concept-map",
            map.to_str().unwrap(),
            "--section-concept-map",
            sections.to_str().unwrap(),
            "--no-text",
        ],
        &input,
    );
    let granuloma = rows.iter().find(|r| r["note_id"] == "7000").unwrap();
    assert_eq!(granuloma["note_nlp_concept_id"], "4163819");
    assert_eq!(granuloma["note_nlp_source_concept_id"], "4163819");
    assert_eq!(granuloma["section_concept_id"], "3028823");
    for r in &rows {
        // --no-text: no snippet, the term for the words
        assert_eq!(r["snippet"], "");
        assert!(!r["lexical_variant"].contains(' '), "{r:?}");
    }
    // a misspelt term is an error, not a silent 0
    write(&map, "term,concept_id\ncalcified_granulomma,4163819\n");
    calcmine()
        .args(["extract", "--format", "note_nlp", "--concept-map"])
        .arg(&map)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`calcified_granulomma` is not a term",
        ));
    // NOTE_NLP's note_id is an integer: a report id that is not one is named
    let bad = dir.path().join("bad.csv");
    write(
        &bad,
        "id,text\n12,Calcified granuloma.\nabc-7,Calcified node.\n",
    );
    calcmine()
        .args(["extract", "--format", "note_nlp"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("report `abc-7`"));
    // NOTE_NLP options where no NOTE_NLP is written are a mistake
    calcmine()
        .args(["extract", "--nlp-datetime", "2026-01-01"])
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("are for --format note_nlp"));
}
