//! The CSV and TSV reader (the first byte chooses), then the pipeline on what it read.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let name = if first & 1 == 0 { "t.csv" } else { "t.tsv" };
    common::read(name, rest, None);
});
