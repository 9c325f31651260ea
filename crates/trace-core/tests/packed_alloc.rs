//! Memory while share links decode: hostile link texts (a decompression bomb, huge counts,
//! millions of strings, long or deep attribute lists) give an error, never a panic, and never
//! make `packed::decode` allocate more than `DECODE_BUDGET_BYTES` plus a slack for what the
//! budget does not model (growth of vectors, the base64 text, allocator bookkeeping); a big
//! valid link decodes within the same bound.
//!
//! A counting global allocator measures the peak of live heap bytes during one `decode` call,
//! from the bytes live just before it. Tests take one lock, so one measures at a time. Run with
//! `--nocapture` to see the figures.

mod common;

use base64::Engine;
use heap_meter::{peak_since, reset_peak, serial, Counting};
use std::fmt::Write as _;
use std::io::Write;
use trace_core::packed::{self, LinkError, DECODE_BUDGET_BYTES, MAX_LINK_CHARS};
use trace_core::scope::Scope;
use trace_core::Trace;

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What a decode may allocate beyond the budget.
const SLACK_BYTES: usize = 8 << 20;
const BOUND: usize = DECODE_BUDGET_BYTES + SLACK_BYTES;

fn mb(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
}

/// Decodes `link` and returns the result with the peak heap growth during the call.
fn measure(link: &str) -> (Result<Trace, LinkError>, usize) {
    let base = reset_peak();
    let r = packed::decode(link);
    let peak = peak_since(base);
    (r, peak)
}

fn outcome(r: &Result<Trace, LinkError>) -> String {
    match r {
        Ok(t) => format!("Ok({} spans)", t.len()),
        Err(e) => format!("Err({e:?})"),
    }
}

/// Prints one figure (`--nocapture` shows them).
fn report(what: &str, link: &str, r: &Result<Trace, LinkError>, peak: usize) {
    println!(
        "peak {:>9} ({:>10} B) | {what}: {} link chars -> {}",
        mb(peak),
        peak,
        link.len(),
        outcome(r)
    );
}

fn assert_refused_within_bound(what: &str, r: &Result<Trace, LinkError>, peak: usize) {
    assert!(r.is_err(), "{what}: a hostile link decoded: {}", outcome(r));
    assert!(
        peak <= BOUND,
        "{what}: peak {} over the budget {} + slack {}",
        mb(peak),
        mb(DECODE_BUDGET_BYTES),
        mb(SLACK_BYTES)
    );
}

/// Link text for `body` as the spec lays it out: version 1, raw DEFLATE (best, so that a
/// hostile body is as small as it can be against the inflate charge), base64url.
fn link(body: &[u8]) -> String {
    let mut z =
        flate2::write::DeflateEncoder::new(vec![packed::VERSION], flate2::Compression::best());
    z.write_all(body).expect("deflate");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(z.finish().expect("deflate"))
}

/// Writes bodies field by field (see the spec in `trace_core::packed`).
#[derive(Default)]
struct W(Vec<u8>);

impl W {
    fn u8(&mut self, b: u8) -> &mut W {
        self.0.push(b);
        self
    }
    fn uv(&mut self, mut v: u64) -> &mut W {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
        self
    }
    /// A `str` that defines the next string-table entry.
    fn def(&mut self, s: &[u8]) -> &mut W {
        self.uv(0).uv(s.len() as u64);
        self.0.extend_from_slice(s);
        self
    }
    /// A `str` that refers to entry `k` (0-based).
    fn refer(&mut self, k: u64) -> &mut W {
        self.uv(k + 1)
    }
    fn zeros(&mut self, n: usize) -> &mut W {
        self.0.resize(self.0.len() + n, 0);
        self
    }
    /// Format Jaeger, trace id `id` (string entry 0), start 0, then the span count.
    fn header(&mut self, id: &[u8], spans: u64) -> &mut W {
        self.u8(0).def(id).uv(0).uv(spans)
    }
    /// One root span's columns, defining its name and service as entries 1 and 2.
    fn one_span_columns(&mut self) -> &mut W {
        self.uv(0).uv(0).uv(10); // root, start 0, duration 10
        self.def(b"op").def(b"svc").u8(0).zeros(8).uv(0) // flags, id 0, no odd ids
    }
    /// A record's context: the first defines an empty one, later ones refer to it.
    fn context(&mut self, first: bool) -> &mut W {
        if first {
            self.uv(0).uv(0).u8(0)
        } else {
            self.uv(1)
        }
    }
    /// The rest of a record after its attributes: no events, links, status message or warnings.
    fn record_tail(&mut self) -> &mut W {
        self.uv(0).uv(0).u8(0).uv(0)
    }
    fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.0)
    }
}

