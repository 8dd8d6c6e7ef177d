//! The taxonomy's closed vocabularies (`docs/taxonomy.md`): the one list of every code value a
//! lexicon entry may name and an output may carry. The validator checks lexicon files against
//! them; stages and writers take their names from here rather than spelling them again.

/// `mechanism` vocabulary (docs/taxonomy.md §6).
pub const MECHANISMS: &[&str] = &[
    "dystrophic",
    "metastatic",
    "idiopathic",
    "iatrogenic",
    "physiologic",
    "indeterminate",
];

/// `location_class` vocabulary (docs/taxonomy.md §4).
pub const LOCATION_CLASSES: &[&str] = &[
    "parenchymal",
    "vascular",
    "cardiac",
    "nodal",
    "pleural",
    "soft_tissue",
    "ocular",
    "unspecified",
];

/// `compartment` vocabulary (docs/taxonomy.md §4), only for `soft_tissue`; `none` otherwise.
pub const COMPARTMENTS: &[&str] = &[
    "subcutaneous",
    "neurovascular",
    "fascial",
    "muscle",
    "periarticular",
    "intra_articular",
    "none",
];

/// `laterality` vocabulary (docs/taxonomy.md §4).
pub const LATERALITIES: &[&str] = &["left", "right", "bilateral", "none"];

/// `morphology` vocabulary (docs/taxonomy.md §5); a mention carries a list of these.
pub const MORPHOLOGIES: &[&str] = &[
    "punctate",
    "coarse",
    "fine",
    "dense",
    "amorphous",
    "nodular",
    "popcorn",
    "dendriform",
    "linear",
    "curvilinear",
    "tubular",
    "circumferential",
    "rim",
    "leaf_like",
    "sheet_like",
    "cotton_ball",
    "rice_grain",
    "sand_like",
    "psammomatous",
    "serpiginous",
    "stepping_stone",
    "lobulated",
    "multicystic",
    "fluid_calcium_level",
    "stratified",
    "rounded_bodies",
    "mass_like",
    "clustered",
    // breast imaging (ACR BI-RADS)
    "round",
    "rod_like",
    "coarse_heterogeneous",
    "fine_pleomorphic",
    "fine_linear_branching",
];

/// `distribution` vocabulary (docs/taxonomy.md §5).
pub const DISTRIBUTIONS: &[&str] = &[
    "focal",
    "multifocal",
    "diffuse",
    "unspecified",
    // breast imaging (ACR BI-RADS)
    "grouped",
    "linear",
    "segmental",
    "regional",
];

/// `predominance` vocabulary (docs/taxonomy.md §5).
pub const PREDOMINANCES: &[&str] = &["upper_zone", "lower_zone", "symmetric", "none"];

/// The closed vocabulary of recommendation types (docs/taxonomy.md §9).
pub const RECOMMENDATION_TYPES: &[&str] = &[
    "metabolic_labs",
    "imaging_followup",
    "clinical_correlation",
    "specialist_referral",
    "genetic_testing",
    "biopsy",
];

/// The recommendation types the audit and the report table single out.
pub mod recommendation {
    /// Labs for a metabolic work-up: what `audit` looks for in a flagged report.
    pub const METABOLIC_LABS: &str = "metabolic_labs";
    /// Follow-up imaging: its interval becomes `followup_interval_days`.
    pub const IMAGING_FOLLOWUP: &str = "imaging_followup";
}

/// The lab ids (`[[lab]]` entries of `clinical.toml`) that have columns of their own in the
/// report table, and the computed calcium × phosphate product.
pub mod lab {
    pub const CALCIUM: &str = "calcium";
    pub const PHOSPHATE: &str = "phosphate";
    /// Computed from calcium and phosphate when both are stated (not a lexicon entry).
    pub const CA_PHOS_PRODUCT: &str = "ca_phos_product";
    pub const PTH: &str = "pth";
    pub const VITAMIN_D: &str = "vitamin_d_25oh";
    pub const EGFR: &str = "egfr";
    pub const CKD_STAGE: &str = "ckd_stage";
}

/// `exam_modality` vocabulary (docs/taxonomy.md §7).
pub const EXAM_MODALITIES: &[&str] = &[
    "radiograph",
    "ct",
    "mri",
    "ultrasound",
    "mammography",
    "echocardiography",
    "nuclear",
    "angiography",
    "unspecified",
];

/// Where a mention's organ came from (docs/taxonomy.md §4): its own sentence, the organ-system
/// header it is under, the examination, or nowhere (`unspecified`).
pub const ORGAN_SOURCES: &[&str] = &["text", "section", "exam", "none"];

/// Assertion statuses (docs/taxonomy.md §2), as work-up rules name them.
pub const STATUSES: &[&str] = &["present", "absent", "possible", "hypothetical"];

/// Work-up priorities (docs/taxonomy.md §8).
pub const PRIORITIES: &[&str] = &["urgent", "routine"];

/// Where a mechanism rule applies (docs/taxonomy.md §6): anywhere in the report, or only at the
/// site the context names.
pub const MECHANISM_RULE_SCOPES: &[&str] = &["report", "site"];
