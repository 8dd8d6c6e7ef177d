//! Running the pipeline over inputs: reading, processing, handing results on in input order.
//!
//! Reading and decompression run on their own thread and hand batches of reports to the
//! processing threads; results come back in input order whatever the thread count, so output
//! is deterministic.

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use crate::input::{read_reports, Flow, InputOptions, ReadStats};
use crate::model::{Report, ReportResult};
use crate::pipeline::Engine;

/// The bundled example report (`--example`).
pub const EXAMPLE_REPORT: &str = include_str!("example_report.txt");

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub paths: Vec<PathBuf>,
    pub options: InputOptions,
    /// Read the bundled example report instead of `paths`.
    pub example: bool,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads for processing (reading has its own thread).
    pub threads: usize,
    /// Reports per batch handed to a worker.
    pub batch: usize,
    /// A batch is also closed once its texts reach this many bytes, so that a batch of long
    /// reports holds no more text than one of short ones (see [`DEFAULT_BATCH_BYTES`]).
    pub batch_bytes: usize,
    /// Process only the reports of this shard (the others are read and skipped).
    pub shard: Option<Shard>,
}

/// Shard `k` of `n` (1-based, `--shard K/N`): a report belongs to the shard its id hashes to.
///
/// The hash is 64-bit FNV-1a of the id's UTF-8 bytes, fixed by definition (not Rust's
/// randomized `DefaultHasher`), so the split is the same on every run, machine and platform and
/// any scheduler can hand shard `k` to a different machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl Shard {
    /// The 1-based shard number of a report id among `n` shards.
    pub fn of(id: &str, n: u64) -> u64 {
        fnv1a(id.as_bytes()) % n.max(1) + 1
    }
    pub fn contains(&self, id: &str) -> bool {
        Shard::of(id, self.n) == self.k
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let err = || format!("`{s}`: expected K/N with 1 <= K <= N, e.g. 2/8");
        let (k, n) = s.split_once('/').ok_or_else(err)?;
        let k: u64 = k.trim().parse().map_err(|_| err())?;
        let n: u64 = n.trim().parse().map_err(|_| err())?;
        if n == 0 || k == 0 || k > n {
            return Err(err());
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The text a batch may hold: 2 MiB, above `mine`'s 4,096 reports of the benchmark corpus
/// (1.4 MB), so batches of typical reports are closed by count, and a batch of long reports
/// (tens of KB each) by size. Memory in flight is then bounded by the number of batches in
/// flight (see [`run_batches`]) times this, whatever the reports' length.
pub const DEFAULT_BATCH_BYTES: usize = 2 << 20;

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            batch: 256,
            batch_bytes: DEFAULT_BATCH_BYTES,
            shard: None,
        }
    }
}

/// A batch of reports being filled: closed at `max` items or `max_bytes` of report text.
struct Filling<T> {
    items: Vec<T>,
    bytes: usize,
    max: usize,
    max_bytes: usize,
}

impl<T> Filling<T> {
    /// Room for this many items is made ahead at most: a batch size far past any use
    /// (`--batch 99999999999999`) aborted the process on allocation.
    const RESERVE: usize = 1 << 16;

    fn new(max: usize, max_bytes: usize) -> Filling<T> {
        Filling {
            items: Vec::with_capacity(max.min(Self::RESERVE)),
            bytes: 0,
            max,
            max_bytes,
        }
    }

    /// Add an item for a report of `text_bytes` of text; the batch when it is full.
    fn push(&mut self, item: T, text_bytes: usize) -> Option<Vec<T>> {
        self.bytes += text_bytes;
        self.items.push(item);
        (self.items.len() >= self.max || self.bytes >= self.max_bytes).then(|| self.take())
    }

    fn take(&mut self) -> Vec<T> {
        self.bytes = 0;
        std::mem::replace(
            &mut self.items,
            Vec::with_capacity(self.max.min(Self::RESERVE)),
        )
    }
}

/// Read every report, process it, and give each result to `sink` in input order. `sink` may
/// stop the run (e.g. a closed pipe) by returning `Flow::Break`. `counter` counts bytes read.
pub fn run(
    engine: &Engine,
    inputs: &Inputs,
    opts: &RunOptions,
    stats: &mut ReadStats,
    counter: &Arc<AtomicU64>,
    sink: &mut dyn FnMut(ReportResult) -> Flow,
) {
    run_batches(
        engine,
        inputs,
        opts,
        stats,
        counter,
        &|results| results,
        &mut |results: Vec<ReportResult>| {
            for r in results {
                sink(r)?;
            }
            Flow::Continue(())
        },
    );
}

