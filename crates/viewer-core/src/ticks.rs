//! Adaptive ruler ticks for the time axis.
//!
//! The step is the smallest value of the 1-2-5 x 10^k sequence (in ns) whose on-screen spacing
//! is at least `min_spacing_px`, so labels never overlap whatever the zoom. All labels of one
//! ruler share one unit and one number of decimals (chosen from the window and the step), so a
//! ruler reads "0 ms, 5 ms, 10 ms" or "1.0 s, 1.5 s, 2.0 s", never a mix of units.

use crate::time_scale::TimeScale;
use trace_core::time::{format_fixed, Unit};

/// One ruler tick.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Time of the tick, ns from trace start.
    pub ns: u64,
    /// Pixel position under the scale (in `[0, width]`).
    pub px: f64,
    /// Label, formatted consistently with the other ticks of the ruler.
    pub label: String,
}

/// Default minimum distance between two labelled ticks.
pub const DEFAULT_MIN_SPACING_PX: f64 = 80.0;

/// The step in ns: the smallest 1-2-5 x 10^k value with `step / ns_per_px >= min_spacing_px`.
/// Never below 1 ns.
pub fn tick_step_ns(window_ns: u64, width_px: f64, min_spacing_px: f64) -> u64 {
    let width_px = if width_px.is_finite() && width_px > 0.0 {
        width_px
    } else {
        1.0
    };
    let min_spacing_px = if min_spacing_px.is_finite() && min_spacing_px > 0.0 {
        min_spacing_px
    } else {
        1.0
    };
    let wanted = window_ns.max(1) as f64 * min_spacing_px / width_px;
    let mut pow: u64 = 1;
    loop {
        for m in [1u64, 2, 5] {
            let step = pow.saturating_mul(m);
            if step as f64 >= wanted || step == u64::MAX {
                return step;
            }
        }
        pow = pow.saturating_mul(10);
    }
}

/// Ticks for the current window of `scale` with at least `min_spacing_px` between labels.
pub fn ticks(scale: &TimeScale, min_spacing_px: f64) -> Vec<Tick> {
    ticks_for_window(
        scale.start_ns(),
        scale.end_ns(),
        scale.width_px(),
        min_spacing_px,
    )
}

