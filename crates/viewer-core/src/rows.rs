//! The visible-row model of the timeline tree.
//!
//! The tree is stored once as preorder arrays ([`TreeRows`]): a span's subtree is the
//! contiguous run `pos..pos + subtree_len[pos]`. That makes "skip a collapsed subtree" a single
//! addition, so the visible rows are computed in O(visible + collapsed skips) rather than
//! O(spans), and the per-frame work is only slicing that list by the scroll viewport.
//!
//! Everything is iterative (explicit stacks, reverse passes): a pathological trace with a
//! parent chain 100,000 deep must not overflow the (small, wasm) stack.
//!
//! Vocabulary: a *span* is an index into the caller's columns; a *position* (`pos`) is an index
//! into the preorder arrays; a *row* is an index into the visible-rows list.

use crate::bitset::BitSet;
use std::ops::Range;

/// Marker for "no parent" in [`TreeRows::parent_pos`].
pub const NO_PARENT: u32 = u32::MAX;

/// The span tree flattened in preorder, children ordered by start time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TreeRows {
    order: Vec<u32>,
    depth: Vec<u16>,
    subtree_len: Vec<u32>,
    parent_pos: Vec<u32>,
    pos_of: Vec<u32>,
}

impl TreeRows {
    /// Builds the preorder from each span's parent and start time.
    ///
    /// - Children (and roots) are ordered by start, ties by span index (stable, deterministic).
    /// - A parent that is out of range or the span itself makes the span a root (orphan).
    /// - A parent chain that loops is broken at one member of the loop: the one that starts
    ///   first (ties: lowest index) becomes a root, the rest of the loop hangs below it. Every
    ///   span appears exactly once.
    /// - A missing `start` entry (shorter slice) counts as 0.
    /// - Depths saturate at `u16::MAX` (indentation is capped long before that anyway).
    ///
    /// O(n log n) for the sort, O(n) otherwise, no recursion. Panics only if there are
    /// `u32::MAX` or more spans, which cannot be held in memory in the browser anyway.
    pub fn build(parent: &[Option<u32>], start: &[u64]) -> Self {
        let n = parent.len();
        assert!(n < NO_PARENT as usize, "too many spans for u32 indices");
        let start_of = |i: usize| start.get(i).copied().unwrap_or(0);
        let valid_parent = |i: usize| -> u32 {
            match parent[i] {
                Some(p) if (p as usize) < n && p as usize != i => p,
                _ => NO_PARENT,
            }
        };
        let mut eff_parent: Vec<u32> = (0..n).map(valid_parent).collect();

        // Break cycles: walk each unvisited chain upwards; meeting a span that is on the current
        // path means the path's tail from there is a loop.
        const UNSEEN: u8 = 0;
        const ON_PATH: u8 = 1;
        const DONE: u8 = 2;
        let mut state = vec![UNSEEN; n];
        let mut path: Vec<u32> = Vec::new();
        for i in 0..n {
            let mut cur = i as u32;
            loop {
                match state[cur as usize] {
                    DONE => break,
                    ON_PATH => {
                        let from = path.iter().rposition(|&p| p == cur).unwrap_or(0);
                        let root = path[from..]
                            .iter()
                            .copied()
                            .min_by_key(|&s| (start_of(s as usize), s));
                        if let Some(r) = root {
                            eff_parent[r as usize] = NO_PARENT;
                        }
                        break;
                    }
                    _ => {
                        state[cur as usize] = ON_PATH;
                        path.push(cur);
                        let p = eff_parent[cur as usize];
                        if p == NO_PARENT {
                            break;
                        }
                        cur = p;
                    }
                }
            }
            for &p in &path {
                state[p as usize] = DONE;
            }
            path.clear();
        }

        // Children lists (CSR), filled in start order so each list is sorted by start.
        let mut by_start: Vec<u32> = (0..n as u32).collect();
        by_start.sort_unstable_by_key(|&i| (start_of(i as usize), i));
        let mut child_off = vec![0u32; n + 1];
        for &p in &eff_parent {
            if p != NO_PARENT {
                child_off[p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            child_off[i + 1] += child_off[i];
        }
        let mut fill = child_off.clone();
        let mut children = vec![0u32; child_off[n] as usize];
        let mut roots = Vec::new();
        for &s in &by_start {
            let p = eff_parent[s as usize];
            if p == NO_PARENT {
                roots.push(s);
            } else {
                children[fill[p as usize] as usize] = s;
                fill[p as usize] += 1;
            }
        }
        drop(by_start);
        drop(fill);

        // Iterative preorder DFS.
        let mut order = Vec::with_capacity(n);
        let mut depth: Vec<u16> = Vec::with_capacity(n);
        let mut parent_pos = Vec::with_capacity(n);
        let mut pos_of = vec![NO_PARENT; n];
        let mut stack: Vec<u32> = roots.iter().rev().copied().collect();
        while let Some(s) = stack.pop() {
            let pos = order.len() as u32;
            order.push(s);
            pos_of[s as usize] = pos;
            let p = eff_parent[s as usize];
            if p == NO_PARENT {
                parent_pos.push(NO_PARENT);
                depth.push(0);
            } else {
                let pp = pos_of[p as usize];
                parent_pos.push(pp);
                depth.push(depth[pp as usize].saturating_add(1));
            }
            let kids =
                &children[child_off[s as usize] as usize..child_off[s as usize + 1] as usize];
            stack.extend(kids.iter().rev());
        }

        // Subtree sizes: children come after their parent in preorder, so a reverse pass sees
        // every subtree complete before adding it to its parent.
        let mut subtree_len = vec![1u32; n];
        for pos in (0..n).rev() {
            let pp = parent_pos[pos];
            if pp != NO_PARENT {
                subtree_len[pp as usize] += subtree_len[pos];
            }
        }
        TreeRows {
            order,
            depth,
            subtree_len,
            parent_pos,
            pos_of,
        }
    }

    /// Number of spans (= positions).
    /// Rebuilds the tree from its preorder arrays (as computed by `build` elsewhere, e.g. in
    /// the parsing worker), in O(n) so the page does not sort a million spans again.
    /// Returns `None` when the arrays are inconsistent (different lengths, a span index out of
    /// range or repeated, a subtree running past the end, a depth that does not follow its
    /// parent's).
    pub fn from_preorder(order: Vec<u32>, depth: Vec<u16>, subtree_len: Vec<u32>) -> Option<Self> {
        let n = order.len();
        if depth.len() != n || subtree_len.len() != n || n >= NO_PARENT as usize {
            return None;
        }
        let mut pos_of = vec![NO_PARENT; n];
        for (pos, &span) in order.iter().enumerate() {
            let slot = pos_of.get_mut(span as usize)?;
            if *slot != NO_PARENT {
                return None;
            }
            *slot = pos as u32;
        }
        // Parent position: the nearest open ancestor on a stack of (pos, subtree end).
        let mut parent_pos = vec![NO_PARENT; n];
        let mut stack: Vec<(u32, usize)> = Vec::new();
        for pos in 0..n {
            let end = pos.checked_add(subtree_len[pos] as usize)?;
            if subtree_len[pos] == 0 || end > n {
                return None;
            }
            while stack.last().is_some_and(|&(_, e)| e <= pos) {
                stack.pop();
            }
            match stack.last() {
                Some(&(p, e)) => {
                    if end > e || depth[pos] != depth[p as usize].saturating_add(1) {
                        return None;
                    }
                    parent_pos[pos] = p;
                }
                None if depth[pos] != 0 => return None,
                None => {}
            }
            stack.push((pos as u32, end));
        }
        Some(TreeRows {
            order,
            depth,
            subtree_len,
            parent_pos,
            pos_of,
        })
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }
    /// True for an empty trace.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
    /// Position -> span index.
    pub fn order(&self) -> &[u32] {
        &self.order
    }
    /// Position -> depth (0 for roots, saturating).
    pub fn depth(&self) -> &[u16] {
        &self.depth
    }
    /// Position -> number of positions in the subtree, itself included.
    pub fn subtree_len(&self) -> &[u32] {
        &self.subtree_len
    }
    /// Position -> parent position, or [`NO_PARENT`].
    pub fn parent_pos(&self) -> &[u32] {
        &self.parent_pos
    }
    /// Span index -> position (`None` for an index out of range).
    pub fn position_of(&self, span: u32) -> Option<u32> {
        self.pos_of.get(span as usize).copied()
    }
    /// True when the span at `pos` has children (draw a disclosure chevron).
    pub fn has_children(&self, pos: u32) -> bool {
        self.subtree_len.get(pos as usize).is_some_and(|&l| l > 1)
    }
    /// Largest depth in the tree (for a "collapse to level" menu).
    pub fn max_depth(&self) -> u16 {
        self.depth.iter().copied().max().unwrap_or(0)
    }
}

/// Which spans are collapsed: a bitset over span indices (not positions), so it survives
/// switching filter mode on and off and can be stored per trace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Collapsed {
    bits: BitSet,
}

impl Collapsed {
    /// Nothing collapsed, for `n_spans` spans.
    pub fn new(n_spans: usize) -> Self {
        Collapsed {
            bits: BitSet::new(n_spans),
        }
    }
    /// Is `span` collapsed?
    pub fn is_collapsed(&self, span: u32) -> bool {
        self.bits.contains(span)
    }
    /// Collapses or expands one span.
    pub fn set(&mut self, span: u32, collapsed: bool) {
        self.bits.set(span, collapsed);
    }
    /// Flips one span; returns whether it is now collapsed.
    pub fn toggle(&mut self, span: u32) -> bool {
        self.bits.toggle(span)
    }
    /// Expands everything.
    pub fn expand_all(&mut self) {
        self.bits.clear();
    }
    /// Collapses every span that has children (only roots stay visible).
    pub fn collapse_all(&mut self, tree: &TreeRows) {
        self.collapse_to_depth(tree, 0);
    }
    /// Shows levels `0..=level`: every span at depth >= `level` with children is collapsed,
    /// every shallower one expanded. Expanding one of them then reveals one more level.
    pub fn collapse_to_depth(&mut self, tree: &TreeRows, level: u16) {
        self.bits.clear();
        for pos in 0..tree.len() {
            if tree.depth[pos] >= level && tree.subtree_len[pos] > 1 {
                self.bits.set(tree.order[pos], true);
            }
        }
    }
    /// Expands every ancestor of `span` so it becomes visible (selection from search, a link).
    /// O(depth).
    pub fn reveal(&mut self, tree: &TreeRows, span: u32) {
        let Some(mut pos) = tree.position_of(span) else {
            return;
        };
        loop {
            let pp = tree.parent_pos[pos as usize];
            if pp == NO_PARENT {
                break;
            }
            self.bits.set(tree.order[pp as usize], false);
            pos = pp;
        }
    }
    /// Number of collapsed spans.
    pub fn count(&self) -> usize {
        self.bits.count()
    }
    /// The collapsed spans, in index order.
    pub fn spans(&self) -> impl Iterator<Item = u32> + '_ {
        self.bits.iter()
    }
}

