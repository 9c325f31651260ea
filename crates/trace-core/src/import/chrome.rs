//! Chrome Trace Event Format (the "Trace Event Format" Google doc; Perfetto's JSON importer and
//! speedscope's `trace-event.ts` for what real files do).
//!
//! Supported: a JSON array or `{"traceEvents": [...]}`; truncated arrays (no `]`), trailing commas;
//! event objects with neither around them (one, or one per line: an object with its own `ph`);
//! unsorted events (sorted stably by ts); phases B/E (nested per pid+tid, E closes the latest B),
//! X (complete), i/I/R (instants become events of the enclosing span), b/e/n and S/T/F (async,
//! keyed by cat+id, id2.local also by pid), s/t/f flows and bind_id/flow_in/flow_out (span links),
//! M metadata (process_name, thread_name). ts/pid/tid as numbers or strings, fractional ts
//! (read exactly from the decimal text: epoch microseconds with three decimals exceed f64).
//! Ignored with a warning: counters (C), samples (P), objects (N/O/D), memory dumps (v/V), marks.
//! One file is one trace; pid is the service; spans get synthetic ids.

use super::lenient::{json_entries, json_value, parse_or_default, Scalar};
use super::{ErrorKind, Format, ImportError, Pos};
use crate::builder::{FastMap, ImportBuilder, NewSpan, ParentIn};
use crate::model::*;
use crate::time::{format_duration_exact, ExactMicros, Nanos};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::cmp::Reverse;

/// Chrome traces carry no trace id; every file is one trace with this id.
pub(crate) const CHROME_TRACE_ID: &str = "0000000000000001";

#[derive(Deserialize)]
struct Ev<'a> {
    #[serde(borrow, default)]
    ph: Scalar<'a>,
    #[serde(borrow, default)]
    name: Scalar<'a>,
    #[serde(borrow, default)]
    cat: Scalar<'a>,
    #[serde(default)]
    ts: ExactMicros,
    #[serde(default)]
    dur: ExactMicros,
    #[serde(borrow, default)]
    pid: Scalar<'a>,
    #[serde(borrow, default)]
    tid: Scalar<'a>,
    #[serde(borrow, default)]
    id: Scalar<'a>,
    #[serde(borrow, default)]
    id2: Option<Id2<'a>>,
    #[serde(borrow, default)]
    bind_id: Scalar<'a>,
    #[serde(borrow, default)]
    flow_in: Scalar<'a>,
    #[serde(borrow, default)]
    flow_out: Scalar<'a>,
    #[serde(borrow, default)]
    args: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct Id2<'a> {
    #[serde(borrow, default)]
    local: Scalar<'a>,
    #[serde(borrow, default)]
    global: Scalar<'a>,
}

#[derive(Deserialize, Default)]
struct NameArg {
    #[serde(default)]
    name: Option<String>,
}

/// A key that is an integer or a string (pid, tid).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Str(String),
}

impl Key {
    fn of(s: &Scalar) -> Key {
        match s {
            Scalar::Int(i) => Key::Int(*i),
            Scalar::Str(s) => match s.trim().parse::<i64>() {
                Ok(i) => Key::Int(i),
                Err(_) => Key::Str(s.to_string()),
            },
            Scalar::None => Key::Int(0),
            other => Key::Str(other.text().into_owned()),
        }
    }
    fn text(&self) -> String {
        match self {
            Key::Int(i) => i.to_string(),
            Key::Str(s) => s.clone(),
        }
    }
}

struct Track {
    pid: u32,
    tid: Key,
    ctx: u32,
}

#[derive(Clone, Copy)]
struct BeEv {
    ts: Nanos,
    seq: u32,
    track: u32,
    begin: bool,
    name: u32,
    raw: RawRef,
}

