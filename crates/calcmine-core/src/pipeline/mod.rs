//! The pipeline, medspaCy's shape: sections → sentences → target matching → context (assertion)
//! → normalization (taxonomy) → report-level aggregation. [`Engine`] holds everything compiled
//! from the lexicon; [`Engine::process`] turns one [`Report`] into one [`ReportResult`].

mod screen;

use crate::clinical::LabReader;
use crate::context::ContextEngine;
use crate::exam::ExamReader;
use crate::lexicon::{Category, Key, Lexicon, SectionRole, TargetAssert};
use crate::matcher::{leftmost_longest, Hit, PhraseMatcher, Prefilter, Screen};
use crate::model::{Condition, Mention, Report, ReportResult, TriggerHit};
use crate::recommend::Recommender;
use crate::section::SectionIndex;
use crate::sentence::{SentenceSplitter, SentenceView};
use crate::taxonomy::Linker;
use crate::text::{normalize_with_base, Normalized};
use screen::ScreenWords;

/// Everything compiled from a lexicon, shared read-only by all worker threads.
pub struct Engine {
    pub lexicon: Lexicon,
    phrases: PhraseMatcher<Key>,
    sections: SectionIndex,
    splitter: SentenceSplitter,
    context: ContextEngine,
    exams: ExamReader,
    /// The `explained_by` phrases, normalized once (`taxonomy::joiners`).
    joiners: Vec<String>,
    /// Targets that are a calcification only in some organs (`only_in_organs`): id, organs.
    only_in_organs: Vec<(String, Vec<String>)>,
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
    /// Items of each per-report list (mentions, labs, conditions, recommendations) kept at
    /// most (see [`MAX_ITEMS_PER_REPORT`]).
    max_items: usize,
}

/// The most mentions (and labs, conditions, recommendations) one report keeps; the rest are
/// counted in `ReportResult::over_cap`, reported on stderr and in `run.json`. Every mention
/// holds its sentence (up to 4 KiB), so without a cap memory grew with the mentions of a
/// report, not its size: 8 reports of 1 MB `calcified;calcified;…` took 5.6 GB in `mine -j2`.
/// A long real report has tens of mentions; a thousand is a report that is no longer one.
pub const MAX_ITEMS_PER_REPORT: usize = 1000;

/// The most mentions one sentence keeps (the rest counted with [`MAX_ITEMS_PER_REPORT`]'s).
/// Each mention copies its sentence (up to 4 KiB): a 4 KiB run of `calcified;` made 400
/// copies of itself, 1.6 MB of output from 4 KB of input. The most in a sentence of the
/// corpora is 5.
pub const MAX_MENTIONS_PER_SENTENCE: usize = 32;

