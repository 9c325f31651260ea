//! Builder: turns importer output into `Trace`s. Interns strings, normalizes ids, groups spans by trace
//! id, resolves parents, and repairs what can be repaired, with a warning for each repair.

use crate::import::Format;
use crate::model::*;
use crate::source::Source;
use crate::time::Nanos;
use crate::warnings::Warnings;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// The hash map of every hot map (string interner, id maps, Chrome's pid/tid maps): foldhash
/// mixes every input bit into the output and seeds itself randomly per map, so ids crafted to
/// collide (or merely unlucky ones, like ids differing only in their high bits) cost what random
/// ones cost; SipHash would be as safe and slower.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Key of a span id inside one trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum SpanKey {
    Num(u64),
    /// Interned string for ids that are not up to 16 hex digits.
    Str(u32),
}

/// How an importer names a span's parent.
#[derive(Clone, Debug)]
pub(crate) enum ParentIn<'a> {
    None,
    /// By id (normalized by the builder like span ids).
    Id(&'a str),
    /// By span index in the same trace (Chrome nesting, Zipkin shared halves).
    Index(u32),
}

/// Which id spellings to accept: OTLP also allows base64.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdStyle {
    Hex,
    HexOrBase64,
}

/// One span as an importer hands it over.
pub(crate) struct NewSpan<'a> {
    pub trace_id: &'a str,
    pub span_id: &'a str,
    pub parent: ParentIn<'a>,
    pub name: &'a str,
    pub service: &'a str,
    pub kind: SpanKind,
    pub status: StatusCode,
    /// None when missing (or zero where the format says zero means missing).
    pub start: Option<Nanos>,
    pub duration: Option<Nanos>,
    pub follows_from: bool,
    pub shared: bool,
    pub ctx: u32,
}

#[derive(Default)]
struct Interner {
    map: FastMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    fn get(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(s.into());
        self.map.insert(s.into(), i);
        i
    }
}

#[derive(Default)]
pub(crate) struct TraceBuilder {
    id: String,
    interner: Interner,
    /// Numeric id, or the interned index of an odd id (listed in `odd_ids`).
    span_id: Vec<u64>,
    odd_ids: Vec<(u32, u32)>,
    /// Parent payload and what it is (P_*): compact, since a column costs bytes per span.
    parent: Vec<u64>,
    parent_tag: Vec<u8>,
    /// 0 where the input had no usable start (those spans are listed in `missing_start`).
    start: Vec<Nanos>,
    /// Spans whose start was missing, in order. A flag, not a sentinel time: every i64 is a
    /// time a file can hold (a saturated one too).
    missing_start: Vec<u32>,
    dur: Vec<Nanos>,
    name: Vec<u32>,
    service: Vec<u32>,
    flags: Vec<u8>,
    ctx: Vec<u32>,
    part_start: Vec<u32>,
    parts: Vec<Part>,
    extras: Vec<(u32, Extra)>,
    warnings: Warnings,
}

const P_NONE: u8 = 0;
const P_NUM: u8 = 1;
const P_STR: u8 = 2;
const P_INDEX: u8 = 3;

/// Collects spans of one import, grouped by trace id.
pub(crate) struct ImportBuilder<'s> {
    /// The text slices handed to [`ImportBuilder::range`] come from: the whole input, or (when
    /// a file is read in chunks) the chunk being parsed and where it starts in the file.
    window: Window,
    _input: std::marker::PhantomData<&'s str>,
    pub traces: Vec<TraceBuilder>,
    by_id: FastMap<Box<str>, u32>,
    pub contexts: Vec<Context>,
    pub warnings: Warnings,
    pub id_style: IdStyle,
    synth: u64,
    /// The raw trace id (and id style) of the previous `trace_slot` call and its slot: spans of
    /// one trace usually come together, so this skips normalizing and hashing the id per span.
    last_trace: Option<(String, IdStyle, u32)>,
}

/// Where the text being parsed lies: its address in memory and its offset in the input. An
/// address, not a borrow, so a builder can outlive the chunks of a file read a piece at a time.
#[derive(Clone, Copy, Default)]
pub(crate) struct Window {
    addr: usize,
    len: usize,
    offset: u64,
}