#[derive(Clone, Copy)]
struct Point {
    ts: Nanos,
    seq: u32,
    track: u32,
    name: u32,
    raw: RawRef,
    what: PointKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PointKind {
    Instant,
    /// A flow step (s/t/f) of flow `key`.
    Flow {
        key: u32,
        step: u8,
    },
}

#[derive(Clone, Copy)]
struct AsyncEv {
    ts: Nanos,
    seq: u32,
    key: u32,
    track: u32,
    ph: u8,
    name: u32,
    raw: RawRef,
}

#[derive(Default)]
struct State {
    t: u32,
    seq: u32,
    pids: Vec<Key>,
    pid_ix: FastMap<Key, u32>,
    process_names: FastMap<u32, String>,
    thread_names: FastMap<u32, String>,
    tracks: Vec<Track>,
    track_ix: FastMap<(u32, Key), u32>,
    /// Per span index: where it came from.
    aux: Vec<SpanOrigin>,
    be: Vec<BeEv>,
    points: Vec<Point>,
    asyncs: Vec<AsyncEv>,
    /// bind_id flows: (key, span, is_out)
    binds: Vec<(u32, u32, bool)>,
    ignored: usize,
    skipped: usize,
    max_ts: Nanos,
    keys: FastMap<String, u32>,
}

impl State {
    fn key_id(&mut self, k: String) -> u32 {
        let n = self.keys.len() as u32;
        *self.keys.entry(k).or_insert(n)
    }

    fn track(&mut self, b: &mut ImportBuilder<'_>, pid: &Scalar, tid: &Scalar) -> u32 {
        let pk = Key::of(pid);
        let p = match self.pid_ix.get(&pk) {
            Some(&p) => p,
            None => {
                let p = self.pids.len() as u32;
                self.pids.push(pk.clone());
                self.pid_ix.insert(pk, p);
                p
            }
        };
        let tk = Key::of(tid);
        if let Some(&t) = self.track_ix.get(&(p, tk.clone())) {
            return t;
        }
        let t = self.tracks.len() as u32;
        let ctx = b.add_context(Context::Decoded(Vec::new()));
        self.tracks.push(Track {
            pid: p,
            tid: tk.clone(),
            ctx,
        });
        self.track_ix.insert((p, tk), t);
        t
    }

    fn add_span(&mut self, b: &mut ImportBuilder<'_>, slice: Slice<'_>) -> u32 {
        let ctx = self.tracks.get(slice.track as usize).map_or(0, |t| t.ctx);
        let mut buf = String::new();
        use std::fmt::Write;
        let _ = write!(buf, "{:x}", self.aux.len() + 1);
        let (_, i) = b.add_span(NewSpan {
            trace_id: CHROME_TRACE_ID,
            span_id: &buf,
            parent: ParentIn::None,
            name: slice.name,
            service: "",
            kind: SpanKind::Internal,
            status: StatusCode::Unset,
            start: Some(slice.start),
            duration: slice.duration,
            follows_from: false,
            shared: false,
            ctx,
        });
        self.aux.push(SpanOrigin {
            // Async spans nest by id, not on a thread.
            thread: (!slice.async_span).then_some(slice.track),
            seq: slice.seq,
        });
        i
    }
}

/// A span to add: a slice on a track (thread), or an async span begun on it.
struct Slice<'n> {
    track: u32,
    name: &'n str,
    start: Nanos,
    duration: Option<Nanos>,
    /// File order of the event that began it.
    seq: u32,
    async_span: bool,
}

impl<'n> Slice<'n> {
    /// A zero-length span: an async begin or end alone, or an instant event.
    fn instant(track: u32, name: &'n str, at: Nanos, seq: u32, async_span: bool) -> Self {
        Slice {
            track,
            name,
            start: at,
            duration: Some(0),
            seq,
            async_span,
        }
    }
}

/// Where a span came from.
#[derive(Clone, Copy)]
struct SpanOrigin {
    /// The track it nests on in time; None for async spans (they nest by id).
    thread: Option<u32>,
    /// File order of the event that began it.
    seq: u32,
}

pub(crate) fn parse<'a>(text: &'a str, b: &mut ImportBuilder<'a>) -> Result<(), ImportError> {
    let body_off = text.len() - text.trim_start_matches('\u{feff}').trim_start().len();
    // Where the events start, and whether they are bare objects (no array around them).
    let (first, bare) = match text.as_bytes().get(body_off) {
        Some(b'[') => (body_off + 1, false),
        _ => {
            let Some(after) = super::detect::find_key(text.as_bytes(), "traceEvents") else {
                // Not a container the format defines, but events all the same: one event
                // object, or one per line. Only an object with its own `ph` is taken as one.
                if starts_with_event(text.get(body_off..).unwrap_or("")) {
                    return events(text, body_off, true, b);
                }
                return Err(ImportError::new(
                    Some(Format::Chrome),
                    ErrorKind::Invalid {
                        reason: "an object without a `traceEvents` array".into(),
                    },
                ));
            };
            let k = after
                + text
                    .as_bytes()
                    .get(after..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
            if text.as_bytes().get(k) != Some(&b'[') {
                let p = Pos::of(text, k);
                return Err(ImportError::new(
                    Some(Format::Chrome),
                    ErrorKind::Syntax {
                        line: p.line,
                        column: p.column,
                        message: "`traceEvents` is not an array".into(),
                    },
                ));
            }
            (k + 1, false)
        }
    };
    events(text, first, bare, b)
}

