//! Comparing two traces (two runs of the same request, before and after a change): their spans
//! are aligned by path — service and operation from the root, and among siblings with the same
//! service and operation, their place in start order — into one merged tree. Each row is a span
//! only in A, only in B, or in both with its two durations.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use trace_core::{Trace, Tree};

/// How many of the largest slow-downs the summary names.
pub const REGRESSIONS: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareRow {
    pub depth: u16,
    /// Into `CompareView::strings`.
    pub name: u32,
    pub service: u32,
    /// The span in trace A, in trace B.
    pub a: Option<u32>,
    pub b: Option<u32>,
    /// Durations in ns (0 on the side without the span).
    pub a_ns: u64,
    pub b_ns: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CompareView {
    /// The two traces' places in the trace list.
    pub a: u32,
    pub b: u32,
    pub strings: Vec<String>,
    /// The merged tree in preorder.
    pub rows: Vec<CompareRow>,
    pub matched: u32,
    /// Spans only in B.
    pub added: u32,
    /// Spans only in A.
    pub removed: u32,
    pub a_duration_ns: u64,
    pub b_duration_ns: u64,
    /// Rows of the largest slow-downs (B slower than A), largest first.
    pub regressions: Vec<u32>,
}

impl CompareView {
    pub fn string(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", String::as_str)
    }
}

/// A span of A and its counterpart in B (at least one of them).
#[derive(Clone, Copy)]
struct Pair {
    a: Option<u32>,
    b: Option<u32>,
}

/// Aligns trace `b` against trace `a` (`a_index`, `b_index`: their places in the list).
pub fn compare(a: &Trace, b: &Trace, a_index: u32, b_index: u32) -> CompareView {
    let (tree_a, tree_b) = (Tree::build(a), Tree::build(b));
    let mut out = CompareView {
        a: a_index,
        b: b_index,
        a_duration_ns: nonneg(a.trace_duration_ns()),
        b_duration_ns: nonneg(b.trace_duration_ns()),
        ..CompareView::default()
    };
    let mut strings = Interner::default();
    let sides = Sides { a, b };
    let mut stack: Vec<(u16, Pair)> = sides
        .pair_up(tree_a.roots(), tree_b.roots())
        .into_iter()
        .rev()
        .map(|p| (0, p))
        .collect();
    while let Some((depth, pair)) = stack.pop() {
        let (name, service) = match (pair.a, pair.b) {
            (Some(s), _) => (a.name(s), a.service(s)),
            (None, Some(s)) => (b.name(s), b.service(s)),
            (None, None) => continue,
        };
        out.rows.push(CompareRow {
            depth,
            name: strings.id(name),
            service: strings.id(service),
            a: pair.a,
            b: pair.b,
            a_ns: pair.a.map_or(0, |s| nonneg(a.duration_ns(s))),
            b_ns: pair.b.map_or(0, |s| nonneg(b.duration_ns(s))),
        });
        let kids_a = pair.a.map_or(&[][..], |s| tree_a.children(s));
        let kids_b = pair.b.map_or(&[][..], |s| tree_b.children(s));
        let kids = sides.pair_up(kids_a, kids_b);
        stack.extend(kids.into_iter().rev().map(|p| (depth.saturating_add(1), p)));
    }
    out.strings = strings.list;
    summarise(&mut out);
    out
}

struct Sides<'t> {
    a: &'t Trace,
    b: &'t Trace,
}

impl Sides<'_> {
    /// Siblings of A and of B paired by (service, operation, how many such came before), in
    /// start order (offsets from each trace's start).
    fn pair_up(&self, kids_a: &[u32], kids_b: &[u32]) -> Vec<Pair> {
        let mut by_key: HashMap<(&str, &str, u32), u32> = HashMap::new();
        let mut seen: HashMap<(&str, &str), u32> = HashMap::new();
        for &s in &sorted_by_start(self.b, kids_b) {
            let key = (self.b.service(s), self.b.name(s));
            let k = seen.entry(key).or_insert(0);
            by_key.insert((key.0, key.1, *k), s);
            *k += 1;
        }
        let mut seen: HashMap<(&str, &str), u32> = HashMap::new();
        let mut pairs: Vec<(i64, Pair)> = Vec::new();
        for &s in &sorted_by_start(self.a, kids_a) {
            let key = (self.a.service(s), self.a.name(s));
            let k = seen.entry(key).or_insert(0);
            let b = by_key.remove(&(key.0, key.1, *k));
            *k += 1;
            pairs.push((offset(self.a, s), Pair { a: Some(s), b }));
        }
        let mut only_b: Vec<u32> = by_key.into_values().collect();
        only_b.sort_unstable();
        pairs.extend(only_b.into_iter().map(|s| {
            (
                offset(self.b, s),
                Pair {
                    a: None,
                    b: Some(s),
                },
            )
        }));
        pairs.sort_by_key(|(at, _)| *at);
        pairs.into_iter().map(|(_, p)| p).collect()
    }
}

fn sorted_by_start(t: &Trace, spans: &[u32]) -> Vec<u32> {
    let mut v = spans.to_vec();
    v.sort_by_key(|&s| (t.start_ns(s), s));
    v
}

fn offset(t: &Trace, s: u32) -> i64 {
    t.start_ns(s).saturating_sub(t.trace_start_ns())
}

fn summarise(out: &mut CompareView) {
    for r in &out.rows {
        match (r.a, r.b) {
            (Some(_), Some(_)) => out.matched += 1,
            (None, Some(_)) => out.added += 1,
            (Some(_), None) => out.removed += 1,
            (None, None) => {}
        }
    }
    let mut slower: Vec<(u64, u32)> = out
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.a.is_some() && r.b.is_some() && r.b_ns > r.a_ns)
        .map(|(k, r)| (r.b_ns - r.a_ns, k as u32))
        .collect();
    slower.sort_by_key(|&(delta, k)| (std::cmp::Reverse(delta), k));
    out.regressions = slower
        .into_iter()
        .take(REGRESSIONS)
        .map(|(_, k)| k)
        .collect();
}

fn nonneg(ns: trace_core::time::Nanos) -> u64 {
    u64::try_from(ns).unwrap_or(0)
}

#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    list: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.list.len() as u32;
        self.list.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }
}
