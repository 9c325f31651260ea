//! The service map of a trace: services as nodes (spans, self time, errors) and, as edges, the
//! calls from a parent span's service to a child span's service in another service (calls,
//! p50/p95 of the child spans' durations, errors). Messaging (a producer's or consumer's span,
//! or a FOLLOWS_FROM reference) is marked, so it can be drawn apart from calls that wait.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use trace_core::time::Nanos;
use trace_core::{SpanKind, StatusCode, Trace};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceNode {
    pub name: String,
    pub spans: u64,
    pub self_ns: u64,
    pub errors: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceEdge {
    /// Indices into the nodes.
    pub from: u32,
    pub to: u32,
    pub calls: u64,
    pub p50_ns: u64,
    pub p95_ns: u64,
    pub errors: u64,
    /// Every call on it was messaging (producer/consumer or FOLLOWS_FROM).
    pub messaging: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServiceMapView {
    /// By name.
    pub nodes: Vec<ServiceNode>,
    /// By (from, to).
    pub edges: Vec<ServiceEdge>,
    /// The services of the trace's root spans, where the map starts.
    pub roots: Vec<u32>,
}

/// Durations and errors of one edge's calls, while counting.
#[derive(Default)]
struct EdgeTally {
    durations: Vec<u64>,
    errors: u64,
    waited: bool,
}

pub fn service_map(t: &Trace, self_time: &[Nanos]) -> ServiceMapView {
    let mut names: Vec<&str> = t.spans().map(|i| t.service(i)).collect();
    names.sort_unstable();
    names.dedup();
    let index: HashMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(k, &n)| (n, k as u32))
        .collect();
    let mut nodes: Vec<ServiceNode> = names
        .iter()
        .map(|&name| ServiceNode {
            name: name.to_string(),
            spans: 0,
            self_ns: 0,
            errors: 0,
        })
        .collect();
    let mut edges: HashMap<(u32, u32), EdgeTally> = HashMap::new();
    let mut roots: Vec<u32> = Vec::new();
    for i in t.spans() {
        let to = index[t.service(i)];
        let failed = t.status(i) == StatusCode::Error;
        let node = &mut nodes[to as usize];
        node.spans += 1;
        node.self_ns += self_time
            .get(i as usize)
            .map_or(0, |&s| u64::try_from(s).unwrap_or(0));
        node.errors += u64::from(failed);
        let Some(parent) = t.parent(i) else {
            if !roots.contains(&to) {
                roots.push(to);
            }
            continue;
        };
        let from = index[t.service(parent)];
        if from == to {
            continue;
        }
        let tally = edges.entry((from, to)).or_default();
        tally
            .durations
            .push(u64::try_from(t.duration_ns(i)).unwrap_or(0));
        tally.errors += u64::from(failed);
        tally.waited |= !is_messaging(t, i, parent);
    }
    let mut edges: Vec<ServiceEdge> = edges
        .into_iter()
        .map(|((from, to), mut tally)| {
            tally.durations.sort_unstable();
            ServiceEdge {
                from,
                to,
                calls: tally.durations.len() as u64,
                p50_ns: percentile(&tally.durations, 0.50),
                p95_ns: percentile(&tally.durations, 0.95),
                errors: tally.errors,
                messaging: !tally.waited,
            }
        })
        .collect();
    edges.sort_by_key(|e| (e.from, e.to));
    ServiceMapView {
        nodes,
        edges,
        roots,
    }
}

/// A call that nobody waits for: the child consumes or the parent produces a message, or the
/// child follows from its parent.
fn is_messaging(t: &Trace, child: u32, parent: u32) -> bool {
    matches!(t.kind(child), SpanKind::Consumer | SpanKind::Producer)
        || t.kind(parent) == SpanKind::Producer
        || t.follows_from(child)
}

/// The nearest-rank percentile of sorted values (0 for none).
fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
