//! The visible-row model of the timeline tree.
//!
//! The tree is `trace_core::Tree`, built once in the worker; it arrives here as preorder arrays ([`TreeRows`]): a span's subtree is the
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

/// Marker for "no parent" in [`TreeRows::parent_pos`]: the model's one sentinel.
pub use trace_core::NO_PARENT;

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
    /// The tree from its preorder arrays, as `trace_core::Tree::preorder_columns` made them in
    /// the worker: O(n), so the page does not sort a million spans again.
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

    /// Every span a root, in index order: what the page shows if the preorder it received were
    /// ever inconsistent (it never loses a span).
    pub fn flat(spans: usize) -> Self {
        let n = spans.min(NO_PARENT as usize - 1) as u32;
        TreeRows {
            order: (0..n).collect(),
            depth: vec![0; n as usize],
            subtree_len: vec![1; n as usize],
            parent_pos: vec![NO_PARENT; n as usize],
            pos_of: (0..n).collect(),
        }
    }

    /// Number of spans (= positions).
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
    /// The level of the last [`Collapsed::collapse_to_depth`], while no fold changed since:
    /// a link then says `depth=L` instead of listing every folded span.
    level: Option<u16>,
}

/// How a link carries the collapse state (`viewer_core::share` keys `depth` and `fold`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FoldsInLink {
    /// Collapsed to this level, and nothing else changed.
    pub depth: Option<u16>,
    /// Otherwise the folded spans, in index order.
    pub fold: Vec<u32>,
}

impl Collapsed {
    /// Nothing collapsed, for `n_spans` spans.
    pub fn new(n_spans: usize) -> Self {
        Collapsed {
            bits: BitSet::new(n_spans),
            level: None,
        }
    }
    /// Is `span` collapsed?
    pub fn is_collapsed(&self, span: u32) -> bool {
        self.bits.contains(span)
    }
    /// Collapses or expands one span.
    pub fn set(&mut self, span: u32, collapsed: bool) {
        if self.bits.contains(span) != collapsed {
            self.bits.set(span, collapsed);
            self.level = None;
        }
    }
    /// Flips one span; returns whether it is now collapsed.
    pub fn toggle(&mut self, span: u32) -> bool {
        self.level = None;
        self.bits.toggle(span)
    }
    /// Expands everything.
    pub fn expand_all(&mut self) {
        self.bits.clear();
        self.level = None;
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
        self.level = Some(level);
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
            self.set(tree.order[pp as usize], false);
            pos = pp;
        }
    }
    /// Number of collapsed spans.
    pub fn count(&self) -> usize {
        self.bits.count()
    }
    /// True when nothing is collapsed.
    pub fn is_empty(&self) -> bool {
        self.bits.iter().next().is_none()
    }
    /// The collapsed spans, in index order.
    pub fn spans(&self) -> impl Iterator<Item = u32> + '_ {
        self.bits.iter()
    }
    /// The shortest way a link says what is collapsed: the level when the folds are exactly a
    /// "collapse to level", the folded spans otherwise.
    pub fn in_link(&self) -> FoldsInLink {
        match self.level {
            Some(level) => FoldsInLink {
                depth: Some(level),
                fold: Vec::new(),
            },
            None => FoldsInLink {
                depth: None,
                fold: self.spans().collect(),
            },
        }
    }
}