/// Whether `body` starts with an object that has a `ph` key of its own (a trace event).
fn starts_with_event(body: &str) -> bool {
    #[derive(Deserialize)]
    struct Head<'a> {
        #[serde(borrow, default)]
        ph: Scalar<'a>,
    }
    matches!(
        serde_json::Deserializer::from_str(body).into_iter::<Head>().next(),
        Some(Ok(h)) if !h.ph.is_none()
    )
}

/// Reads the events from byte `first` on: the elements of an array (which may be truncated), or
/// with `bare`, objects one after another up to the end of the text.
fn events<'a>(
    text: &'a str,
    first: usize,
    bare: bool,
    b: &mut ImportBuilder<'a>,
) -> Result<(), ImportError> {
    let mut st = State {
        t: b.trace_slot(CHROME_TRACE_ID),
        max_ts: Nanos::MIN,
        ..Default::default()
    };
    let bytes = text.as_bytes();
    let mut pos = first;
    let mut truncated = false;
    loop {
        while bytes.get(pos).is_some_and(|c| c.is_ascii_whitespace()) {
            pos += 1;
        }
        match bytes.get(pos) {
            None => {
                truncated = !bare;
                break;
            }
            Some(b']') => break,
            Some(b',') => {
                pos += 1;
                continue;
            }
            Some(_) => {}
        }
        let sub = text.get(pos..).unwrap_or("");
        let mut it = serde_json::Deserializer::from_str(sub).into_iter::<Ev>();
        match it.next() {
            Some(Ok(ev)) => {
                let end = pos + it.byte_offset();
                event(ev, text.get(pos..end).unwrap_or(""), b, &mut st);
                pos = end;
            }
            Some(Err(e)) if e.is_eof() => {
                truncated = true;
                break;
            }
            Some(Err(e)) if e.is_data() => {
                // Valid JSON that is not an event object: skip it.
                let mut skip = serde_json::Deserializer::from_str(sub).into_iter::<IgnoredAny>();
                match skip.next() {
                    Some(Ok(_)) => {
                        st.skipped += 1;
                        pos += skip.byte_offset();
                    }
                    _ => {
                        return Err(ImportError::json(
                            Some(Format::Chrome),
                            &e,
                            Pos::of(text, pos),
                        ))
                    }
                }
            }
            Some(Err(e)) => {
                return Err(ImportError::json(
                    Some(Format::Chrome),
                    &e,
                    Pos::of(text, pos),
                ))
            }
            None => break,
        }
    }
    if truncated {
        b.warnings.push_with(WarningKind::Truncated, || {
            Warning::new(WarningKind::Truncated,
            "the event array is not closed (truncated recording); read the events up to the end",
        )
        });
    }
    if st.skipped > 0 {
        b.warnings.push_with(WarningKind::Skipped, || {
            Warning::new(
                WarningKind::Skipped,
                format!(
                    "{} array element(s) are not event objects; skipped",
                    st.skipped
                ),
            )
        });
    }
    if st.ignored > 0 {
        b.warnings.push_with(WarningKind::Ignored, || {
            Warning::new(
                WarningKind::Ignored,
                format!(
                    "{} counter, sample or object event(s) are not shown",
                    st.ignored
                ),
            )
        });
    }
    finish(b, st);
    Ok(())
}

