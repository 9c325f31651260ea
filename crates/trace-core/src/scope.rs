//! Which spans of a trace a share link or an export carries: the whole trace, one span's
//! subtree, or a set of spans (the current filter's matches) together with their ancestors, so
//! that every kept span still hangs from the same path as in the full trace.

use crate::model::Trace;

/// A part of one trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every span.
    Whole,
    /// A span and all its descendants.
    Subtree(u32),
    /// These spans and all their ancestors (indexes out of range are ignored).
    WithAncestors(Vec<u32>),
}

/// The spans `scope` selects, as sorted span indexes (the trace's own order is kept).
pub fn select(t: &Trace, scope: &Scope) -> Vec<u32> {
    let n = t.len() as usize;
    let mut keep = vec![false; n];
    match scope {
        Scope::Whole => keep.fill(true),
        Scope::Subtree(root) => mark_subtree(t, *root, &mut keep),
        Scope::WithAncestors(spans) => {
            for &s in spans {
                mark_with_ancestors(t, s, &mut keep);
            }
        }
    }
    keep.iter()
        .enumerate()
        .filter(|(_, &k)| k)
        .map(|(i, _)| i as u32)
        .collect()
}

/// Marks `root` and every span below it. One pass in index order does not suffice (children may
/// come before their parents), so each span walks up until it meets a decided ancestor.
fn mark_subtree(t: &Trace, root: u32, keep: &mut [bool]) {
    if root >= t.len() {
        return;
    }
    // 0 = unknown, 1 = inside, 2 = outside.
    let mut state = vec![0u8; keep.len()];
    state[root as usize] = 1;
    let mut path = Vec::new();
    for i in t.spans() {
        let mut at = i;
        path.clear();
        let verdict = loop {
            match state[at as usize] {
                0 => {}
                decided => break decided,
            }
            path.push(at);
            match t.parent(at) {
                // The builder cuts cycles, but a walk longer than the trace means one slipped by.
                Some(p) if (p as usize) < keep.len() && path.len() <= keep.len() => at = p,
                _ => break 2,
            }
        };
        for &s in &path {
            state[s as usize] = verdict;
        }
    }
    for (k, s) in keep.iter_mut().zip(&state) {
        *k = *s == 1;
    }
}

fn mark_with_ancestors(t: &Trace, span: u32, keep: &mut [bool]) {
    let max_steps = keep.len();
    let mut at = Some(span);
    let mut steps = 0;
    while let Some(s) = at {
        match keep.get_mut(s as usize) {
            Some(k) if !*k && steps <= max_steps => *k = true,
            _ => return,
        }
        steps += 1;
        at = t.parent(s);
    }
}
