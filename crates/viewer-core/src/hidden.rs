//! What a collapsed row draws in place of the spans it hides: where its descendants are busy,
//! faintly, aggregated per pixel column.
//!
//! A small subtree keeps its exact intervals, sorted, behind a [`RowIndex`]. A large one (a
//! collapsed root of a million spans) becomes a coverage bitmap over fine time buckets: built in
//! one pass without sorting, drawn in O(pixel columns + buckets in view), so neither cost grows
//! with the number of hidden spans. Past the bucket resolution (deep zoom into a huge collapsed
//! subtree) the faint bars are at most one bucket wider than the spans they stand for.

use crate::lod::{lod_row_range, subtree_intervals, DrawRect, RowIndex};
use crate::rows::TreeRows;
use crate::time_scale::TimeScale;
use std::ops::Range;

/// Subtrees up to this many descendants keep exact intervals (sorting them takes well under a
/// millisecond); larger ones become a [`Coverage`].
pub const EXACT_UP_TO: usize = 20_000;

/// Buckets of a coverage bitmap: 128 KB, about 1 µs per bucket over a one-second subtree.
pub const COVERAGE_BUCKETS: u64 = 1 << 20;

/// A collapsed row's hidden descendants, as the row draws them.
#[derive(Debug, Clone, PartialEq)]
pub enum HiddenSpans {
    Exact {
        /// Sorted by start.
        spans: Vec<(u64, u64)>,
        index: RowIndex,
    },
    Coverage(Coverage),
}

impl HiddenSpans {
    /// The descendants of the span at preorder position `pos` (not the span itself).
    pub fn of_subtree(tree: &TreeRows, pos: u32, start: &[u64], dur: &[u64]) -> Self {
        let descendants = descendant_positions(tree, pos);
        if descendants.len() <= EXACT_UP_TO {
            let spans = subtree_intervals(tree, pos, start, dur);
            let index = RowIndex::new(&spans);
            return HiddenSpans::Exact { spans, index };
        }
        let span_at = |s: usize| {
            (
                start.get(s).copied().unwrap_or(0),
                dur.get(s).copied().unwrap_or(0),
            )
        };
        let order = tree.order();
        // A lone root collapsed ("collapse all") hides every other span: read the columns in
        // index order, not scattered by preorder (a third of the time at a million spans).
        if descendants.len() + 1 == tree.len() {
            let own = order[pos as usize] as usize;
            let others = (0..tree.len()).filter(move |&s| s != own).map(span_at);
            return HiddenSpans::Coverage(Coverage::build(others));
        }
        let intervals = descendants.map(|p| span_at(order[p] as usize));
        HiddenSpans::Coverage(Coverage::build(intervals))
    }

    /// The pixel ranges `[x0, x1)` that hold hidden spans under `scale`, left to right. `out`
    /// is cleared and reused; `rects` is scratch space for the exact path.
    pub fn ranges(&self, scale: &TimeScale, rects: &mut Vec<DrawRect>, out: &mut Vec<(f64, f64)>) {
        out.clear();
        match self {
            HiddenSpans::Exact { spans, index } => {
                let visible = index.visible_range(spans, scale.start_ns(), scale.end_ns());
                lod_row_range(spans, visible, scale, rects);
                out.extend(rects.iter().map(|r| (r.x0, r.x1.max(r.x0 + 1.0))));
            }
            HiddenSpans::Coverage(c) => c.ranges(scale, out),
        }
    }
}

/// Preorder positions of the first `limit` roots that hide more than [`EXACT_UP_TO`] and at
/// most `at_most` spans when collapsed: the coverages worth building before anybody collapses
/// them, and cheap enough to build in one go. O(roots).
pub fn large_roots(tree: &TreeRows, limit: usize, at_most: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < tree.len() && out.len() < limit {
        let len = tree.subtree_len()[pos].max(1) as usize;
        if (EXACT_UP_TO + 1..=at_most as usize).contains(&(len - 1)) {
            out.push(pos as u32);
        }
        pos += len;
    }
    out
}

/// Preorder positions of the descendants of `pos`: a contiguous run after it.
fn descendant_positions(tree: &TreeRows, pos: u32) -> Range<usize> {
    let pos = pos as usize;
    let len = tree.subtree_len().get(pos).copied().unwrap_or(1) as usize;
    let end = (pos + len).min(tree.len());
    (pos + 1).min(end)..end
}

