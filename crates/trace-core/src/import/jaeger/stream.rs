//! Jaeger JSON read a chunk at a time (`import::stream`): the document's structure — an
//! envelope with `data`, an array of traces, or one trace — is walked token by token, and each
//! span is parsed as a record once its bytes are all there, with the same code as a whole-file
//! import.
//!
//! What a span needs from the rest of its trace is settled when the trace object closes:
//! - its process, when the `processes` map comes after the spans (as Jaeger writes it);
//! - its parent, when it has several references (the choice prefers a span of this trace, and
//!   the trace's span ids are only all known at its end).
//!
//! Anything a whole-file import would read differently answers `ReadWhole`: a span without a
//! `traceID` before the trace's own, a key given twice, an undefined process among the settled
//! spans, a `data` that is not an array, text after the document (JSON Lines), any error.

use super::record::{Decoder, SpanRecord};
use super::{
    add_span, parent_among, process_entries, register_processes, span_process, ParentChoice,
    Process, ProcessEntry, RefLite, SpanProcess, WireSpan,
};
use crate::builder::{FastMap, ImportBuilder, ParentIn};
use crate::import::lenient::{Obj, Scalar, Text};
use crate::import::stream::{read_value, Piece, ReadWhole};
use crate::model::{Context, RawRef, Warning, WarningKind};
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::BuildHasher;

/// Where the walk is in the document.
#[derive(Default)]
pub(crate) struct Walk {
    frames: Vec<Frame>,
    /// The top-level value is complete.
    done: bool,
}

enum Frame {
    /// An array of trace objects (the document, or `data`).
    Traces { at: Seq, skipped: usize },
    /// A trace object. `envelope`: the document's object, or `data`'s, which may also hold
    /// `data` (read like the whole-file import's envelope) and may not repeat a key.
    Trace {
        at: Map,
        envelope: bool,
        trace: Box<TraceObject>,
    },
    /// The `spans` array of the trace object below it.
    Spans { at: Seq },
}

#[derive(Clone, Copy, PartialEq)]
enum Seq {
    /// After `[`: an element or `]`.
    Open,
    /// After `,`: an element.
    Element,
    /// After an element: `,` or `]`.
    Next,
}

#[derive(Clone, Copy, PartialEq)]
enum Map {
    /// After `{`: a key or `}`.
    Open,
    /// After `,`: a key.
    Key,
    Colon(Field),
    Value(Field),
    /// After a value: `,` or `}`.
    Next,
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    TraceId,
    Spans,
    Processes,
    Data,
    Other,
}

impl Field {
    fn of(key: &str) -> Field {
        match key {
            "traceID" => Field::TraceId,
            "spans" => Field::Spans,
            "processes" => Field::Processes,
            "data" => Field::Data,
            _ => Field::Other,
        }
    }
}

/// What a trace object has shown so far, and what its spans wait for.
#[derive(Default)]
struct TraceObject {
    seen: Vec<Field>,
    trace_id: Option<String>,
    /// The `processes` map, once read; `registered` once its processes are contexts (when the
    /// first span comes after it, or at the end).
    process_entries: Option<Vec<ProcessEntry>>,
    registered: Option<FastMap<Box<str>, Process>>,
    unknown_ctx: Option<u32>,
    /// Hashes of the span ids of this object, kept only until the end.
    span_ids: Vec<u64>,
    hasher: foldhash::fast::FixedState,
    waiting_for_process: Vec<WaitingForProcess>,
    /// The process ids the waiting spans name, each once.
    process_ids: FastMap<Box<str>, u32>,
    waiting_for_parent: Vec<WaitingForParent>,
    /// Elements of `spans` that are not objects.
    skipped: usize,
    /// `spans` was an array (a trace object without one adds nothing, as in a whole import).
    has_spans: bool,
}