/// Visible rows with the collapse state: fills `out` (cleared first, reused across calls to
/// avoid allocation) with positions in preorder. O(visible rows + collapsed skips).
pub fn visible_rows(tree: &TreeRows, collapsed: &Collapsed, out: &mut Vec<u32>) {
    walk(tree, collapsed, |_| true, out);
}

/// The preorder walk both modes share: a position that is not kept, or a collapsed one after
/// it is listed, skips its whole subtree.
fn walk(tree: &TreeRows, collapsed: &Collapsed, keep: impl Fn(u32) -> bool, out: &mut Vec<u32>) {
    out.clear();
    let n = tree.len();
    let mut pos = 0usize;
    while pos < n {
        let kept = keep(pos as u32);
        if kept {
            out.push(pos as u32);
        }
        if !kept || collapsed.is_collapsed(tree.order[pos]) {
            pos += tree.subtree_len[pos].max(1) as usize;
        } else {
            pos += 1;
        }
    }
}

/// Filter mode: only spans in `matches` (a set of span indices) and their ancestors are
/// visible, in preorder; a collapsed visible span still hides its subtree (pass an empty
/// [`Collapsed`] to show every match). O(spans), run once per filter change, not per frame.
pub fn visible_rows_filtered(
    tree: &TreeRows,
    collapsed: &Collapsed,
    matches: &BitSet,
    out: &mut Vec<u32>,
) {
    let n = tree.len();
    // keep[pos]: the position is a match or has a matching descendant. Reverse preorder sees
    // children before parents, so one pass propagates marks to all ancestors.
    let mut keep = BitSet::new(n);
    for pos in (0..n).rev() {
        if matches.contains(tree.order[pos]) {
            keep.set(pos as u32, true);
        }
        if keep.contains(pos as u32) {
            let pp = tree.parent_pos[pos];
            if pp != NO_PARENT {
                keep.set(pp, true);
            }
        }
    }
    walk(tree, collapsed, |pos| keep.contains(pos), out);
}