/// The largest `n` in `lo..=hi` whose link the decoder does not refuse as over its budget
/// (`make(lo)` must be admitted), within 1%; returns it with its link, result and peak.
fn most_admitted(
    lo: usize,
    hi: usize,
    make: impl Fn(usize) -> String,
) -> (usize, String, Result<Trace, LinkError>, usize) {
    let (mut lo, mut hi) = (lo, hi);
    let mut best = None;
    while best.is_none() || hi - lo > (lo / 100).max(1) {
        let n = if best.is_none() {
            lo
        } else {
            lo + (hi - lo) / 2
        };
        let text = make(n);
        let (r, peak) = measure(&text);
        assert!(
            !matches!(r, Err(LinkError::TooLarge | LinkError::TooLong { .. })),
            "candidate {n} is refused for its size, not its cost: {}",
            outcome(&r)
        );
        if matches!(r, Err(LinkError::OverBudget)) {
            assert!(best.is_some(), "the smallest candidate {n} is over budget");
            hi = n;
        } else {
            lo = n;
            best = Some((n, text, r, peak));
        }
    }
    best.expect("one admitted")
}

#[test]
fn a_decompression_bomb_stops_at_the_body_limit() {
    let _g = serial();
    // 1 GB of zeros, streamed through the compressor 1 MB at a time.
    let mut z =
        flate2::write::DeflateEncoder::new(vec![packed::VERSION], flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        z.write_all(&chunk).expect("deflate");
    }
    drop(chunk);
    let text =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(z.finish().expect("deflate"));
    assert!(text.len() <= MAX_LINK_CHARS, "{} chars", text.len());
    let (r, peak) = measure(&text);
    report("1 GB of zeros deflated", &text, &r, peak);
    assert_eq!(r.as_ref().err(), Some(&LinkError::TooLarge));
    assert_refused_within_bound("bomb", &r, peak);
}

/// `n` spans in a chain (span i's parent is i - 1) closed into a cycle (span 0's parent is the
/// last span), which the decoder finds only after reading everything. With `fresh_names`
/// every span's name and service is a new empty string (2n + 1 string-table entries).
fn chain_body(n: usize, fresh_names: bool) -> Vec<u8> {
    let mut w = W::default();
    w.header(b"t1", n as u64);
    w.uv(2 * n as u64 - 3); // zigzag(0 - (n - 1))
    (1..n).for_each(|_| {
        w.uv(2); // zigzag(1)
    });
    w.zeros(2 * n); // starts, durations
    for column in [b"op".as_slice(), b"svc"] {
        if fresh_names {
            (0..n).for_each(|_| {
                w.def(b"");
            });
        } else {
            w.def(column);
            let k = if column == b"op" { 1 } else { 2 };
            (1..n).for_each(|_| {
                w.refer(k);
            });
        }
    }
    w.zeros(n).zeros(8 * n).uv(0); // flags, span ids, no odd ids
    for i in 0..n {
        w.context(i == 0).uv(0).record_tail();
    }
    w.uv(0).finish() // no warnings
}