/// Like [`run`], but hands on whole batches, after `map` has turned each batch of results
/// into a `T` on the worker thread that processed it. Work that is per batch (building the
/// Polars frames of `mine`) so runs in parallel too, and `sink` (writing, in input order) is
/// left with as little as possible. Batches are `opts.batch` reports (the last may be short).
pub fn run_batches<T: Send>(
    engine: &Engine,
    inputs: &Inputs,
    opts: &RunOptions,
    stats: &mut ReadStats,
    counter: &Arc<AtomicU64>,
    map: &(dyn Fn(Vec<ReportResult>) -> T + Sync),
    sink: &mut dyn FnMut(T) -> Flow,
) {
    run_batches_at(engine, inputs, opts, stats, counter, map, &mut |t, _| {
        sink(t)
    });
}

/// Like [`run_batches`], and `sink` is also told how many input bytes had been read (the
/// `counter`) when each batch was closed: how far through its input the run was, the same
/// whatever the number of threads.
pub fn run_batches_at<T: Send>(
    engine: &Engine,
    inputs: &Inputs,
    opts: &RunOptions,
    stats: &mut ReadStats,
    counter: &Arc<AtomicU64>,
    map: &(dyn Fn(Vec<ReportResult>) -> T + Sync),
    sink: &mut dyn FnMut(T, u64) -> Flow,
) {
    run_batches_with(
        engine,
        inputs,
        opts,
        stats,
        counter,
        &|results, reports| {
            // the texts are freed at once, with their batch (see below)
            drop(reports);
            map(results)
        },
        sink,
    );
}

/// Like [`run_batches_at`], and `map` is also given the batch's reports, in the order of their
/// results, to keep what it needs of their text (an HTML review of some of them) and free the
/// rest. The reports' ids and provenance have moved into the results: only the texts are left.
pub fn run_batches_with<T: Send>(
    engine: &Engine,
    inputs: &Inputs,
    opts: &RunOptions,
    stats: &mut ReadStats,
    counter: &Arc<AtomicU64>,
    map: &(dyn Fn(Vec<ReportResult>, Vec<Report>) -> T + Sync),
    sink: &mut dyn FnMut(T, u64) -> Flow,
) {
    if inputs.example {
        let r = Report {
            id: "example".into(),
            text: EXAMPLE_REPORT.to_string(),
            source: "<example>".into(),
            line: 1,
            record: 1,
            ..Default::default()
        };
        stats.reports += 1;
        stats.bytes += r.bytes();
        let result = engine.process(&r);
        let _ = sink(map(vec![result], vec![r]), 0);
        return;
    }
    let read = |stats: &mut ReadStats, f: &mut dyn FnMut(Report) -> Flow| {
        read_reports(&inputs.paths, &inputs.options, stats, counter, f)
    };
    run_source(engine, Box::new(read), opts, stats, counter, map, sink);
}

/// Where the reports of a run come from: a function that reads them in order, keeping its
/// counts in the [`ReadStats`] it is given and handing each report on (files:
/// [`read_reports`]; a table in memory: [`crate::input::read_frames`]). It runs on the reader
/// thread.
pub type Source<'a> = dyn FnOnce(&mut ReadStats, &mut dyn FnMut(Report) -> Flow) + Send + 'a;

