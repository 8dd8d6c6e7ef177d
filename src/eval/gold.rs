//! Reading a gold file: report-level annotations or NegEx-style sentences, told apart by header.

use super::*;

/// The report-level fields calcmine can be compared on.
pub const REPORT_FIELDS: &[&str] = &["present", "organ", "mechanism", "metabolic_workup"];
pub(super) const BINARY_REPORT_FIELDS: &[&str] = &["present", "metabolic_workup"];

/// Report-level gold: per report id, the judged fields (field → value as written, lower case).
#[derive(Debug, Clone, Default)]
pub struct ReportGold {
    /// In file order.
    pub rows: Vec<(String, BTreeMap<String, String>)>,
    pub fields: Vec<String>,
}

/// One sentence-level gold row.
#[derive(Debug, Clone)]
pub struct SentenceGold {
    pub report_id: String,
    pub line: u64,
    pub concept: String,
    pub sentence: String,
    pub negated: bool,
}

/// A gold file, either layout.
#[derive(Debug, Clone)]
pub enum Gold {
    Reports(ReportGold),
    Sentences(Vec<SentenceGold>),
}

pub(super) fn parse_bool(v: &str) -> Option<Option<bool>> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" | "na" | "n/a" | "-" | "?" => Some(None),
        "1" | "true" | "yes" | "y" | "present" | "positive" | "pos" | "t" => Some(Some(true)),
        "0" | "false" | "no" | "n" | "absent" | "negative" | "neg" | "f" => Some(Some(false)),
        _ => None,
    }
}

impl Gold {
    /// Read a gold file; the header decides the layout (a `Concept` and a `Sentence` column:
    /// sentence level; a `report_id` column: report level). Tabs or commas, from the header line.
    pub fn load(path: &Path) -> Result<Gold> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let shown = path.display().to_string();
        let first = text.lines().next().unwrap_or("");
        let delim = if first.contains('\t') { b'\t' } else { b',' };
        let mut rd = csv::ReaderBuilder::new()
            .delimiter(delim)
            .flexible(true)
            .from_reader(text.as_bytes());
        let at = |line: u64| Location {
            file: shown.clone(),
            line: Some(line),
            record: None,
        };
        let header: Vec<String> = rd
            .headers()
            .map_err(|e| Error::input(at(1), format!("cannot read the header: {e}")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        if let (Some(ci), Some(si)) = (col("concept"), col("sentence")) {
            let li = col("negation").ok_or_else(|| {
                Error::input(at(1), "sentence-level gold needs a `Negation` column")
            })?;
            let ri = col("report no.").or_else(|| col("report_id")).or(Some(0));
            let mut rows = Vec::new();
            for rec in rd.records() {
                let rec = rec.map_err(|e| {
                    Error::input(at(e.position().map_or(0, |p| p.line())), e.to_string())
                })?;
                let line = rec.position().map_or(0, |p| p.line());
                let get = |i: usize| rec.get(i).unwrap_or("").to_string();
                let negated = match get(li).trim().to_ascii_lowercase().as_str() {
                    "negated" | "negative" | "1" | "true" | "yes" => true,
                    "affirmed" | "affirmative" | "0" | "false" | "no" => false,
                    other => {
                        return Err(Error::input(
                            at(line),
                            format!("Negation is `{other}`; expected Affirmed or Negated"),
                        ))
                    }
                };
                rows.push(SentenceGold {
                    report_id: ri.map(get).unwrap_or_default(),
                    line,
                    concept: get(ci).trim().to_string(),
                    sentence: get(si),
                    negated,
                });
            }
            return Ok(Gold::Sentences(rows));
        }
        let Some(idi) = calcmine_core::input::DEFAULT_ID_COLS
            .iter()
            .find_map(|c| col(c))
        else {
            return Err(Error::input(
                at(1),
                "gold file needs a `report_id` column (or `id`, `note_id`, `uid`: report level) \
                 or `Concept`, `Sentence` and `Negation` columns (sentence level)",
            ));
        };
        let fields: Vec<(usize, String)> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| REPORT_FIELDS.iter().any(|f| h.eq_ignore_ascii_case(f)))
            .map(|(i, h)| (i, h.to_ascii_lowercase()))
            .collect();
        if fields.is_empty() {
            return Err(Error::input(
                at(1),
                format!(
                    "no field to score: give any of {}",
                    REPORT_FIELDS.join(", ")
                ),
            ));
        }
        let mut gold = ReportGold {
            rows: Vec::new(),
            fields: fields.iter().map(|(_, f)| f.clone()).collect(),
        };
        for rec in rd.records() {
            let rec = rec.map_err(|e| {
                Error::input(at(e.position().map_or(0, |p| p.line())), e.to_string())
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let id = rec.get(idi).unwrap_or("").trim().to_string();
            if id.is_empty() {
                return Err(Error::input(at(line), "empty report_id"));
            }
            let mut values = BTreeMap::new();
            for (i, f) in &fields {
                let v = rec.get(*i).unwrap_or("").trim().to_ascii_lowercase();
                if BINARY_REPORT_FIELDS.contains(&f.as_str()) && parse_bool(&v).is_none() {
                    return Err(Error::input(
                        at(line),
                        format!("{f} is `{v}`; expected 1/0, true/false, yes/no or empty"),
                    ));
                }
                if !v.is_empty() {
                    values.insert(f.clone(), v);
                }
            }
            gold.rows.push((id, values));
        }
        Ok(Gold::Reports(gold))
    }
}

// --- scoring ---------------------------------------------------------------------------------
