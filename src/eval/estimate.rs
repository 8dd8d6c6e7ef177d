//! Estimates with their 95 % intervals: proportions (Wilson), F1 (bootstrap), confusion
//! matrices and per-field scores.

use super::*;

/// Bootstrap resamples for the F1 interval.
pub(super) const BOOTSTRAP: usize = 2000;

/// A figure with its 95 % interval; `value` is `None` when undefined (0/0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
}

impl Estimate {
    fn proportion(k: u64, n: u64) -> Estimate {
        Estimate {
            value: (n > 0).then(|| k as f64 / n as f64),
            ci: wilson(k, n),
        }
    }
    fn show(&self) -> String {
        match (self.value, self.ci) {
            (Some(v), Some((lo, hi))) => format!("{v:.4}  [{lo:.4}, {hi:.4}]"),
            (Some(v), None) => format!("{v:.4}"),
            _ => "n/a".into(),
        }
    }
}

/// Counts of a two-class comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Confusion {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
    pub tn: u64,
}

impl Confusion {
    pub fn add(&mut self, gold: bool, pred: bool) {
        match (gold, pred) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    pub fn n(&self) -> u64 {
        self.tp + self.fp + self.fn_ + self.tn
    }
    pub fn precision(&self) -> Estimate {
        Estimate::proportion(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> Estimate {
        Estimate::proportion(self.tp, self.tp + self.fn_)
    }
    pub fn accuracy(&self) -> Estimate {
        Estimate::proportion(self.tp + self.tn, self.n())
    }
    /// F1 = 2TP / (2TP + FP + FN); undefined when there is nothing positive at all.
    pub fn f1(&self) -> Option<f64> {
        let d = 2 * self.tp + self.fp + self.fn_;
        (d > 0).then(|| 2.0 * self.tp as f64 / d as f64)
    }
}

/// F1 with a percentile-bootstrap 95 % interval over the items (gold, predicted).
pub fn f1_estimate(items: &[(bool, bool)]) -> Estimate {
    let mut c = Confusion::default();
    for &(g, p) in items {
        c.add(g, p);
    }
    let value = c.f1();
    if value.is_none() || items.is_empty() {
        return Estimate { value, ci: None };
    }
    // xorshift64*: a fixed seed makes the interval reproducible run to run
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let n = items.len() as u64;
    let mut f1s: Vec<f64> = Vec::with_capacity(BOOTSTRAP);
    for _ in 0..BOOTSTRAP {
        let mut b = Confusion::default();
        for _ in 0..n {
            let (g, p) = items[(next() % n) as usize];
            b.add(g, p);
        }
        // a resample without any positive has F1 undefined; count it as 0 agreement-free
        f1s.push(b.f1().unwrap_or(0.0));
    }
    f1s.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| f1s[((q * (BOOTSTRAP - 1) as f64).round() as usize).min(BOOTSTRAP - 1)];
    Estimate {
        value,
        ci: Some((at(0.025), at(0.975))),
    }
}

/// One field's comparison: binary (with its positive class name) or categorical.
#[derive(Debug, Clone)]
pub enum FieldScore {
    Binary {
        name: String,
        positive: String,
        negative: String,
        confusion: Confusion,
        items: Vec<(bool, bool)>,
    },
    Categorical {
        name: String,
        /// (gold, predicted) → count
        matrix: BTreeMap<(String, String), u64>,
    },
}

impl FieldScore {
    pub fn name(&self) -> &str {
        match self {
            FieldScore::Binary { name, .. } | FieldScore::Categorical { name, .. } => name,
        }
    }
    pub fn n(&self) -> u64 {
        match self {
            FieldScore::Binary { confusion, .. } => confusion.n(),
            FieldScore::Categorical { matrix, .. } => matrix.values().sum(),
        }
    }
    /// Share of items where gold and prediction agree.
    pub fn accuracy(&self) -> Estimate {
        match self {
            FieldScore::Binary { confusion, .. } => confusion.accuracy(),
            FieldScore::Categorical { matrix, .. } => {
                let ok = matrix
                    .iter()
                    .filter(|((g, p), _)| g == p)
                    .map(|(_, c)| c)
                    .sum();
                Estimate::proportion(ok, self.n())
            }
        }
    }
    /// F1 of the positive class (binary) or micro-F1 (= accuracy) for categorical fields.
    pub fn f1(&self) -> Estimate {
        match self {
            FieldScore::Binary { items, .. } => f1_estimate(items),
            FieldScore::Categorical { .. } => self.accuracy(),
        }
    }

    /// A human-readable block: the figures and the confusion matrix.
    pub fn render(&self) -> String {
        let mut s = String::new();
        match self {
            FieldScore::Binary {
                name,
                positive,
                negative,
                confusion: c,
                ..
            } => {
                let _ = writeln!(s, "{name}  (positive class: {positive}; n = {})", c.n());
                let _ = writeln!(s, "  precision  {}", c.precision().show());
                let _ = writeln!(s, "  recall     {}", c.recall().show());
                let _ = writeln!(s, "  f1         {}", self.f1().show());
                let _ = writeln!(s, "  accuracy   {}", c.accuracy().show());
                let w = positive.len().max(negative.len()).max(6);
                let _ = writeln!(
                    s,
                    "  {:w$}  {:>w$}  {:>w$}   (rows gold, columns predicted)",
                    "", positive, negative
                );
                let _ = writeln!(s, "  {positive:w$}  {:>w$}  {:>w$}", c.tp, c.fn_);
                let _ = writeln!(s, "  {negative:w$}  {:>w$}  {:>w$}", c.fp, c.tn);
            }
            FieldScore::Categorical { name, matrix } => {
                let _ = writeln!(s, "{name}  (categorical; n = {})", self.n());
                let _ = writeln!(s, "  accuracy   {}", self.accuracy().show());
                let labels: BTreeSet<&String> = matrix.keys().flat_map(|(g, p)| [g, p]).collect();
                let w = labels.iter().map(|l| l.len()).max().unwrap_or(4).max(6);
                let _ = write!(s, "  {:w$}", "");
                for l in &labels {
                    let _ = write!(s, "  {l:>w$}");
                }
                let _ = writeln!(s, "   (rows gold, columns predicted)");
                for g in &labels {
                    let _ = write!(s, "  {g:w$}");
                    for p in &labels {
                        let c = matrix.get(&((*g).clone(), (*p).clone())).unwrap_or(&0);
                        let _ = write!(s, "  {c:>w$}");
                    }
                    let _ = writeln!(s);
                }
                for l in &labels {
                    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
                    for ((g, p), &c) in matrix {
                        match (g == *l, p == *l) {
                            (true, true) => tp += c,
                            (false, true) => fp += c,
                            (true, false) => fn_ += c,
                            _ => {}
                        }
                    }
                    let c = Confusion { tp, fp, fn_, tn: 0 };
                    let f = c.f1().map_or("n/a".into(), |f| format!("{f:.4}"));
                    let _ = writeln!(
                        s,
                        "  {l:w$}  precision {}  recall {}  f1 {f}",
                        c.precision()
                            .value
                            .map_or("n/a".into(), |v| format!("{v:.4}")),
                        c.recall().value.map_or("n/a".into(), |v| format!("{v:.4}")),
                    );
                }
            }
        }
        s
    }
}
