//! Level of detail: what to draw for a row of spans at the current zoom.
//!
//! Zoomed out, thousands of spans fall into one pixel. Drawing each costs O(spans) per frame
//! and shows nothing more than one pixel would. Following Perfetto, consecutive spans narrower
//! than a pixel are merged per pixel column and the longest one stands for the bucket (it is
//! the most useful hover target, and its colour is the most representative). Spans at least
//! one pixel wide are drawn as they are. The output is therefore O(width_px) for a row whose
//! spans do not overlap, whatever the number of spans.
//!
//! Inputs are plain `(start_ns, dur_ns)` pairs sorted by start, so the UI can hand over one
//! layout row's columns (or all spans, for the minimap) without copying trace-core types.

use crate::time_scale::TimeScale;
use std::ops::Range;

/// Spans narrower than this many pixels are merged into a pixel bucket.
pub const MIN_SPAN_PX: f64 = 1.0;

/// One rectangle to draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawRect {
    /// Left edge in px, clamped to `[0, width]`.
    pub x0: f64,
    /// Right edge in px, clamped to `[0, width]`; at least 1 px right of `x0` for buckets.
    pub x1: f64,
    /// Index (into the input slice) of the span this rect stands for: the span itself, or the
    /// longest span of a merged bucket. Use it for colour, label and hit-testing.
    pub index: u32,
    /// How many spans the rect stands for (1 for a span drawn as is).
    pub count: u32,
}

impl DrawRect {
    /// True when the rect stands for several merged spans (draw it hatched/dimmed, say
    /// "N spans" on hover).
    pub fn is_merged(&self) -> bool {
        self.count > 1
    }
}

/// Per-row lookup that finds the spans intersecting a window in O(log n): spans are sorted by
/// start, and a prefix maximum of end times tells where the first span still reaching into
/// the window can be. Build once per row when the trace loads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowIndex {
    max_end: Vec<u64>,
}

impl RowIndex {
    /// Builds the prefix maxima of `start + dur` for `spans` (sorted by start).
    pub fn new(spans: &[(u64, u64)]) -> Self {
        let mut m = 0u64;
        let max_end = spans
            .iter()
            .map(|&(s, d)| {
                m = m.max(s.saturating_add(d));
                m
            })
            .collect();
        RowIndex { max_end }
    }

    /// Index range of the spans that may intersect `[start_ns, end_ns]`: from the first span
    /// whose prefix max end reaches `start_ns` to the last span starting by `end_ns`.
    pub fn visible_range(&self, spans: &[(u64, u64)], start_ns: u64, end_ns: u64) -> Range<usize> {
        let n = spans.len().min(self.max_end.len());
        let lo = self.max_end[..n].partition_point(|&e| e < start_ns);
        let hi = spans[..n].partition_point(|&(s, _)| s <= end_ns);
        lo..hi.max(lo)
    }
}

/// Draw rects for all of `spans` (sorted by start) under `scale`: O(spans). Fine for the
/// minimap or a short row; use [`lod_row_range`] with a [`RowIndex`] for per-frame drawing.
pub fn lod_row(spans: &[(u64, u64)], scale: &TimeScale, out: &mut Vec<DrawRect>) {
    lod_row_range(spans, 0..spans.len(), scale, out);
}