impl Window {
    /// `text`, which starts at byte `offset` of the input.
    pub fn new(text: &[u8], offset: u64) -> Self {
        Window {
            addr: text.as_ptr() as usize,
            len: text.len(),
            offset,
        }
    }

    /// Byte range of `s` inside the input; `s` must be a slice of this window's text (else an
    /// empty range).
    pub fn range(&self, s: &str) -> RawRef {
        let Window { addr, len, offset } = *self;
        let p = s.as_ptr() as usize;
        if p < addr || p + s.len() > addr + len {
            return RawRef::default();
        }
        RawRef {
            start: u32::try_from(offset + (p - addr) as u64).unwrap_or(u32::MAX),
            len: u32::try_from(s.len()).unwrap_or(0),
        }
    }
}

impl<'s> ImportBuilder<'s> {
    pub fn new(base: &'s str) -> Self {
        let mut b = ImportBuilder::streaming();
        b.set_window(base.as_bytes(), 0);
        b
    }

    /// A builder for input read in chunks: each chunk is announced with
    /// [`ImportBuilder::set_window`] before its slices are handed over.
    pub fn streaming() -> ImportBuilder<'static> {
        ImportBuilder {
            window: Window::default(),
            _input: std::marker::PhantomData,
            traces: Vec::new(),
            by_id: FastMap::default(),
            contexts: Vec::new(),
            warnings: Warnings::new(),
            id_style: IdStyle::Hex,
            synth: 0,
            last_trace: None,
        }
    }

    /// The slices handed over from now on come from `text`, which starts at byte `offset` of
    /// the input.
    pub fn set_window(&mut self, text: &[u8], offset: u64) {
        self.window = Window::new(text, offset);
    }

    /// Where the slices handed over come from.
    pub fn window(&self) -> &Window {
        &self.window
    }

    /// Byte range of `s` inside the input; `s` must be a slice of the current window (else an
    /// empty range).
    pub fn range(&self, s: &str) -> RawRef {
        self.window.range(s)
    }

    pub fn add_context(&mut self, c: Context) -> u32 {
        self.contexts.push(c);
        (self.contexts.len() - 1) as u32
    }

    pub fn trace_slot(&mut self, raw_id: &str) -> u32 {
        if let Some((raw, style, t)) = &self.last_trace {
            if raw == raw_id && *style == self.id_style {
                return *t;
            }
        }
        let slot = self.trace_slot_uncached(raw_id);
        let mut raw = self.last_trace.take().map(|(r, ..)| r).unwrap_or_default();
        raw.clear();
        raw.push_str(raw_id);
        self.last_trace = Some((raw, self.id_style, slot));
        slot
    }

    fn trace_slot_uncached(&mut self, raw_id: &str) -> u32 {
        let mut id = normalize_trace_id(raw_id, self.id_style);
        let empty = id.is_empty();
        if empty {
            // Synthesized, so that the UI always has an id to show and link.
            id = std::borrow::Cow::Borrowed("00000000000000000000000000000000");
        }
        if let Some(&t) = self.by_id.get(&*id) {
            return t;
        }
        let t = self.traces.len() as u32;
        let mut tb = TraceBuilder {
            id: id.to_string(),
            ..Default::default()
        };
        // Index 0 is always the empty string, so a zero column entry reads as "".
        tb.interner.get("");
        if empty {
            tb.warnings.push_with(WarningKind::EmptyId, || {
                Warning::new(
                    WarningKind::EmptyId,
                    "empty trace id; shown as 00000000000000000000000000000000",
                )
            });
        }
        self.traces.push(tb);
        self.by_id.insert(id.into(), t);
        t
    }

    /// Adds a span; returns (trace slot, span index in that trace).
    pub fn add_span(&mut self, s: NewSpan<'_>) -> (u32, u32) {
        let t = self.trace_slot(s.trace_id);
        let style = self.id_style;
        self.synth += 1;
        let synth = self.synth;
        let Some(tb) = self.traces.get_mut(t as usize) else {
            return (t, 0);
        };
        let i = tb.start.len() as u32;
        let key = match span_key(s.span_id, style, &mut tb.interner) {
            Some(k) => k,
            None => {
                tb.warnings.push_with(WarningKind::EmptyId, || {
                    Warning::at(
                        WarningKind::EmptyId,
                        i,
                        format!("span {:?} has an empty id; synthesized one", s.name),
                    )
                });
                SpanKey::Str(tb.interner.get(&format!("synthetic-{synth}")))
            }
        };
        let (parent, parent_tag) = parent_entry(s.parent, style, &mut tb.interner);
        let name = tb.interner.get(s.name);
        let service = tb.interner.get(s.service);
        let mut flags = s.kind.code() | s.status.bits();
        if s.follows_from {
            flags |= FLAG_FOLLOWS_FROM;
        }
        if s.shared {
            flags |= FLAG_SHARED;
        }
        let dur = match s.duration {
            Some(d) if d >= 0 => d,
            Some(_) => {
                tb.warnings.push_with(WarningKind::MissingDuration, || {
                    Warning::at(
                        WarningKind::MissingDuration,
                        i,
                        format!(
                            "span {:?} ends before it starts; duration taken as 0",
                            s.name
                        ),
                    )
                });
                0
            }
            None => {
                tb.warnings.push_with(WarningKind::MissingDuration, || {
                    Warning::at(
                        WarningKind::MissingDuration,
                        i,
                        format!("span {:?} has no duration; taken as 0", s.name),
                    )
                });
                0
            }
        };
        match key {
            SpanKey::Num(v) => tb.span_id.push(v),
            SpanKey::Str(v) => {
                tb.span_id.push(v as u64);
                tb.odd_ids.push((i, v));
            }
        }
        tb.parent.push(parent);
        tb.parent_tag.push(parent_tag);
        if s.start.is_none() {
            tb.missing_start.push(i);
        }
        tb.start.push(s.start.unwrap_or(0));
        tb.dur.push(dur);
        tb.name.push(name);
        tb.service.push(service);
        tb.flags.push(flags);
        tb.ctx.push(s.ctx);
        tb.part_start.push(tb.parts.len() as u32);
        (t, i)
    }

    /// Retains a raw byte range for the span most recently added to trace `t`.
    pub fn add_part(&mut self, t: u32, field: PartField, raw: &str) {
        let raw = self.range(raw);
        if let Some(tb) = self.traces.get_mut(t as usize) {
            tb.parts.push(Part { field, raw });
        }
    }

    pub fn add_part_range(&mut self, t: u32, field: PartField, raw: RawRef) {
        if let Some(tb) = self.traces.get_mut(t as usize) {
            tb.parts.push(Part { field, raw });
        }
    }

    /// Start and end of span `i` of trace `t` (a missing start reads as 0).
    pub fn span_times(&self, t: u32, i: u32) -> (Nanos, Nanos) {
        let Some(tb) = self.traces.get(t as usize) else {
            return (0, 0);
        };
        let s = tb.start.get(i as usize).copied().unwrap_or(0);
        (
            s,
            s.saturating_add(tb.dur.get(i as usize).copied().unwrap_or(0)),
        )
    }

    pub fn string(&self, t: u32, s: u32) -> &str {
        self.traces
            .get(t as usize)
            .and_then(|tb| tb.interner.strings.get(s as usize))
            .map(|s| &**s)
            .unwrap_or("")
    }

    pub fn ctx_of(&self, t: u32, i: u32) -> Option<u32> {
        self.traces
            .get(t as usize)
            .and_then(|tb| tb.ctx.get(i as usize).copied())
    }

    pub fn add_extra(&mut self, t: u32, span: u32, e: Extra) {
        if let Some(tb) = self.traces.get_mut(t as usize) {
            tb.extras.push((span, e));
        }
    }

    pub fn intern(&mut self, t: u32, s: &str) -> u32 {
        self.traces
            .get_mut(t as usize)
            .map(|tb| tb.interner.get(s))
            .unwrap_or(0)
    }

    pub fn trace_warn(&mut self, t: u32, w: Warning) {
        if let Some(tb) = self.traces.get_mut(t as usize) {
            tb.warnings.push(w);
        }
    }

    /// Overrides parent of span `i` in trace `t` (Chrome nesting is known only after sorting).
    pub fn set_parent_index(&mut self, t: u32, i: u32, p: Option<u32>) {
        if let Some(tb) = self.traces.get_mut(t as usize) {
            if let (Some(slot), Some(tag)) = (
                tb.parent.get_mut(i as usize),
                tb.parent_tag.get_mut(i as usize),
            ) {
                (*slot, *tag) = match p {
                    Some(p) => (p as u64, P_INDEX),
                    None => (0, P_NONE),
                };
            }
        }
    }

    pub fn set_shared(&mut self, t: u32, i: u32) {
        if let Some(f) = self
            .traces
            .get_mut(t as usize)
            .and_then(|tb| tb.flags.get_mut(i as usize))
        {
            *f |= FLAG_SHARED;
        }
    }

    /// Sets the shared context (process, resource) of span `i` of trace `t`.
    pub fn set_ctx(&mut self, t: u32, i: u32, ctx: u32) {
        if let Some(slot) = self
            .traces
            .get_mut(t as usize)
            .and_then(|tb| tb.ctx.get_mut(i as usize))
        {
            *slot = ctx;
        }
    }

    /// Sets the parent of span `i` of trace `t` (chosen after the span was added, once every
    /// span of its trace is known), and whether it only follows from it.
    pub fn set_parent(&mut self, t: u32, i: u32, parent: ParentIn<'_>, follows_from: bool) {
        let style = self.id_style;
        let Some(tb) = self.traces.get_mut(t as usize) else {
            return;
        };
        let (payload, tag) = parent_entry(parent, style, &mut tb.interner);
        let i = i as usize;
        if let (Some(p), Some(pt), Some(f)) = (
            tb.parent.get_mut(i),
            tb.parent_tag.get_mut(i),
            tb.flags.get_mut(i),
        ) {
            (*p, *pt) = (payload, tag);
            if follows_from {
                *f |= FLAG_FOLLOWS_FROM;
            } else {
                *f &= !FLAG_FOLLOWS_FROM;
            }
        }
    }

    pub fn set_service(&mut self, t: u32, i: u32, s: u32) {
        if let Some(slot) = self
            .traces
            .get_mut(t as usize)
            .and_then(|tb| tb.service.get_mut(i as usize))
        {
            *slot = s;
        }
    }

    pub fn set_duration(&mut self, t: u32, i: u32, d: Nanos) {
        if let Some(slot) = self
            .traces
            .get_mut(t as usize)
            .and_then(|tb| tb.dur.get_mut(i as usize))
        {
            *slot = d.max(0);
        }
    }

    pub fn finish(self, format: Format, src: &Arc<dyn Source>) -> (Vec<Trace>, Warnings) {
        let contexts = Arc::new(self.contexts);
        let traces = self
            .traces
            .into_iter()
            .map(|tb| tb.finish(format, src, &contexts))
            .collect();
        (traces, self.warnings)
    }
}

