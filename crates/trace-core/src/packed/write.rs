//! Packs a trace (or the part a scope selects) into link text, streaming the body through the
//! compressor so that a trace too big for a link is given up on as soon as the output passes
//! the limit, not after every span's details were decoded.

use super::bytes::{zigzag, Out};
use super::values::StrWriter;
use super::{EncodeError, VERSION};
use crate::model::{SpanDetails, Trace};
use crate::scope::{self, Scope};
use crate::time::Nanos;
use base64::Engine;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use std::collections::HashMap;
use std::io::Write;

/// Link text for one trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed {
    /// base64url, no padding: safe in a URL fragment as is.
    pub text: String,
    /// Spans in the link.
    pub spans: u32,
    /// Span index in the link of each span of the trace (None when left out).
    pub index_map: Vec<Option<u32>>,
}

/// Body bytes collected before each hand-over to the compressor.
const CHUNK: usize = 64 << 10;

/// Packs the spans `scope` selects into link text of at most `limit` characters.
pub fn encode(t: &Trace, scope: &Scope, limit: usize) -> Result<Packed, EncodeError> {
    let keep = scope::select(t, scope);
    if keep.is_empty() {
        return Err(EncodeError::Empty);
    }
    if surely_too_big(t, &keep, limit) {
        return Err(EncodeError::TooBig {
            limit,
            spans: keep.len() as u32,
        });
    }
    encode_kept(t, &keep, limit)
}

/// Spans packed to tell early that a big scope will not fit.
const PROBE_SPANS: usize = 20_000;

/// Whether `keep` surely makes a link longer than `limit`: its first [`PROBE_SPANS`] spans
/// alone take more than four times their share of it. Packing a million spans only to find
/// that takes the worker most of a second (deflate does not get four times better further
/// into the same trace).
fn surely_too_big(t: &Trace, keep: &[u32], limit: usize) -> bool {
    if keep.len() <= 4 * PROBE_SPANS {
        return false;
    }
    let share = limit as f64 * PROBE_SPANS as f64 / keep.len() as f64;
    let probe_limit = (4.0 * share) as usize;
    matches!(
        encode_kept(t, &keep[..PROBE_SPANS], probe_limit),
        Err(EncodeError::TooBig { .. })
    )
}

fn encode_kept(t: &Trace, keep: &[u32], limit: usize) -> Result<Packed, EncodeError> {
    let index_map = index_map(t.len(), keep);
    let mut w = Writer::new(limit, keep.len() as u32);
    header(&mut w, t, keep);
    columns(&mut w, t, keep, &index_map)?;
    let own_warnings = own_warning_counts(t);
    for &i in keep {
        let own = own_warnings.get(i as usize).copied().unwrap_or(0);
        record(&mut w, t, i, own);
        w.flush_if_full()?;
    }
    warnings(&mut w, t, &index_map);
    let text = w.finish()?;
    Ok(Packed {
        text,
        spans: keep.len() as u32,
        index_map,
    })
}

fn index_map(n: u32, keep: &[u32]) -> Vec<Option<u32>> {
    let mut map = vec![None; n as usize];
    for (k, &i) in keep.iter().enumerate() {
        if let Some(slot) = map.get_mut(i as usize) {
            *slot = Some(k as u32);
        }
    }
    map
}

struct Writer {
    out: Out,
    strings: StrWriter,
    /// Contexts defined so far, by their Debug text.
    contexts: HashMap<String, u64>,
    deflate: DeflateEncoder<Vec<u8>>,
    /// Compressed bytes allowed: the link text is 4 characters per 3 bytes, plus the version.
    max_compressed: usize,
    limit: usize,
    spans: u32,
}

impl Writer {
    fn new(limit: usize, spans: u32) -> Writer {
        Writer {
            out: Out::default(),
            strings: StrWriter::default(),
            contexts: HashMap::new(),
            deflate: DeflateEncoder::new(Vec::new(), Compression::best()),
            max_compressed: (limit / 4 * 3).saturating_sub(1),
            limit,
            spans,
        }
    }

    fn too_big(&self) -> EncodeError {
        EncodeError::TooBig {
            limit: self.limit,
            spans: self.spans,
        }
    }

    fn str(&mut self, s: &str) {
        self.strings.write(&mut self.out, s);
    }

    fn flush_if_full(&mut self) -> Result<(), EncodeError> {
        if self.out.bytes.len() < CHUNK {
            return Ok(());
        }
        self.flush()
    }

