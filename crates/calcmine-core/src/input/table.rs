//! CSV and TSV tables: the id and text columns, several text columns as sections, and a quote
//! tracker that names a quote left open and keeps a runaway row out of memory.

use std::io::{self, BufRead, Read};

use crate::error::{Error, Result};
use crate::model::{ColumnSections, Report};
use crate::text::decode_lossy;

use super::columns::*;
use super::detect::*;
use super::options::*;

/// Where the CSV quoting state is, as the csv crate reads it (RFC 4180 with doubled quotes; a
/// field is quoted only when it starts with a quote, a quote inside an unquoted field is kept as
/// a character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quoting {
    Outside,
    Quoted,
    /// a quote inside a quoted field: it closes the field, or a second one follows (`""`)
    QuoteInQuoted,
}

impl Quoting {
    /// The state after byte `b`, which follows `prev`, in a table separated by `sep`: one byte
    /// of what [`QuoteTracker::track`] does by memchr.
    pub(super) fn after(self, b: u8, prev: u8, sep: u8) -> Quoting {
        match self {
            Quoting::Outside if b == b'"' && (prev == sep || prev == b'\n' || prev == b'\r') => {
                Quoting::Quoted
            }
            Quoting::Outside => Quoting::Outside,
            Quoting::Quoted if b == b'"' => Quoting::QuoteInQuoted,
            Quoting::Quoted => Quoting::Quoted,
            Quoting::QuoteInQuoted if b == b'"' => Quoting::Quoted,
            Quoting::QuoteInQuoted => Quoting::Outside,
        }
    }
}

/// Follows the quoting of the bytes the csv reader consumes. The csv crate reads a quote left
/// open at the end of a file as one field running to the end, without an error: every row after
/// it would silently become part of one report. This lets the reader say so. Only quote
/// characters are visited (memchr), so it costs little.
///
/// It also keeps a row from growing past a cap in memory (the csv crate reads a row whole, so
/// a quote left open near the start of a large table would read the rest of it into one
/// record): once a row is longer than the cap, the rest of it is read past here, byte by byte
/// to find where it ends, and the csv reader is handed what closes it.
pub(super) struct QuoteTracker<R> {
    pub(super) inner: R,
    pub(super) sep: u8,
    pub(super) state: Quoting,
    /// the last byte seen (a line break before the first)
    pub(super) prev: u8,
    /// Bytes handed to the csv reader (the bytes its positions count).
    pub(super) passed: u64,
    /// Where the row being read starts, in `passed` bytes.
    pub(super) row_start: u64,
    /// The most bytes of a row handed on; `None`: no cap (and while the header is read).
    pub(super) cap: Option<u64>,
    /// Bytes of the row being read that were read past.
    pub(super) dropped: u64,
    /// The row being read was cut.
    pub(super) cut: bool,
    /// Line breaks read past in all rows so far (the csv reader does not count them), less
    /// the ones handed on that the input does not have (closing a row cut at its end).
    pub(super) dropped_lines: i64,
    /// A quote was still open where the input ended, inside a row that was read past.
    pub(super) open_at_end: bool,
    /// What closes a row that was cut, still to hand on.
    pub(super) closing: &'static [u8],
    /// Bytes of the row being read that were handed on to close it (not in the input).
    pub(super) closed: u64,
}

impl<R> QuoteTracker<R> {
    pub(super) fn new(inner: R, sep: u8) -> Self {
        QuoteTracker {
            inner,
            sep,
            state: Quoting::Outside,
            prev: b'\n',
            passed: 0,
            row_start: 0,
            cap: None,
            dropped: 0,
            cut: false,
            dropped_lines: 0,
            open_at_end: false,
            closing: b"",
            closed: 0,
        }
    }

    /// A new row starts at `at` (the csv reader's byte position).
    pub(super) fn begin_row(&mut self, at: u64) {
        self.row_start = at;
        self.dropped = 0;
        self.cut = false;
        self.closed = 0;
    }

    pub(super) fn track(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                Quoting::Outside | Quoting::Quoted => {
                    let Some(k) = memchr::memchr(b'"', &bytes[i..]).map(|k| i + k) else {
                        break;
                    };
                    if self.state == Quoting::Quoted {
                        self.state = Quoting::QuoteInQuoted;
                    } else {
                        // a quote opens a quoted field only at the start of a field
                        let before = if k > 0 { bytes[k - 1] } else { self.prev };
                        if before == self.sep || before == b'\n' || before == b'\r' {
                            self.state = Quoting::Quoted;
                        }
                    }
                    i = k + 1;
                }
                Quoting::QuoteInQuoted => {
                    self.state = if bytes[i] == b'"' {
                        Quoting::Quoted
                    } else {
                        Quoting::Outside
                    };
                    i += 1;
                }
            }
        }
        if let Some(&b) = bytes.last() {
            self.prev = b;
        }
    }
}