impl TraceBuilder {
    fn id_display(&self, k: SpanKey) -> String {
        match k {
            SpanKey::Num(n) => format!("{n:016x}"),
            SpanKey::Str(s) => self
                .interner
                .strings
                .get(s as usize)
                .map(|s| s.to_string())
                .unwrap_or_default(),
        }
    }

    fn finish(
        mut self,
        format: Format,
        src: &Arc<dyn Source>,
        contexts: &Arc<Vec<Context>>,
    ) -> Trace {
        let mut warnings = std::mem::take(&mut self.warnings);
        let by_key = self.id_map(format, &mut warnings);
        let mut parent = self.resolve_parents(&by_key, &mut warnings);
        drop(by_key);
        drop(std::mem::take(&mut self.parent));
        drop(std::mem::take(&mut self.parent_tag));
        cut_cycles(&mut parent, &mut warnings);
        let mut start = std::mem::take(&mut self.start);
        self.repair_missing_starts(&mut start, &parent, &mut warnings);
        let span_id = std::mem::take(&mut self.span_id);
        let odd_ids = std::mem::take(&mut self.odd_ids);

        let mut services: Vec<u32> = self.service.clone();
        services.sort_unstable();
        services.dedup();
        let strings = self.interner.strings;
        services.sort_by(|a, b| strings.get(*a as usize).cmp(&strings.get(*b as usize)));

        self.part_start.push(self.parts.len() as u32);
        self.extras.sort_by_key(|(s, _)| *s);
        let mut t = Trace {
            id: self.id,
            format,
            src: Arc::clone(src),
            strings,
            span_id,
            odd_ids,
            start,
            dur: self.dur,
            parent,
            name: self.name,
            service: self.service,
            flags: self.flags,
            ctx: self.ctx,
            part_start: self.part_start,
            parts: self.parts,
            contexts: Arc::clone(contexts),
            extras: self.extras,
            warnings,
            services,
            start_ns: 0,
            end_ns: 0,
            lookup: Default::default(),
        };
        t.parts.shrink_to_fit();
        t.recompute_bounds();
        t
    }