    fn flush(&mut self) -> Result<(), EncodeError> {
        let chunk = std::mem::take(&mut self.out.bytes);
        // Writing into a Vec cannot fail; an error here can only be an exhausted allocation.
        self.deflate.write_all(&chunk).map_err(|_| self.too_big())?;
        if self.deflate.get_ref().len() > self.max_compressed {
            return Err(self.too_big());
        }
        self.out.bytes = chunk;
        self.out.bytes.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<String, EncodeError> {
        self.flush()?;
        let too_big = self.too_big();
        let compressed = self.deflate.finish().map_err(|_| too_big.clone())?;
        if compressed.len() > self.max_compressed {
            return Err(too_big);
        }
        let mut framed = Vec::with_capacity(compressed.len() + 1);
        framed.push(VERSION);
        framed.extend_from_slice(&compressed);
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(framed))
    }
}

fn header(w: &mut Writer, t: &Trace, keep: &[u32]) {
    let format = crate::Format::ALL
        .iter()
        .position(|&f| f == t.format())
        .unwrap_or(0);
    w.out.u8(format as u8);
    w.str(t.trace_id());
    w.out.svarint(trace_start(t, keep));
    w.out.uvarint(keep.len() as u64);
}

/// The earliest start among the kept spans: every start is then a non-negative offset.
fn trace_start(t: &Trace, keep: &[u32]) -> Nanos {
    keep.iter().map(|&i| t.start_ns(i)).min().unwrap_or(0)
}

/// The per-span columns. Compressed as they are written, so a trace far too big for a link is
/// given up on once the budget is spent, not after a million spans were written out.
fn columns(
    w: &mut Writer,
    t: &Trace,
    keep: &[u32],
    index_map: &[Option<u32>],
) -> Result<(), EncodeError> {
    for (k, &i) in keep.iter().enumerate() {
        let parent = t
            .parent(i)
            .and_then(|p| index_map.get(p as usize).copied().flatten());
        w.out
            .uvarint(parent.map_or(0, |p| zigzag(k as i64 - i64::from(p))));
        w.flush_if_full()?;
    }
    let start = trace_start(t, keep);
    for &i in keep {
        w.out
            .uvarint(t.start_ns(i).saturating_sub(start).max(0) as u64);
        w.flush_if_full()?;
    }
    for &i in keep {
        w.out.uvarint(t.duration_ns(i).max(0) as u64);
        w.flush_if_full()?;
    }
    for &i in keep {
        w.str(t.name(i));
        w.flush_if_full()?;
    }
    for &i in keep {
        w.str(t.service(i));
        w.flush_if_full()?;
    }
    for &i in keep {
        w.out
            .u8(t.flags.get(i as usize).copied().unwrap_or(0) & 0x7f);
        w.flush_if_full()?;
    }
    span_ids(w, t, keep)
}

/// Numeric ids as 8 bytes each (random ids do not compress), then the few others as text.
fn span_ids(w: &mut Writer, t: &Trace, keep: &[u32]) -> Result<(), EncodeError> {
    let is_odd = |i: u32| t.odd_ids.binary_search_by_key(&i, |&(s, _)| s).is_ok();
    for &i in keep {
        let id = if is_odd(i) {
            0
        } else {
            t.span_id.get(i as usize).copied().unwrap_or(0)
        };
        w.out.bytes.extend_from_slice(&id.to_be_bytes());
        w.flush_if_full()?;
    }
    let odd: Vec<(usize, u32)> = keep
        .iter()
        .enumerate()
        .filter(|&(_, &i)| is_odd(i))
        .map(|(k, &i)| (k, i))
        .collect();
    w.out.uvarint(odd.len() as u64);
    let mut previous = 0;
    for (k, i) in odd {
        w.out.uvarint((k - previous) as u64);
        previous = k;
        let id = t.span_id(i);
        w.str(&id);
        w.flush_if_full()?;
    }
    Ok(())
}

/// How many of the trace's own warnings (not the file's) each span has: `span_details` lists
/// the file's first, then these.
fn own_warning_counts(t: &Trace) -> Vec<usize> {
    let mut counts = vec![0; t.len() as usize];
    for s in t.warnings().iter().filter_map(|w| w.span) {
        if let Some(c) = counts.get_mut(s as usize) {
            *c += 1;
        }
    }
    counts
}

