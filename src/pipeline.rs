//! The pipeline, medspaCy's shape: sections → sentences → target matching → context (assertion)
//! → normalization (taxonomy) → report-level aggregation. [`Engine`] holds everything compiled
//! from the lexicon; [`Engine::process`] turns one [`Report`] into one [`ReportResult`].

use crate::clinical::LabReader;
use crate::context::{Assertion, ContextEngine};
use crate::lexicon::{Category, Lexicon, TargetAssert};
use crate::matcher::{leftmost_longest, Hit, PhraseMatcher, Prefilter, Screen};
use crate::model::{Condition, Mention, Report, ReportResult, Status, TriggerHit};
use crate::recommend::Recommender;
use crate::section::SectionIndex;
use crate::sentence::SentenceSplitter;
use crate::taxonomy::Linker;
use crate::text::{normalize_with_base, Normalized};

/// Words too common to screen reports by (see the prefilter in [`Engine::new`]).
const GENERIC_WORDS: &[&str] = &[
    "disease",
    "chronic",
    "failure",
    "level",
    "levels",
    "elevated",
    "raised",
    "high",
    "intact",
    "serum",
    "total",
    "stage",
    "estimated",
    "rate",
    "dependent",
    "peritoneal",
    "value",
    "corrected",
    "inorganic",
    "primary",
    "secondary",
    "tertiary",
    "excess",
    "syndrome",
    "hormone",
    "clearance",
    "filtration",
    "impaired",
    "function",
    "impairment",
    "insufficiency",
    "end",
    "the",
    "and",
    "with",
];

/// Which lexicon entry a phrase hit belongs to (the index into its family's entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Target(u32),
    Exclude(u32),
    Trigger(u32),
    /// A `[[recommendation]]` entry (cue, action, negation or exclude).
    Recommendation(u32),
    /// Anatomy, descriptor and cause words linked to mentions (taxonomy stage).
    Anatomy(u32),
    Descriptor(u32),
    Cause(u32),
    /// Clinical conditions (clinical stage).
    Condition(u32),
    /// Lab names and cues: a sentence without one skips the lab regular expressions.
    Lab(u32),
}

/// One sentence, normalized and matched: what every later stage reads.
#[derive(Debug, Clone)]
pub struct SentenceView {
    /// 0-based within the report.
    pub index: u32,
    /// Shared by the sentences of a section.
    pub section: std::sync::Arc<str>,
    /// Byte range in the report text.
    pub start: usize,
    pub end: usize,
    /// Normalized text; its map gives offsets in the report text.
    pub norm: Normalized,
    /// Every whole-word phrase hit, all families, overlapping.
    pub hits: Vec<Hit<Key>>,
}

/// Everything compiled from a lexicon, shared read-only by all worker threads.
pub struct Engine {
    pub lexicon: Lexicon,
    phrases: PhraseMatcher<Key>,
    sections: SectionIndex,
    splitter: SentenceSplitter,
    context: ContextEngine,
    recommender: Recommender,
    /// The cheap first stage, one scan of each report. Its gate: a report is read when it
    /// names a target, a lab, a metabolic condition, or recommendation language. Its anchors:
    /// the words of every phrase a sentence's output can come from (targets, conditions, lab
    /// names and cues, recommendation actions). A sentence without an anchor yields nothing in
    /// any stage (places and trigger hits only ever qualify a sentence that has one), so it is
    /// split and counted but not normalized or matched.
    /// Without recommendations (`recommend` off) the gate leaves out recommendation language.
    screen: Prefilter,
    /// The words of both screens, to build the other one if [`Engine::with_recommendations`]
    /// changes the stage.
    screen_words: ScreenWords,
    /// Find recommendations (on by default; `extract`, which writes mentions only, turns it off
    /// so reports without a target word are skipped again).
    recommend: bool,
    linker: Linker,
    /// The lab-value patterns (Unicode-aware regular expressions: 101 M instructions to
    /// compile, more than all the rest of the engine), compiled when a sentence first names a
    /// lab; a worker that finds them being compiled waits for them. Most reports name no lab:
    /// a run over them never compiles these, and `extract` of one sentence without a lab takes
    /// 15 ms instead of 28 (medians of 21 runs). Compiling them ahead on a thread of their own
    /// was measured too: 18 ms without a lab, 28 instead of 31 with one.
    labs: std::sync::OnceLock<LabReader>,
    /// Stop after the first stage: every report is screened, none is analysed (see
    /// [`Engine::screen_only`]).
    screen_only: bool,
}