    fn span_name(&self, i: usize) -> &str {
        self.name
            .get(i)
            .and_then(|&n| self.interner.strings.get(n as usize))
            .map(|s| &**s)
            .unwrap_or("")
    }

    /// Phase 1, the id map: the first span with an id owns it; later ones are kept and reported. Chrome
    /// spans have synthetic unique ids and index parents: no map needed (saves memory).
    fn id_map(&self, format: Format, warnings: &mut Warnings) -> FastMap<SpanKey, u32> {
        let key_of =
            |i: usize, v: u64| match self.odd_ids.binary_search_by_key(&(i as u32), |&(s, _)| s) {
                Ok(_) => SpanKey::Str(v as u32),
                Err(_) => SpanKey::Num(v),
            };
        let mut by_key: FastMap<SpanKey, u32> = FastMap::default();
        if format == Format::Chrome {
            return by_key;
        }
        by_key.reserve(self.span_id.len());
        for (i, &v) in self.span_id.iter().enumerate() {
            let k = key_of(i, v);
            let i = i as u32;
            match by_key.get(&k) {
                None => {
                    by_key.insert(k, i);
                }
                Some(&first) if !self.shared_pair(i, first) => {
                    warnings.push_with(WarningKind::DuplicateId, || {
                        Warning::at(
                            WarningKind::DuplicateId,
                            i,
                            format!(
                                "span id {} is used by more than one span; both are kept",
                                self.id_display(k)
                            ),
                        )
                    });
                }
                Some(_) => {}
            }
        }
        by_key
    }

