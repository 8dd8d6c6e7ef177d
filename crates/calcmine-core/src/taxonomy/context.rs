//! A mention's organ and side from the report's context (docs/taxonomy.md §4), when its own
//! sentence names none: the organ-system header it is under (`LUNGS:`), else the examination (a
//! mammogram: breast). `organ_source` records which. This reads what the report states: a
//! finding with no organ in its sentence, under no organ header, in an exam that names no organ
//! stays `unspecified` (`organ_source = none`).

use crate::exam::Exam;
use crate::model::Mention;
use crate::section::OrganContext;

/// Fill `organ` (and `location_class`, `laterality`) of a coded mention from its context.
pub fn place_from_context(m: &mut Mention, section: Option<&OrganContext>, exam: &Exam) {
    let context = section
        .map(|ctx| (&ctx.0, &ctx.1, "section"))
        .or_else(|| Some((exam.organ.as_ref()?, &exam.location_class, "exam")));
    if m.organ != "unspecified" {
        m.organ_source = "text";
    } else if let Some((organ, class, source)) = context {
        m.organ.clone_from(organ);
        m.organ_source = source;
        if let (Some(c), "unspecified") = (class, m.location_class.as_str()) {
            m.location_class.clone_from(c);
        }
    }
    // a one-sided exam ("RIGHT SHOULDER") gives its side to a finding that states none; a
    // bilateral exam does not say which side a finding is on
    if m.laterality == "none" {
        if let Some(side) = exam.laterality.as_deref().filter(|s| *s != "bilateral") {
            m.laterality = side.to_string();
        }
    }
}