/// A span read before its trace's `processes` map.
struct WaitingForProcess {
    trace: u32,
    span: u32,
    /// Its `processID`, by position in `process_ids`.
    process_id: u32,
    /// Its own `process` object (range and service), used when the map does not have its id.
    embedded: Option<(RawRef, String)>,
}

/// A span with several references.
struct WaitingForParent {
    trace: u32,
    span: u32,
    refs: Vec<(Option<String>, Option<String>)>,
}

impl Walk {
    pub(crate) fn is_done(&self) -> bool {
        self.done && self.frames.is_empty()
    }

    /// Walks `buf` (which starts at byte `base` of the file) as far as whole tokens and records
    /// go, but takes no token that starts at `stop`; returns how many bytes were consumed.
    /// `eof`: nothing follows `buf`.
    pub(crate) fn advance(
        &mut self,
        buf: &str,
        base: u64,
        eof: bool,
        stop: Option<u64>,
        b: &mut ImportBuilder<'_>,
    ) -> Result<usize, ReadWhole> {
        b.set_window(buf.as_bytes(), base);
        let mut pos = 0;
        loop {
            let at = skip_whitespace(buf.as_bytes(), pos);
            if stop == Some(base + at as u64) {
                return Ok(at);
            }
            let Some(&c) = buf.as_bytes().get(at) else {
                return Ok(pos);
            };
            match self.step(buf, at, c, eof, b)? {
                Some(next) => pos = next,
                None => return Ok(pos),
            }
        }
    }

    /// Reads the token or record at `at` (its first byte `c`): where the next one starts, or
    /// `None` when `buf` ends inside it.
    fn step(
        &mut self,
        buf: &str,
        at: usize,
        c: u8,
        eof: bool,
        b: &mut ImportBuilder<'_>,
    ) -> Result<Option<usize>, ReadWhole> {
        match self.frames.last_mut() {
            None if !self.done => self.start(c).map(|()| Some(at + 1)),
            None => Err(ReadWhole),
            Some(Frame::Traces { .. }) => self.in_traces(buf, at, c, eof, b),
            Some(Frame::Trace { .. }) => self.in_trace(buf, at, c, eof, b),
            Some(Frame::Spans { .. }) => self.in_spans(buf, at, c, eof, b),
        }
    }

    fn start(&mut self, c: u8) -> Result<(), ReadWhole> {
        self.frames.push(match c {
            b'{' => Frame::Trace {
                at: Map::Open,
                envelope: true,
                trace: Box::default(),
            },
            b'[' => Frame::Traces {
                at: Seq::Open,
                skipped: 0,
            },
            _ => return Err(ReadWhole),
        });
        Ok(())
    }

    fn in_traces(
        &mut self,
        buf: &str,
        at: usize,
        c: u8,
        eof: bool,
        b: &mut ImportBuilder<'_>,
    ) -> Result<Option<usize>, ReadWhole> {
        let Some(Frame::Traces { at: state, skipped }) = self.frames.last_mut() else {
            return Err(ReadWhole);
        };
        match (*state, c) {
            (Seq::Open | Seq::Next, b']') => {
                let skipped = *skipped;
                self.close();
                if skipped > 0 {
                    b.warnings.push_with(WarningKind::Skipped, || {
                        Warning::new(
                            WarningKind::Skipped,
                            format!("{skipped} element(s) of the list of traces are not trace objects; skipped"),
                        )
                    });
                }
                Ok(Some(at + 1))
            }
            (Seq::Next, b',') => {
                *state = Seq::Element;
                Ok(Some(at + 1))
            }
            (Seq::Open | Seq::Element, b'{') => {
                *state = Seq::Next;
                self.frames.push(Frame::Trace {
                    at: Map::Open,
                    envelope: false,
                    trace: Box::default(),
                });
                Ok(Some(at + 1))
            }
            (Seq::Open | Seq::Element, _) => match read_value::<IgnoredAny>(buf, at, eof)? {
                Piece::Whole(_, end) => {
                    *skipped += 1;
                    *state = Seq::Next;
                    Ok(Some(end))
                }
                Piece::Partial => Ok(None),
            },
            _ => Err(ReadWhole),
        }
    }

