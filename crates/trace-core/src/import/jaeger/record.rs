//! A span of a Jaeger `spans` array reduced to what import keeps of it: every import path adds
//! spans from this one form (`add_span`), so a span parsed here, or parsed by another worker
//! and sent over as bytes ([`encode`] / [`Decoder`]), is added exactly alike.
//!
//! The bytes are a private form between two copies of the same build (a parsing helper and
//! the worker that imports), not a file format: no version, but every read is checked, so
//! bytes that are not what [`encode`] wrote give `None`, never a panic.

use super::{refs_of, RefLite, TagScan, WireSpan};
use crate::builder::Window;
use crate::import::lenient::{parse_or_default, Scalar};
use crate::model::{PartField, RawRef, SpanKind, StatusCode};
use crate::time::Nanos;
use std::borrow::Cow;

/// What import reads of one span.
pub(super) struct SpanRecord<'a, 'r> {
    /// `traceID` as text; `None` when missing (the span takes its trace object's id).
    pub trace_id: Option<Cow<'a, str>>,
    /// `spanID` as text (numbers in decimal).
    pub span_id: Cow<'a, str>,
    /// `spanID` was a JSON string: only those are ids other spans' references can match.
    pub span_id_is_text: bool,
    /// The legacy `parentSpanID`, when a string.
    pub parent_span_id: Option<Cow<'a, str>>,
    pub refs: &'r [RefLite<'a>],
    pub name: Cow<'a, str>,
    pub kind: Option<SpanKind>,
    pub status: StatusCode,
    /// Start (`None` when missing or zero) and duration, in nanoseconds.
    pub start: Option<Nanos>,
    pub duration: Option<Nanos>,
    pub process_id: Cow<'a, str>,
    /// The span's own `process` object: where it lies, and its service name.
    pub process: Option<EmbeddedProcess>,
    /// Where the fields read on demand lie in the file.
    pub parts: [(PartField, Option<RawRef>); 4],
}

pub(super) struct EmbeddedProcess {
    pub raw: RawRef,
    pub service: String,
}

impl<'a, 'r> SpanRecord<'a, 'r> {
    /// Reads `s`, whose text lies in `window`; its references go to `refs`.
    pub fn of(s: &WireSpan<'a>, window: &Window, refs: &'r mut Vec<RefLite<'a>>) -> Self {
        match s.references {
            Some(r) => refs_of(r.get(), refs),
            None => refs.clear(),
        }
        let scan = s.tags.map(|raw| TagScan::of(raw.get())).unwrap_or_default();
        let range = |raw: Option<&serde_json::value::RawValue>| raw.map(|r| window.range(r.get()));
        SpanRecord {
            trace_id: (!s.trace_id.is_none()).then(|| scalar_text(&s.trace_id)),
            span_id: scalar_text(&s.span_id),
            span_id_is_text: s.span_id.as_str().is_some(),
            parent_span_id: match &s.parent_span_id {
                Scalar::Str(p) => Some(p.clone()),
                _ => None,
            },
            refs,
            name: scalar_text(&s.operation_name),
            kind: scan.kind,
            status: scan.status,
            start: s.start_time.us_to_ns().filter(|&t| t != 0),
            duration: s.duration.us_to_ns(),
            process_id: scalar_text(&s.process_id),
            process: s.process.map(|raw| {
                let lite: super::ProcessLite = parse_or_default(raw.get());
                EmbeddedProcess {
                    raw: window.range(raw.get()),
                    service: lite.service_name.text().into_owned(),
                }
            }),
            parts: [
                (PartField::Tags, range(s.tags)),
                (PartField::Logs, range(s.logs)),
                (PartField::References, range(s.references)),
                (PartField::Warnings, range(s.warnings)),
            ],
        }
    }
}

/// A scalar's text, borrowing from the file when it is a string without escapes.
fn scalar_text<'a>(s: &Scalar<'a>) -> Cow<'a, str> {
    match s {
        Scalar::Str(c) => c.clone(),
        other => Cow::Owned(other.text().into_owned()),
    }
}

// Which optional values a record holds (an optional text is marked by its length instead).
const SPAN_ID_IS_TEXT: u8 = 2;
const HAS_KIND: u8 = 8;
const HAS_START: u8 = 16;
const HAS_DURATION: u8 = 32;
const HAS_PROCESS: u8 = 64;