/// The words of the first stage's screen, derived from the lexicon (see `Engine::screen`).
#[derive(Debug, Clone)]
struct ScreenWords {
    /// Gate words: targets and the most specific word of each lab and screened condition.
    targets: Vec<String>,
    /// Gate words of recommendation language (with recommendations only).
    recommendations: Vec<String>,
    /// Anchor words: targets, and a word per condition and lab phrase.
    sentences: Vec<String>,
    /// Anchor words of recommendation actions (with recommendations only).
    actions: Vec<String>,
}

impl ScreenWords {
    fn of(lexicon: &Lexicon) -> ScreenWords {
        // A report is worth reading when it names a target, a lab, or a metabolic condition
        // (the cheap first stage: most reports of an archive name none). For labs and
        // conditions one word of each name is enough for the prefilter (any word of a phrase
        // occurs when the phrase does); it takes the most specific one, not a generic word
        // ("disease" of "chronic kidney disease", "intact" of "intact PTH"), and never a word
        // under three letters, which would occur inside most reports.
        let screen_word = |t: &str| -> Option<String> {
            let n = crate::text::normalize_phrase(t);
            let words: Vec<&str> = n.split(' ').filter(|w| w.len() >= 3).collect();
            words
                .iter()
                .filter(|w| !GENERIC_WORDS.contains(w))
                .max_by_key(|w| w.len())
                .or_else(|| words.iter().max_by_key(|w| w.len()))
                .map(|w| w.to_string())
        };
        let mut screen: Vec<String> = Vec::new();
        for l in &lexicon.labs {
            screen.extend(
                l.terms
                    .iter()
                    .chain(&l.cues)
                    .chain(l.units.iter().flat_map(|u| u.spellings.iter()))
                    .filter_map(|t| screen_word(t))
                    .filter(|w| w.len() >= 4),
            );
        }
        for c in lexicon.conditions.iter().filter(|c| c.screen) {
            screen.extend(c.terms.iter().filter_map(|t| screen_word(t)));
        }
        // Targets, labs and metabolic conditions: what mentions and the report's flag need.
        // Reports with recommendation language but no target word still get their
        // recommendations (a follow-up audit reads every report).
        let target_terms = || {
            lexicon
                .targets
                .iter()
                .flat_map(|t| t.terms.iter().map(String::as_str))
                .chain(screen.iter().map(String::as_str))
        };
        // Per sentence, a phrase's most specific word stands in for it (whole words only, see
        // `Prefilter`), so that common words ("disease", "level") do not pass
        // every sentence; a phrase of short words only stands for itself. Each spelling counts
        // apart: the closed `postsurgical` of `post-surgical` has no whole word `surgical`.
        let sentence_words: Vec<String> = lexicon
            .conditions
            .iter()
            .flat_map(|c| c.terms.iter())
            .chain(
                lexicon
                    .labs
                    .iter()
                    .flat_map(|l| l.terms.iter().chain(&l.terms_need_unit).chain(&l.cues)),
            )
            .flat_map(|t| crate::text::term_variants(t))
            .map(|v| screen_word(&v).unwrap_or(v))
            .collect();
        let action_words: Vec<String> = lexicon
            .recommendations
            .iter()
            .filter(|e| e.role == crate::lexicon::RecommendationRole::Action)
            .flat_map(|e| e.terms.iter())
            .flat_map(|t| crate::text::term_variants(t))
            .map(|v| screen_word(&v).unwrap_or(v))
            .collect();
        let sentence_terms = || {
            lexicon
                .targets
                .iter()
                .flat_map(|t| t.terms.iter())
                .chain(&sentence_words)
                .map(String::as_str)
        };
        ScreenWords {
            targets: target_terms().map(str::to_string).collect(),
            recommendations: Recommender::prefilter_terms(lexicon)
                .map(str::to_string)
                .collect(),
            sentences: sentence_terms().map(str::to_string).collect(),
            actions: action_words,
        }
    }

