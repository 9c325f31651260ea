//! Reads link text back into a `Trace`: base64url, version, bounded inflate, then the body in
//! one pass that checks every count, index and reference. Span details stay in the body and
//! are decoded for one span at a time, like the importers' raw JSON ranges.

use super::bytes::{unzigzag, Budget, In};
use super::values::StrTable;
use super::{LinkError, DECODE_BUDGET_BYTES, MAX_BODY_BYTES, MAX_LINK_CHARS, VERSION};
use crate::model::{
    Context, Event, Link, LinkKind, Part, PartField, RawRef, Scope, SpanDetails, Trace, Warning,
    WarningKind, NO_PARENT,
};
use crate::time::Nanos;
use crate::Format;
use base64::Engine;
use std::io::Read;
use std::sync::Arc;

/// Memory one span's columns take in a decoded `Trace` (ids, times, parent, name, service,
/// flags, context, part index and part, the services list and the cycle check's walk),
/// rounded up.
const SPAN_COST: usize = 80;
/// The fewest body bytes one span can take (columns, 8-byte id, an empty record).
const MIN_SPAN_BYTES: usize = 19;
/// What decoding one span's record may allocate while the link is checked.
const RECORD_BUDGET: usize = 16 << 20;

/// Reads link text (base64url of version and compressed body) into a trace.
pub fn decode(text: &str) -> Result<Trace, LinkError> {
    let mut budget = Budget {
        left: DECODE_BUDGET_BYTES,
    };
    let body = unpack(text.trim(), &mut budget)?;
    Body::read(body, budget)
}

/// Builds a column of exactly `n` values (collecting a `Result` iterator would grow the vector
/// by doubling, past what was charged).
fn column<T>(
    n: usize,
    mut value: impl FnMut(usize) -> Result<T, LinkError>,
) -> Result<Vec<T>, LinkError> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(value(i)?);
    }
    Ok(out)
}

fn unpack(text: &str, budget: &mut Budget) -> Result<Vec<u8>, LinkError> {
    if text.is_empty() {
        return Err(LinkError::Empty);
    }
    if text.len() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong { chars: text.len() });
    }
    budget.charge(text.len())?;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let framed = engine.decode(text).map_err(|e| match e {
        base64::DecodeError::InvalidByte(position, _) => LinkError::NotBase64 { position },
        _ => LinkError::NotBase64 {
            position: text.len(),
        },
    })?;
    match framed.split_first() {
        None => Err(LinkError::Empty),
        Some((&VERSION, compressed)) => inflate(compressed, budget),
        Some((&found, _)) => Err(LinkError::Version { found }),
    }
}

/// Inflates at most `MAX_BODY_BYTES`: a decompression bomb stops there, within milliseconds.
/// While it grows, the buffer may briefly take twice that (under the budget, which nothing
/// else uses yet); the body's final size is what is charged.
fn inflate(compressed: &[u8], budget: &mut Budget) -> Result<Vec<u8>, LinkError> {
    let mut body = Vec::new();
    flate2::read::DeflateDecoder::new(compressed)
        .take(MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| LinkError::Decompress {
            message: e.to_string(),
        })?;
    if body.len() > MAX_BODY_BYTES {
        return Err(LinkError::TooLarge);
    }
    body.shrink_to_fit();
    budget.charge(body.len())?;
    Ok(body)
}

/// The columns of a trace being read.
#[derive(Default)]
struct Columns {
    parent: Vec<u32>,
    start: Vec<Nanos>,
    dur: Vec<Nanos>,
    name: Vec<u32>,
    service: Vec<u32>,
    flags: Vec<u8>,
    span_id: Vec<u64>,
    odd_ids: Vec<(u32, u32)>,
    ctx: Vec<u32>,
    parts: Vec<Part>,
}

struct Body<'b> {
    r: In<'b>,
    strings: Vec<Box<str>>,
    contexts: Vec<Context>,
    budget: Budget,
}

