//! The taxonomy stage, coding (TAXONOMY.md §3–6): radiology sentences and the codes they must
//! get: anatomy linked to its finding, location class, morphology, distribution, mechanism, the
//! named entities, and seed 003's figures.

mod common;

use calcmine::{Mention, Report};
use common::{engine, process};

fn mentions(text: &str) -> Vec<Mention> {
    process("t", text).mentions
}

/// The only mention of a one-finding sentence.
fn one(text: &str) -> Mention {
    let ms = mentions(text);
    assert_eq!(ms.len(), 1, "{text}: {:#?}", summary(&ms));
    ms.into_iter().next().expect("one mention")
}

/// The mention whose lexicon term is `term`.
fn by_term(text: &str, term: &str) -> Mention {
    let ms = mentions(text);
    ms.iter()
        .find(|m| m.term == term)
        .cloned()
        .unwrap_or_else(|| panic!("{text}: no `{term}` in {:#?}", summary(&ms)))
}

/// The finding a diagnosis in its sentence explains ("…, consistent with Milwaukee shoulder"):
/// one finding, one mention (docs/taxonomy.md §2), so the diagnosis (lexicon term `term`,
/// written `words`) is no mention of its own; the finding's span runs through it.
fn explained(text: &str, term: &str, words: &str) -> Mention {
    let ms = mentions(text);
    assert!(
        ms.iter().all(|m| m.term != term),
        "{text}: `{term}` is a second mention: {:#?}",
        summary(&ms)
    );
    ms.iter()
        .find(|m| m.text.ends_with(words))
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "{text}: no finding explained by {words}: {:#?}",
                summary(&ms)
            )
        })
}

/// Some mention satisfying `pred`.
fn any(text: &str, what: &str, pred: impl Fn(&Mention) -> bool) -> Mention {
    let ms = mentions(text);
    ms.iter()
        .find(|m| pred(m))
        .cloned()
        .unwrap_or_else(|| panic!("{text}: no mention with {what} in {:#?}", summary(&ms)))
}

fn summary(ms: &[Mention]) -> Vec<String> {
    ms.iter()
        .map(|m| {
            format!(
                "{} [{}] {} {}/{}/{}/{} {} {:?} {} {} {} ({})",
                m.text,
                m.term,
                m.status.as_str(),
                m.location_class,
                m.compartment,
                m.organ,
                m.site,
                m.laterality,
                m.morphology,
                m.distribution,
                m.entity,
                m.mechanism,
                m.mechanism_basis
            )
        })
        .collect()
}

fn has(m: &Mention, morph: &str) -> bool {
    m.morphology.iter().any(|x| x == morph)
}

// --- linking (issue 3 item 2) ---------------------------------------------------------------

#[test]
fn anatomy_links_to_the_mention_it_describes() {
    let ms = mentions("Calcified right hilar lymph nodes and a calcified lingular granuloma.");
    assert_eq!(ms.len(), 2, "{:#?}", summary(&ms));
    let (a, b) = (&ms[0], &ms[1]);
    assert_eq!(
        (a.organ.as_str(), a.site.as_str(), a.laterality.as_str()),
        ("lymph_node", "hilum", "right")
    );
    assert_eq!(a.location_class, "nodal");
    assert_eq!(a.entity, "calcified_lymph_node");
    assert_eq!(
        (b.organ.as_str(), b.site.as_str(), b.laterality.as_str()),
        ("lung", "lingula", "left")
    );
    assert_eq!(b.entity, "calcified_granuloma");
    assert_eq!(b.mechanism, "dystrophic");
    assert_eq!(b.mechanism_basis, "granuloma");
}