fn event(ev: Ev<'_>, raw: &str, b: &mut ImportBuilder<'_>, st: &mut State) {
    let seq = st.seq;
    st.seq += 1;
    let ph = ev
        .ph
        .as_str()
        .and_then(|p| p.bytes().next())
        .unwrap_or(b'?');
    let ts = ev.ts.0.unwrap_or(0);
    if ph != b'M' {
        st.max_ts = st.max_ts.max(ts);
    }
    let name = ev.name.text();
    let t = st.t;
    match ph {
        b'X' => complete_event(&ev, &name, raw, ts, seq, b, st),
        b'B' | b'E' => {
            let track = st.track(b, &ev.pid, &ev.tid);
            let name = b.intern(t, &name);
            st.be.push(BeEv {
                ts,
                seq,
                track,
                begin: ph == b'B',
                name,
                raw: b.range(raw),
            });
        }
        b'i' | b'I' | b'R' => {
            let track = st.track(b, &ev.pid, &ev.tid);
            let name = b.intern(t, &name);
            st.points.push(Point {
                ts,
                seq,
                track,
                name,
                raw: b.range(raw),
                what: PointKind::Instant,
            });
        }
        b's' | b't' | b'f' => {
            let track = st.track(b, &ev.pid, &ev.tid);
            let key = st.key_id(format!("flow:{}:{}", ev.cat.text(), id_of(&ev)));
            let step = match ph {
                b's' => 0,
                b't' => 1,
                _ => 2,
            };
            // bp "e" binds to the enclosing slice; otherwise the spec binds a finish to the next
            // slice, which we approximate by the enclosing one (so `bp` is not read).
            let name = b.intern(t, &name);
            st.points.push(Point {
                ts,
                seq,
                track,
                name,
                raw: b.range(raw),
                what: PointKind::Flow { key, step },
            });
        }
        b'b' | b'e' | b'n' | b'S' | b'F' | b'T' => {
            let key = async_key(&ev, st);
            let track = st.track(b, &ev.pid, &ev.tid);
            let name = b.intern(t, &name);
            st.asyncs.push(AsyncEv {
                ts,
                seq,
                key,
                track,
                ph,
                name,
                raw: b.range(raw),
            });
        }
        b'M' => metadata_event(&ev, &name, b, st),
        _ => st.ignored += 1,
    }
}

/// A complete event (`X`): a slice with its duration, and the flows it binds (`bind_id`).
fn complete_event(
    ev: &Ev<'_>,
    name: &str,
    raw: &str,
    ts: Nanos,
    seq: u32,
    b: &mut ImportBuilder<'_>,
    st: &mut State,
) {
    let track = st.track(b, &ev.pid, &ev.tid);
    let dur = ev.dur.0;
    st.max_ts = st.max_ts.max(ts.saturating_add(dur.unwrap_or(0)));
    let slice = Slice {
        track,
        name,
        start: ts,
        duration: dur,
        seq,
        async_span: false,
    };
    let i = st.add_span(b, slice);
    b.add_part(st.t, PartField::Whole, raw);
    if !ev.bind_id.is_none() {
        let key = st.key_id(format!("bind:{}", ev.bind_id.text()));
        if ev.flow_out.truthy() {
            st.binds.push((key, i, true));
        }
        if ev.flow_in.truthy() {
            st.binds.push((key, i, false));
        }
    }
}

/// The id an async event's begin and end share: category, id, and the process when the id is
/// local to it (`id2.local`).
fn async_key(ev: &Ev<'_>, st: &mut State) -> u32 {
    let local = ev.id2.as_ref().is_some_and(|i| !i.local.is_none());
    let pid = if local {
        Key::of(&ev.pid).text()
    } else {
        String::new()
    };
    st.key_id(format!("async:{}:{}:{}", ev.cat.text(), id_of(ev), pid))
}

/// A metadata event (`M`): process and thread names.
fn metadata_event(ev: &Ev<'_>, name: &str, b: &mut ImportBuilder<'_>, st: &mut State) {
    let track = st.track(b, &ev.pid, &ev.tid);
    let arg: NameArg = ev
        .args
        .map(|a| parse_or_default(a.get()))
        .unwrap_or_default();
    if let (Some(tr), Some(n)) = (st.tracks.get(track as usize), arg.name) {
        let pid = tr.pid;
        match name {
            "process_name" => {
                st.process_names.insert(pid, n);
            }
            "thread_name" => {
                st.thread_names.insert(track, n);
            }
            _ => {}
        }
    }
}

fn id_of(ev: &Ev) -> String {
    match &ev.id2 {
        Some(i2) if !i2.local.is_none() => i2.local.text().into_owned(),
        Some(i2) if !i2.global.is_none() => i2.global.text().into_owned(),
        _ => ev.id.text().into_owned(),
    }
}