/// Which time buckets at least one span covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Time of bucket 0's start.
    start: u64,
    /// Length of a bucket (at least 1 ns).
    bucket_ns: u64,
    buckets: u64,
    /// One bit per bucket.
    busy: Vec<u64>,
}

impl Coverage {
    /// O(spans + buckets): a difference array marks each span's buckets, no sorting. Spans of
    /// zero length cover their one bucket.
    pub fn build(spans: impl Iterator<Item = (u64, u64)> + Clone) -> Self {
        // One pass for both ends: each pass reads every hidden span's columns.
        let (start, end) = spans
            .clone()
            .fold(None, |ends: Option<(u64, u64)>, (s, d)| {
                let e = s.saturating_add(d);
                Some(ends.map_or((s, e), |(lo, hi)| (lo.min(s), hi.max(e))))
            })
            .unwrap_or((0, 0));
        let extent = end.saturating_sub(start).saturating_add(1);
        let bucket_ns = extent.div_ceil(COVERAGE_BUCKETS).max(1);
        let buckets = extent.div_ceil(bucket_ns);
        let mut depth = vec![0i32; buckets as usize + 1];
        for (s, d) in spans {
            let first = (s - start) / bucket_ns;
            let last = (s.saturating_add(d) - start) / bucket_ns;
            depth[first as usize] += 1;
            depth[last as usize + 1] -= 1;
        }
        let mut busy = vec![0u64; (buckets as usize).div_ceil(64)];
        let mut running = 0i32;
        for (b, step) in depth.iter().take(buckets as usize).enumerate() {
            running += step;
            if running > 0 {
                busy[b / 64] |= 1 << (b % 64);
            }
        }
        Coverage {
            start,
            bucket_ns,
            buckets,
            busy,
        }
    }

    /// Whether any bucket in `first..=last` is busy (word at a time).
    fn any_busy(&self, first: u64, last: u64) -> bool {
        let last = last.min(self.buckets.saturating_sub(1));
        let mut b = first;
        while b <= last {
            let word = self.busy[(b / 64) as usize];
            let from = b % 64;
            let to = if b / 64 == last / 64 { last % 64 } else { 63 };
            let mask = (u64::MAX >> (63 - to)) & (u64::MAX << from);
            if word & mask != 0 {
                return true;
            }
            b = (b / 64 + 1) * 64;
        }
        false
    }