#[test]
fn coordinated_places_give_one_finding_each() {
    // TAXONOMY.md §4's own example: two mentions, two sites
    let ms = mentions("Calcified right hilar lymph nodes and a left upper lobe granuloma.");
    assert_eq!(ms.len(), 2, "{:#?}", summary(&ms));
    assert_eq!(
        (ms[0].site.as_str(), ms[0].laterality.as_str()),
        ("hilum", "right")
    );
    assert_eq!(ms[0].organ, "lymph_node");
    assert_eq!(
        (ms[1].site.as_str(), ms[1].laterality.as_str()),
        ("upper_lobe", "left")
    );
    assert_eq!(ms[1].entity, "calcified_granuloma");
    // a head noun at the end distributes over the coordination
    let ms = mentions("Densely calcified mediastinal and right hilar lymph nodes.");
    assert_eq!(ms.len(), 2);
    assert!(ms
        .iter()
        .all(|m| m.organ == "lymph_node" && has(m, "dense")));
    assert_eq!(
        (ms[0].site.as_str(), ms[0].laterality.as_str()),
        ("mediastinum", "none")
    );
    assert_eq!(
        (ms[1].site.as_str(), ms[1].laterality.as_str()),
        ("hilum", "right")
    );
    // sides coordinated on one place
    assert_eq!(
        one("Calcified right and left hilar lymph nodes.").laterality,
        "bilateral"
    );
}

#[test]
fn anatomy_does_not_link_across_a_terminator() {
    let m = one("Calcified granuloma, but the right lower lobe is clear.");
    assert_eq!(m.site, "unspecified");
    assert_eq!(m.laterality, "none");
}

#[test]
fn nothing_links_across_a_period_kept_inside_a_sentence() {
    // de-identified "XXXX." does not end a sentence (it may be an abbreviation), but words of
    // the next statement do not describe this finding
    let m = one("Calcified left hilar lymph XXXX. The skeletal structures show senescent changes.");
    assert_eq!(m.mechanism, "indeterminate");
    assert_eq!((m.site.as_str(), m.laterality.as_str()), ("hilum", "left"));
}

#[test]
fn organ_adjectives_count() {
    for (text, organ, class) in [
        ("Renal calcifications.", "kidney", "parenchymal"),
        ("Pulmonary calcification.", "lung", "parenchymal"),
        ("Hepatic calcifications.", "liver", "parenchymal"),
        ("Lingular calcification.", "lung", "parenchymal"),
        ("Aortic calcification.", "aorta", "vascular"),
        ("Coronary calcification.", "coronary_artery", "vascular"),
        ("Pancreatic calcifications.", "pancreas", "parenchymal"),
        ("Splenic calcifications.", "spleen", "parenchymal"),
        ("Pleural calcification.", "pleura", "pleural"),
    ] {
        let m = one(text);
        assert_eq!(
            (m.organ.as_str(), m.location_class.as_str()),
            (organ, class),
            "{text}"
        );
    }
}

// --- location_class (§4) ---------------------------------------------------------------------

#[test]
fn every_location_class() {
    for (text, class) in [
        (
            "Punctate calcifications in the bilateral basal ganglia.",
            "parenchymal",
        ),
        (
            "Atherosclerotic calcification of the abdominal aorta.",
            "vascular",
        ),
        ("Dense mitral annular calcification.", "cardiac"),
        ("Calcified paratracheal lymph node.", "nodal"),
        (
            "Calcified pleural plaques along both hemidiaphragms.",
            "pleural",
        ),
        ("Calcification in the supraspinatus tendon.", "soft_tissue"),
        ("Calcific band keratopathy.", "ocular"),
        ("Scattered calcifications.", "unspecified"),
    ] {
        assert_eq!(one(text).location_class, class, "{text}");
    }
}

#[test]
fn every_soft_tissue_compartment() {
    for (text, comp) in [
        (
            "Nodular calcifications in the subcutaneous tissue of the fingertips.",
            "subcutaneous",
        ),
        (
            "Calcification along the neurovascular bundle of the thigh.",
            "neurovascular",
        ),
        (
            "Linear calcification along the fascial planes of the thigh.",
            "fascial",
        ),
        (
            "Calcifications within the muscle bellies of the calf.",
            "muscle",
        ),
        ("Calcification in the trochanteric bursa.", "periarticular"),
        ("Calcification of the medial meniscus.", "intra_articular"),
    ] {
        let m = one(text);
        assert_eq!(m.location_class, "soft_tissue", "{text}");
        assert_eq!(m.compartment, comp, "{text}");
    }
    // not soft tissue: no compartment
    assert_eq!(
        one("Calcified granuloma in the right upper lobe.").compartment,
        "none"
    );
}

