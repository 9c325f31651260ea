//! Opt-in clock skew correction, after Zipkin's `ClockSkew`/Zipkin Lens: for a CLIENT parent with a
//! SERVER child on a different host, when the server starts before or ends after its client, shift
//! the server's whole subtree so that it sits in the middle of the client (half of the unexplained
//! latency on each side), or align the starts when the server is longer than the client.
//! Never for PRODUCER/CONSUMER (their gap is real queueing time). Import never calls this.

use crate::model::{SpanKind, Trace, Value};
use crate::time::{format_duration, Nanos};
use crate::tree::Tree;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkewAdjustment {
    /// The server span whose subtree was shifted.
    pub span: u32,
    pub delta_ns: Nanos,
    pub reason: String,
}

const HOST_KEYS: [&str; 7] = [
    "host.name",
    "hostname",
    "host",
    "ip",
    "ipv4",
    "ipv6",
    "net.host.ip",
];

/// Host of a span: a host attribute of its resource/process/endpoint, else its service.
fn host(t: &Trace, i: u32) -> String {
    let d = t.span_details(i);
    for k in HOST_KEYS {
        if let Some(kv) = d.resource.iter().find(|kv| kv.key == k) {
            return match &kv.value {
                Value::Str(s) => s.clone(),
                v => v.to_string(),
            };
        }
    }
    format!("service:{}", t.service(i))
}

/// Applies the corrections to `t` and returns each one made.
pub fn correct(t: &mut Trace, tree: &Tree) -> Vec<SkewAdjustment> {
    let mut out = Vec::new();
    for &c in tree.preorder() {
        let Some(p) = t.parent(c) else { continue };
        if t.kind(p) != SpanKind::Client || t.kind(c) != SpanKind::Server {
            continue;
        }
        let (ps, pe, pd) = (t.start_ns(p), t.end_ns(p), t.duration_ns(p));
        let (cs, ce, cd) = (t.start_ns(c), t.end_ns(c), t.duration_ns(c));
        if cs >= ps && ce <= pe {
            continue;
        }
        if host(t, p) == host(t, c) {
            continue;
        }
        let delta = if cd > pd {
            ps - cs
        } else {
            ps + (pd - cd) / 2 - cs
        };
        if delta == 0 {
            continue;
        }
        let why = if cs < ps {
            "starts before"
        } else {
            "ends after"
        };
        t.shift(c, delta);
        for d in tree.descendants(c) {
            t.shift(d, delta);
        }
        out.push(SkewAdjustment {
            span: c,
            delta_ns: delta,
            reason: format!(
                "server span {:?} ({}) {why} its client span {:?} ({}) on another host; subtree shifted by {}",
                t.name(c),
                t.service(c),
                t.name(p),
                t.service(p),
                format_duration(delta)
            ),
        });
    }
    if !out.is_empty() {
        t.recompute_bounds();
    }
    out
}
