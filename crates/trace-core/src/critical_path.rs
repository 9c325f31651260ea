//! Critical path, following Jaeger UI's `computeCriticalPath` (TracePage/CriticalPath):
//! 1. Sanitize: drop children that do not block their parent (FOLLOWS_FROM references, CONSUMER
//!    children: a consumer runs after its producer has returned) with their subtrees; drop children entirely outside
//!    the parent; clip the rest to the parent's (already clipped) interval.
//! 2. From the root, walk back from its end: the last-finishing child before the current point is
//!    on the path; descend into it; when a span has no such child, its remaining part is on the path
//!    and we return to the parent at this span's start.

use crate::model::{SpanKind, Trace};
use crate::time::Nanos;
use crate::tree::Tree;

/// A stretch of time during which `span` is on the critical path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CriticalSegment {
    pub span: u32,
    pub start_ns: Nanos,
    pub end_ns: Nanos,
}

/// True when the child does not make its parent wait: a FOLLOWS_FROM reference, or a CONSUMER
/// (it handles a message after the producer has returned). A producer's own client calls do block.
pub fn non_blocking(t: &Trace, child: u32) -> bool {
    t.follows_from(child) || t.kind(child) == SpanKind::Consumer
}

/// Segments of the critical path of every root, in time order per root.
pub fn critical_path(t: &Trace, tree: &Tree) -> Vec<CriticalSegment> {
    let n = t.len() as usize;
    // Sanitized intervals; None = not considered.
    let mut iv: Vec<Option<(Nanos, Nanos)>> = vec![None; n];
    for &i in tree.preorder() {
        let (s, e) = (t.start_ns(i), t.end_ns(i));
        iv[i as usize] = match t.parent(i) {
            None => Some((s, e)),
            Some(p) => match iv.get(p as usize).copied().flatten() {
                Some((ps, pe)) if !non_blocking(t, i) && s <= pe && e >= ps => {
                    Some((s.max(ps), e.min(pe)))
                }
                _ => None,
            },
        };
    }
    // Per span, its kept children sorted by end, latest first (stable: earlier start wins ties),
    // with a cursor: the bound only decreases for a given parent, so each child is passed once.
    let kept = |c: &u32| iv.get(*c as usize).is_some_and(|x| x.is_some());
    let end = |c: u32| {
        iv.get(c as usize)
            .copied()
            .flatten()
            .map_or(Nanos::MIN, |x| x.1)
    };
    let start = |c: u32| {
        iv.get(c as usize)
            .copied()
            .flatten()
            .map_or(Nanos::MIN, |x| x.0)
    };
    let mut by_end: Vec<Vec<u32>> = vec![Vec::new(); n];
    for i in t.spans() {
        let mut ch: Vec<u32> = tree.children(i).iter().copied().filter(kept).collect();
        ch.sort_by_key(|&c| std::cmp::Reverse(end(c)));
        by_end[i as usize] = ch;
    }
    let mut cursor = vec![0usize; n];
    let mut out = Vec::new();
    for &root in tree.roots() {
        let mut segs = Vec::new();
        let mut cur = root;
        let mut bound: Option<Nanos> = None;
        loop {
            let section_end = bound.unwrap_or_else(|| end(cur));
            let list = &by_end[cur as usize];
            let k = &mut cursor[cur as usize];
            if let Some(b) = bound {
                while list.get(*k).is_some_and(|&c| end(c) >= b) {
                    *k += 1;
                }
            }
            match list.get(*k).copied() {
                Some(c) => {
                    *k += 1;
                    if end(c) != section_end {
                        segs.push(CriticalSegment {
                            span: cur,
                            start_ns: end(c),
                            end_ns: section_end,
                        });
                    }
                    cur = c;
                    bound = None;
                }
                None => {
                    // Zero-length sections are not shown (Jaeger skips them too).
                    if start(cur) != section_end {
                        segs.push(CriticalSegment {
                            span: cur,
                            start_ns: start(cur),
                            end_ns: section_end,
                        });
                    }
                    if cur == root {
                        break;
                    }
                    bound = Some(start(cur));
                    match t.parent(cur) {
                        Some(p) => cur = p,
                        None => break,
                    }
                }
            }
        }
        segs.reverse();
        out.extend(segs);
    }
    out
}

/// Per span: whether any part of it is on the critical path.
pub fn on_critical_path(t: &Trace, tree: &Tree) -> Vec<bool> {
    let mut on = vec![false; t.len() as usize];
    for s in critical_path(t, tree) {
        if let Some(x) = on.get_mut(s.span as usize) {
            *x = true;
        }
    }
    on
}