#[test]
fn skeletal_maturation_is_not_a_finding() {
    for normal in [
        "Normal ossification of the carpal bones for age.",
        "Delayed ossification of the femoral heads.",
        "Age-appropriate ossification of the epiphyses.",
        "Secondary ossification centers are present and normal.",
    ] {
        assert!(
            mentions(normal).is_empty(),
            "{normal}: {:#?}",
            summary(&mentions(normal))
        );
    }
    // ossification of a ligament is one
    let m = one("Ossification of the posterior longitudinal ligament at C4-C5.");
    assert_eq!(
        (m.process.as_str(), m.organ.as_str()),
        ("ossification", "ligament")
    );
}

#[test]
fn process_keeps_ossification_apart() {
    assert_eq!(
        one("Heterotopic ossification about the right hip.").process,
        "ossification"
    );
    assert_eq!(
        one("Calcification about the right hip.").process,
        "calcification"
    );
}

// --- morphology, distribution, predominance (§5) ---------------------------------------------

#[test]
fn morphology_distribution_and_predominance() {
    let m = one("Scattered punctate and coarse calcifications in the pancreas.");
    assert!(
        has(&m, "punctate") && has(&m, "coarse"),
        "{:?}",
        m.morphology
    );
    assert_eq!(m.distribution, "multifocal");
    let m = one("Popcorn calcification within a left lower lobe nodule.");
    assert!(has(&m, "popcorn"));
    let m = one("Eggshell calcification of the hilar lymph nodes.");
    assert!(has(&m, "rim"));
    assert_eq!(m.organ, "lymph_node");
    let m = one("Serpiginous stepping-stone calcifications in the subcortical white matter.");
    assert!(has(&m, "serpiginous") && has(&m, "stepping_stone"));
    assert_eq!(m.site, "subcortical_white_matter");
    let m = one("Diffuse upper zone predominant pulmonary calcification.");
    assert_eq!(m.distribution, "diffuse");
    assert_eq!(m.predominance, "upper_zone");
    assert_eq!(m.site, "unspecified", "a predominance is not a site");
    let m = one("Innumerable sand-like microcalcifications with lower zone predominance.");
    assert!(has(&m, "sand_like"));
    assert_eq!(m.predominance, "lower_zone");
    let m = one("Tram-track calcification of the femoral artery.");
    assert!(has(&m, "tubular"));
    let m = one("A single focal calcification in the liver.");
    assert_eq!(m.distribution, "focal");
}

// --- mechanism (§6) --------------------------------------------------------------------------

#[test]
fn every_mechanism() {
    let m = one("Calcified granuloma in the left lower lobe.");
    assert_eq!(m.mechanism, "dystrophic");
    let ms = mentions(
        "INDICATION: End-stage renal disease on hemodialysis.\nFINDINGS: Diffuse ground-glass opacities with calcifications in both upper lobes.",
    );
    let m = ms.last().expect("mention");
    assert_eq!(m.mechanism, "metastatic");
    assert_eq!(m.mechanism_basis, "End-stage renal disease");
    assert_eq!(m.entity, "metastatic_pulmonary_calcification");
    let m = by_term(
        "Pulmonary alveolar microlithiasis with sand-like calcification of the lower zones.",
        "pulmonary_alveolar_microlithiasis",
    );
    assert_eq!(
        (m.mechanism.as_str(), m.entity.as_str()),
        ("idiopathic", "pulmonary_alveolar_microlithiasis")
    );
    let m = one("Calcified injection granulomas in the subcutaneous fat of the buttocks.");
    assert_eq!(m.mechanism, "iatrogenic");
    assert_eq!(m.entity, "injection_granuloma");
    let m = one("Calcification of the pineal gland.");
    assert_eq!(m.mechanism, "physiologic");
    assert_eq!(m.entity, "physiologic_intracranial_calcification");
    let m = one("Calcification in the soft tissues of the right thigh.");
    assert_eq!(m.mechanism, "indeterminate");
    assert_eq!(m.mechanism_basis, "");
}