    /// The screen with or without recommendation language.
    fn prefilter(&self, recommendations: bool) -> Prefilter {
        fn words(v: &[String]) -> impl Iterator<Item = &str> {
            v.iter().map(String::as_str)
        }
        let none: &[String] = &[];
        let (more_gate, more_anchors) = if recommendations {
            (&self.recommendations[..], &self.actions[..])
        } else {
            (none, none)
        };
        Prefilter::new(
            words(&self.targets).chain(words(more_gate)),
            words(&self.sentences).chain(words(more_anchors)),
        )
    }
}

impl Engine {
    pub fn new(lexicon: Lexicon) -> Engine {
        Engine::build(lexicon, true)
    }

    /// An engine without the recommendation stage (see [`Engine::with_recommendations`]),
    /// built without compiling the screen it would not use.
    pub fn without_recommendations(lexicon: Lexicon) -> Engine {
        Engine::build(lexicon, false)
    }

    fn build(lexicon: Lexicon, recommend: bool) -> Engine {
        // The screen's DFA (only the screen the run uses) compiles on its own thread while this
        // one compiles the rest, and the lab patterns wait until a sentence needs them (see
        // `Engine::labs`): both shorten the start of every run, a single piped report's
        // included.
        let screen_words = ScreenWords::of(&lexicon);
        let wanted = screen_words.clone();
        let screen = std::thread::Builder::new()
            .name("calcmine-screen".into())
            .spawn(move || wanted.prefilter(recommend));
        let mut entries: Vec<(&str, Key)> = Vec::new();
        for (i, e) in lexicon.targets.iter().enumerate() {
            entries.extend(e.terms.iter().map(|t| (t.as_str(), Key::Target(i as u32))));
        }
        for (i, e) in lexicon.excludes.iter().enumerate() {
            entries.extend(e.terms.iter().map(|t| (t.as_str(), Key::Exclude(i as u32))));
        }
        for (i, e) in lexicon.triggers.iter().enumerate() {
            entries.extend(e.terms.iter().map(|t| (t.as_str(), Key::Trigger(i as u32))));
        }
        for (i, e) in lexicon.recommendations.iter().enumerate() {
            entries.extend(
                e.terms
                    .iter()
                    .map(|t| (t.as_str(), Key::Recommendation(i as u32))),
            );
        }
        for (i, e) in lexicon.anatomy.iter().enumerate() {
            entries.extend(e.terms.iter().map(|t| (t.as_str(), Key::Anatomy(i as u32))));
        }
        for (i, e) in lexicon.descriptors.iter().enumerate() {
            entries.extend(
                e.terms
                    .iter()
                    .map(|t| (t.as_str(), Key::Descriptor(i as u32))),
            );
        }
        for (i, e) in lexicon.causes.iter().enumerate() {
            entries.extend(e.terms.iter().map(|t| (t.as_str(), Key::Cause(i as u32))));
        }
        for (i, e) in lexicon.conditions.iter().enumerate() {
            entries.extend(
                e.terms
                    .iter()
                    .map(|t| (t.as_str(), Key::Condition(i as u32))),
            );
        }
        for (i, e) in lexicon.labs.iter().enumerate() {
            entries.extend(
                e.terms
                    .iter()
                    .chain(&e.terms_need_unit)
                    .chain(&e.cues)
                    .map(|t| (t.as_str(), Key::Lab(i as u32))),
            );
        }
        let phrases = PhraseMatcher::new(entries);
        let sections = SectionIndex::new(&lexicon);
        let splitter = SentenceSplitter::new(&lexicon);
        let context = ContextEngine::new(&lexicon);
        let recommender = Recommender::new(&lexicon);
        let linker = Linker::new(&lexicon);
        // a thread that could not start or panicked: build here instead (the same result)
        let screen = match screen.map(|h| h.join()) {
            Ok(Ok(p)) => p,
            _ => screen_words.prefilter(recommend),
        };
        Engine {
            sections,
            splitter,
            context,
            recommender,
            screen,
            screen_words,
            recommend,
            linker,
            labs: std::sync::OnceLock::new(),
            screen_only: false,
            phrases,
            lexicon,
        }
    }

