//! The one time <-> pixel mapping of the viewer (after Perfetto's `base/time_scale.ts`).
//!
//! Times are `u64` nanoseconds relative to the trace start; pixels are `f64` CSS pixels in
//! `[0, width_px]`. Every pane (ruler, timeline canvas, minimap brush, hover readout) goes
//! through one [`TimeScale`] so they can never disagree about where a span is drawn.
//!
//! Why a struct with private fields: the invariants (window inside the extent, window at least
//! `min_window_ns` long, width positive) are established by every mutator, so the hot mapping
//! functions need no checks and can never divide by zero.

/// The smallest window the viewer zooms into by default: 1 µs. With ~1000 px that is ~1 ns per
/// pixel, the resolution of the data; zooming further would only show blurred nothing.
pub const DEFAULT_MIN_WINDOW_NS: u64 = 1_000;

/// Absolute floor for the window, whatever the caller asks for.
pub const MIN_WINDOW_FLOOR_NS: u64 = 10;

/// Maps a visible time window onto a pixel range.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeScale {
    /// The trace extent `[extent_start, extent_end]`; the window never leaves it.
    extent_start: u64,
    extent_end: u64,
    /// The visible window, `extent_start <= start < end <= extent_end`.
    start: u64,
    end: u64,
    width_px: f64,
    min_window_ns: u64,
}

impl TimeScale {
    /// A scale showing the whole `extent` (`(start_ns, end_ns)`, any order) over `width_px`.
    ///
    /// A degenerate extent (zero length) is widened to 1 ns so the mapping stays finite, and
    /// a non-finite or non-positive width is treated as 1 px.
    pub fn new(extent: (u64, u64), width_px: f64) -> Self {
        let mut s = TimeScale {
            extent_start: 0,
            extent_end: 1,
            start: 0,
            end: 1,
            width_px: sanitize_width(width_px),
            min_window_ns: DEFAULT_MIN_WINDOW_NS,
        };
        s.fit(extent);
        s
    }

    /// Sets the minimum window (clamped to at least [`MIN_WINDOW_FLOOR_NS`]) and re-clamps.
    pub fn with_min_window(mut self, min_window_ns: u64) -> Self {
        self.min_window_ns = min_window_ns.max(MIN_WINDOW_FLOOR_NS);
        let (a, b) = (self.start, self.end);
        self.set_window(a, b);
        self
    }

    /// Window start in ns.
    pub fn start_ns(&self) -> u64 {
        self.start
    }
    /// Window end in ns.
    pub fn end_ns(&self) -> u64 {
        self.end
    }
    /// Window length in ns (always >= 1).
    pub fn window_ns(&self) -> u64 {
        self.end - self.start
    }
    /// The trace extent the window is clamped to.
    pub fn extent(&self) -> (u64, u64) {
        (self.extent_start, self.extent_end)
    }
    /// Width of the pixel range.
    pub fn width_px(&self) -> f64 {
        self.width_px
    }
    /// Nanoseconds per pixel at the current zoom.
    pub fn ns_per_px(&self) -> f64 {
        self.window_ns() as f64 / self.width_px
    }

    /// The effective minimum window: the configured one, but never more than the extent
    /// (a 300 ns trace can still be shown whole).
    fn effective_min_window(&self) -> u64 {
        self.min_window_ns
            .min(self.extent_end - self.extent_start)
            .max(1)
    }

    /// Changes the pixel width (e.g. on resize), keeping the window.
    pub fn set_width(&mut self, width_px: f64) {
        self.width_px = sanitize_width(width_px);
    }

    /// Pixel position of `ns`. Not clamped: times outside the window map outside `[0, width]`
    /// (callers clamp when drawing). Computed from the offset to the window start so large
    /// absolute times keep full precision.
    pub fn ns_to_px(&self, ns: u64) -> f64 {
        let offset = ns as i128 - self.start as i128;
        offset as f64 * self.width_px / self.window_ns() as f64
    }

    /// Width in pixels of a duration at the current zoom.
    pub fn dur_to_px(&self, dur_ns: u64) -> f64 {
        dur_ns as f64 * self.width_px / self.window_ns() as f64
    }

    /// Time under pixel `px`, rounded to the nearest ns, saturating at 0 for pixels left of
    /// time zero. Not clamped to the window, so a drag past the edge still reads a time.
    pub fn px_to_ns(&self, px: f64) -> u64 {
        let px = if px.is_finite() { px } else { 0.0 };
        let t = self.start as f64 + px * self.ns_per_px();
        if t <= 0.0 {
            0
        } else if t >= u64::MAX as f64 {
            u64::MAX
        } else {
            t.round() as u64
        }
    }

