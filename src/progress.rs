//! Progress on stderr for people watching a long run: reports, MB, reports/s, MB/s, and an ETA
//! when the input size is known. Nothing at all when stderr is not a terminal (or `--quiet`),
//! so logs and pipelines stay clean.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar fed by the byte counter of the reader and by reports as they are done.
pub struct Progress {
    bar: Option<ProgressBar>,
    counter: Arc<AtomicU64>,
    started: Instant,
    reports: u64,
    next_draw: u64,
}

/// The total size of the files the inputs stand for (directories expanded), when known.
pub fn input_size(paths: &[PathBuf]) -> Option<u64> {
    if paths.is_empty() {
        return None;
    }
    let mut files = Vec::new();
    for p in paths {
        files.extend(calcmine_core::input::expand(p).ok()?);
    }
    calcmine_core::input::total_bytes(&files)
}

impl Progress {
    /// `show`: draw at all (a terminal, not `--quiet`); `total`: input bytes, for the ETA.
    pub fn new(show: bool, total: Option<u64>, counter: Arc<AtomicU64>) -> Progress {
        let bar = show.then(|| {
            let bar = match total {
                Some(t) => {
                    let b = ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr());
                    b.set_style(
                        ProgressStyle::with_template(
                            "{bar:30} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} {msg} ETA {eta}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                    b
                }
                None => {
                    let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                    b.set_style(
                        ProgressStyle::with_template(
                            "{spinner} {decimal_bytes} {decimal_bytes_per_sec} {msg} {elapsed}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    b
                }
            };
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            counter,
            started: Instant::now(),
            reports: 0,
            next_draw: 0,
        }
    }

    /// One more report done.
    #[inline]
    pub fn report_done(&mut self) {
        self.reports += 1;
        if self.bar.is_some() && self.reports >= self.next_draw {
            self.next_draw = self.reports + 512;
            self.draw();
        }
    }

    fn draw(&self) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.counter.load(Ordering::Relaxed));
            let secs = self.started.elapsed().as_secs_f64();
            let rate = if secs > 0.0 {
                self.reports as f64 / secs
            } else {
                0.0
            };
            bar.set_message(format!("{} reports, {:.0} reports/s", self.reports, rate));
        }
    }

    /// `n` more reports done (a batch).
    pub fn reports_done(&mut self, n: u64) {
        self.reports += n;
        if self.bar.is_some() {
            self.draw();
        }
    }

    /// Remove the bar (before the summary line is printed).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
