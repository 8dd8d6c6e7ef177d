//! Floors: minimum figures a CI run demands (`--floor field.metric=value`).

use super::*;

/// A floor on one figure: `--min-f1 0.95` (every binary field) or `--min-f1 negated=0.95`.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    pub field: Option<String>,
    pub value: f64,
}

impl std::str::FromStr for Floor {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Floor, String> {
        let (field, v) = match s.split_once('=') {
            Some((f, v)) => (Some(f.trim().to_string()), v),
            None => (None, s),
        };
        let value: f64 = v
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: expected a number in [0, 1], optionally FIELD=NUMBER"))?;
        if !(0.0..=1.0).contains(&value) {
            return Err(format!("`{s}`: a floor is between 0 and 1"));
        }
        Ok(Floor { field, value })
    }
}

/// Check floors; returns one message per figure below its floor. A floor naming a field the
/// evaluation does not have is an error (a typo must not pass CI silently).
pub fn check_floors(
    ev: &Evaluation,
    min_f1: &[Floor],
    min_accuracy: &[Floor],
) -> Result<Vec<String>> {
    let mut failures = Vec::new();
    for (what, floors) in [("f1", min_f1), ("accuracy", min_accuracy)] {
        for fl in floors {
            let fields: Vec<&FieldScore> = match &fl.field {
                Some(name) => vec![ev.field(name).ok_or_else(|| {
                    Error::Usage(format!(
                        "--min-{what}: no field `{name}` in this evaluation"
                    ))
                })?],
                None => ev
                    .fields
                    .iter()
                    .filter(|f| what == "accuracy" || matches!(f, FieldScore::Binary { .. }))
                    .collect(),
            };
            for f in fields {
                let est = if what == "f1" { f.f1() } else { f.accuracy() };
                let v = est.value.unwrap_or(0.0);
                if v < fl.value {
                    failures.push(format!(
                        "{} {what} {v:.4} is below the floor {:.4}",
                        f.name(),
                        fl.value
                    ));
                }
            }
        }
    }
    Ok(failures)
}