    /// Shows `[a, b]` (any order), clamped into the extent and widened around its centre to
    /// the minimum window.
    pub fn set_window(&mut self, a: u64, b: u64) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let min = self.effective_min_window();
        let extent_len = self.extent_end - self.extent_start;
        let len = (hi - lo).clamp(min, extent_len.max(1));
        // Keep the requested centre where possible; the u128 sum cannot overflow.
        let centre = ((lo as u128 + hi as u128) / 2) as u64;
        let start = centre.saturating_sub(len / 2);
        self.place(start, len);
    }

    /// Puts a window of `len` ns starting at `start`, shifted (not shrunk) to stay inside the
    /// extent. `len` must already be within `[min, extent_len]`.
    fn place(&mut self, start: u64, len: u64) {
        let max_start = self.extent_end - len;
        let start = start.clamp(self.extent_start, max_start);
        self.start = start;
        self.end = start + len;
    }

    /// Zooms by `factor` (> 1 zooms in, < 1 zooms out) keeping the time under `anchor_px`
    /// fixed on screen, as a mouse-wheel zoom must. Clamped to the minimum window and to the
    /// extent; non-finite or non-positive factors are ignored.
    pub fn zoom_at(&mut self, anchor_px: f64, factor: f64) {
        if !factor.is_finite() || factor <= 0.0 {
            return;
        }
        let anchor_px = if anchor_px.is_finite() {
            anchor_px.clamp(0.0, self.width_px)
        } else {
            self.width_px / 2.0
        };
        let frac = anchor_px / self.width_px;
        let anchor_ns = self.start as f64 + frac * self.window_ns() as f64;
        let extent_len = (self.extent_end - self.extent_start) as f64;
        let new_len = (self.window_ns() as f64 / factor)
            .clamp(self.effective_min_window() as f64, extent_len.max(1.0));
        let new_start = (anchor_ns - frac * new_len).max(0.0);
        self.place(new_start.round() as u64, new_len.round() as u64);
    }

    /// Moves the window by `dx` pixels' worth of time: positive `dx` shows later times (the
    /// content moves left, like scrolling right). Clamped so the window stays in the extent.
    pub fn pan_by_px(&mut self, dx: f64) {
        if !dx.is_finite() {
            return;
        }
        let delta = dx * self.ns_per_px();
        let start = (self.start as f64 + delta).max(0.0).round() as u64;
        let len = self.window_ns();
        self.place(start, len);
    }

    /// Sets a new extent (any order) and shows all of it.
    pub fn fit(&mut self, extent: (u64, u64)) {
        let (lo, hi) = if extent.0 <= extent.1 {
            extent
        } else {
            (extent.1, extent.0)
        };
        let hi = if hi == lo { lo.saturating_add(1) } else { hi };
        let lo = if hi == lo { lo - 1 } else { lo };
        self.extent_start = lo;
        self.extent_end = hi;
        self.start = lo;
        self.end = hi;
    }

    /// True when the span `[start, start + dur]` intersects the window (used to cull rows).
    pub fn overlaps(&self, start: u64, dur: u64) -> bool {
        start <= self.end && start.saturating_add(dur) >= self.start
    }
}