impl<R: BufRead> QuoteTracker<R> {
    /// Read past the rest of the row being read (to a line break outside quotes, or the end of
    /// the input), and set what closes it for the csv reader: a quote if it is inside a quoted
    /// field, then a line break.
    pub(super) fn skip_row(&mut self) -> io::Result<()> {
        let quoted = self.state == Quoting::Quoted;
        self.cut = true;
        let mut found_end = None;
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                // (a quote just after a quoted field's text closes it)
                self.open_at_end = self.state == Quoting::Quoted;
                break;
            }
            let mut end = None;
            for (i, &b) in avail.iter().enumerate() {
                self.state = self.state.after(b, self.prev, self.sep);
                self.prev = b;
                // a row ends at a line break outside quotes: `\n`, or `\r` as the csv reader
                // reads it
                if (b == b'\n' || b == b'\r') && self.state == Quoting::Outside {
                    end = Some((i + 1, b));
                    break;
                }
                // the csv reader counts lines by `\n`, quoted or not
                self.dropped_lines += (b == b'\n') as i64;
            }
            let used = end.map_or(avail.len(), |(k, _)| k);
            self.inner.consume(used);
            self.dropped += used as u64;
            if let Some((_, b)) = end {
                found_end = Some(b);
                break;
            }
        }
        // the csv reader is handed the row's end: the line break read past (not counted as
        // read past), or one the input does not have if it ended inside the row
        let end = match found_end {
            Some(b) => {
                self.dropped -= 1;
                b
            }
            None => {
                self.dropped_lines -= 1;
                b'\n'
            }
        };
        self.state = if quoted {
            Quoting::Quoted
        } else {
            Quoting::Outside
        };
        self.closing = match (quoted, end) {
            (true, b'\r') => b"\"\r",
            (true, _) => b"\"\n",
            (false, b'\r') => b"\r",
            (false, _) => b"\n",
        };
        self.closed = self.closing.len() as u64 - found_end.is_some() as u64;
        Ok(())
    }
}

impl<R: BufRead> Read for QuoteTracker<R> {
    fn read(&mut self, mut buf: &mut [u8]) -> io::Result<usize> {
        if let (Some(cap), false) = (self.cap, self.cut) {
            // every byte handed on so far has been consumed (the csv reader asks for more only
            // then), so the row is this long already
            let row = self.passed - self.row_start;
            if row > cap && !buf.is_empty() {
                self.skip_row()?;
            } else {
                // hand on no more than one byte past the cap
                let room = usize::try_from(cap - row + 1).unwrap_or(usize::MAX);
                let n = buf.len().min(room);
                buf = &mut buf[..n];
            }
        }
        let n = if self.closing.is_empty() {
            self.inner.read(buf)?
        } else {
            let n = self.closing.len().min(buf.len());
            buf[..n].copy_from_slice(&self.closing[..n]);
            self.closing = &self.closing[n..];
            n
        };
        self.track(&buf[..n]);
        self.passed += n as u64;
        Ok(n)
    }
}

