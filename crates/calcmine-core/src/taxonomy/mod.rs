//! Normalization of mentions to the taxonomy (docs/taxonomy.md §3–6): the closed vocabularies, and
//! the coding stage that fills a mention's codes from its term and the words around it.
//!
//! All domain knowledge is in the lexicon (`anatomy.toml`, `morphology.toml`, `causes.toml`);
//! this module only links words to mentions and merges their codes:
//!
//! - **Linking.** Every anatomy, descriptor and cause word of a sentence goes to one mention: the
//!   one whose span contains it, else the nearest reachable one. Nothing links across a
//!   terminator (`;`, "but", a forward negation that starts another finding, a period kept inside
//!   the sentence), nor past another mention, nor farther than `max_words`. A word with a
//!   coordinator ("and", ",") between it and one mention and none between it and another goes
//!   to the other; across a coordinator on both sides, a postmodifier goes to the preceding
//!   mention.
//! - **Coordination.** Coordinated places distribute: "calcified mediastinal and right hilar
//!   lymph nodes" is coded once per place (two mentions, same span), with the head noun at the
//!   end shared.
//! - **Merging.** Per code, the target term's own codes first; then the linked words of the same
//!   clause before those across a coordinator, the heavier (head noun over adjective over body
//!   region) before the lighter, the nearer before the farther. Mechanism: target → cause word →
//!   anatomy that implies one → report context ([`apply_mechanism_rules`]) → `indeterminate`;
//!   `mechanism_basis` keeps the deciding words.

mod context;
mod explained;
mod mechanism;

pub use explained::{joiners, merge_explained};

pub use context::place_from_context;

pub use mechanism::{apply_mechanism_rules, sentence_places};

use crate::exam::Exam;
use crate::lexicon::{Category, Direction, Key, Lexicon, ModifierEntry, TargetEntry};
use crate::matcher::{leftmost_longest, Hit};
use crate::model::{LinkedWord, Mention, WordFamily};
use crate::sentence::SentenceView;
use crate::text::normalize_phrase;

/// Which modifier family a hit belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Anatomy,
    Descriptor,
    Cause,
}

/// A modifier linked to a mention: how far, and whether across a coordinator (tier 1).
#[derive(Debug, Clone, Copy)]
struct Link<'a> {
    entry: &'a ModifierEntry,
    /// the entry's index in its family's list
    index: u32,
    family: Family,
    start: usize,
    end: usize,
    tier: u8,
    dist: usize,
}

/// Tokens of a normalized sentence: words and the punctuation marks `,` `;` `:` as their own
/// tokens, with byte starts; used to measure distance and find clause boundaries.
struct Tokens<'a> {
    starts: Vec<usize>,
    /// normalized text of each token (borrowed from the sentence: no string per token)
    words: Vec<&'a str>,
    /// the token ends with a period inside the sentence (the splitter keeps "XXXX." and
    /// abbreviations inside one sentence): nothing links across it
    period: Vec<bool>,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Tokens<'a> {
        // room for the tokens of most sentences at once (a word of report prose and its space
        // take six bytes or so)
        let guess = text.len() / 4 + 4;
        let mut starts = Vec::with_capacity(guess);
        let mut words = Vec::with_capacity(guess);
        let mut period = Vec::with_capacity(guess);
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b' ' {
                i += 1;
                continue;
            }
            if matches!(c, b',' | b';' | b':' | b'(' | b')') {
                starts.push(i);
                words.push(&text[i..i + 1]);
                period.push(false);
                i += 1;
                continue;
            }
            let s = i;
            while i < b.len() && !matches!(b[i], b' ' | b',' | b';' | b':' | b'(' | b')') {
                i += 1;
            }
            let raw = &text[s..i];
            let w = raw.trim_end_matches(['.', '?', '!']);
            starts.push(s);
            words.push(w);
            period.push(w.len() < raw.len() && i < b.len());
        }
        Tokens {
            starts,
            words,
            period,
        }
    }
    /// Index of the token containing byte `pos`.
    fn at(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= pos).saturating_sub(1)
    }
}

/// Linking configuration compiled once: coordinator and terminator phrases as token sequences.
#[derive(Debug, Clone, Default)]
pub struct Linker {
    coordinators: Vec<Vec<String>>,
    terminators: Vec<Vec<String>>,
    max_words: usize,
    /// Keep each mention's linked words (`Mention::links`, for `explain` and the HTML review);
    /// a run that writes only tables does without them.
    pub keep_words: bool,
}