impl<'b> Body<'b> {
    fn read(body: Vec<u8>, budget: Budget) -> Result<Trace, LinkError> {
        let mut b = Body {
            r: In::new(&body, 0),
            strings: Vec::new(),
            contexts: Vec::new(),
            budget,
        };
        let format = b.format()?;
        let id = b.text("trace id")?;
        let trace_start = b.r.svarint("trace start")?;
        let n = b.r.count("span count", MIN_SPAN_BYTES)?;
        b.budget.charge_items(n, SPAN_COST)?;
        let mut c = Columns::default();
        b.columns(n, trace_start, &mut c)?;
        b.odd_ids(n, &mut c)?;
        b.records(n, &mut c)?;
        let warnings = b.warnings(n)?;
        if b.r.left() > 0 {
            return Err(LinkError::Trailing);
        }
        check_acyclic(&c.parent)?;
        let (strings, contexts) = (b.strings, b.contexts);
        Ok(assemble(id, format, body, strings, contexts, c, warnings))
    }

    fn format(&mut self) -> Result<Format, LinkError> {
        let code = self.r.u8("format")?;
        Format::ALL
            .get(code as usize)
            .copied()
            .ok_or(LinkError::corrupt("format", "unknown format"))
    }

    fn table(&mut self) -> StrTable<'_> {
        StrTable::Growing {
            table: &mut self.strings,
            defs: &mut self.budget,
        }
    }

    /// Reads a `str` whose copy stays in the trace (trace id, scope names).
    fn text(&mut self, what: &'static str) -> Result<String, LinkError> {
        let mut r = self.r.clone();
        let mut copies = Budget {
            left: self.budget.left,
        };
        let s = self.table().text(&mut r, &mut copies, what)?;
        self.r = r;
        self.budget.charge(s.len())?;
        Ok(s)
    }

    fn str_index(&mut self, what: &'static str) -> Result<u32, LinkError> {
        let mut r = self.r.clone();
        let k = self.table().index(&mut r, what);
        self.r = r;
        k
    }

    fn columns(&mut self, n: usize, trace_start: Nanos, c: &mut Columns) -> Result<(), LinkError> {
        c.parent = column(n, |i| self.parent(i, n))?;
        c.start = column(n, |_| {
            Ok(trace_start.saturating_add(self.r.nanos("span start")?))
        })?;
        c.dur = column(n, |_| self.r.nanos("span duration"))?;
        c.name = column(n, |_| self.str_index("span name"))?;
        c.service = column(n, |_| self.str_index("service name"))?;
        c.flags = column(n, |_| Ok(self.r.u8("span flags")? & 0x7f))?;
        c.span_id = column(n, |_| {
            let b = self.r.take(8, "span id")?;
            let mut be = [0u8; 8];
            be.copy_from_slice(b);
            Ok(u64::from_be_bytes(be))
        })?;
        Ok(())
    }

    fn parent(&mut self, i: usize, n: usize) -> Result<u32, LinkError> {
        match self.r.uvarint("parent")? {
            0 => Ok(NO_PARENT),
            z => {
                let p = (i as i64).checked_sub(unzigzag(z));
                match p {
                    Some(p) if p >= 0 && (p as usize) < n && p as usize != i => Ok(p as u32),
                    _ => Err(LinkError::corrupt("parent", "not a span of the trace")),
                }
            }
        }
    }

    /// Ids that are not numbers: (span, string index), kept sorted by span as the model wants,
    /// with the string index also in the id column (the model's convention for odd ids).
    fn odd_ids(&mut self, n: usize, c: &mut Columns) -> Result<(), LinkError> {
        let count = self.r.count("odd span ids", 2)?;
        self.budget.charge_items(count, 8)?;
        let mut span = 0usize;
        for k in 0..count {
            let delta = self.r.uvarint("odd span id")?;
            span = usize::try_from(delta)
                .ok()
                .and_then(|d| span.checked_add(d))
                .filter(|&s| s < n && (k == 0 || delta > 0))
                .ok_or(LinkError::corrupt("odd span id", "not a span of the trace"))?;
            let sid = self.str_index("odd span id")?;
            c.odd_ids.push((span as u32, sid));
            if let Some(slot) = c.span_id.get_mut(span) {
                *slot = u64::from(sid);
            }
        }
        Ok(())
    }

    /// Reads every record once, to check it and to define its strings and contexts; keeps the
    /// byte range of its details for `details`.
    fn records(&mut self, n: usize, c: &mut Columns) -> Result<(), LinkError> {
        c.ctx.reserve_exact(n);
        c.parts.reserve_exact(n);
        for i in 0..n {
            let ctx = self.context()?;
            let from = self.r.at;
            let mut scratch = Budget {
                left: RECORD_BUDGET.min(self.budget.left),
            };
            let start = c.start.get(i).copied().unwrap_or(0);
            let mut r = self.r.clone();
            read_record(&mut r, &mut self.table(), &mut scratch, start)?;
            self.r = r;
            c.ctx.push(ctx);
            c.parts.push(Part {
                field: PartField::Packed,
                raw: RawRef {
                    start: from as u32,
                    len: (self.r.at - from) as u32,
                },
            });
        }
        Ok(())
    }

    fn context(&mut self) -> Result<u32, LinkError> {
        match self.r.uvarint("context")? {
            0 => {
                let before = self.budget.left;
                let mut spent = Budget { left: before };
                let mut r = self.r.clone();
                let resource = self.table().kvs(&mut r, &mut spent, 0)?;
                self.r = r;
                let scope = self.scope()?;
                self.budget.charge(before - spent.left)?;
                self.budget.charge(std::mem::size_of::<Context>())?;
                self.contexts.push(Context::Packed { resource, scope });
                Ok(self.contexts.len() as u32 - 1)
            }
            k => match u32::try_from(k - 1) {
                Ok(k) if (k as usize) < self.contexts.len() => Ok(k),
                _ => Err(LinkError::corrupt("context", "refers to nothing")),
            },
        }
    }

    fn scope(&mut self) -> Result<Option<Scope>, LinkError> {
        match self.r.u8("scope")? {
            0 => Ok(None),
            1 => Ok(Some(Scope {
                name: self.text("scope name")?,
                version: None,
            })),
            2 => Ok(Some(Scope {
                name: self.text("scope name")?,
                version: Some(self.text("scope version")?),
            })),
            _ => Err(LinkError::corrupt("scope", "unknown tag")),
        }
    }

    fn warnings(&mut self, n: usize) -> Result<Vec<Warning>, LinkError> {
        let count = self.r.count("warnings", 3)?;
        self.budget
            .charge_items(count, std::mem::size_of::<Warning>() + 16)?;
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            let kind = WarningKind::from_code(self.r.u8("warning kind")?)
                .ok_or(LinkError::corrupt("warning kind", "unknown kind"))?;
            let span = match self.r.uvarint("warning span")? {
                0 => None,
                k => Some(self.r_index(k - 1, n)?),
            };
            let message = self.r.len_str("warning")?.to_string();
            self.budget.charge(message.len())?;
            out.push(Warning {
                kind,
                message,
                span,
            });
        }
        Ok(out)
    }

    fn r_index(&self, k: u64, n: usize) -> Result<u32, LinkError> {
        match usize::try_from(k) {
            Ok(k) if k < n => Ok(k as u32),
            _ => Err(LinkError::corrupt(
                "warning span",
                "not a span of the trace",
            )),
        }
    }
}

