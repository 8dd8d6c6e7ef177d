//! Plain text: one report per file, or per line (the first byte chooses); byte-order marks,
//! UTF-16 and invalid UTF-8 included.
#![no_main]

use calcmine_core::input::InputFormat;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let format = if first & 1 == 0 {
        InputFormat::Txt
    } else {
        InputFormat::Lines
    };
    let reports = common::read("t.txt", rest, Some(format));
    if format == InputFormat::Txt {
        assert_eq!(reports.len(), 1, "a file is one report");
    }
});