/// The rows intersecting a vertical viewport: `scroll_top_px` from the top of the row list,
/// `height_px` tall, rows `row_height_px` tall, plus `overscan` rows each side (to hide
/// pop-in while scrolling). Always within `0..total_rows`.
pub fn row_range(
    scroll_top_px: f64,
    height_px: f64,
    row_height_px: f64,
    total_rows: usize,
    overscan: usize,
) -> Range<usize> {
    let usable = |v: f64| v.is_finite() && v > 0.0;
    if !usable(row_height_px) || !usable(height_px) {
        return 0..0;
    }
    let top = if scroll_top_px.is_finite() {
        scroll_top_px.max(0.0)
    } else {
        0.0
    };
    let first = (top / row_height_px).floor() as usize;
    let last = ((top + height_px) / row_height_px).ceil() as usize;
    let first = first.saturating_sub(overscan).min(total_rows);
    let last = last.saturating_add(overscan).min(total_rows);
    first..last.max(first)
}

/// Row index of `span` in a visible-rows list (positions ascending, as produced above), or
/// `None` when it is hidden. O(log rows).
pub fn row_of_span(tree: &TreeRows, visible: &[u32], span: u32) -> Option<usize> {
    let pos = tree.position_of(span)?;
    visible.binary_search(&pos).ok()
}