/// One span's attributes, events, links and status message.
fn read_record(
    r: &mut In<'_>,
    table: &mut StrTable<'_>,
    budget: &mut Budget,
    span_start: Nanos,
) -> Result<SpanDetails, LinkError> {
    let mut d = SpanDetails {
        attributes: table.kvs(r, budget, 0)?,
        ..SpanDetails::default()
    };
    let events = r.count("events", 3)?;
    budget.charge_items(events, std::mem::size_of::<Event>())?;
    d.events.reserve_exact(events);
    for _ in 0..events {
        let time_ns = span_start.saturating_add(r.svarint("event time")?);
        let name = table.text(r, budget, "event name")?;
        let attributes = table.kvs(r, budget, 0)?;
        d.events.push(Event {
            time_ns,
            offset_ns: 0,
            name,
            attributes,
        });
    }
    let links = r.count("links", 4)?;
    budget.charge_items(links, std::mem::size_of::<Link>())?;
    d.links.reserve_exact(links);
    for _ in 0..links {
        let kind = link_kind(r.u8("link kind")?)?;
        d.links.push(Link {
            kind,
            trace_id: table.text(r, budget, "link trace id")?,
            span_id: table.text(r, budget, "link span id")?,
            target: None,
            attributes: table.kvs(r, budget, 0)?,
        });
    }
    d.status_message = match r.u8("status message")? {
        0 => None,
        1 => Some(table.text(r, budget, "status message")?),
        _ => return Err(LinkError::corrupt("status message", "unknown tag")),
    };
    let reported = r.count("span warnings", 2)?;
    budget.charge_items(reported, std::mem::size_of::<Warning>())?;
    d.warnings.reserve_exact(reported);
    for _ in 0..reported {
        let kind = WarningKind::from_code(r.u8("span warning kind")?)
            .ok_or(LinkError::corrupt("span warning kind", "unknown kind"))?;
        let message = r.len_str("span warning")?;
        budget.charge(message.len())?;
        d.warnings.push(Warning::new(kind, message));
    }
    Ok(d)
}

