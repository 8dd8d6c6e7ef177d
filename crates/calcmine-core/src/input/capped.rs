//! Reading a line with a cap on what is kept in memory: the rest of a longer line is read past.

use std::io::{self, BufRead};

/// Read a line (through its `\n`) into `buf`, keeping at most `cap` bytes of it: the rest of a
/// longer line is read past, not into memory. Returns the bytes read from the input (0 at its
/// end) and how many of them were not kept.
pub(super) fn read_line_capped(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: Option<usize>,
) -> io::Result<(usize, u64)> {
    let Some(cap) = cap else {
        return r.read_until(b'\n', buf).map(|n| (n, 0));
    };
    let (mut read, mut dropped) = (0, 0u64);
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((read, dropped));
        }
        let (used, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        let keep = cap.saturating_sub(buf.len()).min(used);
        buf.extend_from_slice(&avail[..keep]);
        dropped += (used - keep) as u64;
        r.consume(used);
        read += used;
        if done {
            // the line break of a cut line is not part of its text
            return Ok((read, dropped.saturating_sub(1)));
        }
    }
}

/// Drop a UTF-8 sequence cut short at the end of `buf` (where a record was cut at the cap), so
/// that the cut is not counted as invalid UTF-8. Returns the bytes dropped.
pub(super) fn cut_partial_char(buf: &mut Vec<u8>) -> u64 {
    let n = buf.len();
    // the last lead byte, at most three bytes back
    let Some(k) = (n.saturating_sub(4)..n)
        .rev()
        .find(|&k| buf[k] & 0xC0 != 0x80)
    else {
        return 0;
    };
    let want = match buf[k] {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        b if b >= 0xC0 => 2,
        _ => 1,
    };
    if k + want > n {
        buf.truncate(k);
        (n - k) as u64
    } else {
        0
    }
}