/// New scroll offset that shows `row`: the current one if the row is already fully in view,
/// else one that centres it (a row moved to the very edge is easy to miss).
pub fn scroll_to_row(row: usize, scroll_top_px: f64, height_px: f64, row_height_px: f64) -> f64 {
    let top = row as f64 * row_height_px;
    let bottom = top + row_height_px;
    if top >= scroll_top_px && bottom <= scroll_top_px + height_px {
        return scroll_top_px;
    }
    (top - (height_px - row_height_px) / 2.0).max(0.0).round()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ```text
    /// 0 (start 0)
    /// ├─ 2 (start 5)
    /// │  └─ 4 (start 6)
    /// └─ 1 (start 10)
    ///    └─ 3 (start 11)
    /// 5 (start 1, parent 99: orphan -> root)
    /// ```
    fn sample() -> TreeRows {
        let parent = [None, Some(0), Some(0), Some(1), Some(2), Some(99)];
        let start = [0, 10, 5, 11, 6, 1];
        TreeRows::build(&parent, &start)
    }

    fn spans_of(tree: &TreeRows, rows: &[u32]) -> Vec<u32> {
        rows.iter().map(|&p| tree.order()[p as usize]).collect()
    }

    #[test]
    fn preorder_children_sorted_by_start_orphans_are_roots() {
        let t = sample();
        assert_eq!(t.order(), [0, 2, 4, 1, 3, 5]);
        assert_eq!(t.depth(), [0, 1, 2, 1, 2, 0]);
        assert_eq!(t.subtree_len(), [5, 2, 1, 2, 1, 1]);
        assert_eq!(t.parent_pos(), [NO_PARENT, 0, 1, 0, 3, NO_PARENT]);
        assert_eq!(t.position_of(1), Some(3));
        assert_eq!(t.position_of(6), None);
        assert!(t.has_children(0) && !t.has_children(2));
        assert_eq!(t.max_depth(), 2);
    }

    #[test]
    fn equal_starts_keep_index_order_and_self_parent_is_root() {
        let t = TreeRows::build(&[None, Some(0), Some(0), Some(3)], &[0, 7, 7, 2]);
        assert_eq!(t.order(), [0, 1, 2, 3]);
        assert_eq!(t.depth(), [0, 1, 1, 0]);
    }

    #[test]
    fn cycles_are_broken_at_earliest_member() {
        // 1 -> 2 -> 3 -> 1 is a loop; 4 hangs off 3; 0 is a normal root.
        let parent = [None, Some(2), Some(3), Some(1), Some(3)];
        let start = [0, 30, 10, 20, 25];
        let t = TreeRows::build(&parent, &start);
        // 2 starts first in the loop -> root; then 1 (child of 2), 3 (child of 1), 4 (of 3).
        assert_eq!(t.order(), [0, 2, 1, 3, 4]);
        assert_eq!(t.depth(), [0, 0, 1, 2, 3]);
        assert_eq!(t.len(), 5, "every span exactly once");
        // Two-cycle and missing starts.
        let t = TreeRows::build(&[Some(1), Some(0)], &[]);
        assert_eq!(t.order(), [0, 1]);
        assert_eq!(t.depth(), [0, 1]);
    }

    #[test]
    fn million_deep_chain_builds_without_stack_overflow() {
        let n = 1_000_000u32;
        let parent: Vec<Option<u32>> = (0..n).map(|i| i.checked_sub(1)).collect();
        let start: Vec<u64> = (0..n as u64).collect();
        let t = TreeRows::build(&parent, &start);
        assert_eq!(t.len(), n as usize);
        assert_eq!(t.subtree_len()[0], n);
        assert_eq!(t.depth()[100_000], u16::MAX, "depth saturates");
        assert_eq!(t.depth()[1_000], 1_000);
        let mut c = Collapsed::new(n as usize);
        c.set(0, true);
        let mut rows = Vec::new();
        visible_rows(&t, &c, &mut rows);
        assert_eq!(rows, [0]);
        c.reveal(&t, n - 1);
        visible_rows(&t, &c, &mut rows);
        assert_eq!(rows.len(), n as usize);
    }

    #[test]
    fn wide_tree_of_a_million_spans() {
        let n = 1_000_000u32;
        // Each span's parent is i/2 (a heap): depth ~20, reversed starts to exercise sorting.
        let parent: Vec<Option<u32>> = (0..n).map(|i| (i > 0).then(|| (i - 1) / 2)).collect();
        let start: Vec<u64> = (0..n as u64).rev().collect();
        let t = TreeRows::build(&parent, &start);
        assert_eq!(t.subtree_len()[0], n);
        // Preorder invariant: each subtree is contiguous and nested in its parent's.
        for pos in 1..t.len() {
            let pp = t.parent_pos()[pos] as usize;
            assert!(pp < pos);
            assert!(pos + t.subtree_len()[pos] as usize <= pp + t.subtree_len()[pp] as usize);
        }
    }

    #[test]
    fn collapse_skips_subtrees() {
        let t = sample();
        let mut c = Collapsed::new(6);
        let mut rows = Vec::new();
        visible_rows(&t, &c, &mut rows);
        assert_eq!(spans_of(&t, &rows), [0, 2, 4, 1, 3, 5]);
        assert!(c.toggle(2));
        visible_rows(&t, &c, &mut rows);
        assert_eq!(spans_of(&t, &rows), [0, 2, 1, 3, 5]);
        c.toggle(0);
        visible_rows(&t, &c, &mut rows);
        assert_eq!(spans_of(&t, &rows), [0, 5]);
        assert!(!c.toggle(0));
        visible_rows(&t, &c, &mut rows);
        assert_eq!(spans_of(&t, &rows), [0, 2, 1, 3, 5], "inner state kept");
        c.expand_all();
        assert_eq!(c.count(), 0);
    }

    #[test]
    fn collapse_all_and_to_depth() {
        let t = sample();
        let mut c = Collapsed::new(6);
        let mut rows = Vec::new();
        c.collapse_all(&t);
        visible_rows(&t, &c, &mut rows);
        assert_eq!(spans_of(&t, &rows), [0, 5]);
        assert_eq!(c.count(), 3, "only spans with children");
        c.collapse_to_depth(&t, 1);
        visible_rows(&t, &c, &mut rows);
        assert_eq!(spans_of(&t, &rows), [0, 2, 1, 5]);
        c.toggle(2);
        visible_rows(&t, &c, &mut rows);
        assert_eq!(spans_of(&t, &rows), [0, 2, 4, 1, 5]);
        c.collapse_to_depth(&t, 5);
        visible_rows(&t, &c, &mut rows);
        assert_eq!(rows.len(), 6);
    }

    #[test]
    fn reveal_expands_ancestors_only() {
        let t = sample();
        let mut c = Collapsed::new(6);
        c.collapse_all(&t);
        c.reveal(&t, 4);
        let mut rows = Vec::new();
        visible_rows(&t, &c, &mut rows);
        assert_eq!(spans_of(&t, &rows), [0, 2, 4, 1, 5]);
        assert!(c.is_collapsed(1));
        c.reveal(&t, 1234); // stale id: no panic
    }

    #[test]
    fn filter_mode_shows_matches_and_ancestors() {
        let t = sample();
        let mut m = BitSet::new(6);
        m.set(4, true);
        let mut rows = Vec::new();
        let none = Collapsed::new(6);
        visible_rows_filtered(&t, &none, &m, &mut rows);
        assert_eq!(spans_of(&t, &rows), [0, 2, 4]);
        m.set(5, true);
        m.set(1, true);
        visible_rows_filtered(&t, &none, &m, &mut rows);
        assert_eq!(
            spans_of(&t, &rows),
            [0, 2, 4, 1, 5],
            "3 not a match, not shown"
        );
        let mut c = Collapsed::new(6);
        c.set(2, true);
        visible_rows_filtered(&t, &c, &m, &mut rows);
        assert_eq!(spans_of(&t, &rows), [0, 2, 1, 5]);
        visible_rows_filtered(&t, &none, &BitSet::new(6), &mut rows);
        assert!(rows.is_empty());
    }

    #[test]
    fn viewport_row_range() {
        assert_eq!(row_range(0.0, 100.0, 20.0, 1000, 0), 0..5);
        assert_eq!(row_range(30.0, 100.0, 20.0, 1000, 0), 1..7);
        assert_eq!(row_range(30.0, 100.0, 20.0, 1000, 2), 0..9);
        assert_eq!(row_range(19_990.0, 100.0, 20.0, 1000, 0), 999..1000);
        assert_eq!(row_range(1e9, 100.0, 20.0, 1000, 0), 1000..1000);
        assert_eq!(row_range(-50.0, 40.0, 20.0, 3, 0), 0..2);
        assert_eq!(row_range(0.0, 100.0, 0.0, 10, 0), 0..0);
        assert_eq!(row_range(f64::NAN, 100.0, 20.0, 10, 0), 0..5);
    }

    #[test]
    fn find_row_and_scroll_into_view() {
        let t = sample();
        let mut c = Collapsed::new(6);
        c.set(2, true);
        let mut rows = Vec::new();
        visible_rows(&t, &c, &mut rows);
        assert_eq!(row_of_span(&t, &rows, 1), Some(2));
        assert_eq!(row_of_span(&t, &rows, 4), None, "hidden under collapsed 2");
        assert_eq!(row_of_span(&t, &rows, 77), None);
        // Below the view, then above it: centred (row 10 spans 200..220 in a 100 px view).
        assert_eq!(scroll_to_row(10, 0.0, 100.0, 20.0), 160.0);
        assert_eq!(scroll_to_row(3, 100.0, 100.0, 20.0), 20.0);
        // Near the top, centring would scroll above the first row: clamped.
        assert_eq!(scroll_to_row(1, 100.0, 100.0, 20.0), 0.0);
        // Already fully in view: no move.
        assert_eq!(scroll_to_row(6, 100.0, 100.0, 20.0), 100.0);
    }

    #[test]
    fn from_preorder_rebuilds_what_build_made_and_rejects_garbage() {
        let parent = [None, Some(0), Some(0), Some(1), None, Some(4)];
        let start = [0, 5, 3, 6, 1, 2];
        let built = TreeRows::build(&parent, &start);
        let again = TreeRows::from_preorder(
            built.order().to_vec(),
            built.depth().to_vec(),
            built.subtree_len().to_vec(),
        )
        .expect("consistent arrays");
        assert_eq!(again, built);
        // Repeated span, length mismatch, subtree past the end, wrong depth.
        assert!(TreeRows::from_preorder(vec![0, 0], vec![0, 0], vec![1, 1]).is_none());
        assert!(TreeRows::from_preorder(vec![0, 1], vec![0], vec![1, 1]).is_none());
        assert!(TreeRows::from_preorder(vec![0, 1], vec![0, 1], vec![3, 1]).is_none());
        assert!(TreeRows::from_preorder(vec![0, 1], vec![0, 2], vec![2, 1]).is_none());
        assert!(TreeRows::from_preorder(vec![0, 7], vec![0, 1], vec![2, 1]).is_none());
        assert!(TreeRows::from_preorder(vec![0], vec![0], vec![0]).is_none());
    }
}