pub(super) fn read_table(
    reader: Box<dyn BufRead + Send>,
    file: &str,
    tsv: bool,
    opts: &InputOptions,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report, &mut ReadStats) -> Flow,
) -> Result<Flow> {
    let sep = if tsv { b'\t' } else { b',' };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(false)
        .quoting(true)
        .from_reader(QuoteTracker::new(reader, sep));
    let at_line = |line: u64| crate::error::Location {
        file: file.into(),
        line: Some(line),
        record: None,
    };
    let header: Vec<String> = rdr
        .byte_headers()
        .map_err(|e| match e.kind() {
            csv::ErrorKind::Io(io) => {
                read_error(file, 1, 0, io::Error::new(io.kind(), io.to_string()))
            }
            _ => Error::input(at_line(1), e.to_string()),
        })?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(Error::input(
            at_line(1),
            "no header row (empty file?): a table needs a header naming its columns",
        ));
    }
    let (id_col, text_cols) = resolve_columns(&header, opts, file)?;
    let exam_col = resolve_exam_column(&header, opts, file)?;
    // the sections of every report of a table with one text column
    let one_column: Option<ColumnSections> = match &text_cols[..] {
        [(_, name)] => Some(std::sync::Arc::new([(0, name.clone())])),
        _ => None,
    };
    let mut record = csv::ByteRecord::new();
    let mut n = 0u64;
    // Each report is handed on once the next read succeeds, so the last one can still be
    // marked when the file ends inside an open quote.
    let mut held: Option<Report> = None;
    let mut hand_on = |r: Option<Report>, stats: &mut ReadStats| -> Flow {
        match r {
            Some(r) => emit(r, stats),
            None => Flow::Continue(()),
        }
    };
    // rows are capped once the header is read
    rdr.get_mut().cap = opts.record_cap().map(|c| c as u64);
    // a row cut at the cap: its error, and its size as written
    let cut_row = |t: &QuoteTracker<_>, at: u64, end: u64| {
        let size = (end - at).saturating_sub(t.closed) + t.dropped;
        let max = opts.max_report_bytes.unwrap_or_default();
        let msg = format!(
            "row of {size} bytes is longer than calcmine reads for --max-report-bytes ({max}; \
             a row may take twice that and 64 KiB): read past, not analysed (raise the limit, \
             or 0 for none, to analyse it)"
        );
        (msg, size)
    };
    loop {
        let at = rdr.position().byte();
        rdr.get_mut().begin_row(at);
        // line breaks read past in earlier rows, which the csv reader's line numbers miss
        let lines_before = rdr.get_ref().dropped_lines;
        let shifted = |line: u64| line.saturating_add_signed(lines_before);
        let pos_line = shifted(rdr.position().line() + 1);
        let next = match rdr.read_byte_record(&mut record) {
            Ok(false) => {
                if let Some(r) = held.as_mut() {
                    let t = rdr.get_ref();
                    if t.state == Quoting::Quoted || t.open_at_end {
                        let msg = format!(
                            "unterminated quote: a quoted field opened in this row runs to the end of the file (line {}); any rows after it were read into it",
                            rdr.position().line().saturating_add_signed(t.dropped_lines)
                        );
                        r.error = Some(match r.error.take() {
                            Some(e) => format!("{e}; {msg}"),
                            None => msg,
                        });
                    }
                }
                return Ok(hand_on(held.take(), stats));
            }
            Ok(true) => {
                n += 1;
                let line = record
                    .position()
                    .map(|p| shifted(p.line()))
                    .unwrap_or(pos_line);
                let mut bad = 0;
                let id = match id_col.and_then(|i| record.get(i)) {
                    Some(b) => {
                        let (s, k) = decode_lossy(b.to_vec());
                        bad += k;
                        s
                    }
                    None => record_id(file, n),
                };
                let exam = exam_col
                    .and_then(|i| record.get(i))
                    .map(|b| String::from_utf8_lossy(b).into_owned());
                let mut text_of = |i: usize| {
                    let (s, k) = decode_lossy(record.get(i).unwrap_or_default().to_vec());
                    bad += k;
                    s
                };
                let (text, columns) = match (&text_cols[..], &one_column) {
                    // one text column (the usual table): no list of fields to assemble
                    ([(i, _)], Some(one)) => (text_of(*i), one.clone()),
                    _ => assemble(
                        text_cols
                            .iter()
                            .map(|(i, name)| (name.clone(), text_of(*i)))
                            .collect(),
                    ),
                };
                let (error, dropped_bytes) = match rdr.get_ref().cut {
                    true => {
                        let (msg, size) = cut_row(rdr.get_ref(), at, rdr.position().byte());
                        (Some(msg), size.saturating_sub(text.len() as u64))
                    }
                    false => (None, 0),
                };
                Report {
                    id,
                    text,
                    columns,
                    line,
                    record: n,
                    invalid_utf8: bad,
                    error,
                    exam,
                    dropped_bytes,
                    ..Default::default()
                }
            }
            Err(e) => {
                let line = e.position().map(|p| shifted(p.line())).unwrap_or(pos_line);
                let cut = rdr
                    .get_ref()
                    .cut
                    .then(|| cut_row(rdr.get_ref(), at, rdr.position().byte()));
                let msg = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        format!("malformed row: {len} fields where the header has {expected_len}")
                    }
                    csv::ErrorKind::Io(io) => {
                        // the rows before it are kept; the file's error names where it stopped
                        let err = read_error(
                            file,
                            pos_line,
                            n,
                            io::Error::new(io.kind(), io.to_string()),
                        );
                        if hand_on(held.take(), stats).is_break() {
                            return Ok(Flow::Break(()));
                        }
                        return Err(err);
                    }
                    _ => format!("malformed row: {e}"),
                };
                n += 1;
                // keep whatever id the row has, so the report can still be found
                let (id, bad) = match id_col.and_then(|i| record.get(i)) {
                    Some(b) if !b.is_empty() => decode_lossy(b.to_vec()),
                    _ => (format!("{file}:{line}"), 0),
                };
                // a row cut at the cap lost the columns after the cut: that is its error
                let (msg, dropped_bytes) = cut.unwrap_or((msg, 0));
                Report {
                    id,
                    line,
                    record: n,
                    invalid_utf8: bad,
                    error: Some(msg),
                    dropped_bytes,
                    ..Default::default()
                }
            }
        };
        if hand_on(held.replace(next), stats).is_break() {
            return Ok(Flow::Break(()));
        }
    }
}
