//! The span tree: roots, children ordered by start, depth, preorder; and self time.

use crate::model::Trace;
use crate::time::Nanos;

/// Parent/child structure of one trace. Built once per trace; queries are O(1).
#[derive(Clone, Debug, Default)]
pub struct Tree {
    roots: Vec<u32>,
    /// CSR: children of i are children[child_off[i]..child_off[i+1]], ordered by (start, index).
    child_off: Vec<u32>,
    children: Vec<u32>,
    depth: Vec<u32>,
    preorder: Vec<u32>,
}

impl Tree {
    pub fn build(t: &Trace) -> Tree {
        let n = t.len() as usize;
        let by_start = |a: &u32, b: &u32| (t.start_ns(*a), *a).cmp(&(t.start_ns(*b), *b));
        let mut count = vec![0u32; n + 1];
        let mut roots = Vec::new();
        for i in t.spans() {
            match t.parent(i) {
                Some(p) if (p as usize) < n => count[p as usize] += 1,
                _ => roots.push(i),
            }
        }
        let mut child_off = vec![0u32; n + 1];
        for i in 0..n {
            child_off[i + 1] = child_off[i] + count[i];
        }
        let mut fill: Vec<u32> = child_off.clone();
        let mut children = vec![0u32; child_off[n] as usize];
        for i in t.spans() {
            if let Some(p) = t.parent(i).filter(|&p| (p as usize) < n) {
                let slot = &mut fill[p as usize];
                children[*slot as usize] = i;
                *slot += 1;
            }
        }
        for i in 0..n {
            children[child_off[i] as usize..child_off[i + 1] as usize].sort_by(by_start);
        }
        roots.sort_by(by_start);
        // Iterative preorder: deep traces must not overflow the stack.
        let mut depth = vec![0u32; n];
        let mut preorder = Vec::with_capacity(n);
        let mut stack: Vec<u32> = roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            preorder.push(i);
            let (a, b) = (
                child_off[i as usize] as usize,
                child_off[i as usize + 1] as usize,
            );
            for &c in children[a..b].iter().rev() {
                depth[c as usize] = depth[i as usize] + 1;
                stack.push(c);
            }
        }
        Tree {
            roots,
            child_off,
            children,
            depth,
            preorder,
        }
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