    fn in_trace(
        &mut self,
        buf: &str,
        at: usize,
        c: u8,
        eof: bool,
        b: &mut ImportBuilder<'_>,
    ) -> Result<Option<usize>, ReadWhole> {
        let Some(Frame::Trace {
            at: state,
            envelope,
            trace,
        }) = self.frames.last_mut()
        else {
            return Err(ReadWhole);
        };
        match (*state, c) {
            (Map::Open | Map::Next, b'}') => {
                finish_trace(trace, b)?;
                self.close();
                Ok(Some(at + 1))
            }
            (Map::Next, b',') => {
                *state = Map::Key;
                Ok(Some(at + 1))
            }
            (Map::Open | Map::Key, b'"') => match read_value::<Cow<str>>(buf, at, eof)? {
                Piece::Whole(key, end) => {
                    let field = Field::of(&key);
                    if field != Field::Other && trace.seen.contains(&field) {
                        return Err(ReadWhole);
                    }
                    trace.seen.push(field);
                    let envelope_and_trace =
                        trace.seen.contains(&Field::Data) && trace.seen.contains(&Field::Spans);
                    if (field == Field::Data && !*envelope) || envelope_and_trace {
                        return Err(ReadWhole);
                    }
                    *state = Map::Colon(field);
                    Ok(Some(end))
                }
                Piece::Partial => Ok(None),
            },
            (Map::Colon(field), b':') => {
                *state = Map::Value(field);
                Ok(Some(at + 1))
            }
            (Map::Value(Field::Spans), b'[') => {
                *state = Map::Next;
                trace.has_spans = true;
                self.frames.push(Frame::Spans { at: Seq::Open });
                Ok(Some(at + 1))
            }
            (Map::Value(Field::Data), b'[') => {
                *state = Map::Next;
                self.frames.push(Frame::Traces {
                    at: Seq::Open,
                    skipped: 0,
                });
                Ok(Some(at + 1))
            }
            (Map::Value(Field::Data), b'{') => {
                *state = Map::Next;
                self.frames.push(Frame::Trace {
                    at: Map::Open,
                    envelope: true,
                    trace: Box::default(),
                });
                Ok(Some(at + 1))
            }
            (Map::Value(field), _) => {
                let Some(end) = read_field(field, trace, buf, at, eof, b)? else {
                    return Ok(None);
                };
                *state = Map::Next;
                Ok(Some(end))
            }
            _ => Err(ReadWhole),
        }
    }

    fn in_spans(
        &mut self,
        buf: &str,
        at: usize,
        c: u8,
        eof: bool,
        b: &mut ImportBuilder<'_>,
    ) -> Result<Option<usize>, ReadWhole> {
        let [.., Frame::Trace { trace, .. }, Frame::Spans { at: state }] =
            self.frames.as_mut_slice()
        else {
            return Err(ReadWhole);
        };
        match (*state, c) {
            (Seq::Open | Seq::Next, b']') => {
                self.frames.pop();
                Ok(Some(at + 1))
            }
            (Seq::Next, b',') => {
                *state = Seq::Element;
                Ok(Some(at + 1))
            }
            (Seq::Open | Seq::Element, _) => {
                let end = match read_value::<Obj<WireSpan>>(buf, at, eof)? {
                    Piece::Whole(Obj::Obj(span), end) => {
                        let window = *b.window();
                        let mut refs = Vec::new();
                        add_one_span(&SpanRecord::of(&span, &window, &mut refs), trace, b)?;
                        end
                    }
                    Piece::Whole(Obj::Other, end) => {
                        trace.skipped += 1;
                        end
                    }
                    Piece::Partial => return Ok(None),
                };
                *state = Seq::Next;
                Ok(Some(end))
            }
            _ => Err(ReadWhole),
        }
    }

