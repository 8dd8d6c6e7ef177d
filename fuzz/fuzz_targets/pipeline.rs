//! The report pipeline on any text: no panic, and every offset slices the report back to the
//! mention, trigger and sentence text it claims.
#![no_main]

use std::sync::OnceLock;

use calcmine_core::{Engine, Lexicon, Report};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(Lexicon::bundled().expect("bundled lexicon")))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let report = Report {
        id: "fuzz".into(),
        text,
        ..Default::default()
    };
    let r = engine().process(&report);
    let text = report.text.as_str();
    for (i, m) in r.mentions.iter().enumerate() {
        assert_eq!(m.mention_id as usize, i + 1);
        assert_eq!(text.get(m.start..m.end), Some(m.text.as_str()));
        let s = m.sentence_start;
        assert_eq!(text.get(s..s + m.sentence.len()), Some(m.sentence.as_str()));
        assert!(s <= m.start && m.end <= s + m.sentence.len());
        for t in &m.triggers {
            assert_eq!(text.get(t.start..t.end), Some(t.text.as_str()));
        }
    }
});
