//! The columns of a table or JSON lines input: which holds the id, which the text, and how
//! several text columns become one report with a section per column.

use crate::error::{Error, Result};
use crate::model::ColumnSections;

use super::options::*;

/// The id column (if any) and the text columns (index, section name) of a table.
pub(super) type Columns = (Option<usize>, Vec<(usize, std::sync::Arc<str>)>);

/// Resolve the id column and text columns of a header.
pub(super) fn resolve_columns(
    header: &[String],
    opts: &InputOptions,
    file: &str,
) -> Result<Columns> {
    let find = |name: &str| {
        header.iter().position(|h| h.trim() == name).or_else(|| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        })
    };
    let id = match &opts.id_col {
        Some(c) => Some(find(c).ok_or_else(|| {
            Error::Usage(format!(
                "{file}: no id column `{c}` (columns: {})",
                header.join(", ")
            ))
        })?),
        None => DEFAULT_ID_COLS.iter().find_map(|c| find(c)),
    };
    let mut texts = Vec::new();
    if opts.text_cols.is_empty() {
        let t = DEFAULT_TEXT_COLS
            .iter()
            .find_map(|c| find(c))
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{file}: no text column; name one with --text-col (looked for {}; columns: {})",
                    DEFAULT_TEXT_COLS.join(", "),
                    header.join(", ")
                ))
            })?;
        texts.push((t, header[t].trim().into()));
    } else {
        for c in &opts.text_cols {
            let t = find(c).ok_or_else(|| {
                Error::Usage(format!(
                    "{file}: no text column `{c}` (columns: {})",
                    header.join(", ")
                ))
            })?;
            texts.push((t, c.as_str().into()));
        }
    }
    Ok((id, texts))
}

/// The exam description column: `--exam-col` (an error when the table has no such column), else
/// the first of [`DEFAULT_EXAM_COLS`] there is, else none.
pub(super) fn resolve_exam_column(
    header: &[String],
    opts: &InputOptions,
    file: &str,
) -> Result<Option<usize>> {
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    match &opts.exam_col {
        Some(c) => find(c).map(Some).ok_or_else(|| {
            Error::Usage(format!(
                "{file}: no exam column `{c}` (columns: {})",
                header.join(", ")
            ))
        }),
        None => Ok(DEFAULT_EXAM_COLS.iter().find_map(|c| find(c))),
    }
}

/// Join text fields into one report text; each field becomes a section (a column) starting at
/// its offset. Fields are separated by a blank line so no sentence spans two of them.
pub(super) fn assemble(mut fields: Vec<(std::sync::Arc<str>, String)>) -> (String, ColumnSections) {
    if fields.len() == 1 {
        // one text column (the usual table): its text is the report's, moved, not copied
        let (name, value) = fields.swap_remove(0);
        return (value, std::sync::Arc::new([(0, name)]));
    }
    let mut text = String::new();
    let mut cols = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        cols.push((text.len(), name));
        text.push_str(&value);
    }
    (text, cols.into())
}
