//! The span tree: roots, children ordered by start, depth, preorder, subtree sizes; and self
//! time.
//!
//! This is the one span tree of the product. The worker builds it once per shown trace; the
//! page's visible-row model (`viewer_core::rows::TreeRows`) takes its preorder columns
//! ([`Tree::preorder_columns`]) instead of sorting the spans again.

use crate::model::Trace;
use crate::time::Nanos;

/// Parent/child structure of one trace. Built once per trace; queries are O(1).
#[derive(Clone, Debug, Default)]
pub struct Tree {
    roots: Vec<u32>,
    /// CSR: children of i are children[child_off[i]..child_off[i+1]], ordered by (start, index).
    child_off: Vec<u32>,
    children: Vec<u32>,
    /// Span -> depth (0 for roots).
    depth: Vec<u32>,
    preorder: Vec<u32>,
    /// Span -> number of spans in its subtree, itself included.
    subtree_len: Vec<u32>,
}

/// The tree flattened in preorder, indexed by *position* (an index into `order`): what the
/// page's row model is made of. A span's subtree is `pos..pos + subtree_len[pos]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreorderColumns {
    /// Position -> span.
    pub order: Vec<u32>,
    /// Position -> depth, saturating at `u16::MAX` (indentation is capped long before that).
    pub depth: Vec<u16>,
    /// Position -> subtree length, itself included.
    pub subtree_len: Vec<u32>,
}

impl Tree {
    /// The tree of a trace. The builder has already made the parent links a forest (cycles cut,
    /// with a warning, see `builder.rs`).
    pub fn build(t: &Trace) -> Tree {
        let parent: Vec<Option<u32>> = t.spans().map(|i| t.parent(i)).collect();
        let start: Vec<Nanos> = t.spans().map(|i| t.start_ns(i)).collect();
        Tree::from_parents(&parent, &start)
    }

    /// The tree of spans given by each one's parent and start.
    ///
    /// - Children (and roots) are ordered by start, ties by span index.
    /// - A parent out of range, or the span itself, makes the span a root.
    /// - A missing `start` entry (shorter slice) counts as 0.
    /// - Parent links that loop (which a `Trace` never has) cannot hide spans: the first span of
    ///   the loop in (start, index) order becomes a root, so every span appears exactly once.
    ///
    /// O(n log n) for the sorts, no recursion: a chain a million deep must not overflow the
    /// small wasm stack.
    pub fn from_parents(parent: &[Option<u32>], start: &[Nanos]) -> Tree {
        let n = parent.len();
        let mut links: Vec<Option<u32>> = (0..n)
            .map(|i| parent[i].filter(|&p| (p as usize) < n && p as usize != i))
            .collect();
        let mut children = Children::of(&links, start);
        let mut walk = Walk::from_roots(&children, n);
        if walk.preorder.len() < n {
            // Unreached spans hang below loops: cut each loop, then walk again.
            cut_loops(&mut links, &walk.reached, start);
            children = Children::of(&links, start);
            walk = Walk::from_roots(&children, n);
        }
        walk.into_tree(children)
    }

    /// Spans without a parent in the trace, ordered by start.
    pub fn roots(&self) -> &[u32] {
        &self.roots
    }

    pub fn children(&self, i: u32) -> &[u32] {
        let a = self.child_off.get(i as usize).copied().unwrap_or(0) as usize;
        let b = self.child_off.get(i as usize + 1).copied().unwrap_or(0) as usize;
        self.children.get(a..b).unwrap_or(&[])
    }

    pub fn depth(&self, i: u32) -> u32 {
        self.depth.get(i as usize).copied().unwrap_or(0)
    }

    pub fn max_depth(&self) -> u32 {
        self.depth.iter().copied().max().unwrap_or(0)
    }

    /// Every span, parents before children, siblings by start.
    pub fn preorder(&self) -> &[u32] {
        &self.preorder
    }

    /// Number of spans in the subtree of `i`, itself included (0 for an index out of range).
    pub fn subtree_len(&self, i: u32) -> u32 {
        self.subtree_len.get(i as usize).copied().unwrap_or(0)
    }

    /// The preorder with each position's depth and subtree length (see [`PreorderColumns`]).
    pub fn preorder_columns(&self) -> PreorderColumns {
        PreorderColumns {
            order: self.preorder.clone(),
            depth: self
                .preorder
                .iter()
                .map(|&i| u16::try_from(self.depth(i)).unwrap_or(u16::MAX))
                .collect(),
            subtree_len: self.preorder.iter().map(|&i| self.subtree_len(i)).collect(),
        }
    }