    /// Zipkin's shared client/server halves carry one id by design: the server half is marked
    /// shared and hangs from the client half by index.
    fn shared_pair(&self, a: u32, b: u32) -> bool {
        let shared = |x: u32| {
            self.flags
                .get(x as usize)
                .is_some_and(|f| f & FLAG_SHARED != 0)
        };
        let child_of = |x: u32, y: u32| {
            self.parent_tag.get(x as usize) == Some(&P_INDEX)
                && self.parent.get(x as usize) == Some(&(y as u64))
        };
        (shared(a) && child_of(a, b)) || (shared(b) && child_of(b, a))
    }

    /// Phase 2, parents as span indexes: by index, or by id through the id map; a parent not in the
    /// file makes an orphan, a span its own parent a root.
    fn resolve_parents(&self, by_key: &FastMap<SpanKey, u32>, warnings: &mut Warnings) -> Vec<u32> {
        let n = self.start.len();
        let mut parent = vec![NO_PARENT; n];
        for (i, slot) in parent.iter_mut().enumerate() {
            let iu = i as u32;
            let raw = self.parent.get(i).copied().unwrap_or(0);
            let tag = self.parent_tag.get(i).copied().unwrap_or(P_NONE);
            let p = match tag {
                P_INDEX => u32::try_from(raw).ok().filter(|&p| (p as usize) < n),
                P_NUM | P_STR => {
                    let k = if tag == P_NUM {
                        SpanKey::Num(raw)
                    } else {
                        SpanKey::Str(raw as u32)
                    };
                    let found = by_key.get(&k).copied();
                    if found.is_none() {
                        warnings.push_with(WarningKind::Orphan, || {
                            Warning::at(
                                WarningKind::Orphan,
                                iu,
                                format!(
                                    "parent {} of span {:?} is not in the file; shown as a root",
                                    self.id_display(k),
                                    self.span_name(i)
                                ),
                            )
                        });
                    }
                    found
                }
                _ => None,
            };
            *slot = match p {
                Some(p) if p == iu => {
                    warnings.push_with(WarningKind::Cycle, || {
                        Warning::at(
                            WarningKind::Cycle,
                            iu,
                            "span is its own parent; shown as a root",
                        )
                    });
                    NO_PARENT
                }
                Some(p) => p,
                None => NO_PARENT,
            };
        }
        parent
    }