/// Like [`run_batches_with`], with the reports of `read` instead of files: the machinery of
/// every run (batches, workers, input order, bounded memory) for any source of reports, such
/// as the Python package's tables. `counter` is the bytes read, as `read` counts them.
pub fn run_source<T: Send>(
    engine: &Engine,
    read: Box<Source<'_>>,
    opts: &RunOptions,
    stats: &mut ReadStats,
    counter: &Arc<AtomicU64>,
    map: &(dyn Fn(Vec<ReportResult>, Vec<Report>) -> T + Sync),
    sink: &mut dyn FnMut(T, u64) -> Flow,
) {
    let bytes_read = || counter.load(std::sync::atomic::Ordering::Relaxed);
    let threads = opts.threads.clamp(1, 1024);
    let batch_size = opts.batch.max(1);
    let shard = opts.shard;
    if threads == 1 {
        // One thread does everything, in batches, so the work per report is the same as with
        // many threads and `--threads 1` is a fair baseline.
        let mut batch = Filling::new(batch_size, opts.batch_bytes);
        let mut flow = Flow::Continue(());
        read(stats, &mut |r| {
            if shard.is_some_and(|s| !s.contains(&r.id)) {
                return Flow::Continue(());
            }
            let text_bytes = r.text.len();
            if let Some(mut full) = batch.push(r, text_bytes) {
                let at = bytes_read();
                let results = engine.process_batch_taking(&mut full);
                flow = sink(map(results, full), at);
                return flow;
            }
            Flow::Continue(())
        });
        let mut rest = batch.take();
        if flow.is_continue() && !rest.is_empty() {
            let at = bytes_read();
            let results = engine.process_batch_taking(&mut rest);
            let _ = sink(map(results, rest), at);
        }
        return;
    }
    // A reader thread fills batches; workers process them; results are re-ordered by batch
    // sequence number before they reach the sink.
    //
    // Batches in flight (queued, being processed, or done and waiting for an earlier one) are
    // bounded by permits: the reader takes one before it hands a batch on, the sink gives it
    // back when the batch is written. Without them, a batch that takes long (a long report)
    // let the other workers run ahead and their results pile up, unbounded, waiting for it.
    // The result channel has room for every batch in flight, so a worker never waits to send
    // and the batch the sink waits for always arrives.
    use std::collections::BTreeMap;
    use std::sync::mpsc::sync_channel;
    // Room for the results that arrive while the sink is busy writing a row group (tens of
    // ms): with room for `threads * 2` results only, the workers were measured blocking during
    // the writes (idle CPU at `-j2`).
    let in_flight = threads * 5 + 8;
    let (permit_tx, permit_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = permit_tx.send(());
    }
    // batches go with their number and the bytes read when they were closed
    let (batch_tx, batch_rx) = sync_channel::<(u64, u64, Vec<Report>)>(threads * 2);
    let batch_rx = Arc::new(std::sync::Mutex::new(batch_rx));
    let (res_tx, res_rx) = sync_channel::<(u64, u64, usize, std::thread::Result<T>)>(in_flight);
    let budget = Budget::default();
    let budget = &budget;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    std::thread::scope(|scope| {
        let reader_stop = stop.clone();
        let batch_bytes = opts.batch_bytes;
        let reader = scope.spawn(move || {
            let mut local = ReadStats::default();
            let mut seq = 0u64;
            let mut batch = Filling::new(batch_size, batch_bytes);
            // hand a batch on, once a permit frees; false when the run is over
            let mut hand_on = |reports: Vec<Report>| -> bool {
                if permit_rx.recv().is_err()
                    || reader_stop.load(std::sync::atomic::Ordering::Relaxed)
                    || batch_tx.send((seq, bytes_read(), reports)).is_err()
                {
                    return false;
                }
                seq += 1;
                true
            };
            read(&mut local, &mut |r| {
                if shard.is_some_and(|s| !s.contains(&r.id)) {
                    return Flow::Continue(());
                }
                let text_bytes = r.text.len();
                if let Some(full) = batch.push(r, text_bytes) {
                    if !hand_on(full) {
                        return Flow::Break(());
                    }
                }
                Flow::Continue(())
            });
            let rest = batch.take();
            if !rest.is_empty() {
                hand_on(rest);
            }
            local
        });
        for _ in 0..threads {
            let rx = batch_rx.clone();
            let tx = res_tx.clone();
            scope.spawn(move || loop {
                let next = rx.lock().map(|g| g.recv());
                let Ok(Ok((seq, at, reports))) = next else {
                    break;
                };
                // The texts stay, and the batch is freed at once (by `map`, which may keep some
                // texts first): freeing the reader's reports one by one between the worker's own
                // allocations cost `-j2` a quarter more CPU (measured with glibc's allocator,
                // chunks from another thread's arena). Ids and provenance move into the results
                // instead of being copied.
                //
                // A panic (a bug: no input is known to cause one) is handed to the sink's thread
                // to re-raise, rather than left to kill this worker: the batch the sink waits for
                // would never come, and the run would hang instead of failing.
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut reports = reports;
                    let results = engine.process_batch_taking(&mut reports);
                    let weight = weight(&results);
                    (map(results, reports), weight)
                }));
                let (out, weight) = match out {
                    Ok((t, w)) => (Ok(t), w),
                    Err(panic) => (Err(panic), 0),
                };
                let failed = out.is_err();
                if !failed {
                    budget.take(seq, weight);
                }
                if tx.send((seq, at, weight, out)).is_err() || failed {
                    break;
                }
            });
        }
        drop(res_tx);
        let mut pending: BTreeMap<u64, (u64, usize, T)> = BTreeMap::new();
        let mut next = 0u64;
        let mut permits = Some(permit_tx);
        // however the sink's loop ends (a panic too), no worker is left waiting for budget
        let _release = ReleaseOnDrop(budget);
        for (seq, at, weight, out) in res_rx.iter() {
            // re-raised here, the panic drops the permits and channels on its way out, so the
            // reader and the other workers stop, and the scope then passes it on
            let out = out.unwrap_or_else(|panic| {
                budget.abort();
                std::panic::resume_unwind(panic)
            });
            pending.insert(seq, (at, weight, out));
            while let Some((at, weight, out)) = pending.remove(&next) {
                next += 1;
                let Some(tx) = &permits else {
                    budget.give(weight, next);
                    continue;
                };
                let flow = sink(out, at);
                budget.give(weight, next);
                if flow.is_break() {
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                    // no more permits: a reader waiting for one stops
                    permits = None;
                } else {
                    let _ = tx.send(());
                }
            }
        }
        // a reader that panicked would leave the tables short of reports: fail instead
        let local = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        stats.merge(local);
    });
}