#[test]
fn a_denied_calcification_gets_no_mechanism_from_context() {
    let ms = mentions("End-stage renal disease. A non-calcified nodule in the lingula.");
    assert_eq!(ms[0].status.as_str(), "absent");
    assert_eq!(ms[0].mechanism, "indeterminate");
    assert_eq!(ms[0].site, "lingula");
}

#[test]
fn predominance_after_a_comma_describes_the_finding() {
    let m = one("Punctate calcific foci in both upper lobes, upper-lobe predominant.");
    assert_eq!(m.predominance, "upper_zone");
    assert_eq!(
        (m.site.as_str(), m.laterality.as_str()),
        ("upper_lobe", "bilateral")
    );
}

#[test]
fn negated_context_does_not_make_metastatic() {
    let ms = mentions("No history of chronic kidney disease. Calcifications in the right lung.");
    assert_eq!(
        ms.last().map(|m| m.mechanism.as_str()),
        Some("indeterminate")
    );
    let ms = mentions("Family history of hyperparathyroidism. Renal calcifications.");
    assert_eq!(
        ms.last().map(|m| m.mechanism.as_str()),
        Some("indeterminate")
    );
}

#[test]
fn metabolic_context_only_at_favoured_sites() {
    // CKD does not make a calcified node or a coronary calcification metastatic
    let ms = mentions("Chronic kidney disease. Calcified mediastinal lymph nodes.");
    assert_eq!(ms[0].mechanism, "indeterminate");
    let ms = mentions("Chronic kidney disease. Nephrocalcinosis of the renal medulla.");
    assert_eq!(ms[0].mechanism, "metastatic");
    assert_eq!(ms[0].site, "medulla");
}

#[test]
fn local_trauma_makes_a_calcification_at_that_site_dystrophic() {
    let ms = mentions(
        "HISTORY: Prior trauma to the left thigh.\nFINDINGS: Calcification in the left thigh muscles.",
    );
    let m = ms.last().expect("mention");
    assert_eq!(m.mechanism, "dystrophic");
    assert_eq!(m.mechanism_basis, "trauma");
    // trauma elsewhere does not decide it
    let ms =
        mentions("HISTORY: Prior trauma to the wrist.\nFINDINGS: Calcification in the pancreas.");
    assert_eq!(
        ms.last().map(|m| m.mechanism.as_str()),
        Some("indeterminate")
    );
}

#[test]
fn entities_named_by_cause_words() {
    for (text, entity, mech) in [
        (
            "Atherosclerotic calcification of the aortic arch.",
            "atherosclerotic_calcification",
            "dystrophic",
        ),
        (
            "Calcified pancreas in keeping with chronic pancreatitis.",
            "chronic_pancreatitis",
            "dystrophic",
        ),
        (
            "Popcorn calcification in a pulmonary hamartoma.",
            "hamartoma",
            "dystrophic",
        ),
        (
            "Rice-grain calcifications in the thigh muscles from cysticercosis.",
            "cysticercosis",
            "dystrophic",
        ),
        (
            "Calcification of the aortic valve leaflets.",
            "valvular_calcification",
            "dystrophic",
        ),
        (
            "Calcification of the costal cartilages.",
            "costal_cartilage_calcification",
            "physiologic",
        ),
        (
            "Calcified pleural plaques from asbestos exposure.",
            "pleural_plaque",
            "dystrophic",
        ),
    ] {
        let m = one(text);
        assert_eq!(
            (m.entity.as_str(), m.mechanism.as_str()),
            (entity, mech),
            "{text}"
        );
    }
}

// --- the two naming pitfalls of seed 003 ------------------------------------------------------