    /// The sentences of a report, normalized and matched.
    pub fn analyze(&self, report: &Report) -> Vec<SentenceView> {
        self.analyze_filtered(report, None)
    }

    /// [`Engine::analyze`], but only sentences with one of `anchors` (offsets in the report,
    /// in order) are normalized and matched; the others keep their place (index, section,
    /// range) with no normalized text and no hits, and the sentences after the last anchor are
    /// left out.
    fn analyze_filtered(&self, report: &Report, anchors: Option<&[usize]>) -> Vec<SentenceView> {
        let text = report.text.as_str();
        let filter = anchors.is_some();
        let anchors = anchors.unwrap_or_default();
        let mut out = Vec::with_capacity(16);
        let mut next = 0;
        'sections: for sec in self.sections.split(text, &report.columns) {
            let section: std::sync::Arc<str> = sec.name.into();
            for (s, e) in self.splitter.split(text, sec.start, sec.end) {
                // anchors and sentences both come in text order
                while next < anchors.len() && anchors[next] < s {
                    next += 1;
                }
                let keep = !filter || anchors.get(next).is_some_and(|&a| a < e);
                let (norm, hits) = if keep {
                    let norm = normalize_with_base(&text[s..e], s);
                    let hits = self.phrases.find_all(&norm.text);
                    (norm, hits)
                } else {
                    (Normalized::default(), Vec::new())
                };
                out.push(SentenceView {
                    index: out.len() as u32,
                    section: section.clone(),
                    start: s,
                    end: e,
                    norm,
                    hits,
                });
                // past the last anchor nothing is matched: the rest need not be split
                if filter && anchors.last().is_none_or(|&a| a < e) {
                    break 'sections;
                }
            }
        }
        out
    }

    /// The first stage's screen for this run (with or without recommendations).
    fn active_screen(&self) -> &Prefilter {
        &self.screen
    }

    /// Whether the report could contain anything of interest (the cheap first stage's gate).
    pub fn may_match(&self, text: &str) -> bool {
        self.active_screen().screen(text).gate
    }

    /// Turn the recommendation stage on or off (on by default). Off, reports without a target
    /// word are not analysed at all, which is what a mentions-only run wants.
    pub fn with_recommendations(mut self, on: bool) -> Engine {
        if on != self.recommend {
            self.screen = self.screen_words.prefilter(on);
            self.recommend = on;
        }
        self
    }

    /// Stop every report after the first stage (`on`): each is read, split and screened, and
    /// comes out as a report that names nothing, analysed by no later stage. Not for results:
    /// it measures what reading, screening and writing cost on their own, the ceiling that no
    /// amount of speed in the analysis can lift a run above (`mine --screen-only`,
    /// `scripts/bench`).
    pub fn screen_only(mut self, on: bool) -> Engine {
        self.screen_only = on;
        self
    }

    /// ConText assertion of spans (targets, conditions) of a normalized sentence.
    fn assert_spans(&self, s: &SentenceView, spans: &[(usize, usize)]) -> Vec<Assertion> {
        // Triggers: hits inside a span are dropped first ("no" in a user target "no
        // appetite"; "no acute" overlapping the target "acute distress" gives way to "no"), then
        // leftmost-longest among all categories (pseudo-triggers mask what they cover). A phrase
        // listed in two trigger entries ("resolved": forward and backward) keeps both, unless
        // one of them is a pseudo-trigger.
        let candidates: Vec<Hit<Key>> = s
            .hits
            .iter()
            .filter(|h| matches!(h.key, Key::Trigger(_)))
            .filter(|t| !spans.iter().any(|&(a, b)| t.start < b && a < t.end))
            .copied()
            .collect();
        let selected = leftmost_longest(&candidates, |_| true);
        let mut triggers: Vec<Hit<u32>> = Vec::with_capacity(selected.len());
        for sel in &selected {
            let group: Vec<u32> = candidates
                .iter()
                .filter(|h| h.start == sel.start && h.end == sel.end)
                .filter_map(|h| match h.key {
                    Key::Trigger(i) => Some(i),
                    _ => None,
                })
                .collect();
            let pseudo = group
                .iter()
                .any(|&i| self.context.category(i) == Category::Pseudo);
            for i in group {
                if (pseudo && self.context.category(i) != Category::Pseudo)
                    || triggers
                        .iter()
                        .any(|t| t.start == sel.start && t.end == sel.end && t.key == i)
                {
                    continue;
                }
                triggers.push(Hit {
                    start: sel.start,
                    end: sel.end,
                    key: i,
                });
            }
        }
        self.context
            .assert(&s.norm.text, &triggers, spans, &s.section)
    }

    /// Target mentions of one sentence, with their assertion (not yet coded).
    pub fn sentence_mentions(&self, report: &Report, s: &SentenceView) -> Vec<Mention> {
        self.sentence_mentions_spans(report, s).0
    }

    /// Mentions of one sentence with their spans in the normalized sentence and the index of
    /// their target entry.
    fn sentence_mentions_spans(
        &self,
        report: &Report,
        s: &SentenceView,
    ) -> (Vec<Mention>, Vec<(usize, usize)>, Vec<u32>) {
        let targets = leftmost_longest(&s.hits, |k| matches!(k, Key::Target(_) | Key::Exclude(_)));
        let targets: Vec<Hit<Key>> = targets
            .into_iter()
            .filter(|h| matches!(h.key, Key::Target(_)))
            .collect();
        if targets.is_empty() {
            return (Vec::new(), Vec::new(), Vec::new());
        }
        let spans: Vec<(usize, usize)> = targets.iter().map(|h| (h.start, h.end)).collect();
        let assertions = self.assert_spans(s, &spans);
        let sentence_text = &report.text[s.start..s.end];
        let ids: Vec<u32> = targets
            .iter()
            .map(|h| if let Key::Target(i) = h.key { i } else { 0 })
            .collect();
        let mentions = targets
            .iter()
            .zip(assertions)
            .map(|(h, a)| {
                let Key::Target(ti) = h.key else {
                    unreachable!("filtered to targets")
                };
                let entry = &self.lexicon.targets[ti as usize];
                let (os, oe) = s.norm.original_range(h.start, h.end);
                let mut m = Mention::new(&report.id, &entry.id, os, oe, &report.text[os..oe]);
                m.section = s.section.to_string();
                m.sentence_index = s.index;
                m.sentence = sentence_text.to_string();
                m.negated = a.negated;
                m.uncertain = a.uncertain;
                m.historical = a.historical;
                m.hypothetical = a.hypothetical;
                if a.other_experiencer {
                    m.experiencer = "other".into();
                }
                for (cat, ts, te) in a.triggers {
                    let (a0, a1) = s.norm.original_range(ts, te);
                    m.triggers.push(TriggerHit {
                        category: cat.as_str().into(),
                        text: report.text[a0..a1].to_string(),
                        start: a0,
                        end: a1,
                    });
                }
                if entry.assert == Some(TargetAssert::Absent) {
                    m.negated = true;
                    m.triggers.push(TriggerHit {
                        category: "lexicon".into(),
                        text: m.text.clone(),
                        start: os,
                        end: oe,
                    });
                }
                m.status = Status::derive(m.negated, m.uncertain, m.hypothetical);
                if let Some(p) = entry.process {
                    m.process = p.as_str().into();
                }
                m
            })
            .collect();
        (mentions, spans, ids)
    }

    /// Conditions stated in one sentence, with their assertion.
    fn sentence_conditions(&self, report: &Report, s: &SentenceView) -> Vec<Condition> {
        let hits = leftmost_longest(&s.hits, |k| matches!(k, Key::Condition(_)));
        if hits.is_empty() {
            return Vec::new();
        }
        let spans: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
        let assertions = self.assert_spans(s, &spans);
        hits.iter()
            .zip(assertions)
            .map(|(h, a)| {
                let Key::Condition(ci) = h.key else {
                    unreachable!("filtered to conditions")
                };
                let (os, oe) = s.norm.original_range(h.start, h.end);
                Condition {
                    id: self.lexicon.conditions[ci as usize].id.clone(),
                    text: report.text[os..oe].to_string(),
                    negated: a.negated,
                    sentence_index: s.index,
                    status: Status::derive(a.negated, a.uncertain, a.hypothetical),
                    experiencer: if a.other_experiencer {
                        "other"
                    } else {
                        "patient"
                    }
                    .into(),
                }
            })
            .collect()
    }

    /// Run the whole pipeline on one report.
    pub fn process(&self, report: &Report) -> ReportResult {
        let mut r = self.process_with_source(report, report.source.clone(), None);
        r.report_id = report.id.clone();
        r
    }

    /// [`Engine::process`] for a report that is not needed afterwards: its id and provenance
    /// move into the result instead of being copied (two strings less per report of an
    /// archive, most of which have no mention to copy the id into).
    pub fn process_owned(&self, mut report: Report) -> ReportResult {
        self.process_taking(&mut report)
    }

    /// [`Engine::process_owned`] for a report whose text is freed later, with the rest of its
    /// batch: its id and provenance move into the result, and are left empty.
    pub fn process_taking(&self, report: &mut Report) -> ReportResult {
        self.process_screened(report, None)
    }

    /// [`Engine::process_taking`] of every report of a batch, in order. The first stage scans
    /// the batch's texts in one go ([`Prefilter::screen_many`]): most reports are a few
    /// hundred bytes, too short for the scan to run its lanes in step within one.
    pub fn process_batch_taking(&self, reports: &mut [Report]) -> Vec<ReportResult> {
        let texts: Vec<&str> = reports
            .iter()
            .map(|r| {
                if r.error.is_none() && r.text.len() <= u32::MAX as usize {
                    r.text.as_str()
                } else {
                    ""
                }
            })
            .collect();
        let screens = self.active_screen().screen_many(&texts);
        drop(texts);
        reports
            .iter_mut()
            .zip(screens)
            .map(|(r, screen)| self.process_screened(r, Some(screen)))
            .collect()
    }

    /// [`Engine::process_taking`], with the report's screen when it is already known.
    fn process_screened(&self, report: &mut Report, screen: Option<Screen>) -> ReportResult {
        let source = std::mem::take(&mut report.source);
        let mut r = self.process_with_source(report, source, screen);
        r.report_id = std::mem::take(&mut report.id);
        r
    }

    /// The result of `report` with `source` as its provenance, without its `report_id` (the
    /// caller's to fill). `screen`: the first stage's, if already done.
    fn process_with_source(
        &self,
        report: &Report,
        source: std::sync::Arc<str>,
        screen: Option<Screen>,
    ) -> ReportResult {
        let mut r = ReportResult {
            source,
            line: report.line,
            bytes: report.bytes() as usize,
            invalid_utf8: report.invalid_utf8,
            workup_priority: "none",
            error: report.error.clone(),
            ..Default::default()
        };
        if report.error.is_none() && report.text.len() > u32::MAX as usize {
            // offsets are kept as u32 (normalization maps); say so rather than mis-slice
            r.error = Some(format!(
                "report of {} bytes is larger than the 4 GiB calcmine can index",
                report.text.len()
            ));
        }
        if r.error.is_some() {
            return r;
        }
        let screen = screen.unwrap_or_else(|| self.active_screen().screen(&report.text));
        if !screen.gate || self.screen_only {
            return r;
        }
        if screen.anchors.is_empty() {
            // no sentence has a word any stage needs: nothing to find (as if every sentence
            // had been split, matched, and had yielded nothing)
            crate::flags::flag(&self.lexicon, &mut r);
            return r;
        }
        let sentences = self.analyze_filtered(report, Some(&screen.anchors));
        let mut places: Vec<Vec<String>> = Vec::with_capacity(sentences.len());
        for s in &sentences {
            let (ms, spans, ids) = self.sentence_mentions_spans(report, s);
            let entries: Vec<&crate::lexicon::TargetEntry> = ids
                .iter()
                .map(|&i| &self.lexicon.targets[i as usize])
                .collect();
            let ms = crate::taxonomy::code_sentence(
                &report.text,
                &self.lexicon,
                &self.linker,
                s,
                &spans,
                &entries,
                ms,
            );
            r.mentions.extend(ms);
            r.conditions.extend(self.sentence_conditions(report, s));
            if s.hits.iter().any(|h| matches!(h.key, Key::Lab(_))) {
                let labs = self.labs.get_or_init(|| LabReader::new(&self.lexicon.labs));
                r.labs.extend(labs.read(&report.text[s.start..s.end]));
            }
            places.push(crate::taxonomy::sentence_places(&self.lexicon, s));
        }
        let product_max = self
            .lexicon
            .labs
            .iter()
            .find(|l| l.id == "ca_phos_product")
            .map_or(f64::INFINITY, |l| l.max);
        crate::clinical::add_computed_product(&mut r.labs, product_max);
        crate::taxonomy::apply_mechanism_rules(
            &self.lexicon.mechanism_rules,
            &r.conditions,
            &places,
            &mut r.mentions,
        );
        for (i, m) in r.mentions.iter_mut().enumerate() {
            m.mention_id = i as u32 + 1;
        }
        if self.recommend {
            r.recommendations = self.recommender.find(report, &sentences);
        }
        crate::flags::flag(&self.lexicon, &mut r);
        r
    }

    /// Is this trigger category one that asserts (not pseudo or terminate)?
    pub fn trigger_category(&self, i: u32) -> Category {
        self.context.category(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::new(Lexicon::bundled().unwrap())
    }

    fn report(text: &str) -> Report {
        Report {
            id: "r1".into(),
            text: text.into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_engine_without_recommendations_reads_only_reports_with_a_target() {
        // recommendation language and no calcification word: read for recommendations only
        let advice = report("IMPRESSION: Recommend follow-up chest CT in 12 months.");
        let finding = report("FINDINGS: Coarse calcification of the aortic arch.");
        let with = engine();
        assert!(with.may_match(&advice.text));
        assert_eq!(with.process(&advice).recommendations.len(), 1);
        // built without the stage, or switched off after: the same screen
        let without = Engine::without_recommendations(Lexicon::bundled().unwrap());
        let switched = engine().with_recommendations(false);
        for e in [&without, &switched] {
            assert!(!e.may_match(&advice.text));
            assert!(e.process(&advice).recommendations.is_empty());
            assert!(e.may_match(&finding.text));
            assert_eq!(e.process(&finding).mentions.len(), 1);
        }
        // and switched back on, the full screen again
        let back = without.with_recommendations(true);
        assert!(back.may_match(&advice.text));
        assert_eq!(back.process(&advice).recommendations.len(), 1);
    }

    #[test]
    fn a_batch_processed_at_once_gives_each_report_what_it_gets_alone() {
        let e = engine();
        let texts = [
            "FINDINGS: Calcified granuloma in the right upper lobe.",
            "The lungs are clear. No pleural effusion.",
            "IMPRESSION: No renal calculi. Calcium 11.2 mg/dL; recommend PTH.",
            "",
            "Granulome calcifié du lobe supérieur droit. Nephrocalcinosis.",
            "calci",
            "fied granuloma",
            "Mild coronary artery calcification. Follow-up CT in 12 months.",
        ];
        let mut batch: Vec<Report> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Report {
                id: format!("r{i}"),
                source: "batch.csv".into(),
                line: i as u64 + 2,
                ..report(t)
            })
            .collect();
        // a report that could not be read keeps its error and is not analysed
        batch[7].error = Some("unterminated quote".into());
        let alone: Vec<String> = batch
            .iter()
            .map(|r| format!("{:?}", e.process(r)))
            .collect();
        let together: Vec<String> = e
            .process_batch_taking(&mut batch)
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        assert_eq!(together, alone);
        assert!(alone[0].contains("mention_id") && alone[0].contains("granuloma"));
        assert!(alone[7].contains("unterminated quote"));
        assert!(
            !alone[6].contains("mention_id"),
            "no word across two reports: {}",
            alone[6]
        );
    }

    #[test]
    fn a_report_processed_in_place_gives_the_same_result_and_keeps_its_text() {
        let e = engine();
        let mut r = report("FINDINGS: Calcified granuloma in the right upper lobe.");
        r.source = "archive.csv".into();
        let copied = e.process(&r);
        let moved = e.process_taking(&mut r);
        assert_eq!(format!("{copied:?}"), format!("{moved:?}"));
        assert_eq!(
            (moved.report_id.as_str(), &*moved.source),
            ("r1", "archive.csv")
        );
        assert_eq!(moved.mentions[0].report_id, "r1");
        // what moved is gone from the report; the text, freed later with its batch, is not
        assert!(r.id.is_empty() && r.source.is_empty());
        assert!(r.text.starts_with("FINDINGS"));
    }

    #[test]
    fn a_report_typed_in_capitals_is_read_as_in_lower_case() {
        let r = engine().process(&report(
            "FINDINGS: MÖNCKEBERG SCLEROSIS OF THE FEMORAL ARTERIES. NO PANCREATIC CALCIFICATIONS.",
        ));
        let got: Vec<(&str, &str, &str)> = r
            .mentions
            .iter()
            .map(|m| (m.term.as_str(), m.text.as_str(), m.status.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("monckeberg_sclerosis", "MÖNCKEBERG SCLEROSIS", "present"),
                ("calcification", "CALCIFICATIONS", "absent")
            ]
        );
    }

    #[test]
    fn lab_patterns_are_compiled_for_the_first_report_that_states_a_lab() {
        let e = engine();
        let r = e.process(&report(
            "FINDINGS: Dense coronary artery calcification. No pleural effusion.",
        ));
        assert_eq!(r.mentions.len(), 1);
        assert!(r.labs.is_empty());
        assert!(
            e.labs.get().is_none(),
            "compiled for a report without a lab"
        );
        // two workers reach the first lab at once: one compiles, the other waits, both read it
        let lab = report("HISTORY: ESRD on dialysis, serum calcium 11.2 mg/dL. Nephrocalcinosis.");
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| e.process(&lab));
            let b = s.spawn(|| e.process(&lab));
            (a.join().unwrap(), b.join().unwrap())
        });
        for r in [a, b] {
            let calcium: Vec<_> = r.labs.iter().filter(|l| l.name == "calcium").collect();
            assert_eq!(calcium.len(), 1, "{:?}", r.labs);
            assert_eq!(calcium[0].value, Some(11.2));
        }
        assert!(e.labs.get().is_some());
    }

    fn statuses(text: &str) -> Vec<(String, &'static str)> {
        engine()
            .process(&report(text))
            .mentions
            .iter()
            .map(|m| (m.text.clone(), m.status.as_str()))
            .collect()
    }

    #[test]
    fn calcified_granuloma_is_present() {
        assert_eq!(
            statuses("Calcified granuloma in the right upper lobe."),
            vec![("Calcified granuloma".into(), "present")]
        );
    }

    #[test]
    fn negation_uncertainty_and_pseudo_triggers() {
        assert_eq!(
            statuses("No calcification."),
            vec![("calcification".into(), "absent")]
        );
        assert_eq!(
            statuses("Possible calcified granuloma."),
            vec![("calcified granuloma".into(), "possible")]
        );
        assert_eq!(
            statuses("No change in the calcified granuloma."),
            vec![("calcified granuloma".into(), "present")]
        );
        assert_eq!(
            statuses("Stable non-calcified nodule."),
            vec![("non-calcified".into(), "absent")]
        );
    }

    #[test]
    fn offsets_index_the_report_as_read() {
        let t = "FINDINGS:\nThe lungs are clear.   Dense CALCIFIED  granuloma.";
        let r = engine().process(&report(t));
        let m = &r.mentions[0];
        assert_eq!(&t[m.start..m.end], "CALCIFIED  granuloma");
        assert_eq!(m.section, "findings");
        assert_eq!(m.sentence_index, 1);
    }
}