/// One span's context (resource and scope) and details.
fn record(w: &mut Writer, t: &Trace, i: u32, own_warnings: usize) {
    let d = t.span_details(i);
    context(w, &d);
    w.strings.kvs(&mut w.out, &d.attributes);
    w.out.uvarint(d.events.len() as u64);
    for e in &d.events {
        w.out.svarint(e.time_ns.saturating_sub(t.start_ns(i)));
        w.str(&e.name);
        w.strings.kvs(&mut w.out, &e.attributes);
    }
    w.out.uvarint(d.links.len() as u64);
    for l in &d.links {
        w.out.u8(link_kind_code(l.kind));
        w.str(&l.trace_id);
        w.str(&l.span_id);
        w.strings.kvs(&mut w.out, &l.attributes);
    }
    match &d.status_message {
        Some(m) => {
            w.out.u8(1);
            w.str(m);
        }
        None => w.out.u8(0),
    }
    let reported = &d.warnings[..d.warnings.len().saturating_sub(own_warnings)];
    w.out.uvarint(reported.len() as u64);
    for r in reported {
        w.out.u8(r.kind.code());
        w.out.len_bytes(r.message.as_bytes());
    }
}

pub(crate) fn link_kind_code(k: crate::LinkKind) -> u8 {
    match k {
        crate::LinkKind::ChildOf => 0,
        crate::LinkKind::FollowsFrom => 1,
        crate::LinkKind::Link => 2,
        crate::LinkKind::Flow => 3,
    }
}

/// Spans of one resource share its context: defined once, referred to after.
fn context(w: &mut Writer, d: &SpanDetails) {
    // Debug text is a faithful key for equality (floats print exactly).
    let key = format!("{:?}{:?}", d.resource, d.scope);
    let next = w.contexts.len() as u64;
    match w.contexts.get(&key).copied() {
        Some(k) => w.out.uvarint(k + 1),
        None => {
            w.contexts.insert(key, next);
            w.out.uvarint(0);
            w.strings.kvs(&mut w.out, &d.resource);
            match &d.scope {
                None => w.out.u8(0),
                Some(s) => {
                    w.out.u8(if s.version.is_some() { 2 } else { 1 });
                    w.str(&s.name);
                    if let Some(v) = &s.version {
                        w.str(v);
                    }
                }
            }
        }
    }
}

fn warnings(w: &mut Writer, t: &Trace, index_map: &[Option<u32>]) {
    let kept: Vec<(u64, &crate::Warning)> = t
        .warnings()
        .iter()
        .filter_map(|wa| match wa.span {
            None => Some((0, wa)),
            Some(s) => index_map
                .get(s as usize)
                .copied()
                .flatten()
                .map(|k| (u64::from(k) + 1, wa)),
        })
        .collect();
    w.out.uvarint(kept.len() as u64);
    for (span, wa) in kept {
        w.out.u8(wa.kind.code());
        w.out.uvarint(span);
        w.out.len_bytes(wa.message.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trace of `n` spans under one root; `random_ids`: ids that do not compress.
    fn wide_trace(n: usize, random_ids: bool) -> Trace {
        let mut rng = fastrand::Rng::with_seed(3);
        let ids: Vec<u64> = (1..=n as u64)
            .map(|k| if random_ids { rng.u64(1..) } else { k })
            .collect();
        let spans: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(k, id)| {
                let parent = match k {
                    0 => String::new(),
                    _ => format!(r#","parentSpanID":"{:x}""#, ids[0]),
                };
                format!(
                    r#"{{"traceID":"t1","spanID":"{id:x}"{parent},"operationName":"op","startTime":{},"duration":5,"processID":"p1"}}"#,
                    1_700_000_000_000_000u64 + k as u64
                )
            })
            .collect();
        let file = format!(
            r#"{{"data":[{{"traceID":"t1","spans":[{}],"processes":{{"p1":{{"serviceName":"s"}}}}}}]}}"#,
            spans.join(",")
        );
        crate::import(file.as_bytes(), None)
            .expect("imports")
            .traces
            .remove(0)
    }

    fn all(t: &Trace) -> Vec<u32> {
        (0..t.len()).collect()
    }

    #[test]
    fn a_sample_tells_a_scope_far_over_the_limit() {
        // ~14 characters a span with random ids: 400k spans need 5.6 MB of link.
        let random = wide_trace(400_000, true);
        assert!(surely_too_big(&random, &all(&random), 1_000_000));
        // ~10 characters a span with sequential ids: 150k spans fit in 2 MB, and the sample
        // does not say otherwise.
        let repetitive = wide_trace(150_000, false);
        assert!(!surely_too_big(&repetitive, &all(&repetitive), 2_000_000));
        let link = encode(&repetitive, &Scope::Whole, 2_000_000).expect("fits");
        assert_eq!(link.spans, 150_000);
        // Scopes of a few sample sizes are always packed whole.
        let small = wide_trace(4 * PROBE_SPANS, true);
        assert!(!surely_too_big(&small, &all(&small), 1));
    }
}