#[test]
fn chondrocalcinosis_is_not_cppd() {
    let m = one("Chondrocalcinosis of the medial and lateral menisci.");
    assert_eq!(m.entity, "chondrocalcinosis");
    assert_ne!(m.entity, "cppd_deposition");
    assert_eq!(m.mechanism, "indeterminate", "the finding names no cause");
    assert_eq!(m.compartment, "intra_articular");
    // only when the disease is named
    let m = by_term("Chondrocalcinosis due to CPPD deposition disease.", "cppd");
    assert_eq!(m.entity, "cppd_deposition");
}

#[test]
fn pseudogout_is_a_syndrome_not_a_finding() {
    let r = engine().process(&Report {
        id: "t".into(),
        text: "History of pseudogout. No meniscal calcification.".into(),
        ..Default::default()
    });
    // the only mention is the denied calcification; pseudogout is clinical context
    assert_eq!(r.mentions.len(), 1, "{:#?}", summary(&r.mentions));
    assert_eq!(r.mentions[0].status.as_str(), "absent");
    assert!(!r.mentions[0].text.to_lowercase().contains("pseudogout"));
    assert!(r.has_condition("pseudogout"));
    let m = one("Pseudogout. Chondrocalcinosis of the triangular fibrocartilage.");
    assert_eq!(m.entity, "chondrocalcinosis");
}

// --- seed 003, Figures 1–17, each rewritten as a one-line finding ------------------------------

#[test]
fn fig01_monckeberg() {
    let t = "Small diffuse circumferential calcifications in the ulnar artery wall without luminal narrowing, consistent with Mönckeberg arteriosclerosis.";
    let m = by_term(t, "calcification");
    assert_eq!(
        (m.location_class.as_str(), m.organ.as_str()),
        ("vascular", "artery")
    );
    assert!(has(&m, "circumferential"));
    assert_eq!(m.distribution, "diffuse");
    assert_eq!(m.status.as_str(), "present");
    let m = by_term(t, "monckeberg_sclerosis");
    assert_eq!(
        (m.entity.as_str(), m.mechanism.as_str()),
        ("monckeberg_sclerosis", "dystrophic")
    );
}

#[test]
fn fig02_popliteal_aneurysm() {
    let m = one("Peripheral oval calcifications along the course of a dilated popliteal artery, consistent with popliteal artery aneurysm.");
    assert_eq!(
        (m.location_class.as_str(), m.organ.as_str()),
        ("vascular", "artery")
    );
    assert!(has(&m, "rim") && has(&m, "nodular"));
    assert_eq!(
        (m.entity.as_str(), m.mechanism.as_str()),
        ("aneurysm_calcification", "dystrophic")
    );
}

#[test]
fn fig03_fascial_dermatomyositis() {
    let m = any(
        "Leaf-like calcifications along the fascial planes and subcutaneous tissue of the knee in a patient with dermatomyositis.",
        "fascial compartment",
        |m| m.compartment == "fascial",
    );
    assert!(has(&m, "leaf_like"));
    assert_eq!(m.mechanism, "dystrophic");
    assert_eq!(m.mechanism_basis, "dermatomyositis");
}

#[test]
fn fig04_cysticercosis() {
    let m = one("Multiple rice-grain calcifications in the muscle bellies of the right shoulder, in keeping with cysticercosis.");
    assert_eq!(
        (m.compartment.as_str(), m.organ.as_str()),
        ("muscle", "muscle")
    );
    assert!(has(&m, "rice_grain"));
    assert_eq!(m.distribution, "multifocal");
    assert_eq!(
        (m.entity.as_str(), m.mechanism.as_str()),
        ("cysticercosis", "dystrophic")
    );
    assert_eq!(m.laterality, "right");
}

#[test]
fn fig05_myositis_ossificans() {
    let m = by_term(
        "Ossification with cortical and medullary spaces outlining the muscle fibers of the thigh, compatible with myositis ossificans.",
        "myositis_ossificans",
    );
    assert_eq!(m.process, "ossification");
    assert_eq!(
        (m.compartment.as_str(), m.entity.as_str()),
        ("muscle", "myositis_ossificans")
    );
    assert_eq!(m.mechanism, "dystrophic");
}