fn phrases(list: &[String]) -> Vec<Vec<String>> {
    list.iter()
        .map(|p| {
            let n = normalize_phrase(p);
            if n.trim() == "," || n.trim() == ";" {
                vec![n.trim().to_string()]
            } else {
                n.split(' ').map(str::to_string).collect()
            }
        })
        .filter(|v: &Vec<String>| !v.is_empty() && !v[0].is_empty())
        .collect()
}

impl Linker {
    pub fn new(lex: &Lexicon) -> Linker {
        Linker {
            coordinators: phrases(&lex.linking.coordinators),
            terminators: phrases(&lex.linking.terminators),
            max_words: lex.linking.max_words,
            keep_words: true,
        }
    }

    /// Per token: 1 where a coordinator starts, 2 where a terminator or `;` starts.
    fn boundaries(&self, t: &Tokens) -> Vec<u8> {
        let mut out = vec![0u8; t.words.len()];
        let starts_with = |i: usize, p: &[String]| {
            p.iter()
                .enumerate()
                .all(|(k, w)| t.words.get(i + k).is_some_and(|x| *x == w.as_str()))
        };
        for (i, o) in out.iter_mut().enumerate() {
            if t.words[i] == ";"
                || t.period[i]
                || self.terminators.iter().any(|p| starts_with(i, p))
            {
                *o = 2;
            } else if self.coordinators.iter().any(|p| starts_with(i, p)) {
                *o = 1;
            }
        }
        out
    }
}

/// Code the mentions of one sentence from their target entries and the anatomy, descriptor and
/// cause words linked to them. `spans` are the mentions' ranges in the normalized sentence.
#[allow(clippy::too_many_arguments)]
pub fn code_sentence(
    text: &str,
    lex: &Lexicon,
    linker: &Linker,
    s: &SentenceView,
    spans: &[(usize, usize)],
    targets: &[&TargetEntry],
    mentions: Vec<Mention>,
    exam: &Exam,
) -> Vec<Mention> {
    if mentions.is_empty() {
        return mentions;
    }
    let toks = Tokens::new(&s.norm.text);
    let bounds = linker.boundaries(&toks);
    let mspan: Vec<(usize, usize)> = spans
        .iter()
        .map(|&(a, b)| (toks.at(a), toks.at(b.saturating_sub(1).max(a))))
        .collect();
    type Keep = fn(&Key) -> bool;
    let families: [(Family, Keep); 3] = [
        (Family::Anatomy, |k| matches!(k, Key::Anatomy(_))),
        (Family::Descriptor, |k| matches!(k, Key::Descriptor(_))),
        (Family::Cause, |k| matches!(k, Key::Cause(_))),
    ];
    let chosen: Vec<(Family, Vec<Hit<Key>>)> = families
        .iter()
        .map(|(f, keep)| (*f, leftmost_longest(&s.hits, keep)))
        .collect();
    // a word inside a longer word of another family belongs to it ("upper zone" in "upper zone
    // predominant" is a predominance, not a site)
    let inside_longer = |h: &Hit<Key>, fam: Family| {
        chosen.iter().any(|(f, hs)| {
            *f != fam
                && hs.iter().any(|o| {
                    o.start <= h.start && h.end <= o.end && (o.end - o.start) > (h.end - h.start)
                })
        })
    };
    // "punctate and coarse calcifications": a coordinator between two descriptors joins the
    // descriptors, not two findings
    let mut bounds = bounds;
    {
        let mut desc = vec![false; toks.words.len()];
        for (f, hs) in &chosen {
            if *f == Family::Descriptor {
                for h in hs {
                    let (a, b) = (
                        toks.at(h.start),
                        toks.at(h.end.saturating_sub(1).max(h.start)),
                    );
                    for d in desc.iter_mut().take(b + 1).skip(a) {
                        *d = true;
                    }
                }
            }
        }
        for i in 1..bounds.len().saturating_sub(1) {
            if bounds[i] == 1 && desc[i - 1] && desc[i + 1] {
                bounds[i] = 0;
            }
        }
    }
    // a forward negation starts another (denied) finding: "calcified granulomas, without
    // pleural effusion" — nothing links across it
    for h in &s.hits {
        if let Key::Trigger(i) = h.key {
            let t = &lex.triggers[i as usize];
            if t.category == Category::Negated && t.direction == Direction::Forward {
                let k = toks.at(h.start);
                if k < bounds.len() {
                    bounds[k] = 2;
                }
            }
        }
    }
    let mut links: Vec<Vec<Link>> = vec![Vec::new(); mentions.len()];
    for (family, hits) in &chosen {
        let family = *family;
        for h in hits.iter().copied() {
            if inside_longer(&h, family) {
                continue;
            }
            let entry = entry_of(lex, &h);
            let (a, b) = (
                toks.at(h.start),
                toks.at(h.end.saturating_sub(1).max(h.start)),
            );
            if let Some((i, tier, dist)) = nearest_mention(a, b, &mspan, &bounds, linker.max_words)
            {
                links[i].push(Link {
                    entry,
                    index: key_index(h.key),
                    family,
                    start: h.start,
                    end: h.end,
                    tier,
                    dist,
                });
            }
        }
    }
    let mut out = Vec::with_capacity(mentions.len());
    for (i, m) in mentions.into_iter().enumerate() {
        let (groups, bilateral) = coordinated_groups(&links[i], mspan[i], &toks, &bounds);
        let n_groups = groups.len();
        // One mention per place, never two on one span: with coordinated places, each
        // mention spans its term and its own place words ("Calcified mediastinal",
        // "Calcified mediastinal and right hilar"); words every place shares do not count.
        let own_range = |g: &Vec<Link>| {
            let own: Vec<&Link> = g
                .iter()
                .filter(|l| l.family == Family::Anatomy)
                .filter(|l| {
                    !groups.iter().all(|o| {
                        o.iter()
                            .any(|x| x.start == l.start && x.family == Family::Anatomy)
                    })
                })
                .collect();
            let a = own.iter().map(|l| l.start).min()?;
            let b = own.iter().map(|l| l.end).max()?;
            Some((a, b))
        };
        let ranges: Vec<Option<(usize, usize)>> = groups.iter().map(own_range).collect();
        for (g, range) in groups.iter().zip(ranges) {
            let mut c = m.clone();
            apply_links(&mut c, targets[i], g, s, text, exam, linker.keep_words);
            if bilateral {
                c.laterality = "bilateral".into();
            }
            if let (true, Some((a, b))) = (n_groups > 1, range) {
                let (ts, te) = spans[i];
                let (os, oe) = s.norm.original_range(a.min(ts), b.max(te));
                c.start = os;
                c.end = oe;
                c.text = text[os..oe].to_string();
            }
            out.push(c);
        }
    }
    out
}