/// Appends `r` to `out`.
pub(super) fn encode(r: &SpanRecord<'_, '_>, out: &mut Vec<u8>) {
    let flags = [
        (r.span_id_is_text, SPAN_ID_IS_TEXT),
        (r.kind.is_some(), HAS_KIND),
        (r.start.is_some(), HAS_START),
        (r.duration.is_some(), HAS_DURATION),
        (r.process.is_some(), HAS_PROCESS),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .fold(0, |acc, (_, bit)| acc | bit);
    out.push(flags);
    out.push(r.kind.map_or(0, SpanKind::code) | r.status.bits());
    put_opt_str(out, r.trace_id.as_deref());
    put_str(out, &r.span_id);
    put_opt_str(out, r.parent_span_id.as_deref());
    put_str(out, &r.name);
    put_str(out, &r.process_id);
    out.extend_from_slice(&r.start.unwrap_or(0).to_le_bytes());
    out.extend_from_slice(&r.duration.unwrap_or(0).to_le_bytes());
    if let Some(p) = &r.process {
        put_range(out, p.raw);
        put_str(out, &p.service);
    }
    put_u32(out, r.refs.len() as u32);
    for rf in r.refs {
        put_opt_str(out, rf.ref_type.as_deref());
        put_opt_str(out, rf.span_id.as_deref());
    }
    let mask = r
        .parts
        .iter()
        .enumerate()
        .filter(|(_, (_, range))| range.is_some())
        .fold(0u8, |acc, (k, _)| acc | (1 << k));
    out.push(mask);
    for (_, range) in &r.parts {
        if let Some(range) = range {
            put_range(out, *range);
        }
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

/// `None` is the length `u32::MAX`, which no string written here reaches.
fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => put_str(out, s),
        None => put_u32(out, u32::MAX),
    }
}

fn put_range(out: &mut Vec<u8>, r: RawRef) {
    put_u32(out, r.start);
    put_u32(out, r.len);
}

/// Reads records from bytes [`encode`] wrote, one at a time.
pub(super) struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Decoder<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Decoder { bytes, at: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.at >= self.bytes.len()
    }

    /// The next record (its references in `refs`), or `None` when the bytes are not a record.
    pub fn next_record<'r>(
        &mut self,
        refs: &'r mut Vec<RefLite<'a>>,
    ) -> Option<SpanRecord<'a, 'r>> {
        let flags = self.u8()?;
        let codes = self.u8()?;
        let trace_id = self.opt_str()?;
        let span_id = self.str()?;
        let parent_span_id = self.opt_str()?;
        let name = self.str()?;
        let process_id = self.str()?;
        let start = self.i64()?;
        let duration = self.i64()?;
        let process = if flags & HAS_PROCESS != 0 {
            Some(EmbeddedProcess {
                raw: self.range()?,
                service: self.str()?.to_string(),
            })
        } else {
            None
        };
        refs.clear();
        for _ in 0..self.u32()? {
            let ref_type = self.opt_str()?.map(Cow::Borrowed);
            let span_id = self.opt_str()?.map(Cow::Borrowed);
            refs.push(RefLite { ref_type, span_id });
        }
        let mask = self.u8()?;
        let mut parts = [
            (PartField::Tags, None),
            (PartField::Logs, None),
            (PartField::References, None),
            (PartField::Warnings, None),
        ];
        for (k, (_, range)) in parts.iter_mut().enumerate() {
            if mask & (1 << k) != 0 {
                *range = Some(self.range()?);
            }
        }
        let has = |bit: u8| flags & bit != 0;
        Some(SpanRecord {
            trace_id: trace_id.map(Cow::Borrowed),
            span_id: Cow::Borrowed(span_id),
            span_id_is_text: has(SPAN_ID_IS_TEXT),
            parent_span_id: parent_span_id.map(Cow::Borrowed),
            refs,
            name: Cow::Borrowed(name),
            kind: has(HAS_KIND).then(|| SpanKind::from_bits(codes)),
            status: StatusCode::from_bits(codes),
            start: has(HAS_START).then_some(start),
            duration: has(HAS_DURATION).then_some(duration),
            process_id: Cow::Borrowed(process_id),
            process,
            parts,
        })
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let bytes = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(bytes)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = self.u32()?;
        std::str::from_utf8(self.take(len as usize)?).ok()
    }

    fn opt_str(&mut self) -> Option<Option<&'a str>> {
        let len = self.u32()?;
        if len == u32::MAX {
            return Some(None);
        }
        Some(Some(std::str::from_utf8(self.take(len as usize)?).ok()?))
    }

    fn range(&mut self) -> Option<RawRef> {
        Some(RawRef {
            start: self.u32()?,
            len: self.u32()?,
        })
    }
}