/// The bytes the results of finished batches may hold while they wait for the sink (written
/// in input order, a batch waits for every earlier one). Batches in flight are bounded in
/// number, but not what their results hold: a batch of 2 MiB of `calcified;calcified;…` gave
/// 200,000 mentions, each with its sentence, and 18 such batches waited for a slow one
/// (3.6 GB in `mine -j2`). A worker whose results would take the waiting results past this
/// waits to hand them on, unless its batch is the one the sink needs next (so the run always
/// goes on). Memory is then at most this, plus the batches being processed (one per thread),
/// plus those queued for the workers.
pub const WAITING_BYTES: usize = 256 << 20;

/// About the bytes a batch's results hold (each mention with its text and sentence, and the
/// fields around them), for [`WAITING_BYTES`].
fn weight(results: &[ReportResult]) -> usize {
    results
        .iter()
        .map(|r| {
            let mentions: usize = r
                .mentions
                .iter()
                .map(|m| 1024 + m.text.len() + m.sentence.len())
                .sum();
            512 + r.report_id.len() + mentions
        })
        .sum()
}

/// The results waiting for the sink, in bytes ([`weight`]), and the batch the sink needs next.
#[derive(Default)]
struct Budget {
    state: std::sync::Mutex<(usize, u64, bool)>,
    freed: std::sync::Condvar,
}

impl Budget {
    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, u64, bool)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait until `weight` more bytes fit, or batch `seq` is the one needed next, or nothing
    /// waits, or the run is over; then count them.
    fn take(&self, seq: u64, weight: usize) {
        let mut s = self.lock();
        while !s.2 && s.0 > 0 && seq != s.1 && s.0 + weight > WAITING_BYTES {
            s = self.freed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.0 += weight;
    }

    /// A batch of `weight` bytes was handed to the sink; `next` is needed now.
    fn give(&self, weight: usize, next: u64) {
        let mut s = self.lock();
        s.0 = s.0.saturating_sub(weight);
        s.1 = next;
        self.freed.notify_all();
    }

    /// The run is over (or failed): no one waits any more.
    fn abort(&self) {
        self.lock().2 = true;
        self.freed.notify_all();
    }
}

struct ReleaseOnDrop<'a>(&'a Budget);