fn finish(b: &mut ImportBuilder<'_>, mut st: State) {
    let end_of_trace = if st.max_ts == Nanos::MIN {
        0
    } else {
        st.max_ts
    };
    pair_begin_end(b, &mut st, end_of_trace);
    pair_async(b, &mut st, end_of_trace);
    let nested = nest_on_threads(b, &mut st);
    keep_loose_points(b, &mut st, nested.loose_points);
    link_flows(b, &mut st, nested.flow_steps);
    assign_services(b, &st);
}

/// One step of a flow (`s`/`t`/`f` events), bound to the span that encloses it.
#[derive(Clone, Copy)]
struct FlowStep {
    key: u32,
    /// 0 for the flow's start.
    step: u8,
    ts: Nanos,
    seq: u32,
    span: u32,
}

/// What nesting the spans of each thread leaves for the later phases.
struct Nested {
    /// Instants outside any slice.
    loose_points: Vec<Point>,
    flow_steps: Vec<FlowStep>,
}

/// Phase 1: B/E event pairs become spans; unpaired ones are warned about (an unclosed B ends at
/// the end of the trace).
fn pair_begin_end(b: &mut ImportBuilder<'_>, st: &mut State, end_of_trace: Nanos) {
    let t = st.t;
    // B/E pairs, per track in time order (stable: file order breaks ties).
    let mut be = std::mem::take(&mut st.be);
    be.sort_by_key(|e| (e.track, e.ts));
    let mut stack: Vec<BeEv> = Vec::new();
    let mut k = 0;
    while k < be.len() {
        let track = be[k].track;
        stack.clear();
        while k < be.len() && be[k].track == track {
            let e = be[k];
            k += 1;
            if e.begin {
                stack.push(e);
                continue;
            }
            let Some(open) = stack.pop() else {
                let w = format!(
                    "an E event ({:?}) at {} has no open B on its thread; ignored",
                    b_str(b, t, e.name),
                    format_duration_exact(e.ts)
                );
                b.trace_warn(t, Warning::new(WarningKind::Unbalanced, w));
                continue;
            };
            let name = if b_str(b, t, open.name).is_empty() {
                e.name
            } else {
                open.name
            };
            let name_s = b_str(b, t, name);
            let slice = Slice {
                track,
                name: &name_s,
                start: open.ts,
                duration: Some(e.ts.saturating_sub(open.ts)),
                seq: open.seq,
                async_span: false,
            };
            let i = st.add_span(b, slice);
            b.add_part_range(t, PartField::Whole, open.raw);
            b.add_part_range(t, PartField::EndArgs, e.raw);
            let end_name = b_str(b, t, e.name);
            if !end_name.is_empty() && e.name != open.name && !b_str(b, t, open.name).is_empty() {
                let w = format!("E event {end_name:?} closes B event {name_s:?}");
                b.trace_warn(t, Warning::at(WarningKind::Unbalanced, i, w));
            }
        }
        for open in stack.drain(..).rev() {
            let name_s = b_str(b, t, open.name);
            let slice = Slice {
                track,
                name: &name_s,
                start: open.ts,
                duration: Some(end_of_trace.saturating_sub(open.ts)),
                seq: open.seq,
                async_span: false,
            };
            let i = st.add_span(b, slice);
            b.add_part_range(t, PartField::Whole, open.raw);
            b.trace_warn(
                t,
                Warning::at(
                    WarningKind::Unbalanced,
                    i,
                    format!("B event {name_s:?} is never closed; ends at the end of the trace"),
                ),
            );
        }
    }
    drop(be);
}