/// Coordinated places distribute over the mention they describe: "calcified mediastinal and
/// right hilar lymph nodes" is two findings (mediastinal nodes; right hilar nodes), each coded
/// with its own site and laterality. Anatomy words are grouped at coordinators; when two or more
/// groups name a site, the mention is coded once per group (same text and span), with the
/// organ-only words ("lymph nodes") and every descriptor and cause shared. When the groups
/// differ only by side ("right and left hilar nodes"), the laterality is bilateral.
fn coordinated_groups<'a>(
    links: &[Link<'a>],
    mspan: (usize, usize),
    toks: &Tokens,
    bounds: &[u8],
) -> (Vec<Vec<Link<'a>>>, bool) {
    let mut anat: Vec<Link> = links
        .iter()
        .copied()
        .filter(|l| l.family == Family::Anatomy)
        .collect();
    anat.sort_by_key(|l| l.start);
    let mut groups: Vec<Vec<Link>> = Vec::new();
    let mut prev_end: Option<usize> = None;
    for l in anat {
        let a = toks.at(l.start);
        let split = prev_end.is_some_and(|pe| bounds[(pe + 1).min(a)..a].contains(&1));
        if groups.is_empty() || split {
            groups.push(Vec::new());
        }
        prev_end = Some(toks.at(l.end.saturating_sub(1).max(l.start)));
        if let Some(g) = groups.last_mut() {
            g.push(l);
        }
    }
    // a group names a place when it has a site, or an organ head noun ("fasciae and muscles")
    let has_site = |g: &Vec<Link>| {
        g.iter().any(|l| {
            (l.entry.site.is_some() && l.entry.weight.unwrap_or(1) >= 1)
                || (l.entry.organ.is_some() && l.entry.weight.unwrap_or(1) >= 2)
        })
    };
    let sided: Vec<&str> = groups
        .iter()
        .filter_map(|g| g.iter().find_map(|l| l.entry.laterality.as_deref()))
        .collect();
    let n_sites = groups.iter().filter(|g| has_site(g)).count();
    if n_sites < 2 {
        let bilateral = groups.len() >= 2
            && sided.contains(&"left")
            && sided.contains(&"right")
            && groups.iter().filter(|g| has_site(g)).count() <= 1;
        return (vec![links.to_vec()], bilateral);
    }
    // Words other than anatomy go with the group they sit next to (no coordinator between), or
    // to every group when the mention lies between them and all groups or no group is reachable.
    let (ms, me) = mspan;
    let span_of = |g: &Vec<Link>| -> (usize, usize) {
        let a = g.iter().map(|l| toks.at(l.start)).min().unwrap_or(0);
        let b = g
            .iter()
            .map(|l| toks.at(l.end.saturating_sub(1).max(l.start)))
            .max()
            .unwrap_or(0);
        (a, b)
    };
    // groups naming the same place are one place ("popliteal artery ..., popliteal artery
    // aneurysm")
    let place = |g: &Vec<Link>| {
        let pick = |f: fn(&ModifierEntry) -> &Option<String>| {
            g.iter()
                .find_map(|l| f(l.entry).clone())
                .unwrap_or_default()
        };
        (
            pick(|e| &e.organ),
            pick(|e| &e.site),
            pick(|e| &e.laterality),
        )
    };
    let mut merged: Vec<Vec<Link>> = Vec::new();
    for g in groups.into_iter().filter(has_site) {
        match merged.iter_mut().find(|m| place(m) == place(&g)) {
            Some(m) => m.extend(g),
            None => merged.push(g),
        }
    }
    if merged.len() < 2 {
        return (vec![links.to_vec()], false);
    }
    let groups = merged;
    let spans: Vec<(usize, usize)> = groups.iter().map(span_of).collect();

    // an organ noun in the last group heads the whole coordination ("mediastinal and right
    // hilar lymph nodes") and distributes over every group
    let last = match groups.last() {
        Some(g)
            if g.iter()
                .any(|l| l.entry.site.is_some() || l.entry.laterality.is_some()) =>
        {
            spans.last().copied().unwrap_or((0, 0))
        }
        _ => (usize::MAX, usize::MAX),
    };
    let mut owned: Vec<Vec<Link>> = groups;
    let mut shared: Vec<Link> = links
        .iter()
        .copied()
        .filter(|l| {
            l.family == Family::Anatomy
                && l.entry.site.is_none()
                && l.entry.laterality.is_none()
                && l.entry.weight.unwrap_or(1) >= 2
                && toks.at(l.start) >= last.0
        })
        .collect();
    for l in links.iter().filter(|l| l.family != Family::Anatomy) {
        let t = toks.at(l.start);
        let beyond_mention = (t > me && spans.iter().all(|&(_, b)| b < ms))
            || (t < ms && spans.iter().all(|&(a, _)| a > me));
        let owner = if beyond_mention {
            None
        } else {
            spans
                .iter()
                .enumerate()
                .filter(|(_, &(a, b))| {
                    let (lo, hi) = if t < a { (t + 1, a) } else { (b + 1, t) };
                    lo > hi || !bounds[lo.min(hi)..hi].contains(&1)
                })
                .min_by_key(|(_, &(a, b))| if t < a { a - t } else { t.saturating_sub(b) })
                .map(|(i, _)| i)
        };
        match owner {
            Some(i) => owned[i].push(*l),
            None => shared.push(*l),
        }
    }
    let out = owned
        .into_iter()
        .map(|mut v| {
            for l in &shared {
                if !v.iter().any(|x| x.start == l.start && x.family == l.family) {
                    v.push(*l);
                }
            }
            v
        })
        .collect();
    (out, false)
}