#[test]
fn huge_span_counts_are_refused_or_bounded() {
    let _g = serial();
    // A count no body can back.
    let text = link(&W::default().header(b"t1", 1 << 40).finish());
    let (r, peak) = measure(&text);
    report("span count 2^40 in a 10-byte body", &text, &r, peak);
    assert!(matches!(
        r,
        Err(LinkError::Corrupt {
            what: "span count",
            ..
        })
    ));
    assert_refused_within_bound("span count", &r, peak);

    // The most spans the budget admits, all read before the cycle is found.
    let (n, text, r, peak) = most_admitted(1 << 16, 1 << 20, |n| link(&chain_body(n, false)));
    report(
        &format!("{n} spans in a cycle, the most admitted"),
        &text,
        &r,
        peak,
    );
    assert!(
        matches!(r, Err(LinkError::Corrupt { what: "parent", .. })),
        "{}",
        outcome(&r)
    );
    assert_refused_within_bound("cycle", &r, peak);
    // And a few more are refused.
    let (r, _) = measure(&link(&chain_body(n + n / 50, false)));
    assert_eq!(r.err(), Some(LinkError::OverBudget));
}

#[test]
fn millions_of_empty_strings_are_bounded() {
    let _g = serial();
    // In the name and service columns: two new (empty) entries per span.
    let (n, text, r, peak) = most_admitted(1 << 16, 1 << 20, |n| link(&chain_body(n, true)));
    report(
        &format!(
            "{n} spans, every name and service a new empty string ({} entries)",
            2 * n + 1
        ),
        &text,
        &r,
        peak,
    );
    assert!(
        matches!(r, Err(LinkError::Corrupt { what: "parent", .. })),
        "{}",
        outcome(&r)
    );
    assert_refused_within_bound("empty names", &r, peak);

    // As attribute keys: spans of 100,000 attributes each, every key a new empty string with a
    // null value (3 body bytes an entry); the body ends with a stray byte.
    const PER_SPAN: usize = 100_000;
    let body = |spans: usize| {
        let mut w = W::default();
        w.header(b"t1", spans as u64);
        (0..spans).for_each(|_| {
            w.uv(0);
        });
        w.zeros(2 * spans);
        w.def(b"op");
        (1..spans).for_each(|_| {
            w.refer(1);
        });
        w.def(b"svc");
        (1..spans).for_each(|_| {
            w.refer(2);
        });
        w.zeros(9 * spans).uv(0);
        for i in 0..spans {
            w.context(i == 0).uv(PER_SPAN as u64);
            for _ in 0..PER_SPAN {
                w.def(b"").u8(0);
            }
            w.record_tail();
        }
        w.uv(0).u8(0xff).finish()
    };
    let (spans, text, r, peak) = most_admitted(1, 64, |s| link(&body(s)));
    report(
        &format!("{spans} spans x {PER_SPAN} attributes, every key a new empty string"),
        &text,
        &r,
        peak,
    );
    assert_eq!(r.as_ref().err(), Some(&LinkError::Trailing));
    assert_refused_within_bound("empty keys", &r, peak);
}

/// One span whose attributes are written by `attrs`; the body ends with a stray byte.
fn one_span_body(attrs: impl FnOnce(&mut W)) -> Vec<u8> {
    let mut w = W::default();
    w.header(b"t1", 1).one_span_columns().context(true);
    attrs(&mut w);
    w.record_tail().uv(0).u8(0xff).finish()
}

#[test]
fn long_and_deep_attribute_lists_are_bounded() {
    let _g = serial();
    // Many tiny pairs: key "op" (entry 1), value null: 2 body bytes a pair.
    let (k, text, r, peak) = most_admitted(1000, 1 << 22, |k| {
        link(&one_span_body(|w| {
            w.uv(k as u64);
            (0..k).for_each(|_| {
                w.refer(1).u8(0);
            });
        }))
    });
    report(&format!("one span with {k} attributes"), &text, &r, peak);
    assert_eq!(r.as_ref().err(), Some(&LinkError::Trailing));
    assert_refused_within_bound("long attributes", &r, peak);

    // Arrays nested as deep as allowed, each level holding `m` nulls before the next level;
    // the deepest level holds one array too many, found after all the levels were allocated.
    let nested = |m: usize| {
        link(&one_span_body(|w| {
            w.uv(1).refer(1);
            for _ in 0..33 {
                w.u8(7).uv(m as u64 + 1).zeros(m);
            }
        }))
    };
    let (m, text, r, peak) = most_admitted(1, 1 << 18, nested);
    report(
        &format!("arrays 33 deep, {m} nulls a level"),
        &text,
        &r,
        peak,
    );
    assert!(
        matches!(
            r,
            Err(LinkError::Corrupt {
                detail: "nested too deeply",
                ..
            })
        ),
        "{}",
        outcome(&r)
    );
    assert_refused_within_bound("deep arrays", &r, peak);
    // Nested maps: key "op", then a map of `m` null pairs and the next level.
    let maps = |m: usize| {
        link(&one_span_body(|w| {
            w.uv(1).refer(1);
            for _ in 0..33 {
                w.u8(8).uv(m as u64 + 1);
                (0..m).for_each(|_| {
                    w.refer(1).u8(0);
                });
                w.refer(1);
            }
        }))
    };
    let (m, text, r, peak) = most_admitted(1, 1 << 17, maps);
    report(&format!("maps 33 deep, {m} pairs a level"), &text, &r, peak);
    assert!(r.is_err());
    assert_refused_within_bound("deep maps", &r, peak);
}

