//! The merged flame graph (icicle) of a trace: spans folded by their path of (service,
//! operation) from the root, so the hundred calls of one operation under the same caller become
//! one frame. A frame's total is its self time plus its children's totals, so children always
//! fit inside their parent (a parent whose children ran concurrently is as wide as their sum);
//! children are laid out widest first ("left heavy", as speedscope does).
//!
//! Folded in the worker (a hash lookup per span); the page draws the frames and keeps, for each
//! span, the frame it was folded into, so a click lists a frame's spans and a search lights up
//! the frames of the spans it matches.

use std::collections::HashMap;

use trace_core::time::Nanos;
use trace_core::{Trace, Tree};

/// A frame without a parent frame (a root's).
pub const NO_FRAME: u32 = u32::MAX;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The frames of one trace, as columns (index = frame id; parents come before children).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlameData {
    /// The trace this folds (the view's `trace` index), so a late answer is not shown for
    /// another trace.
    pub trace: u32,
    /// Service and operation names, indexed by `service` and `name`.
    pub strings: Vec<String>,
    pub parent: Vec<u32>,
    pub depth: Vec<u16>,
    pub service: Vec<u32>,
    pub name: Vec<u32>,
    /// Where the frame starts, in ns of folded time from the left edge.
    pub start: Vec<u64>,
    /// Self time plus the children's totals.
    pub total: Vec<u64>,
    pub self_time: Vec<u64>,
    /// How many spans were folded into the frame.
    pub count: Vec<u32>,
    /// For each span of the trace, its frame.
    pub span_frame: Vec<u32>,
}

/// One frame's numbers and names, read together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame<'a> {
    pub name: &'a str,
    pub service: &'a str,
    pub start: u64,
    pub total: u64,
    pub self_time: u64,
    pub count: u32,
}

impl FlameData {
    /// Frame `i`; None when out of range (an index kept from an earlier graph, or damaged data
    /// whose columns disagree in length).
    pub fn frame(&self, i: u32) -> Option<Frame<'_>> {
        let i = i as usize;
        Some(Frame {
            name: self.string(*self.name.get(i)?),
            service: self.string(*self.service.get(i)?),
            start: *self.start.get(i)?,
            total: *self.total.get(i)?,
            self_time: *self.self_time.get(i)?,
            count: *self.count.get(i)?,
        })
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The width of the whole graph: the roots' totals.
    pub fn width(&self) -> u64 {
        self.parent
            .iter()
            .zip(&self.total)
            .filter(|(&p, _)| p == NO_FRAME)
            .map(|(_, &t)| t)
            .sum()
    }

    pub fn string(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", String::as_str)
    }
}

/// Folds `t` (its tree and self times as the view shows them) into frames.
pub fn fold(t: &Trace, tree: &Tree, self_time: &[Nanos], trace: u32) -> FlameData {
    let mut out = FlameData {
        trace,
        span_frame: vec![NO_FRAME; t.len() as usize],
        ..FlameData::default()
    };
    let mut strings = Strings::default();
    // Keyed by trace-core's string ids: a span costs one hash of three numbers.
    let mut frame_of: FastMap<(u32, u32, u32), u32> = FastMap::default();
    for &span in tree.preorder() {
        let parent_frame = t
            .parent(span)
            .and_then(|p| out.span_frame.get(p as usize).copied())
            .unwrap_or(NO_FRAME);
        let (service_id, name_id) = (t.service_id(span), t.name_id(span));
        let next = out.parent.len() as u32;
        let frame = *frame_of
            .entry((parent_frame, service_id, name_id))
            .or_insert(next);
        if frame == next {
            let service = strings.id(t, service_id);
            let name = strings.id(t, name_id);
            let depth = match parent_frame {
                NO_FRAME => 0,
                p => out.depth[p as usize].saturating_add(1),
            };
            out.parent.push(parent_frame);
            out.depth.push(depth);
            out.service.push(service);
            out.name.push(name);
            out.self_time.push(0);
            out.count.push(0);
        }
        let f = frame as usize;
        out.count[f] += 1;
        out.self_time[f] += self_time
            .get(span as usize)
            .map_or(0, |&s| u64::try_from(s).unwrap_or(0));
        out.span_frame[span as usize] = frame;
    }
    out.strings = strings.list;
    out.total = totals(&out.parent, &out.self_time);
    out.start = left_heavy_starts(&out.parent, &out.total);
    out
}

/// Self time plus every descendant's: children come after their parent, so one backward pass.
fn totals(parent: &[u32], self_time: &[u64]) -> Vec<u64> {
    let mut total = self_time.to_vec();
    for f in (0..parent.len()).rev() {
        let p = parent[f];
        if p != NO_FRAME {
            total[p as usize] += total[f];
        }
    }
    total
}

/// Each frame's left edge: roots side by side and each frame's children from its own left
/// edge, widest first (ties in the order they were met).
fn left_heavy_starts(parent: &[u32], total: &[u64]) -> Vec<u64> {
    let n = parent.len();
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (f, &p) in parent.iter().enumerate() {
        match p {
            NO_FRAME => roots.push(f as u32),
            p => children[p as usize].push(f as u32),
        }
    }
    let widest_first =
        |list: &mut Vec<u32>| list.sort_by_key(|&f| std::cmp::Reverse(total[f as usize]));
    widest_first(&mut roots);
    let mut start = vec![0u64; n];
    let mut next = 0u64;
    for &r in &roots {
        start[r as usize] = next;
        next += total[r as usize];
    }
    // Parents come before children, so a parent's start is set when its children are placed.
    for f in 0..n {
        let mut kids = std::mem::take(&mut children[f]);
        widest_first(&mut kids);
        let mut x = start[f];
        for k in kids {
            start[k as usize] = x;
            x += total[k as usize];
        }
    }
    start
}

/// The names frames use, re-interned densely (trace-core's table also holds keys and ids).
#[derive(Default)]
struct Strings {
    /// By trace-core string id: the dense id, or `NO_FRAME` when not met yet.
    dense: Vec<u32>,
    list: Vec<String>,
}

impl Strings {
    fn id(&mut self, t: &Trace, id: u32) -> u32 {
        let slot = id as usize;
        if slot >= self.dense.len() {
            self.dense.resize(slot + 1, NO_FRAME);
        }
        if self.dense[slot] == NO_FRAME {
            self.dense[slot] = self.list.len() as u32;
            self.list.push(t.string(id).to_string());
        }
        self.dense[slot]
    }
}
