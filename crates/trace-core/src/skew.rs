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
    let plan = plan(t, tree);
    if !plan.adjustments.is_empty() {
        for i in t.spans() {
            let delta = plan.shift.get(i as usize).copied().unwrap_or(0);
            if delta != 0 {
                t.shift(i, delta);
            }
        }
        t.recompute_bounds();
    }
    plan.adjustments
}

/// The corrections [`correct`] would make, without making them: the viewer shows detected
/// skew whether or not the person turned correction on.
pub fn detect(t: &Trace, tree: &Tree) -> Vec<SkewAdjustment> {
    plan(t, tree).adjustments
}

/// What correction decides: each adjustment, and every span's total shift.
struct Plan {
    adjustments: Vec<SkewAdjustment>,
    shift: Vec<Nanos>,
}

/// One preorder pass: a span's shift is its parent's plus its own correction, decided on the
/// already shifted times, so every span is moved once at the end. (Shifting each corrected
/// subtree as it was found took time proportional to depth times size.)
fn plan(t: &Trace, tree: &Tree) -> Plan {
    let mut adjustments = Vec::new();
    let mut shift: Vec<Nanos> = vec![0; t.len() as usize];
    for &c in tree.preorder() {
        let Some(p) = t.parent(c) else { continue };
        let inherited = shift.get(p as usize).copied().unwrap_or(0);
        let own = correction(t, p, c, inherited).unwrap_or(0);
        if let Some(s) = shift.get_mut(c as usize) {
            *s = inherited.saturating_add(own);
        }
        if own != 0 {
            adjustments.push(adjustment(t, p, c, own));
        }
    }
    Plan { adjustments, shift }
}

/// The shift that centres server `c` in its client `p`, both already moved by `moved`; None
/// when no correction applies or the times are too extreme to compute with.
fn correction(t: &Trace, p: u32, c: u32, moved: Nanos) -> Option<Nanos> {
    if t.kind(p) != SpanKind::Client || t.kind(c) != SpanKind::Server {
        return None;
    }
    // i128: extreme times (near i64's ends) must not overflow.
    let (ps, pd) = (
        i128::from(t.start_ns(p)) + i128::from(moved),
        i128::from(t.duration_ns(p)),
    );
    let (cs, cd) = (
        i128::from(t.start_ns(c)) + i128::from(moved),
        i128::from(t.duration_ns(c)),
    );
    if cs >= ps && cs + cd <= ps + pd {
        return None;
    }
    if host(t, p) == host(t, c) {
        return None;
    }
    let delta = if cd > pd {
        ps - cs
    } else {
        ps + (pd - cd) / 2 - cs
    };
    Nanos::try_from(delta).ok().filter(|&d| d != 0)
}

/// The record of a correction (both spans were moved alike before it, so their own starts
/// compare as the shifted ones do).
fn adjustment(t: &Trace, p: u32, c: u32, delta: Nanos) -> SkewAdjustment {
    let why = if t.start_ns(c) < t.start_ns(p) {
        "starts before"
    } else {
        "ends after"
    };
    SkewAdjustment {
        span: c,
        delta_ns: delta,
        reason: format!(
            "server span {:?} ({}) {why} its client span {:?} ({}) on another host; correcting the skew shifts its subtree by {}",
            t.name(c),
            t.service(c),
            t.name(p),
            t.service(p),
            format_duration(delta)
        ),
    }
}