/// A long string defined once as the trace id (entry 0), then referred to from many places: a
/// reference is one or two bytes, but each use copies the string.
fn long_string(len: usize) -> Vec<u8> {
    vec![b'x'; len]
}

#[test]
fn many_references_to_a_long_string_in_events_are_bounded() {
    let _g = serial();
    // One span with 120 events, each named by a reference to a 1 MB string.
    let events = 120;
    let mut w = W::default();
    w.header(&long_string(1 << 20), 1)
        .one_span_columns()
        .context(true);
    w.uv(0).uv(events);
    for _ in 0..events {
        w.uv(0).refer(0).uv(0);
    }
    let body = w.uv(0).u8(0).uv(0).uv(0).finish();
    let text = link(&body);
    let (r, peak) = measure(&text);
    report("1 span, 120 events named by a 1 MB string", &text, &r, peak);
    assert_refused_within_bound("event names", &r, peak);
}

#[test]
fn many_references_to_a_long_string_in_contexts_are_bounded() {
    let _g = serial();
    // 120 spans, each with its own context whose scope name refers to a 1 MB string: the
    // copies are kept in the decoded trace.
    let n = 120;
    let mut w = W::default();
    w.header(&long_string(1 << 20), n);
    w.zeros(3 * n as usize).def(b"op");
    (1..n).for_each(|_| {
        w.refer(1);
    });
    w.def(b"svc");
    (1..n).for_each(|_| {
        w.refer(2);
    });
    w.zeros(9 * n as usize).uv(0);
    for _ in 0..n {
        w.uv(0).uv(0).u8(1).refer(0); // a new context: no resource, scope named by entry 0
        w.uv(0).record_tail();
    }
    let text = link(&w.uv(0).finish());
    let (r, peak) = measure(&text);
    report(
        "120 spans, each context's scope named by a 1 MB string",
        &text,
        &r,
        peak,
    );
    assert_refused_within_bound("scope names", &r, peak);
}

#[test]
fn keys_of_nested_maps_are_charged_before_the_values() {
    let _g = serial();
    // Maps nested 32 deep, every key a reference to a 4 MB string: each level's key copy stays
    // uncharged while the level below is read, so 32 copies are live at once.
    let mut w = W::default();
    w.header(&long_string(4 << 20), 1)
        .one_span_columns()
        .context(true);
    w.uv(1).refer(0);
    for _ in 0..32 {
        w.u8(8).uv(1).refer(0);
    }
    w.u8(0); // the innermost value: null
    let text = link(&w.record_tail().uv(0).finish());
    let (r, peak) = measure(&text);
    report("maps 32 deep, every key a 4 MB string", &text, &r, peak);
    assert_refused_within_bound("nested keys", &r, peak);
}

#[test]
fn a_long_trace_id_is_bounded() {
    let _g = serial();
    // The trace id is kept twice (string table and the trace's id); the body then ends.
    let (len, text, r, peak) = most_admitted(1 << 20, (24 << 20) - 16, |len| {
        link(&W::default().u8(0).def(&long_string(len)).finish())
    });
    report(
        &format!("a trace id of {len} bytes, body cut after it"),
        &text,
        &r,
        peak,
    );
    assert!(r.is_err());
    assert_refused_within_bound("long trace id", &r, peak);
}

