//! UTF-16 input, as Windows tools write it ("Unicode" in Notepad, PowerShell's `>`), told by
//! its byte-order mark. Read as UTF-8 it is a NUL between every letter: no word matches, and
//! the report silently has no mention. ripgrep decodes it the same way (by the mark only: a
//! UTF-16 file without one cannot be told from binary data).

use std::io::{self, BufRead, Read};

/// Which UTF-16 a byte-order mark at the start of `head` announces, if any: `Some(true)` for
/// big-endian (`FE FF`), `Some(false)` for little-endian (`FF FE`).
pub(super) fn utf16_bom(head: &[u8]) -> Option<bool> {
    match head {
        [0xfe, 0xff, ..] => Some(true),
        // (`FF FE 00 00` would be UTF-32LE, which no report tool writes)
        [0xff, 0xfe, ..] => Some(false),
        _ => None,
    }
}

/// A reader of UTF-16 (after its byte-order mark) that yields UTF-8. An unpaired surrogate or
/// an odd byte at the end becomes U+FFFD, as invalid UTF-8 does elsewhere. Memory is the
/// inner reader's buffer and a few bytes: any size of input streams through.
pub(super) struct Utf16Reader<R> {
    inner: R,
    big_endian: bool,
    /// UTF-8 decoded but not yet handed out.
    out: Vec<u8>,
    at: usize,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    /// The first byte of a code unit whose second byte is in the next read.
    odd: Option<u8>,
}

impl<R: BufRead> Utf16Reader<R> {
    /// `inner` positioned after the byte-order mark.
    pub(super) fn new(inner: R, big_endian: bool) -> Utf16Reader<R> {
        Utf16Reader {
            inner,
            big_endian,
            out: Vec::with_capacity(1 << 16),
            at: 0,
            high: None,
            odd: None,
        }
    }

    fn push(&mut self, c: char) {
        let mut b = [0u8; 4];
        self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    }

    fn unit(&mut self, u: u16) {
        match (self.high.take(), u) {
            (Some(h), 0xdc00..=0xdfff) => {
                let c = 0x10000 + (((h as u32) - 0xd800) << 10) + (u as u32 - 0xdc00);
                self.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            (h, _) => {
                if h.is_some() {
                    self.push(char::REPLACEMENT_CHARACTER);
                }
                match u {
                    0xd800..=0xdbff => self.high = Some(u),
                    0xdc00..=0xdfff => self.push(char::REPLACEMENT_CHARACTER),
                    _ => self.push(char::from_u32(u as u32).unwrap_or('\u{fffd}')),
                }
            }
        }
    }

    /// Decode the next chunk of the inner reader; false at its end.
    fn refill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.at = 0;
        let chunk = self.inner.fill_buf()?.to_vec();
        if chunk.is_empty() {
            if self.high.take().is_some() || self.odd.take().is_some() {
                self.push(char::REPLACEMENT_CHARACTER);
            }
            return Ok(!self.out.is_empty());
        }
        self.inner.consume(chunk.len());
        let mut bytes = chunk.as_slice();
        let joined;
        if let Some(first) = self.odd.take() {
            joined = [first, bytes[0]];
            bytes = &bytes[1..];
            let u = self.code_unit(joined);
            self.unit(u);
        }
        let mut pairs = bytes.chunks_exact(2);
        for p in &mut pairs {
            let u = self.code_unit([p[0], p[1]]);
            self.unit(u);
        }
        self.odd = pairs.remainder().first().copied();
        Ok(true)
    }

    fn code_unit(&self, b: [u8; 2]) -> u16 {
        if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }
}

impl<R: BufRead> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.out.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], chunk: usize) -> String {
        let big = utf16_bom(bytes).unwrap();
        // a small buffer: code units and surrogate pairs split across reads
        let inner = io::BufReader::with_capacity(chunk, &bytes[2..]);
        let mut s = String::new();
        Utf16Reader::new(inner, big).read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn utf16_both_ways_with_pairs_split_across_reads() {
        let text = "FINDINGS: calcified granuloma 🙂, Mönckeberg.\r\n";
        let mut le = vec![0xff, 0xfe];
        let mut be = vec![0xfe, 0xff];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        for chunk in [1, 2, 3, 7, 4096] {
            assert_eq!(decode(&le, chunk), text, "chunk {chunk}");
            assert_eq!(decode(&be, chunk), text, "chunk {chunk}");
        }
        // an unpaired surrogate and an odd last byte: replaced, nothing lost around them
        let bad = [0xff, 0xfe, b'a', 0, 0x00, 0xd8, b'b', 0, b'c'];
        assert_eq!(decode(&bad, 3), "a\u{fffd}b\u{fffd}");
        assert_eq!(utf16_bom(b"\xef\xbb\xbfx"), None);
    }
}