    /// Busy pixel columns under `scale`, merged into ranges.
    fn ranges(&self, scale: &TimeScale, out: &mut Vec<(f64, f64)>) {
        let end = self.start + self.buckets * self.bucket_ns;
        let columns = scale.width_px().ceil() as usize;
        for col in 0..columns {
            let from = scale.px_to_ns(col as f64);
            let to = scale.px_to_ns(col as f64 + 1.0);
            if to < self.start || from >= end {
                continue;
            }
            // The column holds [from, to): its last nanosecond is to - 1.
            let first = from.saturating_sub(self.start) / self.bucket_ns;
            let last =
                (to.saturating_sub(1).saturating_sub(self.start) / self.bucket_ns).max(first);
            if !self.any_busy(first, last) {
                continue;
            }
            let x0 = col as f64;
            match out.last_mut() {
                Some(range) if range.1 >= x0 => range.1 = x0 + 1.0,
                _ => out.push((x0, x0 + 1.0)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(extent: u64, width: f64) -> TimeScale {
        TimeScale::new((0, extent), width)
    }

    #[test]
    fn coverage_marks_the_buckets_spans_cover() {
        // 0..=99 busy, 100..=199 idle, 200..=300 busy, over 1000 ns drawn on 10 px.
        let c = Coverage::build([(0, 99), (50, 10), (200, 100)].into_iter());
        let mut out = Vec::new();
        c.ranges(&scale(1000, 10.0), &mut out);
        assert_eq!(out, [(0.0, 1.0), (2.0, 4.0)]);
    }

    #[test]
    fn busy_words_are_checked_across_their_edges() {
        let c = Coverage::build([(0, 0), (130, 0), (4000, 0)].into_iter());
        assert!(c.any_busy(0, 0));
        assert!(!c.any_busy(1, 129));
        assert!(c.any_busy(64, 200));
        assert!(!c.any_busy(131, 3999));
        assert!(
            c.any_busy(131, 10_000),
            "the last bucket, past which nothing is"
        );
    }

    #[test]
    fn large_roots_are_the_roots_hiding_more_than_the_exact_limit() {
        // Roots at indices 0 (a leaf), 1 (EXACT_UP_TO children), 2 (one more), 3 (two more).
        let big = EXACT_UP_TO as u32;
        let mut parent: Vec<Option<u32>> = vec![None; 4];
        parent.extend((0..big).map(|_| Some(1)));
        parent.extend((0..big + 1).map(|_| Some(2)));
        parent.extend((0..big + 2).map(|_| Some(3)));
        let start: Vec<i64> = (0..parent.len() as i64).collect();
        let tree = crate::rows::tree_of(&parent, &start);
        let spans = |roots: Vec<u32>| -> Vec<u32> {
            roots.iter().map(|&p| tree.order()[p as usize]).collect()
        };
        assert_eq!(spans(large_roots(&tree, 8, u32::MAX)), [2, 3]);
        assert_eq!(spans(large_roots(&tree, 1, u32::MAX)), [2]);
        assert_eq!(spans(large_roots(&tree, 8, big + 1)), [2]);
        assert!(large_roots(&tree, 8, big).is_empty());
    }

    #[test]
    fn a_collapsed_lone_root_hides_exactly_the_other_spans() {
        // The root is the last span and covers everything; its children leave gaps.
        let n = EXACT_UP_TO as u32 + 5;
        let root = n - 1;
        let parent: Vec<Option<u32>> = (0..n).map(|i| (i != root).then_some(root)).collect();
        let start: Vec<u64> = (0..n as u64)
            .map(|i| if i == root as u64 { 0 } else { i * 100 })
            .collect();
        let dur: Vec<u64> = (0..n as u64)
            .map(|i| if i == root as u64 { n as u64 * 100 } else { 10 })
            .collect();
        let signed: Vec<i64> = start.iter().map(|&s| s as i64).collect();
        let tree = crate::rows::tree_of(&parent, &signed);
        let hidden = HiddenSpans::of_subtree(&tree, 0, &start, &dur);
        let by_preorder = Coverage::build(
            (1..tree.len())
                .map(|p| tree.order()[p] as usize)
                .map(|s| (start[s], dur[s])),
        );
        // Had the root (busy from end to end) been counted, every bucket would be busy.
        assert_eq!(hidden, HiddenSpans::Coverage(by_preorder));
        let mut out = Vec::new();
        hidden.ranges(
            &scale(n as u64 * 100, n as f64 * 2.0),
            &mut Vec::new(),
            &mut out,
        );
        assert!(out.len() > 1, "gaps between the children: {}", out.len());
    }

    #[test]
    fn small_subtrees_stay_exact_large_ones_become_coverage() {
        // A root with n children in a row, each 10 ns long, one every 100 ns.
        let tree_of = |n: u32| {
            let parent: Vec<Option<u32>> = (0..=n).map(|i| (i > 0).then_some(0)).collect();
            let start: Vec<i64> = (0..=n as i64).map(|i| i * 100).collect();
            crate::rows::tree_of(&parent, &start)
        };
        let columns = |n: u32| {
            let start: Vec<u64> = (0..=n as u64).map(|i| i * 100).collect();
            let dur: Vec<u64> = (0..=n)
                .map(|i| if i == 0 { n as u64 * 100 } else { 10 })
                .collect();
            (start, dur)
        };
        let small = EXACT_UP_TO as u32;
        let (start, dur) = columns(small);
        let hidden = HiddenSpans::of_subtree(&tree_of(small), 0, &start, &dur);
        assert!(
            matches!(hidden, HiddenSpans::Exact { ref spans, .. } if spans.len() == small as usize)
        );
        let large = small + 1;
        let (start, dur) = columns(large);
        let hidden = HiddenSpans::of_subtree(&tree_of(large), 0, &start, &dur);
        assert!(matches!(hidden, HiddenSpans::Coverage(_)));
        // Zoomed out, every column is busy; zoomed into one gap, nothing is.
        let (mut rects, mut out) = (Vec::new(), Vec::new());
        hidden.ranges(&scale(large as u64 * 100, 100.0), &mut rects, &mut out);
        assert_eq!(out, [(0.0, 100.0)]);
        let mut gap = TimeScale::new((0, large as u64 * 100), 100.0).with_min_window(1);
        gap.set_window(140, 180);
        hidden.ranges(&gap, &mut rects, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }
}