/// One Jaeger trace of `n` spans shaped like tracecheck's generated ones: six services, tags of
/// every type, some logs; each span a child of an earlier one.
fn jaeger_trace(n: usize) -> Vec<u8> {
    const OPS: [&str; 8] = [
        "GET /api/cart",
        "POST /api/checkout",
        "charge",
        "reserve",
        "SELECT orders",
        "quote",
        "verify-token",
        "publish",
    ];
    let mut rng = fastrand::Rng::with_seed(7);
    let tid = format!("{:016x}{:016x}", rng.u64(..), rng.u64(..));
    let mut s = format!("{{\"data\":[{{\"traceID\":\"{tid}\",\"spans\":[");
    let mut spans: Vec<(u64, i64, i64)> = Vec::with_capacity(n);
    for i in 0..n {
        let id = rng.u64(..);
        let (parent, start, dur) = if i == 0 {
            (None, 1_700_000_000_000_000, 10_000_000)
        } else {
            let (pid, ps, pd) = spans[rng.u64(..i as u64) as usize];
            let off = rng.u64(..(pd / 2).max(1) as u64) as i64;
            let dur = 1 + rng.u64(..((pd - off) / 2).max(1) as u64) as i64;
            (Some(pid), ps + off, dur)
        };
        spans.push((id, start, dur.max(1000)));
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{{\"traceID\":\"{tid}\",\"spanID\":\"{id:016x}\",\"operationName\":\"{}\",\"references\":[", OPS[(id % 8) as usize]);
        if let Some(p) = parent {
            let _ = write!(
                s,
                "{{\"refType\":\"CHILD_OF\",\"traceID\":\"{tid}\",\"spanID\":\"{p:016x}\"}}"
            );
        }
        let _ = write!(s, "],\"startTime\":{start},\"duration\":{dur},\"tags\":[{{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"server\"}},{{\"key\":\"http.status_code\",\"type\":\"int64\",\"value\":200}},{{\"key\":\"http.url\",\"type\":\"string\",\"value\":\"https://shop.example.com/api/v1/items/{}?session=abcdef0123456789\"}},{{\"key\":\"sampler.param\",\"type\":\"float64\",\"value\":0.25}}],\"logs\":[", id % 10_000);
        if id.is_multiple_of(4) {
            let _ = write!(s, "{{\"timestamp\":{},\"fields\":[{{\"key\":\"event\",\"type\":\"string\",\"value\":\"cache miss\"}},{{\"key\":\"key\",\"type\":\"string\",\"value\":\"item:{}\"}}]}}", start + 1, id % 997);
        }
        let _ = write!(s, "],\"processID\":\"p{}\"}}", 1 + id % 6);
    }
    s.push_str("],\"processes\":{");
    for p in 1..=6 {
        if p > 1 {
            s.push(',');
        }
        let _ = write!(s, "\"p{p}\":{{\"serviceName\":\"svc-{p}\",\"tags\":[{{\"key\":\"hostname\",\"type\":\"string\",\"value\":\"svc-{p}-7d9f\"}}]}}");
    }
    s.push_str("}}]}");
    s.into_bytes()
}

#[test]
fn a_big_valid_link_decodes_within_the_bound() {
    let _g = serial();
    let n = 40_000;
    let t = trace_core::import(&jaeger_trace(n), None)
        .expect("imports")
        .traces
        .remove(0);
    assert_eq!(t.len() as usize, n);
    let text = packed::encode(&t, &Scope::Whole, MAX_LINK_CHARS)
        .expect("fits a link")
        .text;
    drop(t);
    let (r, peak) = measure(&text);
    report(
        &format!("a valid generated Jaeger trace of {n} spans"),
        &text,
        &r,
        peak,
    );
    assert_eq!(
        r.as_ref().map(Trace::len).ok(),
        Some(n as u32),
        "{}",
        outcome(&r)
    );
    assert!(peak <= BOUND, "valid link: peak {}", mb(peak));
}