/// Draw rects for `spans[range]` (sorted by start). `out` is cleared and reused. Spans outside
/// the window are skipped; `DrawRect::index` refers to the full `spans` slice.
pub fn lod_row_range(
    spans: &[(u64, u64)],
    range: Range<usize>,
    scale: &TimeScale,
    out: &mut Vec<DrawRect>,
) {
    out.clear();
    let width = scale.width_px();
    let end = range.end.min(spans.len());
    let start = range.start.min(end);
    // The bucket being accumulated: (column, representative index, its dur, count).
    let mut pending: Option<(i64, u32, u64, u32)> = None;
    let flush = |p: &mut Option<(i64, u32, u64, u32)>, out: &mut Vec<DrawRect>| {
        if let Some((col, index, _, count)) = p.take() {
            let x0 = (col as f64).min((width - 1.0).max(0.0));
            out.push(DrawRect {
                x0,
                x1: (x0 + 1.0).min(width.max(1.0)),
                index,
                count,
            });
        }
    };
    for (i, &(s, d)) in spans[start..end].iter().enumerate() {
        let i = (start + i) as u32;
        if !scale.overlaps(s, d) {
            continue;
        }
        let x0 = scale.ns_to_px(s).clamp(0.0, width);
        let x1 = scale.ns_to_px(s.saturating_add(d)).clamp(0.0, width);
        if x1 - x0 >= MIN_SPAN_PX {
            flush(&mut pending, out);
            out.push(DrawRect {
                x0,
                x1,
                index: i,
                count: 1,
            });
            continue;
        }
        // The last column absorbs spans starting exactly at the right edge.
        let last_col = (width.ceil() as i64 - 1).max(0);
        let col = (x0.floor() as i64).min(last_col);
        match &mut pending {
            Some((pcol, rep, rep_dur, count)) if *pcol == col => {
                *count += 1;
                if d > *rep_dur {
                    *rep = i;
                    *rep_dur = d;
                }
            }
            _ => {
                flush(&mut pending, out);
                pending = Some((col, i, d, 1));
            }
        }
    }
    flush(&mut pending, out);
}

/// The descendants of the span at preorder position `pos` (not the span itself) as intervals
/// sorted by start: what a collapsed row draws in its own row, through [`RowIndex`] and
/// [`lod_row_range`], so a collapsed subtree of any size costs O(width) per frame once built.
pub fn subtree_intervals(
    tree: &crate::rows::TreeRows,
    pos: u32,
    start: &[u64],
    dur: &[u64],
) -> Vec<(u64, u64)> {
    let pos = pos as usize;
    let len = tree.subtree_len().get(pos).copied().unwrap_or(1) as usize;
    let end = (pos + len).min(tree.len());
    let mut out: Vec<(u64, u64)> = tree.order()[(pos + 1).min(end)..end]
        .iter()
        .map(|&span| {
            let s = span as usize;
            (
                start.get(s).copied().unwrap_or(0),
                dur.get(s).copied().unwrap_or(0),
            )
        })
        .collect();
    out.sort_by_key(|&(s, _)| s);
    out
}

/// Minimap density: for each of `width` pixel columns over `extent`, the average number of
/// spans active during that column's time slice (coverage; 1.0 = one span all along). One pass
/// over the spans plus one over the columns: a span covering many columns adds its interior
/// through a difference array, so the cost is O(spans + width), not O(spans x width).
/// Spans need not be sorted. Zero-length spans count as 1 ns.
pub fn minimap_density(spans: &[(u64, u64)], extent: (u64, u64), width: usize) -> Vec<f32> {
    minimap_density_iter(spans.iter().copied(), extent, width)
}

/// [`minimap_density`] over `(start, duration)` pairs from any source, e.g. two columns zipped,
/// so a million-span trace needs no temporary pair vector.
pub fn minimap_density_iter(
    spans: impl Iterator<Item = (u64, u64)>,
    extent: (u64, u64),
    width: usize,
) -> Vec<f32> {
    if width == 0 {
        return Vec::new();
    }
    let (e0, e1) = extent;
    if e1 <= e0 {
        return vec![0.0; width];
    }
    let ns_per_col = (e1 - e0) as f64 / width as f64;
    let w = width as f64;
    let mut partial = vec![0f64; width];
    let mut diff = vec![0f64; width + 1];
    for (s, d) in spans {
        let end = s.saturating_add(d.max(1));
        if end <= e0 || s >= e1 {
            continue;
        }
        let a = ((s.max(e0) - e0) as f64 / ns_per_col).clamp(0.0, w);
        let b = ((end.min(e1) - e0) as f64 / ns_per_col).clamp(0.0, w);
        let ca = (a.floor() as usize).min(width - 1);
        let cb = b.floor() as usize; // may equal width when the span reaches the end
        if ca == cb || cb == ca + 1 && b == cb as f64 {
            partial[ca] += b - a;
            continue;
        }
        partial[ca] += (ca + 1) as f64 - a;
        if cb < width {
            partial[cb] += b - cb as f64;
        }
        // Columns strictly between ca and cb are fully covered.
        diff[ca + 1] += 1.0;
        diff[cb.min(width)] -= 1.0;
    }
    let mut run = 0.0;
    (0..width)
        .map(|c| {
            run += diff[c];
            (partial[c] + run) as f32
        })
        .collect()
}

