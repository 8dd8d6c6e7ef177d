//! Interval estimates shared by the audit summary and `calcmine eval`.

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The 95 % Wilson score interval of a proportion k/n (`None` when n = 0): sound at small n and
/// at 0 or n, where the normal approximation fails (a quality audit often has few flagged
/// reports, an annotated sample few positives).
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((center - half).max(0.0), (center + half).min(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), table I: 81/263 → 0.2553–0.3662; 0/10 → 0–0.2775
        let (lo, hi) = wilson(81, 263).unwrap();
        assert!(
            (lo - 0.2553).abs() < 5e-4 && (hi - 0.3662).abs() < 5e-4,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(0, 10).unwrap();
        assert!(lo == 0.0 && (hi - 0.2775).abs() < 5e-4, "{hi}");
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn wilson_interval_matches_the_textbook_value() {
        // 8 of 10: Wilson 95 % interval is [0.4902, 0.9433] (Newcombe 1998, table I style)
        let (lo, hi) = wilson(8, 10).unwrap();
        assert!((lo - 0.4902).abs() < 1e-4, "{lo}");
        assert!((hi - 0.9433).abs() < 1e-4, "{hi}");
        // all successes: the upper bound is 1, the lower one stays below it
        let (lo, hi) = wilson(20, 20).unwrap();
        assert_eq!(hi, 1.0);
        assert!((lo - 0.8389).abs() < 1e-4, "{lo}");
        assert_eq!(wilson(0, 0), None);
    }
}