    /// Whether the next token is an element of a spans array.
    pub(crate) fn expects_span(&self) -> bool {
        matches!(
            self.frames.last(),
            Some(Frame::Spans {
                at: Seq::Open | Seq::Element
            })
        )
    }

    /// Adds the spans another worker parsed from here on (`record`s), as if walked here.
    pub(crate) fn add_scanned(
        &mut self,
        records: &[u8],
        b: &mut ImportBuilder<'_>,
    ) -> Result<(), ReadWhole> {
        let [.., Frame::Trace { trace, .. }, Frame::Spans { at: state }] =
            self.frames.as_mut_slice()
        else {
            return Err(ReadWhole);
        };
        let mut records = Decoder::new(records);
        let mut refs = Vec::new();
        while !records.is_empty() {
            let span = records.next_record(&mut refs).ok_or(ReadWhole)?;
            add_one_span(&span, trace, b)?;
        }
        *state = Seq::Next;
        Ok(())
    }

    /// Leaves the innermost frame; the document is done when the last one closes.
    fn close(&mut self) {
        self.frames.pop();
        if self.frames.is_empty() {
            self.done = true;
        }
    }
}

pub(super) fn skip_whitespace(buf: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = buf.get(at) {
        at += 1;
    }
    at
}

/// Reads the value of `field` (not an array of spans or traces, which the walk enters): where
/// it ends, or `None` when `buf` ends inside it.
fn read_field(
    field: Field,
    trace: &mut TraceObject,
    buf: &str,
    at: usize,
    eof: bool,
    b: &ImportBuilder<'_>,
) -> Result<Option<usize>, ReadWhole> {
    let end = match field {
        Field::TraceId => match read_value::<Scalar>(buf, at, eof)? {
            Piece::Whole(id, end) => {
                trace.trace_id = Some(id.text().into_owned());
                end
            }
            Piece::Partial => return Ok(None),
        },
        // `null` reads as no spans, or no data; any other value fails a whole import.
        Field::Spans | Field::Data => match read_value::<()>(buf, at, eof)? {
            Piece::Whole((), end) => end,
            Piece::Partial => return Ok(None),
        },
        Field::Processes => match read_value::<Option<FastMap<Text, &RawValue>>>(buf, at, eof)? {
            Piece::Whole(map, end) => {
                trace.process_entries = Some(process_entries(map.as_ref(), b));
                end
            }
            Piece::Partial => return Ok(None),
        },
        Field::Other => match read_value::<IgnoredAny>(buf, at, eof)? {
            Piece::Whole(_, end) => end,
            Piece::Partial => return Ok(None),
        },
    };
    Ok(Some(end))
}

/// Adds one span as a whole import would, leaving its process or its parent to the end of the
/// trace object when they depend on what comes later.
fn add_one_span(
    s: &SpanRecord<'_, '_>,
    trace: &mut TraceObject,
    b: &mut ImportBuilder<'_>,
) -> Result<(), ReadWhole> {
    // A span without its own trace id takes the object's, which must have come first.
    let object_trace_id = match (&trace.trace_id, s.trace_id.is_none()) {
        (Some(id), _) => id.as_str(),
        (None, false) => "",
        (None, true) => return Err(ReadWhole),
    };
    if s.span_id_is_text {
        trace.span_ids.push(trace.hasher.hash_one(&*s.span_id));
    }
    let refs = s.refs;
    let parent = if refs.len() > 1 {
        ParentChoice {
            parent: ParentIn::None,
            follows_from: false,
        }
    } else {
        ParentChoice::of(refs.first(), s)
    };
    if trace.registered.is_none() && trace.waiting_for_process.is_empty() {
        if let Some(entries) = trace.process_entries.take() {
            trace.registered = Some(register_processes(entries, b));
        }
    }
    let (t, i) = match &trace.registered {
        Some(procs) => {
            let process = span_process(s, procs, &mut trace.unknown_ctx, b);
            add_span(s, object_trace_id, process, parent, b)
        }
        None => {
            let later = SpanProcess {
                ctx: 0,
                service: Cow::Borrowed(""),
                unknown_id: None,
            };
            let (t, i) = add_span(s, object_trace_id, later, parent, b);
            trace.waiting_for_process.push(WaitingForProcess {
                trace: t,
                span: i,
                process_id: process_id_index(&mut trace.process_ids, &s.process_id),
                embedded: s.process.as_ref().map(|p| (p.raw, p.service.clone())),
            });
            (t, i)
        }
    };
    if refs.len() > 1 {
        trace.waiting_for_parent.push(WaitingForParent {
            trace: t,
            span: i,
            refs: refs
                .iter()
                .map(|r| {
                    (
                        r.span_id.as_deref().map(str::to_string),
                        r.ref_type.as_deref().map(str::to_string),
                    )
                })
                .collect(),
        });
    }
    Ok(())
}

