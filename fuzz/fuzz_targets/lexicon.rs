//! The lexicon loader and compiler on any file: a TOML lexicon (first byte even) or a plain
//! `--targets` list (odd), alone (`--no-default-lexicons`). An error is fine, a panic is not;
//! a lexicon that loads must compile into an engine that runs.
#![no_main]

use calcmine_core::lexicon::{Lexicon, LexiconOptions};
use calcmine_core::{Engine, Report};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let dir = common::scratch("lexicons");
    let _ = std::fs::create_dir_all(&dir);
    let opts = if first & 1 == 0 {
        let _ = std::fs::write(dir.join("fuzz.toml"), rest);
        LexiconOptions {
            dir: Some(dir.clone()),
            no_defaults: true,
            ..Default::default()
        }
    } else {
        let targets = common::scratch("targets.txt");
        let _ = std::fs::write(&targets, rest);
        LexiconOptions {
            targets: vec![targets],
            only_user_targets: true,
            ..Default::default()
        }
    };
    if let Ok(lexicon) = Lexicon::load(&opts) {
        let engine = Engine::new(lexicon);
        let report = Report {
            id: "r".into(),
            text: String::from_utf8_lossy(rest).into_owned(),
            ..Default::default()
        };
        engine.process(&report);
    }
    let _ = std::fs::remove_file(dir.join("fuzz.toml"));
});