#[test]
fn fig06_calcified_muscle_hematoma() {
    let m = any(
        "Soft-tissue mass of the leg with predominantly peripheral calcifications, corresponding to a calcified muscle hematoma.",
        "calcified hematoma",
        |m| m.entity == "calcified_hematoma",
    );
    assert_eq!(m.compartment, "muscle");
    assert_eq!(m.mechanism, "dystrophic");
}

#[test]
fn fig07_fibrodysplasia_ossificans_progressiva() {
    let m = by_term(
        "Heterotopic ossification between the pelvis and the femur in a patient with fibrodysplasia ossificans progressiva.",
        "fibrodysplasia_ossificans_progressiva",
    );
    assert_eq!(m.process, "ossification");
    assert_eq!(m.compartment, "muscle");
    assert_eq!(m.mechanism, "dystrophic");
}

#[test]
fn fig08_tendon_ossification_after_surgery() {
    let m = one("Ossification of the calcaneal tendon after surgical repair of a tear.");
    assert_eq!(m.process, "ossification");
    assert_eq!(
        (m.organ.as_str(), m.compartment.as_str()),
        ("tendon", "periarticular")
    );
    assert_eq!(m.mechanism, "iatrogenic");
}

#[test]
fn fig09_calcific_tendinopathy() {
    let m = any(
        "Nodular calcifications in the supraspinatus tendon, consistent with calcific tendinopathy from hydroxyapatite deposition.",
        "calcific tendinopathy",
        |m| m.entity == "calcific_tendinopathy",
    );
    assert_eq!(m.compartment, "periarticular");
    assert_eq!(m.mechanism, "dystrophic");
    let m = by_term(
        "Nodular calcifications in the supraspinatus tendon, consistent with calcific tendinopathy from hydroxyapatite deposition.",
        "calcification",
    );
    assert_eq!(m.site, "supraspinatus");
    assert!(has(&m, "nodular"));
}

#[test]
fn fig10_milwaukee_shoulder() {
    let t = "Right shoulder joint deformity with periarticular calcifications and intra-articular loose bodies, consistent with Milwaukee shoulder.";
    let m = explained(t, "milwaukee_shoulder", "Milwaukee shoulder");
    assert_eq!(
        (m.entity.as_str(), m.mechanism.as_str()),
        ("milwaukee_shoulder", "dystrophic")
    );
    let m = by_term(t, "calcification");
    assert_eq!(m.compartment, "periarticular");
}

#[test]
fn fig11_cppd_cartilage() {
    let t = "Linear stratified calcifications of the articular hyaline cartilage and meniscus of the knee, consistent with CPPD deposition disease.";
    let m = any(t, "meniscus", |m| m.site == "meniscus");
    assert_eq!(m.compartment, "intra_articular");
    assert!(has(&m, "linear") && has(&m, "stratified"));
    let m = explained(t, "cppd", "CPPD deposition disease");
    assert_eq!(
        (m.entity.as_str(), m.mechanism.as_str()),
        ("cppd_deposition", "dystrophic")
    );
}

#[test]
fn fig12_synovial_osteochondromatosis() {
    let m = explained(
        "Numerous rounded calcified bodies within the knee joint space with effusion, consistent with synovial osteochondromatosis.",
        "synovial_osteochondromatosis",
        "synovial osteochondromatosis",
    );
    assert_eq!(m.compartment, "intra_articular");
    assert!(has(&m, "rounded_bodies"));
    let m = by_term(
        "Numerous rounded calcified bodies within the knee joint space with effusion, consistent with synovial osteochondromatosis.",
        "calcification",
    );
    assert!(has(&m, "rounded_bodies"));
    assert_eq!(m.distribution, "multifocal");
}

#[test]
fn fig13_metastatic_periarticular_esrd() {
    let m = one("Lobulated multicystic periarticular calcified mass at the lateral knee with fluid-calcium levels in a patient with end-stage renal disease.");
    assert_eq!(m.compartment, "periarticular");
    for x in [
        "lobulated",
        "multicystic",
        "mass_like",
        "fluid_calcium_level",
    ] {
        assert!(has(&m, x), "{x}: {:?}", m.morphology);
    }
    assert_eq!(m.mechanism, "metastatic");
    assert_eq!(m.mechanism_basis, "end-stage renal disease");
}