/// Settles what the object's spans waited for, and warns of skipped elements, as a whole
/// import does at the end of each trace object.
fn finish_trace(trace: &mut TraceObject, b: &mut ImportBuilder<'_>) -> Result<(), ReadWhole> {
    if !trace.has_spans {
        return Ok(());
    }
    let procs = match trace.registered.take() {
        Some(procs) => procs,
        None => register_processes(trace.process_entries.take().unwrap_or_default(), b),
    };
    let mut by_position: Vec<Option<&Process>> = vec![None; trace.process_ids.len()];
    for (id, &k) in &trace.process_ids {
        by_position[k as usize] = procs.get(id);
    }
    // (trace slot, process) -> (context, interned service)
    let mut settled: FastMap<(u32, u32), (u32, u32)> = FastMap::default();
    for w in trace.waiting_for_process.drain(..) {
        let process = by_position.get(w.process_id as usize).copied().flatten();
        let (ctx, service) = match (process, w.embedded) {
            (Some(p), _) => *settled
                .entry((w.trace, w.process_id))
                .or_insert_with(|| (p.ctx, b.intern(w.trace, &p.service))),
            (None, Some((raw, service))) => {
                let ctx = b.add_context(Context::Raw {
                    resource: Some(raw),
                    scope: None,
                });
                (ctx, b.intern(w.trace, &service))
            }
            // Its warning would come after the other spans' warnings, not in span order.
            (None, None) => return Err(ReadWhole),
        };
        b.set_service(w.trace, w.span, service);
        b.set_ctx(w.trace, w.span, ctx);
    }
    if !trace.waiting_for_parent.is_empty() {
        let ids: HashSet<u64> = trace.span_ids.drain(..).collect();
        for w in trace.waiting_for_parent.drain(..) {
            let refs: Vec<RefLite> = w
                .refs
                .iter()
                .map(|(id, kind)| RefLite {
                    span_id: id.as_deref().map(Cow::Borrowed),
                    ref_type: kind.as_deref().map(Cow::Borrowed),
                })
                .collect();
            let hasher = &trace.hasher;
            if let Some(r) = parent_among(&refs, |id| ids.contains(&hasher.hash_one(id))) {
                let choice = ParentChoice::of_ref(r);
                b.set_parent(w.trace, w.span, choice.parent, choice.follows_from);
            }
        }
    }
    let skipped = trace.skipped;
    if skipped > 0 {
        let trace_id = trace.trace_id.as_deref().unwrap_or("");
        b.warnings.push_with(WarningKind::Skipped, || {
            Warning::new(
                WarningKind::Skipped,
                format!("trace {trace_id}: {skipped} element(s) of `spans` are not span objects; skipped"),
            )
        });
    }
    Ok(())
}

/// The position of `id` among the process ids spans named so far.
fn process_id_index(ids: &mut FastMap<Box<str>, u32>, id: &str) -> u32 {
    if let Some(&k) = ids.get(id) {
        return k;
    }
    let k = ids.len() as u32;
    ids.insert(id.into(), k);
    k
}