fn sanitize_width(w: f64) -> f64 {
    if w.is_finite() && w > 0.0 {
        w
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approx(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn maps_window_onto_width_both_ways() {
        let mut s = TimeScale::new((0, 10_000), 1000.0);
        assert!(approx(s.ns_to_px(0), 0.0));
        assert!(approx(s.ns_to_px(10_000), 1000.0));
        assert!(approx(s.ns_to_px(2_500), 250.0));
        assert_eq!(s.px_to_ns(250.0), 2_500);
        s.set_window(5_000, 7_000);
        assert!(approx(s.ns_to_px(5_000), 0.0));
        assert!(approx(s.ns_to_px(6_000), 500.0));
        assert!(approx(s.ns_to_px(4_000), -500.0), "outside maps outside");
        assert_eq!(s.px_to_ns(500.0), 6_000);
        assert!(approx(s.dur_to_px(200), 100.0));
        assert!(approx(s.ns_per_px(), 2.0));
    }

    #[test]
    fn px_to_ns_saturates_at_zero_and_survives_nan() {
        let s = TimeScale::new((0, 1_000_000), 100.0);
        assert_eq!(s.px_to_ns(-50.0), 0);
        assert_eq!(s.px_to_ns(f64::NAN), 0);
    }

    #[test]
    fn large_absolute_times_keep_precision() {
        // One hour into a trace, a 2 µs window: offsets, not absolute f64 products.
        let hour = 3_600_000_000_000u64;
        let mut s = TimeScale::new((0, hour + 10_000), 2000.0);
        s.set_window(hour, hour + 2_000);
        assert!(approx(s.ns_to_px(hour + 1), 1.0));
        assert_eq!(s.px_to_ns(1000.0), hour + 1_000);
    }

    #[test]
    fn zoom_keeps_anchor_time_under_the_cursor() {
        let mut s = TimeScale::new((0, 1_000_000), 1000.0);
        let anchor_px = 300.0;
        let before = s.px_to_ns(anchor_px);
        s.zoom_at(anchor_px, 4.0);
        assert_eq!(s.window_ns(), 250_000);
        assert_eq!(s.px_to_ns(anchor_px), before);
        s.zoom_at(anchor_px, 0.5);
        assert_eq!(s.window_ns(), 500_000);
        assert_eq!(s.px_to_ns(anchor_px), before);
    }

    #[test]
    fn zoom_in_stops_at_minimum_window() {
        let mut s = TimeScale::new((0, 1_000_000_000), 1000.0);
        for _ in 0..100 {
            s.zoom_at(500.0, 10.0);
        }
        assert_eq!(s.window_ns(), DEFAULT_MIN_WINDOW_NS);
        let mut s = s.with_min_window(1);
        s.zoom_at(500.0, 1e9);
        assert_eq!(s.window_ns(), MIN_WINDOW_FLOOR_NS, "floor applies");
    }

    #[test]
    fn zoom_out_stops_at_extent_and_stays_inside() {
        let mut s = TimeScale::new((100, 10_100), 500.0);
        s.set_window(9_000, 10_000);
        s.zoom_at(500.0, 0.001);
        assert_eq!((s.start_ns(), s.end_ns()), (100, 10_100));
        // Zooming out near the right edge shifts instead of leaving the extent.
        let mut s = s.with_min_window(100);
        s.set_window(9_900, 10_100);
        s.zoom_at(0.0, 0.5);
        assert_eq!((s.start_ns(), s.end_ns()), (9_700, 10_100));
    }

    #[test]
    fn bad_zoom_factors_are_ignored() {
        let mut s = TimeScale::new((0, 10_000), 100.0);
        let before = s.clone();
        s.zoom_at(50.0, 0.0);
        s.zoom_at(50.0, -2.0);
        s.zoom_at(50.0, f64::NAN);
        s.pan_by_px(f64::INFINITY);
        assert_eq!(s, before);
    }

    #[test]
    fn tiny_trace_is_shown_whole_despite_min_window() {
        let mut s = TimeScale::new((0, 300), 1000.0);
        assert_eq!(s.window_ns(), 300);
        s.zoom_at(10.0, 100.0);
        assert_eq!(s.window_ns(), 300, "min window is capped by the extent");
    }

    #[test]
    fn pan_moves_by_pixels_and_clamps() {
        let mut s = TimeScale::new((0, 100_000), 1000.0);
        s.set_window(10_000, 20_000); // 10 ns per px
        s.pan_by_px(100.0);
        assert_eq!((s.start_ns(), s.end_ns()), (11_000, 21_000));
        s.pan_by_px(-1e9);
        assert_eq!((s.start_ns(), s.end_ns()), (0, 10_000));
        s.pan_by_px(1e9);
        assert_eq!((s.start_ns(), s.end_ns()), (90_000, 100_000));
    }

    #[test]
    fn set_window_orders_clamps_and_widens() {
        let mut s = TimeScale::new((0, 100_000), 1000.0);
        s.set_window(20_000, 10_000);
        assert_eq!((s.start_ns(), s.end_ns()), (10_000, 20_000));
        s.set_window(90_000, 500_000);
        assert_eq!(s.end_ns(), 100_000);
        assert!(s.start_ns() < s.end_ns());
        s.set_window(50_000, 50_000);
        assert_eq!(s.window_ns(), DEFAULT_MIN_WINDOW_NS);
        assert_eq!(
            (s.start_ns(), s.end_ns()),
            (49_500, 50_500),
            "widened around centre"
        );
    }

    #[test]
    fn fit_and_degenerate_inputs() {
        let mut s = TimeScale::new((5, 5), f64::NAN);
        assert_eq!(s.window_ns(), 1);
        assert_eq!(s.width_px(), 1.0);
        assert!(s.ns_to_px(6).is_finite());
        s.fit((2_000, 1_000));
        assert_eq!(s.extent(), (1_000, 2_000));
        assert_eq!((s.start_ns(), s.end_ns()), (1_000, 2_000));
        s.set_width(-3.0);
        assert_eq!(s.width_px(), 1.0);
        let s = TimeScale::new((0, 0), 10.0);
        assert_eq!(s.extent(), (0, 1));
    }

    #[test]
    fn overlap_test_for_culling() {
        let mut s = TimeScale::new((0, 1_000_000), 100.0);
        s.set_window(1_000, 2_000);
        assert!(s.overlaps(500, 600));
        assert!(!s.overlaps(0, 999));
        assert!(s.overlaps(2_000, 5));
        assert!(!s.overlaps(2_001, 5));
    }
}