/// Append `items` to `list` up to `cap` items; count the rest in `over`.
fn push_capped<T>(list: &mut Vec<T>, items: Vec<T>, cap: usize, over: &mut u32) {
    let room = cap.saturating_sub(list.len());
    *over = over.saturating_add(items.len().saturating_sub(room) as u32);
    list.extend(items.into_iter().take(room));
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
        let phrases = PhraseMatcher::new(lexicon.phrases());
        let sections = SectionIndex::new(&lexicon);
        let splitter = SentenceSplitter::new(&lexicon);
        let context = ContextEngine::new(&lexicon);
        let exams = ExamReader::new(&lexicon);
        let joiners = crate::taxonomy::joiners(&lexicon.explained_by);
        let only_in_organs = lexicon
            .targets
            .iter()
            .filter(|t| !t.only_in_organs.is_empty())
            .map(|t| (t.id.clone(), t.only_in_organs.clone()))
            .collect();
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
            exams,
            joiners,
            only_in_organs,
            recommender,
            screen,
            screen_words,
            recommend,
            linker,
            labs: std::sync::OnceLock::new(),
            screen_only: false,
            max_items: MAX_ITEMS_PER_REPORT,
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
            let section_organ = sec.organ;
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
                    section_organ: section_organ.clone(),
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

    /// Keep each mention's linked words (on by default: `explain` and the HTML review show
    /// them); off for runs that only write tables, which never show them.
    pub fn with_linked_words(mut self, on: bool) -> Engine {
        self.linker.keep_words = on;
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

    /// Keep at most `n` mentions (and labs, conditions, recommendations) per report (default
    /// [`MAX_ITEMS_PER_REPORT`]; at least 1).
    pub fn max_items_per_report(mut self, n: usize) -> Engine {
        self.max_items = n.max(1);
        self
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
        let assertions = self.context.assert_sentence(s, &spans);
        let sentence_text = &report.text[s.start..s.end];
        let ids: Vec<u32> = targets
            .iter()
            .map(|h| if let Key::Target(i) = h.key { i } else { 0 })
            .collect();
        let role = self.lexicon.section_role(&s.section);
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
                m.sentence_start = s.start;
                let mut a = a;
                if entry.assert == Some(TargetAssert::Absent) {
                    // the target's own words deny it ("noncalcified"): absent by definition
                    a.negated = true;
                }
                // a score of 0 denies the finding ("calcium score of 0"); more asserts it
                if entry.score {
                    let rest = &s.norm.text[h.end..];
                    if let Some((v, len)) =
                        crate::clinical::score_after(rest, &self.lexicon.score_words)
                    {
                        m.value = Some(v);
                        // the mention is the score as stated: "calcium score: 412 Agatston units"
                        let (a0, a1) = s.norm.original_range(h.start, h.end + len);
                        m.end = a1;
                        m.text = report.text[os..a1].to_string();
                        if v == 0.0 {
                            a.negated = true;
                            m.triggers.push(TriggerHit {
                                category: "score".into(),
                                text: report.text[a0..a1].to_string(),
                                start: a0,
                                end: a1,
                            });
                        }
                    }
                }
                m.status = a.status();
                m.negated = a.negated;
                m.uncertain = a.uncertain;
                m.historical = a.historical;
                m.hypothetical = a.hypothetical;
                if a.other_experiencer || role == SectionRole::Family {
                    m.experiencer = "other".into();
                }
                m.in_findings = role.reports_findings();
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
                    m.triggers.push(TriggerHit {
                        category: "lexicon".into(),
                        text: m.text.clone(),
                        start: os,
                        end: oe,
                    });
                }
                if let Some(p) = entry.process {
                    m.process = p.as_str().into();
                }
                m
            })
            .collect::<Vec<Mention>>();
        // one finding, one mention: a target inside a stated score ("Agatston" of "412 Agatston
        // units") is part of it
        let inside = |i: usize| {
            mentions.iter().enumerate().any(|(j, o)| {
                j != i
                    && o.start <= mentions[i].start
                    && mentions[i].end <= o.end
                    && o.value.is_some()
            })
        };
        let keep: Vec<bool> = (0..mentions.len()).map(|i| !inside(i)).collect();
        if keep.iter().all(|&k| k) {
            return (mentions, spans, ids);
        }
        (kept(mentions, &keep), kept(spans, &keep), kept(ids, &keep))
    }

    /// Conditions stated in one sentence, with their assertion.
    fn sentence_conditions(&self, report: &Report, s: &SentenceView) -> Vec<Condition> {
        let hits = leftmost_longest(&s.hits, |k| matches!(k, Key::Condition(_)));
        if hits.is_empty() {
            return Vec::new();
        }
        let spans: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
        let assertions = self.context.assert_sentence(s, &spans);
        let family = self.lexicon.section_role(&s.section) == SectionRole::Family;
        hits.iter()
            .zip(assertions)
            .filter(|(h, _)| {
                !matches!(h.key, Key::Condition(ci) if self.lexicon.conditions[ci as usize].pseudo)
            })
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
                    status: a.status(),
                    experiencer: if a.other_experiencer || family {
                        "other"
                    } else {
                        "patient"
                    }
                    .into(),
                    laterality: self.side_near(s, h.start, h.end).into(),
                }
            })
            .collect()
    }

    /// The side word of the sentence nearest to a span (normalized offsets), within a few
    /// words of it: `left`, `right`, `bilateral`, or `none`.
    fn side_near(&self, s: &SentenceView, start: usize, end: usize) -> &str {
        /// How far (bytes of normalized text) a side word may be from the phrase it sides.
        const REACH: usize = 30;
        let mut best: Option<(usize, &str)> = None;
        for h in &s.hits {
            if !matches!(h.key, Key::Anatomy(_)) {
                continue;
            }
            let Some(side) = self
                .lexicon
                .modifier(h.key)
                .and_then(|e| e.laterality.as_deref())
            else {
                continue;
            };
            // 0 when the side word is inside the span
            let gap = start.saturating_sub(h.end).max(h.start.saturating_sub(end));
            if gap <= REACH && best.is_none_or(|(g, _)| gap < g) {
                best = Some((gap, side));
            }
        }
        best.map_or("none", |(_, side)| side)
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
            exam_modality: std::borrow::Cow::Borrowed("unspecified"),
            exam_region: std::borrow::Cow::Borrowed("unspecified"),
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
        let analysed = screen.gate && !self.screen_only;
        // the exam from its description and title line for every report; from exam language
        // in its sentences for the reports analysed
        let mut exam = self.exams.read(report.exam.as_deref(), &report.text);
        if !analysed {
            self.set_exam(&mut r, &exam, report);
            return r;
        }
        if screen.anchors.is_empty() {
            // no sentence has a word any stage needs: nothing to find (as if every sentence
            // had been split, matched, and had yielded nothing)
            self.set_exam(&mut r, &exam, report);
            crate::workup::flag(&self.lexicon, &mut r);
            return r;
        }
        let sentences = self.analyze_filtered(report, Some(&screen.anchors));
        self.exams.add_from_sentences(&mut exam, &sentences);
        self.set_exam(&mut r, &exam, report);
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
                &exam,
            );
            let ms = crate::taxonomy::merge_explained(
                ms,
                &report.text,
                &self.joiners,
                &self.lexicon.same_finding_words,
            );
            let cap = self.max_items;
            let mut ms = ms;
            let more = ms.len().saturating_sub(MAX_MENTIONS_PER_SENTENCE);
            r.over_cap = r.over_cap.saturating_add(more as u32);
            ms.truncate(MAX_MENTIONS_PER_SENTENCE);
            push_capped(&mut r.mentions, ms, cap, &mut r.over_cap);
            let conditions = self.sentence_conditions(report, s);
            push_capped(&mut r.conditions, conditions, cap, &mut r.over_cap);
            if s.hits.iter().any(|h| matches!(h.key, Key::Lab(_))) {
                let labs = self.labs.get_or_init(|| LabReader::new(&self.lexicon.labs));
                let mut read = labs.read(&report.text[s.start..s.end]);
                for l in &mut read {
                    l.sentence_index = s.index;
                }
                push_capped(&mut r.labs, read, cap, &mut r.over_cap);
            }
            places.push(crate::taxonomy::sentence_places(&self.lexicon, s));
        }
        let product_max = self
            .lexicon
            .labs
            .iter()
            .find(|l| l.id == crate::lexicon::vocab::lab::CA_PHOS_PRODUCT)
            .map_or(f64::INFINITY, |l| l.max);
        crate::clinical::add_computed_product(&mut r.labs, product_max);
        // a value above the reference range states the condition (calcium 12.5 mg/dL)
        if !r.labs.is_empty() {
            let stated = crate::clinical::conditions_from_labs(&self.lexicon.labs, &r.labs);
            r.conditions.extend(stated);
        }
        crate::taxonomy::apply_mechanism_rules(
            &self.lexicon.mechanism_rules,
            &r.conditions,
            &places,
            &mut r.mentions,
        );
        // words that are a calcification only in some organs ("calcium" in a coronary artery)
        if !self.only_in_organs.is_empty() {
            r.mentions.retain(|m| {
                self.only_in_organs
                    .iter()
                    .find(|(term, _)| *term == m.term)
                    .is_none_or(|(_, organs)| m.organ_source == "text" && organs.contains(&m.organ))
            });
        }
        r.coronary_calcium_score = r.mentions.iter().filter_map(|m| m.value).reduce(f64::max);
        // offsets in characters, counted once through the text (mentions are in text order)
        let (mut byte, mut chars) = (0usize, 0usize);
        for (i, m) in r.mentions.iter_mut().enumerate() {
            m.mention_id = i as u32 + 1;
            if m.start < byte {
                (byte, chars) = (0, 0);
            }
            chars += report
                .text
                .get(byte..m.start)
                .map_or(0, |t| t.chars().count());
            byte = m.start;
            m.char_start = chars;
            m.counts = m.decide_counts();
            m.source = r.source.clone();
            m.line = r.line;
        }
        if self.recommend {
            let found = self.recommender.find(report, &sentences);
            push_capped(
                &mut r.recommendations,
                found,
                self.max_items,
                &mut r.over_cap,
            );
        }
        crate::workup::flag(&self.lexicon, &mut r);
        r
    }

    /// The report's exam columns; its BI-RADS category in a breast exam.
    fn set_exam(&self, r: &mut ReportResult, exam: &crate::exam::Exam, report: &Report) {
        if let Some(m) = &exam.modality {
            r.exam_modality = m.clone().into();
        }
        if let Some(g) = &exam.region {
            r.exam_region = g.clone().into();
        }
        if exam.modality.as_deref() == Some("mammography")
            || exam.organ.as_deref() == Some("breast")
        {
            r.birads = self.exams.birads(&report.text);
        }
    }

    /// Is this trigger category one that asserts (not pseudo or terminate)?
    pub fn trigger_category(&self, i: u32) -> Category {
        self.context.category(i)
    }
}

/// The items whose `keep` flag is set.
fn kept<T>(v: Vec<T>, keep: &[bool]) -> Vec<T> {
    v.into_iter()
        .zip(keep)
        .filter(|(_, &k)| k)
        .map(|(x, _)| x)
        .collect()
}

#[cfg(test)]
mod tests;