    /// All descendants of `i` (not `i` itself), in preorder.
    pub fn descendants(&self, i: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut stack: Vec<u32> = self.children(i).iter().rev().copied().collect();
        while let Some(c) = stack.pop() {
            out.push(c);
            stack.extend(self.children(c).iter().rev());
        }
        out
    }
}

/// Roots and children lists (CSR), each ordered by (start, index).
struct Children {
    roots: Vec<u32>,
    child_off: Vec<u32>,
    children: Vec<u32>,
}

impl Children {
    fn of(links: &[Option<u32>], start: &[Nanos]) -> Children {
        let n = links.len();
        // Filling the lists in start order leaves each one sorted, with one sort in all.
        let start_of = |i: u32| start.get(i as usize).copied().unwrap_or(0);
        let mut by_start: Vec<u32> = (0..n as u32).collect();
        by_start.sort_unstable_by_key(|&i| (start_of(i), i));
        let mut child_off = vec![0u32; n + 1];
        for p in links.iter().flatten() {
            child_off[*p as usize + 1] += 1;
        }
        for i in 0..n {
            child_off[i + 1] += child_off[i];
        }
        let mut fill = child_off.clone();
        let mut children = vec![0u32; child_off[n] as usize];
        let mut roots = Vec::new();
        for s in by_start {
            match links[s as usize] {
                Some(p) => {
                    children[fill[p as usize] as usize] = s;
                    fill[p as usize] += 1;
                }
                None => roots.push(s),
            }
        }
        Children {
            roots,
            child_off,
            children,
        }
    }

    fn of_span(&self, i: u32) -> &[u32] {
        &self.children[self.child_off[i as usize] as usize..self.child_off[i as usize + 1] as usize]
    }
}

/// A preorder walk from the roots.
struct Walk {
    preorder: Vec<u32>,
    depth: Vec<u32>,
    reached: Vec<bool>,
}

impl Walk {
    fn from_roots(tree: &Children, n: usize) -> Walk {
        let mut walk = Walk {
            preorder: Vec::with_capacity(n),
            depth: vec![0; n],
            reached: vec![false; n],
        };
        let mut stack: Vec<u32> = tree.roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            walk.preorder.push(i);
            walk.reached[i as usize] = true;
            for &c in tree.of_span(i).iter().rev() {
                walk.depth[c as usize] = walk.depth[i as usize] + 1;
                stack.push(c);
            }
        }
        walk
    }

    fn into_tree(self, links: Children) -> Tree {
        // Children come after their parent in preorder, so a reverse pass sees every subtree
        // complete before adding it to its parent's.
        let mut subtree_len = vec![1u32; self.preorder.len()];
        for &i in self.preorder.iter().rev() {
            for &c in links.of_span(i) {
                subtree_len[i as usize] += subtree_len[c as usize];
            }
        }
        Tree {
            roots: links.roots,
            child_off: links.child_off,
            children: links.children,
            depth: self.depth,
            preorder: self.preorder,
            subtree_len,
        }
    }
}

/// Makes one span of every loop a root: the one that starts first (ties: lowest index). Only
/// spans not reached from a root can be on or below a loop.
fn cut_loops(links: &mut [Option<u32>], reached: &[bool], start: &[Nanos]) {
    #[derive(Clone, Copy, PartialEq)]
    enum Seen {
        No,
        OnPath,
        Done,
    }
    let mut seen: Vec<Seen> = reached
        .iter()
        .map(|&r| if r { Seen::Done } else { Seen::No })
        .collect();
    let mut path: Vec<u32> = Vec::new();
    for from in 0..links.len() as u32 {
        let mut cur = from;
        // Walk up until a span already settled, a root, or a span of this very path (a loop).
        while seen[cur as usize] == Seen::No {
            seen[cur as usize] = Seen::OnPath;
            path.push(cur);
            match links[cur as usize] {
                Some(p) => cur = p,
                None => break,
            }
        }
        if seen[cur as usize] == Seen::OnPath && links[cur as usize].is_some() {
            let loop_from = path.iter().position(|&s| s == cur).unwrap_or(0);
            let first = path[loop_from..]
                .iter()
                .copied()
                .min_by_key(|&s| (start.get(s as usize).copied().unwrap_or(0), s));
            if let Some(first) = first {
                links[first as usize] = None;
            }
        }
        for &s in &path {
            seen[s as usize] = Seen::Done;
        }
        path.clear();
    }
}

