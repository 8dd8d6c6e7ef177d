//! Normalization of mentions to the taxonomy (TAXONOMY.md §3–6): the closed vocabularies, and
//! the coding stage that fills a mention's codes from its term and the words around it.

/// `mechanism` vocabulary (§6).
pub const MECHANISMS: &[&str] = &[
    "dystrophic",
    "metastatic",
    "idiopathic",
    "iatrogenic",
    "physiologic",
    "indeterminate",
];

/// `location_class` vocabulary (§4).
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

/// `compartment` vocabulary (§4), only for `soft_tissue`; `none` otherwise.
pub const COMPARTMENTS: &[&str] = &[
    "subcutaneous",
    "neurovascular",
    "fascial",
    "muscle",
    "periarticular",
    "intra_articular",
    "none",
];

/// `laterality` vocabulary (§4).
pub const LATERALITIES: &[&str] = &["left", "right", "bilateral", "none"];

/// `morphology` vocabulary (§5); a mention carries a list of these.
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
];

/// `distribution` vocabulary (§5).
pub const DISTRIBUTIONS: &[&str] = &["focal", "multifocal", "diffuse", "unspecified"];

/// `predominance` vocabulary (§5).
pub const PREDOMINANCES: &[&str] = &["upper_zone", "lower_zone", "symmetric", "none"];