/// Ticks for the window `[start_ns, end_ns]` drawn over `width_px`: every multiple of the step
/// inside the window (ends included). Returns nothing for an empty window or a width that
/// cannot hold a single label.
pub fn ticks_for_window(
    start_ns: u64,
    end_ns: u64,
    width_px: f64,
    min_spacing_px: f64,
) -> Vec<Tick> {
    if end_ns <= start_ns || !width_px.is_finite() || width_px <= 0.0 {
        return Vec::new();
    }
    let window = end_ns - start_ns;
    let step = tick_step_ns(window, width_px, min_spacing_px);
    // The unit of the largest value shown: "1.5 s" rather than "1500 ms" once the window
    // reaches seconds.
    let unit = Unit::for_magnitude(u128::from(end_ns));
    let decimals = unit.decimals_for(step);
    let first = start_ns.div_ceil(step).saturating_mul(step);
    let mut out = Vec::new();
    let mut t = first;
    while t <= end_ns && t >= first {
        out.push(Tick {
            ns: t,
            px: (t - start_ns) as f64 * width_px / window as f64,
            label: format_fixed(t, unit, decimals),
        });
        match t.checked_add(step) {
            Some(next) => t = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &[Tick]) -> Vec<&str> {
        t.iter().map(|t| t.label.as_str()).collect()
    }

    fn assert_spacing(t: &[Tick], min: f64) {
        for w in t.windows(2) {
            assert!(
                w[1].px - w[0].px >= min - 1e-9,
                "ticks too close: {:?} {:?}",
                w[0],
                w[1]
            );
        }
    }

    #[test]
    fn step_follows_1_2_5_sequence() {
        assert_eq!(tick_step_ns(1_000, 1000.0, 80.0), 100);
        assert_eq!(tick_step_ns(1_000_000, 800.0, 80.0), 100_000);
        assert_eq!(tick_step_ns(1_000_000, 790.0, 80.0), 200_000);
        assert_eq!(tick_step_ns(1_000_000, 300.0, 80.0), 500_000);
        assert_eq!(tick_step_ns(10, 10_000.0, 80.0), 1, "never below 1 ns");
        assert_eq!(tick_step_ns(u64::MAX, 1.0, 80.0), u64::MAX);
    }

    #[test]
    fn millisecond_window() {
        let t = ticks_for_window(0, 20_000_000, 400.0, 80.0);
        // 20 ms over 400 px -> >= 4 ms per 80 px -> 5 ms steps.
        assert_eq!(labels(&t), ["0 ms", "5 ms", "10 ms", "15 ms", "20 ms"]);
        assert_spacing(&t, 80.0);
        assert_eq!(t[1].px, 100.0);
    }

    #[test]
    fn seconds_window_uses_decimals_of_the_step() {
        let t = ticks_for_window(1_000_000_000, 3_000_000_000, 800.0, 80.0);
        // 2 s / 800 px * 80 = 200 ms -> step 200 ms, shown in seconds with one decimal.
        assert_eq!(t[0].label, "1.0 s");
        assert_eq!(t[1].label, "1.2 s");
        assert!(labels(&t).contains(&"1.6 s"));
        assert_eq!(t.last().map(|t| t.label.as_str()), Some("3.0 s"));
        let t = ticks_for_window(0, 3_000_000_000, 480.0, 80.0);
        assert_eq!(
            labels(&t),
            ["0.0 s", "0.5 s", "1.0 s", "1.5 s", "2.0 s", "2.5 s", "3.0 s"]
        );
    }

    #[test]
    fn nanosecond_and_microsecond_windows() {
        let t = ticks_for_window(0, 500, 500.0, 80.0);
        assert_eq!(
            labels(&t),
            ["0 ns", "100 ns", "200 ns", "300 ns", "400 ns", "500 ns"]
        );
        let t = ticks_for_window(0, 50_000, 1000.0, 80.0);
        // 4 µs minimum -> 5 µs step.
        assert_eq!(t[1].label, "5 µs");
        assert_eq!(t.len(), 11);
        let t = ticks_for_window(2_000, 3_000, 1000.0, 80.0);
        assert_eq!(t[0].label, "2.0 µs");
        assert_eq!(t[1].label, "2.1 µs");
    }

    #[test]
    fn non_zero_start_gets_first_multiple_inside_window() {
        let t = ticks_for_window(12_345_678, 32_345_678, 400.0, 80.0);
        assert_eq!(t[0].ns, 15_000_000);
        assert_eq!(t[0].label, "15 ms");
        assert!((t[0].px - (15_000_000.0 - 12_345_678.0) / 50_000.0).abs() < 1e-9);
        assert!(t.iter().all(|t| t.ns >= 12_345_678 && t.ns <= 32_345_678));
        assert_spacing(&t, 80.0);
    }

    #[test]
    fn deep_zoom_far_into_trace_keeps_labels_distinct() {
        // 1 µs window one second in: labels in seconds need 7 decimals, and must all differ.
        let t = ticks_for_window(1_000_000_000, 1_000_001_000, 800.0, 80.0);
        assert_eq!(t[0].label, "1.0000000 s");
        assert_eq!(t[1].label, "1.0000001 s");
        let mut l = labels(&t);
        l.dedup();
        assert_eq!(l.len(), t.len());
    }

    #[test]
    fn tiny_width_yields_at_most_two_ticks_and_no_overlap() {
        let t = ticks_for_window(0, 1_000_000, 30.0, 80.0);
        assert!(t.len() <= 2, "{t:?}");
        assert_spacing(&t, 80.0);
        assert!(ticks_for_window(0, 1_000, 0.0, 80.0).is_empty());
        assert!(ticks_for_window(0, 1_000, f64::NAN, 80.0).is_empty());
        assert!(ticks_for_window(5, 5, 100.0, 80.0).is_empty());
    }

    #[test]
    fn many_windows_never_overlap() {
        for exp in 0..13 {
            let window = 10u64.pow(exp) * 3;
            for width in [50.0, 333.0, 1280.0, 3840.0] {
                let t = ticks_for_window(7 * window, 8 * window, width, 80.0);
                assert_spacing(&t, 80.0);
                assert!(t.len() as f64 <= width / 80.0 + 2.0);
                let mut l = labels(&t);
                l.dedup();
                assert_eq!(
                    l.len(),
                    t.len(),
                    "duplicate labels for {window} ns / {width}"
                );
            }
        }
    }

    #[test]
    fn ticks_from_scale() {
        let s = TimeScale::new((0, 20_000_000), 400.0);
        assert_eq!(
            ticks(&s, 80.0),
            ticks_for_window(0, 20_000_000, 400.0, 80.0)
        );
    }
}