fn key_index(k: Key) -> u32 {
    match k {
        Key::Anatomy(i) | Key::Descriptor(i) | Key::Cause(i) => i,
        _ => 0,
    }
}

fn entry_of<'a>(lex: &'a Lexicon, h: &Hit<Key>) -> &'a ModifierEntry {
    lex.modifier(h.key).expect("filtered to modifier families")
}

/// The mention a modifier at tokens `a..=b` describes: the one whose span contains it, else the
/// nearest reachable one — no terminator and no other mention in between, within `max` words —
/// preferring one not across a coordinator, then the nearer, then the following (English
/// premodifiers precede their head). Returns (mention, tier, distance in words).
fn nearest_mention(
    a: usize,
    b: usize,
    spans: &[(usize, usize)],
    bounds: &[u8],
    max: usize,
) -> Option<(usize, u8, usize)> {
    let mut best: Option<(usize, (u8, usize, usize))> = None;
    for (i, &(ms, me)) in spans.iter().enumerate() {
        if a <= me && ms <= b {
            return Some((i, 0, 0));
        }
        let (lo, hi, after) = if b < ms {
            (b + 1, ms, 0u8)
        } else {
            (me + 1, a, 1u8)
        };
        if spans
            .iter()
            .enumerate()
            .any(|(j, &(s2, e2))| j != i && s2 >= lo && e2 < hi)
        {
            continue;
        }
        let between = &bounds[lo.min(hi)..hi];
        if between.contains(&2) {
            continue;
        }
        let dist = hi - lo;
        if dist > max {
            continue;
        }
        let tier = u8::from(between.contains(&1));
        // same clause: the nearest, then the following mention (premodifiers precede their
        // head); across a coordinator: the preceding mention (postmodifiers follow their head:
        // "calcifications of the cartilage and meniscus, consistent with CPPD")
        let after = usize::from(after);
        let key = if tier == 0 {
            (tier, dist, after)
        } else {
            (tier, 1 - after, dist)
        };
        if best.is_none_or(|(_, k)| key < k) {
            best = Some((i, key));
        }
    }
    best.map(|(i, k)| (i, k.0, if k.0 == 0 { k.1 } else { k.2 }))
}