#[test]
fn fig14_gouty_tophus() {
    let m = one("Subcutaneous soft-tissue swelling at the first metatarsophalangeal joint with small foci of calcification, corresponding to a gouty tophus.");
    assert_eq!(
        (m.entity.as_str(), m.mechanism.as_str()),
        ("gouty_tophus", "metastatic")
    );
    assert_eq!(m.location_class, "soft_tissue");
}

#[test]
fn fig15_tumoral_calcinosis() {
    let t = "Calcified periarticular mass with lobulated contours and a multicystic appearance in the trochanteric bursa with fluid-calcium levels, consistent with tumoral calcinosis.";
    let m = by_term(t, "tumoral_calcinosis");
    assert_eq!(
        (m.entity.as_str(), m.mechanism.as_str()),
        ("tumoral_calcinosis", "idiopathic")
    );
    assert_eq!(m.compartment, "periarticular");
    let m = by_term(t, "calcification");
    assert!(has(&m, "lobulated") && has(&m, "mass_like"));
}

#[test]
fn fig16_calcinosis_circumscripta() {
    let t = "Dense well-defined nodular calcifications in the subcutaneous tissue of both thumbs, compatible with calcinosis circumscripta in scleroderma.";
    let m = by_term(t, "calcification");
    assert_eq!(m.compartment, "subcutaneous");
    assert!(has(&m, "dense") && has(&m, "nodular"));
    assert_eq!(m.laterality, "bilateral");
    let m = explained(t, "calcinosis_circumscripta", "calcinosis circumscripta");
    assert_eq!(
        (m.entity.as_str(), m.mechanism.as_str()),
        ("calcinosis_circumscripta", "dystrophic")
    );
}

#[test]
fn fig17_calcinosis_universalis() {
    let t = "Diffuse sheet-like calcifications in the skin, subcutaneous tissue, fasciae and muscles of the arm, compatible with calcinosis universalis in dermatomyositis.";
    let m = explained(t, "calcinosis_universalis", "calcinosis universalis");
    assert_eq!(
        (m.entity.as_str(), m.mechanism.as_str()),
        ("calcinosis_universalis", "dystrophic")
    );
    assert!(has(&m, "sheet_like"));
    let ms = mentions(t);
    let generic: Vec<&Mention> = ms.iter().filter(|m| m.term == "calcification").collect();
    assert!(generic
        .iter()
        .all(|m| m.distribution == "diffuse" && has(m, "sheet_like")));
    let comps: Vec<&str> = generic.iter().map(|m| m.compartment.as_str()).collect();
    for c in ["subcutaneous", "fascial", "muscle"] {
        assert!(comps.contains(&c), "{c} in {comps:?}");
    }
}

/// The words linked to a mention are kept with their family and their offsets in the report as
/// read (what `explain` marks), whatever normalization did to the text in between.
#[test]
fn linked_words_keep_their_family_and_offsets() {
    use calcmine::model::WordFamily;
    let text = "IMPRESSION:  Dense   calcified granuloma in the RIGHT upper-lobe; no pleural calcification.";
    let ms = mentions(text);
    let g = &ms[0];
    let said: Vec<(WordFamily, &str)> = g
        .links
        .iter()
        .map(|w| (w.family, &text[w.start..w.end]))
        .collect();
    assert!(
        said.contains(&(WordFamily::Descriptor, "Dense")),
        "{said:?}"
    );
    assert!(said.contains(&(WordFamily::Anatomy, "RIGHT")), "{said:?}");
    assert!(
        said.contains(&(WordFamily::Anatomy, "upper-lobe")),
        "{said:?}"
    );
    // nothing links across the semicolon: the pleura is the second mention's
    assert!(!said.iter().any(|(_, w)| *w == "pleural"), "{said:?}");
    assert_eq!(
        ms[1]
            .links
            .iter()
            .map(|w| &text[w.start..w.end])
            .collect::<Vec<_>>(),
        vec!["pleural"]
    );
}