impl Drop for ReleaseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The parse-only floor: read and split the inputs into reports exactly as [`run`] does, and
/// nothing else. What [`run`] can never beat on this input; benchmarks compare against it.
pub fn read_only(
    inputs: &Inputs,
    stats: &mut ReadStats,
    counter: &Arc<AtomicU64>,
    each: &mut dyn FnMut(&Report),
) {
    read_reports(&inputs.paths, &inputs.options, stats, counter, &mut |r| {
        each(&r);
        Flow::Continue(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputFormat;
    use crate::lexicon::Lexicon;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn lines_input(dir: &std::path::Path, texts: &[String]) -> Inputs {
        let p = dir.join("reports.txt");
        std::fs::write(&p, texts.join("\n")).unwrap();
        Inputs {
            paths: vec![p],
            options: InputOptions {
                format: Some(InputFormat::Lines),
                ..Default::default()
            },
            example: false,
        }
    }

    #[test]
    fn a_slow_batch_does_not_let_finished_ones_pile_up() {
        // the first batch stalls; the other worker finishes batch after batch meanwhile, and
        // their results wait for it: no more than the batches in flight may wait
        let dir = tempfile::tempdir().unwrap();
        let texts: Vec<String> = (0..600)
            .map(|i| format!("Report {i}: calcified granuloma in the right upper lobe."))
            .collect();
        let inputs = lines_input(dir.path(), &texts);
        let engine = Engine::new(Lexicon::bundled().unwrap());
        let opts = RunOptions {
            threads: 2,
            batch: 1,
            ..Default::default()
        };
        let waiting = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let map = |results: Vec<ReportResult>| {
            if results[0].report_id == "reports:1" {
                std::thread::sleep(std::time::Duration::from_millis(400));
            }
            let now = waiting.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            results
        };
        let mut ids = Vec::new();
        let mut stats = ReadStats::default();
        run_batches(
            &engine,
            &inputs,
            &opts,
            &mut stats,
            &Arc::new(AtomicU64::new(0)),
            &map,
            &mut |results: Vec<ReportResult>| {
                waiting.fetch_sub(1, Ordering::SeqCst);
                ids.extend(results.into_iter().map(|r| r.report_id));
                Flow::Continue(())
            },
        );
        // every report, in input order
        let want: Vec<String> = (1..=600).map(|i| format!("reports:{i}")).collect();
        assert_eq!(ids, want);
        // at most the batches in flight (5 per worker and 8) were ever done and waiting
        let most = most.load(Ordering::SeqCst);
        assert!(most <= 2 * 5 + 8, "{most} batches waited for the slow one");
    }

    #[test]
    fn a_panicking_worker_fails_the_run_instead_of_hanging_it() {
        // a bug in one batch's processing: the run must end (with the panic), not wait forever
        // for the batch that will never come
        let dir = tempfile::tempdir().unwrap();
        let texts: Vec<String> = (0..300).map(|i| format!("Report {i}.")).collect();
        let inputs = lines_input(dir.path(), &texts);
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let engine = Engine::new(Lexicon::bundled().unwrap());
            let opts = RunOptions {
                threads: 2,
                batch: 1,
                ..Default::default()
            };
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run_batches(
                    &engine,
                    &inputs,
                    &opts,
                    &mut ReadStats::default(),
                    &Arc::new(AtomicU64::new(0)),
                    &|results: Vec<ReportResult>| {
                        assert!(results[0].report_id != "reports:5", "a bug");
                        results
                    },
                    &mut |_| Flow::Continue(()),
                )
            }));
            let _ = done_tx.send(outcome.is_err());
        });
        let panicked = done_rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the run hung after a worker panicked");
        assert!(
            panicked,
            "the panic was swallowed: the tables would be short"
        );
    }

    #[test]
    fn finished_results_wait_for_room_unless_theirs_is_the_batch_needed_next() {
        let budget = Budget::default();
        // the batch the sink needs next goes on however much waits
        budget.take(0, WAITING_BYTES);
        budget.take(0, 1 << 20);
        std::thread::scope(|s| {
            let later = s.spawn(|| budget.take(2, 10));
            std::thread::sleep(std::time::Duration::from_millis(100));
            assert!(!later.is_finished(), "batch 2 went past a full budget");
            // batch 0 is written: room again, and batch 1 is needed next
            budget.give(WAITING_BYTES + (1 << 20), 1);
            later.join().unwrap();
        });
        // the end of the run frees every waiting worker
        budget.take(1, WAITING_BYTES);
        std::thread::scope(|s| {
            let stuck = s.spawn(|| budget.take(8, WAITING_BYTES));
            budget.abort();
            stuck.join().unwrap();
        });
    }

    #[test]
    fn batches_close_at_a_count_or_a_size_of_text() {
        let mut b = Filling::new(3, 100);
        let mut push = |n: usize| {
            let r = Report {
                text: "x".repeat(n),
                ..Default::default()
            };
            b.push(r, n).map(|v| v.len())
        };
        // short reports: three to a batch
        assert!(push(10).is_none());
        assert!(push(10).is_none());
        assert_eq!(push(10), Some(3));
        // long ones: closed by size
        assert!(push(60).is_none());
        assert_eq!(push(60), Some(2));
        // one longer than a batch is a batch of its own
        assert_eq!(push(500), Some(1));
        assert!(b.take().is_empty());
    }
}
