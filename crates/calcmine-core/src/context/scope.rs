//! Where a trigger's scope ends inside a sentence, besides its word limit and the terminator
//! triggers: semicolons, and the starts of new clauses.
//!
//! Radiologists splice clauses with commas ("calcified granuloma in the right upper lobe, the
//! effusion has resolved"), while a list of negated findings goes on with bare nouns ("no
//! effusion, pneumothorax, or consolidation"). So a comma followed by a word that opens a clause
//! with its own subject (`clause_openers` in `lexicons/context.toml`: determiners and pronouns)
//! ends scopes; after `and` / `or` only a subject pronoun (`pronoun_subjects`) does: "no
//! calcification of the aorta and the coronary arteries" is still one list, "he is not
//! cooperative and he is confused" is two clauses.

/// Byte positions where a new clause starts: a comma before a clause opener, or `and` / `or`
/// before a subject pronoun. `text` is normalized (lower case, single spaces).
pub(super) fn clause_breaks(text: &str, openers: &[String], pronouns: &[String]) -> Vec<usize> {
    let next_word = |from: usize| {
        let rest = text[from..].trim_start();
        let end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        &rest[..end]
    };
    let is_in = |list: &[String], w: &str| list.iter().any(|x| x == w);
    let mut out: Vec<usize> = memchr::memchr_iter(b',', text.as_bytes())
        .filter(|&p| is_in(openers, next_word(p + 1)))
        .collect();
    for conj in [" and ", " or "] {
        for (p, _) in text.match_indices(conj) {
            if is_in(pronouns, next_word(p + conj.len())) {
                out.push(p + 1);
            }
        }
    }
    out
}