/// Scales densities to `0..=1` by their maximum (all zero stays all zero), for an opacity or
/// a bar height.
pub fn normalize_max(values: &mut [f32]) {
    let max = values.iter().copied().fold(0f32, f32::max);
    if max > 0.0 {
        values.iter_mut().for_each(|v| *v /= max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(end: u64, width: f64) -> TimeScale {
        TimeScale::new((0, end), width).with_min_window(10)
    }

    #[test]
    fn wide_spans_are_drawn_as_is() {
        let s = scale(1000, 100.0); // 10 ns per px
        let spans = [(0, 100), (200, 50), (500, 500)];
        let mut out = Vec::new();
        lod_row(&spans, &s, &mut out);
        assert_eq!(
            out,
            [
                DrawRect {
                    x0: 0.0,
                    x1: 10.0,
                    index: 0,
                    count: 1
                },
                DrawRect {
                    x0: 20.0,
                    x1: 25.0,
                    index: 1,
                    count: 1
                },
                DrawRect {
                    x0: 50.0,
                    x1: 100.0,
                    index: 2,
                    count: 1
                },
            ]
        );
    }

    #[test]
    fn narrow_spans_merge_per_pixel_keeping_the_longest() {
        let s = scale(1000, 100.0); // 10 ns per px
                                    // Three tiny spans in pixel 3 (30..40 ns), one in pixel 4.
        let spans = [(30, 1), (32, 5), (35, 2), (41, 3)];
        let mut out = Vec::new();
        lod_row(&spans, &s, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0],
            DrawRect {
                x0: 3.0,
                x1: 4.0,
                index: 1,
                count: 3
            }
        );
        assert!(out[0].is_merged());
        assert_eq!(
            out[1],
            DrawRect {
                x0: 4.0,
                x1: 5.0,
                index: 3,
                count: 1
            }
        );
    }

    #[test]
    fn output_is_bounded_by_width_not_span_count() {
        let width = 200.0;
        let n = 100_000u64;
        let spans: Vec<(u64, u64)> = (0..n).map(|i| (i * 10, 3 + i % 5)).collect();
        let s = scale(n * 10, width);
        let mut out = Vec::new();
        lod_row(&spans, &s, &mut out);
        assert!(out.len() <= width as usize + 1, "{} rects", out.len());
        assert_eq!(out.iter().map(|r| r.count as u64).sum::<u64>(), n);
        // Every representative is the longest span of its bucket (durations 3..=7 repeat).
        assert!(out.iter().all(|r| spans[r.index as usize].1 == 7));
    }

    #[test]
    fn wide_span_splits_buckets_and_order_is_kept() {
        let s = scale(1000, 100.0);
        let spans = [(10, 1), (12, 2), (15, 40), (16, 1)];
        let mut out = Vec::new();
        lod_row(&spans, &s, &mut out);
        let idx: Vec<(u32, u32)> = out.iter().map(|r| (r.index, r.count)).collect();
        assert_eq!(idx, [(1, 2), (2, 1), (3, 1)]);
    }

    #[test]
    fn window_culls_and_clamps() {
        let mut s = scale(10_000, 100.0);
        s.set_window(1_000, 2_000); // 10 ns per px
        let spans = [(0, 500), (500, 1_000), (1_500, 100), (2_500, 10)];
        let idx = RowIndex::new(&spans);
        let r = idx.visible_range(&spans, s.start_ns(), s.end_ns());
        assert_eq!(r, 1..3);
        let mut out = Vec::new();
        lod_row_range(&spans, r, &s, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!((out[0].x0, out[0].x1, out[0].index), (0.0, 50.0, 1));
        assert_eq!((out[1].x0, out[1].x1, out[1].index), (50.0, 60.0, 2));
        // Without the index the same result, culling by overlap.
        let mut all = Vec::new();
        lod_row(&spans, &s, &mut all);
        assert_eq!(all, out);
    }

    #[test]
    fn row_index_sees_long_early_span() {
        // A long span starting at 0 still covers the window at 5000; a binary search on
        // start alone would miss it.
        let spans = [(0, 10_000), (100, 10), (200, 10), (6_000, 10)];
        let idx = RowIndex::new(&spans);
        assert_eq!(idx.visible_range(&spans, 5_000, 5_500), 0..3);
        assert_eq!(idx.visible_range(&spans, 20_000, 30_000), 4..4);
        assert_eq!(RowIndex::new(&[]).visible_range(&[], 0, 10), 0..0);
        let idx = RowIndex::new(&[(0, 5), (10, 5)]);
        assert_eq!(idx.visible_range(&[(0, 5), (10, 5)], 6, 9), 1..1);
    }

    #[test]
    fn bucket_at_right_edge_stays_in_bounds() {
        let s = scale(1000, 100.0);
        let spans = [(999, 1), (1000, 0)];
        let mut out = Vec::new();
        lod_row(&spans, &s, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].x0, out[0].x1, out[0].count), (99.0, 100.0, 2));
    }

    #[test]
    fn density_counts_coverage_per_column() {
        // Extent 0..100 over 10 columns (10 ns each).
        let d = minimap_density(&[(0, 50)], (0, 100), 10);
        assert_eq!(d, [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let d = minimap_density(&[(5, 20), (0, 100), (95, 1000)], (0, 100), 10);
        let want = [1.5, 2.0, 1.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.5];
        for (a, b) in d.iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{d:?}");
        }
        // Tiny span inside one column, zero-length span, span outside the extent.
        let d = minimap_density(&[(12, 2), (30, 0), (500, 5)], (0, 100), 10);
        assert!((d[1] - 0.2).abs() < 1e-6 && (d[3] - 0.1).abs() < 1e-6);
        assert_eq!(d.iter().filter(|v| **v > 0.0).count(), 2);
    }

    #[test]
    fn density_many_spans_and_degenerate_inputs() {
        let spans: Vec<(u64, u64)> = (0..10_000).map(|i| (i * 100, 100)).collect();
        let mut d = minimap_density(&spans, (0, 1_000_000), 250);
        assert_eq!(d.len(), 250);
        assert!(d.iter().all(|v| (v - 1.0).abs() < 1e-4));
        normalize_max(&mut d);
        assert!(d.iter().all(|v| (v - 1.0).abs() < 1e-4));
        assert!(minimap_density(&spans, (0, 10), 0).is_empty());
        assert_eq!(minimap_density(&spans, (10, 10), 3), [0.0; 3]);
        let mut z = vec![0.0f32; 4];
        normalize_max(&mut z);
        assert_eq!(z, [0.0; 4]);
        let mut v = vec![1.0f32, 4.0, 2.0];
        normalize_max(&mut v);
        assert_eq!(v, [0.25, 1.0, 0.5]);
    }

    #[test]
    fn subtree_intervals_are_the_descendants_sorted_by_start() {
        // 0 -> {1 -> {3}, 2}, 4 is another root.
        let parent = [None, Some(0), Some(0), Some(1), None];
        let start = [0u64, 50, 10, 60, 5];
        let dur = [100, 20, 5, 1, 3];
        let tree = crate::rows::tree_of(&parent, &start.map(|s| s as i64));
        let root = tree.position_of(0).unwrap();
        assert_eq!(
            subtree_intervals(&tree, root, &start, &dur),
            vec![(10, 5), (50, 20), (60, 1)]
        );
        let leaf = tree.position_of(3).unwrap();
        assert!(subtree_intervals(&tree, leaf, &start, &dur).is_empty());
        assert!(subtree_intervals(&tree, 99, &start, &dur).is_empty());
    }
}