/// Phase 2: async b/e (and S/F) events become spans; n/T/p events attach to them.
fn pair_async(b: &mut ImportBuilder<'_>, st: &mut State, end_of_trace: Nanos) {
    let t = st.t;
    // Async spans: b/S open, e/F close the latest open with the same key, n/T/p are events.
    let mut asyncs = std::mem::take(&mut st.asyncs);
    asyncs.sort_by_key(|e| e.ts);
    let mut open: FastMap<u32, Vec<u32>> = FastMap::default();
    let mut async_start: FastMap<u32, Nanos> = FastMap::default();
    for e in &asyncs {
        let stack = open.entry(e.key).or_default();
        match e.ph {
            b'b' | b'S' => {
                let parent = stack.last().copied();
                let name_s = b_str(b, t, e.name);
                let i = st.add_span(b, Slice::instant(e.track, &name_s, e.ts, e.seq, true));
                b.add_part_range(t, PartField::Whole, e.raw);
                b.set_parent_index(t, i, parent);
                if let Some(stack) = open.get_mut(&e.key) {
                    stack.push(i);
                }
                async_start.insert(i, e.ts);
            }
            b'e' | b'F' => match stack.pop() {
                Some(i) => {
                    let start = async_start.get(&i).copied().unwrap_or(e.ts);
                    b.set_duration(t, i, e.ts.saturating_sub(start));
                    b.add_part_range(t, PartField::EndArgs, e.raw);
                }
                None => {
                    let w = format!(
                        "async end {:?} at {} has no open begin with its id; ignored",
                        b_str(b, t, e.name),
                        format_duration_exact(e.ts)
                    );
                    b.trace_warn(t, Warning::new(WarningKind::Unbalanced, w));
                }
            },
            _ => match stack.last() {
                Some(&i) => b.add_extra(
                    t,
                    i,
                    Extra::Event {
                        time: e.ts,
                        name: e.name,
                        raw: e.raw,
                    },
                ),
                None => {
                    let name_s = b_str(b, t, e.name);
                    st.add_span(b, Slice::instant(e.track, &name_s, e.ts, e.seq, true));
                    b.add_part_range(t, PartField::Whole, e.raw);
                }
            },
        }
    }
    // In span order, not the map's (which is seeded randomly): the warnings' order is stable.
    let mut unended: Vec<u32> = open.into_values().flatten().collect();
    unended.sort_unstable();
    for i in unended {
        let start = async_start.get(&i).copied().unwrap_or(0);
        b.set_duration(t, i, end_of_trace.saturating_sub(start));
        b.trace_warn(
            t,
            Warning::at(
                WarningKind::Unbalanced,
                i,
                "async begin is never ended; ends at the end of the trace",
            ),
        );
    }
}

/// What nests on a thread: a span or a point (instant or flow step).
#[derive(Clone, Copy)]
enum Item {
    Span(u32),
    Point(u32),
}

/// An [`Item`] in 4 bytes (the top bit says which), so that sorting a recording of millions of
/// events costs half the memory of the enum.
#[derive(Clone, Copy)]
struct NestItem(u32);

impl NestItem {
    const POINT: u32 = 1 << 31;

    fn span(i: u32) -> Self {
        NestItem(i & !Self::POINT)
    }

    fn point(k: u32) -> Self {
        NestItem(k | Self::POINT)
    }

    fn get(self) -> Item {
        if self.0 & Self::POINT != 0 {
            Item::Point(self.0 & !Self::POINT)
        } else {
            Item::Span(self.0)
        }
    }
}