    /// Phase 4, missing start times: take the parent's (Jaeger UI does the same) in top-down order.
    fn repair_missing_starts(&self, start: &mut [Nanos], parent: &[u32], warnings: &mut Warnings) {
        if self.missing_start.is_empty() {
            return;
        }
        let n = start.len();
        let mut missing = vec![false; n];
        for &i in &self.missing_start {
            if let Some(m) = missing.get_mut(i as usize) {
                *m = true;
            }
        }
        let min_known = (0..n)
            .filter(|&i| !missing[i])
            .map(|i| start[i])
            .min()
            .unwrap_or(0);
        for i in topo_order(parent) {
            if !missing[i] {
                continue;
            }
            let p = parent[i] as usize;
            let (v, from) = match start.get(p) {
                Some(&ps) if parent[i] != NO_PARENT && missing.get(p) == Some(&false) => {
                    (ps, "its parent")
                }
                _ => (min_known, "the trace's earliest start"),
            };
            start[i] = v;
            missing[i] = false;
            warnings.push_with(WarningKind::MissingTimestamp, || {
                Warning::at(
                    WarningKind::MissingTimestamp,
                    i as u32,
                    format!(
                        "span {:?} has no start time; took {from}'s",
                        self.span_name(i)
                    ),
                )
            });
        }
    }
}

/// Phase 3: cuts cycles so every walk up the tree ends (state: 0 new, 1 on the current path, 2 done).
fn cut_cycles(parent: &mut [u32], warnings: &mut Warnings) {
    let n = parent.len();
    let mut state = vec![0u8; n];
    let mut path = Vec::new();
    for i in 0..n {
        let mut cur = i;
        path.clear();
        while state.get(cur) == Some(&0) {
            state[cur] = 1;
            path.push(cur);
            let p = parent[cur];
            if p == NO_PARENT {
                break;
            }
            let p = p as usize;
            if state.get(p) == Some(&1) {
                parent[cur] = NO_PARENT;
                warnings.push_with(WarningKind::Cycle, || {
                    Warning::at(
                        WarningKind::Cycle,
                        cur as u32,
                        "parent references form a cycle; cut here and shown as a root",
                    )
                });
                break;
            }
            cur = p;
        }
        for &x in &path {
            state[x] = 2;
        }
    }
}

/// Parents before children (the parent column is acyclic here).
fn topo_order(parent: &[u32]) -> Vec<usize> {
    let n = parent.len();
    let mut child_count = vec![0u32; n + 1];
    for &p in parent {
        if p != NO_PARENT {
            if let Some(c) = child_count.get_mut(p as usize) {
                *c += 1;
            }
        }
    }
    let mut offs = vec![0usize; n + 1];
    for i in 0..n {
        offs[i + 1] = offs[i] + child_count[i] as usize;
    }
    let mut fill = offs.clone();
    let mut kids = vec![0usize; offs[n]];
    for (i, &p) in parent.iter().enumerate() {
        if p != NO_PARENT {
            let p = p as usize;
            kids[fill[p]] = i;
            fill[p] += 1;
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| parent[i] == NO_PARENT).collect();
    let mut k = 0;
    while k < order.len() {
        let i = order[k];
        order.extend_from_slice(&kids[offs[i]..offs[i + 1]]);
        k += 1;
    }
    order
}

/// The parent column's payload and tag (P_*) for `parent`.
fn parent_entry(parent: ParentIn<'_>, style: IdStyle, interner: &mut Interner) -> (u64, u8) {
    match parent {
        ParentIn::None => (0, P_NONE),
        ParentIn::Index(p) => (p as u64, P_INDEX),
        ParentIn::Id(p) => match span_key(p, style, interner) {
            Some(SpanKey::Num(v)) => (v, P_NUM),
            Some(SpanKey::Str(v)) => (v as u64, P_STR),
            None => (0, P_NONE),
        },
    }
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn strip_0x(s: &str) -> &str {
    s.strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s)
}

/// Lowercase hex, left-padded to 16 or 32 digits (Zipkin allows unpadded ids); base64 ids decoded
/// when the style allows; anything else kept as written.
pub(crate) fn normalize_trace_id(raw: &str, style: IdStyle) -> Cow<'_, str> {
    let s = strip_0x(raw.trim());
    if style == IdStyle::HexOrBase64 && looks_base64(s, 24) {
        if let Some(bytes) = decode_base64(s) {
            return Cow::Owned(hex(&bytes));
        }
    }
    if !is_hex(s) {
        return Cow::Borrowed(s);
    }
    let lower = s.bytes().all(|b| !b.is_ascii_uppercase());
    if (s.len() == 16 || s.len() == 32) && lower {
        return Cow::Borrowed(s);
    }
    let width = if s.len() <= 16 { 16 } else { 32 };
    Cow::Owned(format!("{:0>width$}", s.to_ascii_lowercase()))
}

