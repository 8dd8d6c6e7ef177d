//! JSON lines: one object per line, with the same id and text column options as tables.

use std::io::BufRead;

use crate::error::Result;
use crate::model::Report;
use crate::text::decode_lossy;

use super::capped::*;
use super::columns::*;
use super::detect::*;
use super::options::*;

pub(super) fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Why a line is not a JSON object, by kind and position, never quoting the line: serde's
/// message for a value of the wrong type quotes it (`invalid type: string "…"`), and a line
/// that is a bare string is report text, which `--no-text` keeps out of every output (the
/// `error` column, run.json, stderr). Its other messages name only the grammar ("expected `,`
/// or `}` at line 1 column 31").
fn json_error(line: &str, e: &serde_json::Error) -> String {
    use serde_json::Value;
    if e.classify() != serde_json::error::Category::Data {
        return format!("malformed JSON line: {e}");
    }
    let kind = match serde_json::from_str::<Value>(line) {
        Ok(Value::String(_)) => "a string",
        Ok(Value::Array(_)) => "an array",
        Ok(Value::Number(_)) => "a number",
        Ok(Value::Bool(_)) => "a boolean",
        Ok(Value::Null) => "null",
        _ => "a value",
    };
    format!(
        "malformed JSON line: {kind}, not an object (line {} column {})",
        e.line(),
        e.column()
    )
}

pub(super) fn read_jsonl(
    mut reader: Box<dyn BufRead + Send>,
    file: &str,
    opts: &InputOptions,
    stats: &mut ReadStats,
    emit: &mut dyn FnMut(Report, &mut ReadStats) -> Flow,
) -> Result<Flow> {
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut n = 0u64;
    let cap = opts.record_cap();
    loop {
        buf.clear();
        let (got, dropped) = read_line_capped(&mut reader, &mut buf, cap)
            .map_err(|e| read_error(file, line + 1, n, e))?;
        if got == 0 {
            return Ok(Flow::Continue(()));
        }
        line += 1;
        if buf.iter().all(u8::is_ascii_whitespace) && dropped == 0 {
            continue;
        }
        n += 1;
        if dropped > 0 {
            // a line cut at the cap is no JSON: only its size is known (its row says so)
            let r = Report {
                id: format!("{file}:{line}"),
                line,
                record: n,
                dropped_bytes: buf.len() as u64 + dropped,
                ..Default::default()
            };
            if emit(r, stats).is_break() {
                return Ok(Flow::Break(()));
            }
            continue;
        }
        let (s, bad) = decode_lossy(std::mem::take(&mut buf));
        let r = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&s) {
            Err(e) => Report {
                id: format!("{file}:{line}"),
                line,
                record: n,
                invalid_utf8: bad,
                error: Some(json_error(&s, &e)),
                ..Default::default()
            },
            Ok(obj) => {
                let get = |k: &str| {
                    obj.get(k).or_else(|| {
                        obj.iter()
                            .find(|(kk, _)| kk.eq_ignore_ascii_case(k))
                            .map(|(_, v)| v)
                    })
                };
                let id = match &opts.id_col {
                    Some(c) => get(c).and_then(json_text),
                    None => DEFAULT_ID_COLS
                        .iter()
                        .find_map(|c| get(c).and_then(json_text)),
                }
                .unwrap_or_else(|| record_id(file, n));
                let names: Vec<String> = if opts.text_cols.is_empty() {
                    DEFAULT_TEXT_COLS
                        .iter()
                        .find(|c| get(c).is_some())
                        .map(|c| vec![c.to_string()])
                        .unwrap_or_default()
                } else {
                    opts.text_cols.clone()
                };
                let missing: Vec<&String> = names.iter().filter(|c| get(c).is_none()).collect();
                if names.is_empty() || !missing.is_empty() {
                    let what = if names.is_empty() {
                        format!(
                            "no text field (looked for {})",
                            DEFAULT_TEXT_COLS.join(", ")
                        )
                    } else {
                        format!(
                            "no field `{}`",
                            missing
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join("`, `")
                        )
                    };
                    Report {
                        id,
                        line,
                        record: n,
                        invalid_utf8: bad,
                        error: Some(what),
                        ..Default::default()
                    }
                } else {
                    let fields = names
                        .iter()
                        .map(|c| {
                            let text = get(c).and_then(json_text).unwrap_or_default();
                            (c.as_str().into(), text)
                        })
                        .collect();
                    let (text, columns) = assemble(fields);
                    let exam = match &opts.exam_col {
                        Some(c) => get(c).and_then(json_text),
                        None => DEFAULT_EXAM_COLS
                            .iter()
                            .find_map(|c| get(c).and_then(json_text)),
                    };
                    Report {
                        id,
                        text,
                        columns,
                        exam,
                        line,
                        record: n,
                        invalid_utf8: bad,
                        ..Default::default()
                    }
                }
            }
        };
        if emit(r, stats).is_break() {
            return Ok(Flow::Break(()));
        }
    }
}