fn set(slot: &mut String, v: &Option<String>) -> bool {
    match v {
        Some(v) if !v.is_empty() => {
            *slot = v.clone();
            true
        }
        _ => false,
    }
}

/// Fill a mention's codes: the target's own first, then the best linked words per code.
fn apply_links(
    m: &mut Mention,
    t: &TargetEntry,
    links: &[Link],
    s: &SentenceView,
    text: &str,
    exam: &Exam,
    keep_words: bool,
) {
    // best first: same clause, heaviest, nearest
    let mut anat: Vec<&Link> = links
        .iter()
        .filter(|l| l.family == Family::Anatomy)
        .collect();
    anat.sort_by_key(|l| (l.tier, 2 - l.entry.weight.unwrap_or(1), l.dist));
    let mut near: Vec<&Link> = links.iter().collect();
    near.sort_by_key(|l| (l.tier, l.dist));

    // organ, with the location class and compartment of the same word
    if t.organ.is_some() {
        set(&mut m.organ, &t.organ);
        set(&mut m.location_class, &t.location_class);
        set(&mut m.compartment, &t.compartment);
    } else if let Some(l) = anat.iter().find(|l| l.entry.organ.is_some()) {
        set(&mut m.organ, &l.entry.organ);
        set(&mut m.location_class, &l.entry.location_class);
        set(&mut m.compartment, &l.entry.compartment);
    }
    // where the sentence names no organ: the organ-system header, then the exam
    place_from_context(m, s.section_organ.as_ref(), exam);
    if m.location_class == "unspecified" && !set(&mut m.location_class, &t.location_class) {
        if let Some(l) = anat.iter().find(|l| l.entry.location_class.is_some()) {
            set(&mut m.location_class, &l.entry.location_class);
        }
    }
    if m.compartment == "none" && !set(&mut m.compartment, &t.compartment) {
        if let Some(l) = anat.iter().find(|l| {
            l.entry.compartment.is_some()
                && l.entry.location_class.as_deref() == Some(m.location_class.as_str())
        }) {
            set(&mut m.compartment, &l.entry.compartment);
        }
    }
    if m.location_class != "soft_tissue" {
        m.compartment = "none".into();
    }
    if !set(&mut m.site, &t.site) {
        if let Some(l) = anat.iter().find(|l| l.entry.site.is_some()) {
            let by_organ = l.entry.site_by_organ.get(&m.organ).cloned();
            set(&mut m.site, &by_organ.or_else(|| l.entry.site.clone()));
        }
    }
    // laterality: the nearest word that states one
    if let Some(l) = near
        .iter()
        .find(|l| l.family == Family::Anatomy && l.entry.laterality.is_some())
    {
        set(&mut m.laterality, &l.entry.laterality);
    }
    // morphology: the target's, then every descriptor in the same clause
    let mut morph: Vec<String> = t.morphology.clone();
    for l in links
        .iter()
        .filter(|l| l.family == Family::Descriptor && l.tier == 0)
    {
        for x in &l.entry.morphology {
            if !morph.contains(x) {
                morph.push(x.clone());
            }
        }
    }
    m.morphology = morph;
    // distribution and predominance describe the whole finding, so they may follow a comma
    // ("calcific foci in both upper lobes, upper-lobe predominant"); same clause first
    let desc = |f: fn(&ModifierEntry) -> &Option<String>| {
        near.iter()
            .find(|l| l.family == Family::Descriptor && f(l.entry).is_some())
            .and_then(|l| f(l.entry).clone())
    };
    if let Some(d) = desc(|e| &e.distribution) {
        m.distribution = d;
    }
    if let Some(p) = desc(|e| &e.predominance) {
        m.predominance = p;
    }
    // process from a cause word when the target does not say ("myositis ossificans")
    if t.process.is_none() {
        if let Some(l) = near.iter().find(|l| l.entry.process.is_some()) {
            if let Some(p) = l.entry.process {
                m.process = p.as_str().into();
            }
        }
    }
    // entity and mechanism: target, then the nearest cause, then anatomy that implies one
    let causes: Vec<&&Link> = near.iter().filter(|l| l.family == Family::Cause).collect();
    // anatomy implies an entity or mechanism only from the same clause, or from the word that
    // decided the organ ("lymph nodes" in a coordination)
    let organ_word = anat
        .iter()
        .find(|l| l.entry.organ.is_some())
        .map(|l| l.start);
    let anat_implied: Vec<&&Link> = anat
        .iter()
        .filter(|l| l.tier == 0 || Some(l.start) == organ_word)
        .collect();
    if !set(&mut m.entity, &t.entity) {
        let from = causes
            .iter()
            .chain(anat_implied.iter())
            .find(|l| l.entry.entity.is_some());
        // a word that names an entity in this organ ("atherosclerotic" plaque of a coronary
        // artery; "benign" calcifications of the breast) before the word's general entity;
        // the exam's organ last ("vascular calcifications" on a mammogram)
        let by_organ = |organ: &str| {
            near.iter()
                .find_map(|l| l.entry.entity_by_organ.get(organ))
                .cloned()
        };
        if let Some(e) = by_organ(&m.organ) {
            m.entity = e;
        } else if let Some(l) = from {
            set(&mut m.entity, &l.entry.entity);
        } else if let Some(e) = exam.organ.as_deref().and_then(by_organ) {
            m.entity = e;
        }
    }
    if t.mechanism.is_some() {
        set(&mut m.mechanism, &t.mechanism);
        m.mechanism_basis = m.text.clone();
        m.mechanism_source = t.id.clone();
    } else if let Some(l) = causes
        .iter()
        .chain(anat_implied.iter())
        .find(|l| l.entry.mechanism.is_some())
    {
        set(&mut m.mechanism, &l.entry.mechanism);
        m.mechanism_basis = original(text, s, l.start, l.end);
        m.mechanism_source = l.entry.id.clone();
    }
    // the words, for `explain`: in text order, with their report offsets
    if !keep_words {
        return;
    }
    let mut words: Vec<LinkedWord> = links
        .iter()
        .map(|l| {
            let (start, end) = s.norm.original_range(l.start, l.end);
            LinkedWord {
                family: match l.family {
                    Family::Anatomy => WordFamily::Anatomy,
                    Family::Descriptor => WordFamily::Descriptor,
                    Family::Cause => WordFamily::Cause,
                },
                entry: l.index,
                start,
                end,
            }
        })
        .collect();
    words.sort_by_key(|w| (w.start, w.end));
    words.dedup();
    m.links = words;
}

/// The report text of a normalized range of a sentence.
fn original(text: &str, s: &SentenceView, start: usize, end: usize) -> String {
    let (a, b) = s.norm.original_range(start, end);
    text.get(a..b).unwrap_or("").to_string()
}