/// Phase 3: parents on each thread from nesting in time, instants and flow steps attached to the
/// slice around them.
fn nest_on_threads(b: &mut ImportBuilder<'_>, st: &mut State) -> Nested {
    let t = st.t;
    // Nesting on each thread: sort by (track, start, longest first, file order), sweep with a stack.
    let key = |b: &ImportBuilder<'_>, item: NestItem| -> (u32, Nanos, Reverse<Nanos>, u32) {
        match item.get() {
            Item::Point(k) => st
                .points
                .get(k as usize)
                .map_or((u32::MAX, 0, Reverse(0), 0), |p| {
                    (p.track, p.ts, Reverse(p.ts), p.seq)
                }),
            Item::Span(i) => {
                let origin = st.aux.get(i as usize);
                let track = origin.and_then(|o| o.thread).unwrap_or(u32::MAX);
                let (s, e) = b.span_times(t, i);
                (track, s, Reverse(e), origin.map_or(0, |o| o.seq))
            }
        }
    };
    let spans_on_threads = (0..st.aux.len() as u32)
        .filter(|&i| st.aux.get(i as usize).is_some_and(|o| o.thread.is_some()))
        .map(NestItem::span);
    let points = (0..st.points.len() as u32).map(NestItem::point);
    let mut items: Vec<NestItem> = spans_on_threads.chain(points).collect();
    items.sort_unstable_by_key(|&item| key(b, item));
    let mut stack: Vec<(u32, Nanos)> = Vec::new();
    let mut cur_track = u32::MAX;
    let mut loose_points = Vec::new();
    let mut flow_steps: Vec<FlowStep> = Vec::new();
    for &item in &items {
        let (track, start, Reverse(end), _) = key(b, item);
        let item = item.get();
        if track != cur_track {
            stack.clear();
            cur_track = track;
        }
        while stack.last().is_some_and(|&(_, e)| e <= start) {
            stack.pop();
        }
        match item {
            Item::Span(i) => {
                if let Some(&(p, pend)) = stack.last() {
                    b.set_parent_index(t, i, Some(p));
                    if end > pend {
                        let w = format!(
                            "span overlaps the end of its enclosing span by {} on the same thread",
                            format_duration_exact(end - pend)
                        );
                        b.trace_warn(t, Warning::at(WarningKind::Overlap, i, w));
                    }
                }
                stack.push((i, end));
            }
            Item::Point(k) => {
                let Some(p) = st.points.get(k as usize).copied() else {
                    continue;
                };
                let enclosing = stack.last().map(|&(s, _)| s);
                match (p.what, enclosing) {
                    (PointKind::Instant, Some(s)) => b.add_extra(
                        t,
                        s,
                        Extra::Event {
                            time: p.ts,
                            name: p.name,
                            raw: p.raw,
                        },
                    ),
                    (PointKind::Instant, None) => loose_points.push(p),
                    (PointKind::Flow { key, step }, Some(s)) => flow_steps.push(FlowStep {
                        key,
                        step,
                        ts: p.ts,
                        seq: p.seq,
                        span: s,
                    }),
                    (PointKind::Flow { .. }, None) => {}
                }
            }
        }
    }
    drop(items);
    Nested {
        loose_points,
        flow_steps,
    }
}

/// Phase 4: instants outside any slice become zero-length spans so they are not lost.
fn keep_loose_points(b: &mut ImportBuilder<'_>, st: &mut State, loose_points: Vec<Point>) {
    let t = st.t;
    // Instants outside any slice become zero-length spans so they are not lost.
    for p in loose_points {
        let name_s = b_str(b, t, p.name);
        st.add_span(b, Slice::instant(p.track, &name_s, p.ts, p.seq, false));
        b.add_part_range(t, PartField::Whole, p.raw);
    }
}

/// Phase 5: flow steps and bound flows become links between spans.
fn link_flows(b: &mut ImportBuilder<'_>, st: &mut State, mut flow_steps: Vec<FlowStep>) {
    let t = st.t;
    // Flows: each step links from the previous step's span.
    flow_steps.sort_by_key(|f| (f.key, f.ts, f.seq));
    for w in flow_steps.windows(2) {
        if let [a, c] = w {
            if a.key == c.key && a.span != c.span && c.step != 0 {
                b.add_extra(t, c.span, Extra::FlowFrom { from: a.span });
            }
        }
    }
    st.binds.sort_by_key(|&(key, _, out)| (key, !out));
    let mut k = 0;
    while k < st.binds.len() {
        let key = st.binds[k].0;
        let group: Vec<(u32, u32, bool)> = st.binds[k..]
            .iter()
            .take_while(|x| x.0 == key)
            .copied()
            .collect();
        k += group.len();
        if let Some(&(_, src, _)) = group.iter().find(|x| x.2) {
            for &(_, dst, out) in &group {
                if !out && dst != src {
                    b.add_extra(t, dst, Extra::FlowFrom { from: src });
                }
            }
        }
    }
}