/// Self time of every span: its duration minus the union of its children's intervals, clipped to
/// the span (children that overlap each other or outlive the parent are not counted twice).
pub fn self_time(t: &Trace, tree: &Tree) -> Vec<Nanos> {
    t.spans()
        .map(|i| {
            let (s, e) = (t.start_ns(i), t.end_ns(i));
            let mut covered = 0;
            let mut cur_end = s;
            // Children are sorted by start, so one sweep merges the overlapping intervals.
            for &c in tree.children(i) {
                let cs = t.start_ns(c).clamp(s, e);
                let ce = t.end_ns(c).clamp(s, e);
                let from = cs.max(cur_end);
                if ce > from {
                    covered += ce - from;
                    cur_end = ce;
                }
            }
            (e - s - covered).max(0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(parent: &[Option<u32>], start: &[Nanos]) -> PreorderColumns {
        Tree::from_parents(parent, start).preorder_columns()
    }

    #[test]
    fn preorder_children_sorted_by_start_orphans_are_roots() {
        // 0 -> {2 -> {4}, 1 -> {3}}; 5's parent 99 is not a span: a root.
        let parent = [None, Some(0), Some(0), Some(1), Some(2), Some(99)];
        let tree = Tree::from_parents(&parent, &[0, 10, 5, 11, 6, 1]);
        assert_eq!(tree.roots(), [0, 5]);
        assert_eq!(tree.children(0), [2, 1]);
        assert_eq!(tree.preorder(), [0, 2, 4, 1, 3, 5]);
        assert_eq!(tree.subtree_len(0), 5);
        assert_eq!(tree.subtree_len(99), 0);
        assert_eq!(tree.max_depth(), 2);
        assert_eq!(tree.descendants(0), [2, 4, 1, 3]);
        let cols = tree.preorder_columns();
        assert_eq!(cols.depth, [0, 1, 2, 1, 2, 0]);
        assert_eq!(cols.subtree_len, [5, 2, 1, 2, 1, 1]);
    }

    #[test]
    fn equal_starts_keep_index_order_and_self_parent_is_root() {
        let cols = columns(&[None, Some(0), Some(0), Some(3)], &[0, 7, 7, 2]);
        assert_eq!(cols.order, [0, 1, 2, 3]);
        assert_eq!(cols.depth, [0, 1, 1, 0]);
    }

    #[test]
    fn loops_are_cut_at_their_first_span_and_hide_nothing() {
        // 1 -> 2 -> 3 -> 1 is a loop; 4 hangs off 3; 0 is a normal root.
        let cols = columns(
            &[None, Some(2), Some(3), Some(1), Some(3)],
            &[0, 30, 10, 20, 25],
        );
        // 2 starts first in the loop: a root; then 1 (child of 2), 3 (of 1), 4 (of 3).
        assert_eq!(cols.order, [0, 2, 1, 3, 4]);
        assert_eq!(cols.depth, [0, 0, 1, 2, 3]);
        // A two-span loop with no starts, and a span below a loop that starts before it.
        assert_eq!(columns(&[Some(1), Some(0)], &[]).order, [0, 1]);
        let below = columns(&[Some(1), Some(0), Some(0)], &[5, 6, 1]);
        assert_eq!(
            below.order,
            [0, 2, 1],
            "the loop is cut, not the span below it"
        );
        assert_eq!(below.depth, [0, 1, 1]);
    }

    #[test]
    fn million_deep_chain_builds_without_stack_overflow() {
        let n = 1_000_000u32;
        let parent: Vec<Option<u32>> = (0..n).map(|i| i.checked_sub(1)).collect();
        let start: Vec<Nanos> = (0..n as i64).collect();
        let cols = columns(&parent, &start);
        assert_eq!(cols.order.len(), n as usize);
        assert_eq!(cols.subtree_len[0], n);
        assert_eq!(cols.depth[100_000], u16::MAX, "depth saturates");
        assert_eq!(cols.depth[1_000], 1_000);
    }

    #[test]
    fn wide_tree_of_a_million_spans_keeps_subtrees_contiguous() {
        let n = 1_000_000u32;
        // Each span's parent is (i-1)/2 (a heap): depth ~20, reversed starts to exercise sorting.
        let parent: Vec<Option<u32>> = (0..n).map(|i| (i > 0).then(|| (i - 1) / 2)).collect();
        let start: Vec<Nanos> = (0..n as i64).rev().collect();
        let tree = Tree::from_parents(&parent, &start);
        let cols = tree.preorder_columns();
        assert_eq!(cols.subtree_len[0], n);
        let mut pos_of = vec![0usize; n as usize];
        for (pos, &span) in cols.order.iter().enumerate() {
            pos_of[span as usize] = pos;
        }
        for span in 1..n {
            let (pos, parent_pos) = (pos_of[span as usize], pos_of[(span as usize - 1) / 2]);
            assert!(parent_pos < pos);
            let end = pos + cols.subtree_len[pos] as usize;
            assert!(end <= parent_pos + cols.subtree_len[parent_pos] as usize);
        }
    }
}