/// Display form of a span or trace id given by a format that uses hex (or base64 in OTLP).
pub(crate) fn normalize_span_id(raw: &str, style: IdStyle) -> String {
    let s = strip_0x(raw.trim());
    if style == IdStyle::HexOrBase64 && looks_base64(s, 12) {
        if let Some(bytes) = decode_base64(s) {
            return hex(&bytes);
        }
    }
    if is_hex(s) && s.len() <= 16 {
        return format!("{:0>16}", s.to_ascii_lowercase());
    }
    s.to_string()
}

/// The common case of `span_key`: 1 to 16 plain hex digits (no `0x`, no whitespace) that cannot
/// be base64 under `style`; None otherwise.
fn plain_hex_key(raw: &str, style: IdStyle) -> Option<SpanKey> {
    if raw.is_empty() || raw.len() > 16 || (style == IdStyle::HexOrBase64 && raw.len() == 12) {
        return None;
    }
    let mut v = 0u64;
    for b in raw.bytes() {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | d as u64;
    }
    Some(SpanKey::Num(v))
}

fn span_key(raw: &str, style: IdStyle, interner: &mut Interner) -> Option<SpanKey> {
    if let Some(k) = plain_hex_key(raw, style) {
        return Some(k);
    }
    let s = strip_0x(raw.trim());
    if s.is_empty() {
        return None;
    }
    if style == IdStyle::HexOrBase64 && looks_base64(s, 12) {
        if let Some(b) = decode_base64(s) {
            if let Ok(arr) = <[u8; 8]>::try_from(b.as_slice()) {
                return Some(SpanKey::Num(u64::from_be_bytes(arr)));
            }
        }
    }
    if s.len() <= 16 {
        if let Ok(v) = u64::from_str_radix(s, 16) {
            if is_hex(s) {
                return Some(SpanKey::Num(v));
            }
        }
    }
    // A 32-digit hex span id: keep its lowercase spelling so display stays stable.
    if is_hex(s) {
        return Some(SpanKey::Str(interner.get(&s.to_ascii_lowercase())));
    }
    Some(SpanKey::Str(interner.get(s)))
}

/// Base64 rather than hex: the protobuf-JSON spelling of an id of `b64_len` characters, or any
/// string using characters hex does not have.
fn looks_base64(s: &str, b64_len: usize) -> bool {
    let b64 = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'));
    b64 && (s.len() == b64_len || (!is_hex(s) && s.len().is_multiple_of(4)))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Standard or URL-safe base64, padding optional. None on any invalid character.
pub(crate) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for b in s.trim_end_matches('=').bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_normalize() {
        assert_eq!(
            normalize_trace_id("5B8EFFF798038103D269B633813FC60C", IdStyle::Hex),
            "5b8efff798038103d269b633813fc60c"
        );
        assert_eq!(normalize_trace_id("abc", IdStyle::Hex), "0000000000000abc");
        assert_eq!(
            normalize_trace_id("W47/95gDgQPSabYzgT/GDA==", IdStyle::HexOrBase64),
            "5b8efff798038103d269b633813fc60c"
        );
        assert_eq!(
            normalize_span_id("7uGbfsPBsXM=", IdStyle::HexOrBase64),
            "eee19b7ec3c1b173"
        );
        assert_eq!(decode_base64("aGk"), Some(b"hi".to_vec()));
    }
}