/// Phase 6: services and contexts, now that all metadata has been read.
fn assign_services(b: &mut ImportBuilder<'_>, st: &State) {
    let t = st.t;
    // Services and contexts, now that all metadata has been read.
    let mut svc_ids = Vec::with_capacity(st.pids.len());
    for (p, key) in st.pids.iter().enumerate() {
        let name = st
            .process_names
            .get(&(p as u32))
            .cloned()
            .unwrap_or_else(|| format!("pid {}", key.text()));
        svc_ids.push(b.intern(t, &name));
    }
    for (ti, tr) in st.tracks.iter().enumerate() {
        let mut kv = vec![KeyValue::new(
            "process.pid",
            Value::Str(
                st.pids
                    .get(tr.pid as usize)
                    .map(Key::text)
                    .unwrap_or_default(),
            ),
        )];
        if let Some(n) = st.process_names.get(&tr.pid) {
            kv.push(KeyValue::new("process.name", Value::Str(n.clone())));
        }
        kv.push(KeyValue::new("thread.tid", Value::Str(tr.tid.text())));
        if let Some(n) = st.thread_names.get(&(ti as u32)) {
            kv.push(KeyValue::new("thread.name", Value::Str(n.clone())));
        }
        if let Some(c) = b.contexts.get_mut(tr.ctx as usize) {
            *c = Context::Decoded(kv);
        }
    }
    for (i, origin) in st.aux.iter().enumerate() {
        let pid = origin
            .thread
            .and_then(|tr| st.tracks.get(tr as usize))
            .map(|tr| tr.pid);
        let svc = pid.and_then(|p| svc_ids.get(p as usize).copied());
        if let Some(svc) = svc {
            b.set_service(t, i as u32, svc);
        }
    }
    // Async spans: service of the track of their begin event (tracked through ctx).
    let ctx_to_pid: FastMap<u32, u32> = st.tracks.iter().map(|tr| (tr.ctx, tr.pid)).collect();
    for (i, origin) in st.aux.iter().enumerate() {
        if origin.thread.is_none() {
            if let Some(svc) = b
                .ctx_of(t, i as u32)
                .and_then(|c| ctx_to_pid.get(&c))
                .and_then(|p| svc_ids.get(*p as usize))
            {
                b.set_service(t, i as u32, *svc);
            }
        }
    }
}

fn b_str(b: &ImportBuilder<'_>, t: u32, s: u32) -> String {
    b.string(t, s).to_string()
}

/// The event again for its details; `args` and `id` stay raw until decoded, so one argument that
/// cannot be decoded (nested deeper than serde_json's limit) loses only itself.
#[derive(Deserialize, Default)]
struct Full<'a> {
    #[serde(borrow, default)]
    cat: Scalar<'a>,
    #[serde(borrow, default)]
    args: Option<&'a RawValue>,
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
}

/// The category, id and args of an event, args named `prefix` + name; `what` names the args in
/// notes ("arg", "end arg", "event arg").
fn args_kvs(raw: &str, prefix: &str, what: &str, out: &mut Vec<KeyValue>, notes: &mut Vec<String>) {
    let f: Full = parse_or_default(raw);
    if prefix.is_empty() {
        if let Scalar::Str(c) = f.cat {
            if !c.is_empty() {
                out.push(KeyValue::new("category", Value::Str(c.into_owned())));
            }
        }
        if let Some(id) = f.id {
            out.push(KeyValue::new("id", json_value(id.get(), "id", notes)));
        }
    }
    let Some(args) = f.args.map(RawValue::get) else {
        return;
    };
    match json_entries(args, what, prefix, notes) {
        Some(kvs) => out.extend(kvs),
        None if args == "null" => {}
        None => out.push(KeyValue {
            key: format!("{prefix}args"),
            value: json_value(args, &format!("{what}s"), notes),
        }),
    }
}

pub(crate) fn details(t: &Trace, i: u32, d: &mut SpanDetails) {
    // What could not be decoded, for the span's warnings.
    let mut notes = Vec::new();
    if let Some(raw) = t.part(i, PartField::Whole) {
        args_kvs(&raw, "", "arg", &mut d.attributes, &mut notes);
    }
    if let Some(raw) = t.part(i, PartField::EndArgs) {
        args_kvs(&raw, "end.", "end arg", &mut d.attributes, &mut notes);
    }
    for (_, e) in t.extras_of(i) {
        match e {
            Extra::Event { time, name, raw } => {
                let mut attributes = Vec::new();
                args_kvs(&t.raw(*raw), "", "event arg", &mut attributes, &mut notes);
                d.events.push(Event {
                    time_ns: *time,
                    offset_ns: 0,
                    name: t.string(*name).to_string(),
                    attributes,
                });
            }
            Extra::FlowFrom { from } => d.links.push(Link {
                trace_id: t.trace_id().to_string(),
                span_id: t.span_id(*from),
                kind: LinkKind::Flow,
                target: Some(*from),
                attributes: Vec::new(),
            }),
        }
    }
    if let Some(Context::Decoded(kv)) = t.context_of(i) {
        d.resource = kv.clone();
    }
    d.warnings.extend(
        notes
            .into_iter()
            .map(|m| Warning::at(WarningKind::BadValue, i, m)),
    );
}