fn link_kind(code: u8) -> Result<LinkKind, LinkError> {
    Ok(match code {
        0 => LinkKind::ChildOf,
        1 => LinkKind::FollowsFrom,
        2 => LinkKind::Link,
        3 => LinkKind::Flow,
        _ => return Err(LinkError::corrupt("link kind", "unknown kind")),
    })
}

/// Parent indexes must form a forest: a hand-edited link could make a cycle, which every tree
/// walk after this would loop on.
fn check_acyclic(parent: &[u32]) -> Result<(), LinkError> {
    // 0 = not seen, 1 = on the current walk, 2 = known to reach a root.
    let mut state = vec![0u8; parent.len()];
    let mut path: Vec<u32> = Vec::new();
    for i in 0..parent.len() {
        let mut at = i;
        path.clear();
        while state[at] == 0 {
            state[at] = 1;
            path.push(at as u32);
            match parent[at] {
                NO_PARENT => break,
                p => at = p as usize,
            }
        }
        if state[at] == 1 && parent[at] != NO_PARENT {
            return Err(LinkError::corrupt(
                "parent",
                "spans are their own ancestors",
            ));
        }
        path.iter().for_each(|&s| state[s as usize] = 2);
    }
    Ok(())
}

fn assemble(
    id: String,
    format: Format,
    body: Vec<u8>,
    strings: Vec<Box<str>>,
    contexts: Vec<Context>,
    c: Columns,
    warnings: Vec<Warning>,
) -> Trace {
    let mut services = c.service.clone();
    services.sort_unstable();
    services.dedup();
    services.sort_by(|a, b| strings.get(*a as usize).cmp(&strings.get(*b as usize)));
    let part_start = (0..=c.parts.len() as u32).collect();
    let mut t = Trace {
        id,
        format,
        src: Arc::new(body) as Arc<dyn crate::source::Source>,
        strings,
        span_id: c.span_id,
        odd_ids: c.odd_ids,
        start: c.start,
        dur: c.dur,
        parent: c.parent,
        name: c.name,
        service: c.service,
        flags: c.flags,
        ctx: c.ctx,
        part_start,
        parts: c.parts,
        contexts: Arc::new(contexts),
        extras: Vec::new(),
        warnings: warnings.into_iter().collect(),
        services,
        start_ns: 0,
        end_ns: 0,
        lookup: Default::default(),
    };
    t.recompute_bounds();
    t
}

/// Fills span `i`'s details from its packed record; false when the span is not packed.
pub(crate) fn details(t: &Trace, i: u32, d: &mut SpanDetails) -> bool {
    let Some(record) = t.packed_record(i) else {
        return false;
    };
    let mut budget = Budget {
        left: RECORD_BUDGET,
    };
    let mut table = StrTable::Fixed(&t.strings);
    // The record was read in full when the link was opened, so this cannot fail; if it ever
    // did, the span would show without details rather than break the page.
    if let Ok(mut rec) = read_record(
        &mut In::new(&record, 0),
        &mut table,
        &mut budget,
        t.start_ns(i),
    ) {
        for w in &mut rec.warnings {
            w.span = Some(i);
        }
        *d = rec;
    }
    if let Some(Context::Packed { resource, scope }) = t.context_of(i) {
        d.resource = resource.clone();
        d.scope = scope.clone();
    }
    true
}