/// Visible rows with the collapse state: fills `out` (cleared first, reused across calls to
/// avoid allocation) with positions in preorder. O(visible rows + collapsed skips).
pub fn visible_rows(tree: &TreeRows, collapsed: &Collapsed, out: &mut Vec<u32>) {
    if collapsed.is_empty() {
        // Every position, as a trace first opens: a plain count, no walk (a million spans:
        // ~2 instead of ~40 ms in the page's wasm).
        out.clear();
        out.extend(0..tree.len() as u32);
        return;
    }
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

/// The rows (indices into `visible`) whose span is in `matches`, ascending. O(visible rows):
/// a broad search on a big trace matches far more spans than a collapsed view shows.
pub fn matched_rows(tree: &TreeRows, visible: &[u32], matches: &BitSet) -> Vec<usize> {
    visible
        .iter()
        .enumerate()
        .filter(|&(_, &pos)| {
            tree.order
                .get(pos as usize)
                .is_some_and(|&span| matches.contains(span))
        })
        .map(|(row, _)| row)
        .collect()
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

/// The row model of a tree given by parents and starts, built the way the worker builds it.
#[cfg(test)]
pub(crate) fn tree_of(parent: &[Option<u32>], start: &[i64]) -> TreeRows {
    let cols = trace_core::Tree::from_parents(parent, start).preorder_columns();
    TreeRows::from_preorder(cols.order, cols.depth, cols.subtree_len)
        .expect("trace_core's preorder is consistent")
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
        tree_of(&parent, &[0, 10, 5, 11, 6, 1])
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
    fn million_deep_chain_collapses_and_reveals_without_stack_overflow() {
        let n = 1_000_000u32;
        let parent: Vec<Option<u32>> = (0..n).map(|i| i.checked_sub(1)).collect();
        let start: Vec<i64> = (0..n as i64).collect();
        let t = tree_of(&parent, &start);
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
    fn matched_rows_are_the_visible_rows_of_matching_spans() {
        let t = sample();
        let mut matches = BitSet::new(6);
        for span in [4, 3, 5] {
            matches.set(span, true);
        }
        let mut c = Collapsed::new(6);
        let mut rows = Vec::new();
        visible_rows(&t, &c, &mut rows);
        // Rows show spans 0, 2, 4, 1, 3, 5.
        assert_eq!(matched_rows(&t, &rows, &matches), [2, 4, 5]);
        // Collapsing span 2 hides its match (span 4); the others move up a row.
        c.set(2, true);
        visible_rows(&t, &c, &mut rows);
        assert_eq!(matched_rows(&t, &rows, &matches), [3, 4]);
        for (row, &pos) in rows.iter().enumerate() {
            let span = t.order()[pos as usize];
            assert_eq!(row_of_span(&t, &rows, span), Some(row));
        }
    }

    #[test]
    fn nothing_collapsed_shows_every_position_in_order() {
        let t = sample();
        let mut c = Collapsed::new(6);
        assert!(c.is_empty());
        let mut rows = vec![9, 9];
        visible_rows(&t, &c, &mut rows);
        assert_eq!(rows, [0, 1, 2, 3, 4, 5]);
        c.set(1, true);
        assert!(!c.is_empty());
        c.expand_all();
        assert!(c.is_empty());
        let mut walked = Vec::new();
        walk(&t, &c, |_| true, &mut walked);
        assert_eq!(walked, rows, "the shortcut is what the walk gives");
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
    fn a_link_says_the_level_until_a_fold_changes() {
        let t = sample();
        let mut c = Collapsed::new(6);
        assert_eq!(c.in_link(), FoldsInLink::default());
        c.collapse_to_depth(&t, 1);
        let by_level = FoldsInLink {
            depth: Some(1),
            fold: Vec::new(),
        };
        assert_eq!(c.in_link(), by_level);
        c.reveal(&t, 2);
        c.set(2, true);
        assert_eq!(c.in_link(), by_level, "nothing changed");
        c.reveal(&t, 4);
        assert_eq!(c.in_link().depth, None, "revealing 4 expanded 2");
        assert_eq!(c.in_link().fold, [1]);
        c.collapse_all(&t);
        assert_eq!(c.in_link().depth, Some(0));
        c.toggle(0);
        assert_eq!(c.in_link().fold, [1, 2]);
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
    fn from_preorder_rejects_garbage() {
        // Repeated span, length mismatch, subtree past the end, wrong depth.
        assert!(TreeRows::from_preorder(vec![0, 0], vec![0, 0], vec![1, 1]).is_none());
        assert!(TreeRows::from_preorder(vec![0, 1], vec![0], vec![1, 1]).is_none());
        assert!(TreeRows::from_preorder(vec![0, 1], vec![0, 1], vec![3, 1]).is_none());
        assert!(TreeRows::from_preorder(vec![0, 1], vec![0, 2], vec![2, 1]).is_none());
        assert!(TreeRows::from_preorder(vec![0, 7], vec![0, 1], vec![2, 1]).is_none());
        assert!(TreeRows::from_preorder(vec![0], vec![0], vec![0]).is_none());
    }

    #[test]
    fn flat_tree_shows_every_span_as_a_root() {
        let t = TreeRows::flat(3);
        assert_eq!(t.order(), [0, 1, 2]);
        assert_eq!(t.subtree_len(), [1, 1, 1]);
        let again = TreeRows::from_preorder(vec![0, 1, 2], vec![0; 3], vec![1; 3]);
        assert_eq!(again, Some(t));
    }
}
