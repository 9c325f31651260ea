//! The trace model: one `Trace` per trace id, spans stored as compact columns.
//!
//! Hot columns (ids, times, parent, interned name/service, kind/status flags) are plain vectors indexed
//! by span index `u32`. Attributes, events and links stay as byte ranges into the retained input
//! buffer and are decoded only for one span at a time by `Trace::span_details`.

use crate::import::Format;
use crate::source::Source;
use crate::time::Nanos;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Sentinel for "no parent" in every parent column: the model's, the worker's wire columns and
/// the page's row positions. A column of plain `u32`s (not `Option<u32>`, which takes twice
/// the bytes) is what crosses to the page; this names its one reserved value.
pub const NO_PARENT: u32 = u32::MAX;

/// What a span does in a distributed call (OTLP's SpanKind; Jaeger/Zipkin `span.kind`/`kind`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SpanKind {
    #[default]
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

impl SpanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }

    /// The kind of a [`SpanKind::code`].
    pub fn from_code(code: u8) -> SpanKind {
        Self::from_bits(code)
    }

    pub(crate) fn from_bits(b: u8) -> SpanKind {
        match b & 7 {
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => SpanKind::Unspecified,
        }
    }

    /// The kind as a small number (0 unspecified, 1 internal, 2 server, 3 client,
    /// 4 producer, 5 consumer), the same in the flag column and in the viewer's columns.
    pub fn code(self) -> u8 {
        match self {
            SpanKind::Unspecified => 0,
            SpanKind::Internal => 1,
            SpanKind::Server => 2,
            SpanKind::Client => 3,
            SpanKind::Producer => 4,
            SpanKind::Consumer => 5,
        }
    }

    /// Accepts "server", "SERVER", "SPAN_KIND_SERVER", "SpanKind.SERVER"; unknown names give None.
    pub(crate) fn parse_name(s: &str) -> Option<SpanKind> {
        let s = s.trim();
        let s = s.rsplit(['.', '_']).next().unwrap_or(s);
        // Case-insensitive match without allocating: this runs once per span on import.
        [
            ("server", SpanKind::Server),
            ("client", SpanKind::Client),
            ("producer", SpanKind::Producer),
            ("consumer", SpanKind::Consumer),
            ("internal", SpanKind::Internal),
            ("local", SpanKind::Internal),
            ("unspecified", SpanKind::Unspecified),
        ]
        .into_iter()
        .find(|(n, _)| s.eq_ignore_ascii_case(n))
        .map(|(_, k)| k)
    }

    /// OTLP's integer enum.
    pub(crate) fn from_otlp_int(v: i64) -> Option<SpanKind> {
        Some(match v {
            0 => SpanKind::Unspecified,
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => return None,
        })
    }
}

/// Span status code (OTLP's; Jaeger/Zipkin `error` tags map to `Error`). Serialised as
/// [`StatusCode::as_str`] writes it.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum StatusCode {
    #[default]
    Unset,
    Ok,
    Error,
}

impl StatusCode {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusCode::Unset => "unset",
            StatusCode::Ok => "ok",
            StatusCode::Error => "error",
        }
    }

    pub(crate) fn from_bits(b: u8) -> StatusCode {
        match (b >> 3) & 3 {
            1 => StatusCode::Ok,
            2 => StatusCode::Error,
            _ => StatusCode::Unset,
        }
    }

    pub(crate) fn bits(self) -> u8 {
        match self {
            StatusCode::Unset => 0,
            StatusCode::Ok => 1 << 3,
            StatusCode::Error => 2 << 3,
        }
    }

    /// "ERROR", "STATUS_CODE_ERROR", "error" (also used for the otel.status_code tag).
    pub(crate) fn parse_name(s: &str) -> Option<StatusCode> {
        let s = s.trim();
        let s = s.rsplit(['.', '_']).next().unwrap_or(s);
        [
            ("error", StatusCode::Error),
            ("ok", StatusCode::Ok),
            ("unset", StatusCode::Unset),
        ]
        .into_iter()
        .find(|(n, _)| s.eq_ignore_ascii_case(n))
        .map(|(_, k)| k)
    }

    pub(crate) fn from_otlp_int(v: i64) -> Option<StatusCode> {
        match v {
            0 => Some(StatusCode::Unset),
            1 => Some(StatusCode::Ok),
            2 => Some(StatusCode::Error),
            _ => None,
        }
    }
}

/// Flag bits in the per-span `flags` column, beside kind (bits 0-2) and status (bits 3-4).
pub(crate) const FLAG_FOLLOWS_FROM: u8 = 1 << 5;
pub(crate) const FLAG_SHARED: u8 = 1 << 6;

/// A typed attribute value, with nested arrays and maps.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Str(String),
    Bool(bool),
    Int(i64),
    Float(f64),
    Bytes(Vec<u8>),
    Array(Vec<Value>),
    Map(Vec<KeyValue>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts any JSON value (Chrome args, Jaeger values of unknown type) to a `Value`. The
    /// recursion is bounded: serde_json builds no value nested deeper than 128 levels.
    pub(crate) fn from_json(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => n.as_f64().map(Value::Float).unwrap_or(Value::Null),
            },
            serde_json::Value::String(s) => Value::Str(s),
            serde_json::Value::Array(a) => {
                Value::Array(a.into_iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(m) => Value::Map(
                m.into_iter()
                    .map(|(key, v)| KeyValue {
                        key,
                        value: Value::from_json(v),
                    })
                    .collect(),
            ),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Bytes(b) => {
                f.write_str("0x")?;
                b.iter().try_for_each(|x| write!(f, "{x:02x}"))
            }
            Value::Array(a) => {
                f.write_str("[")?;
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(m) => {
                f.write_str("{")?;
                for (i, kv) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {}", kv.key, kv.value)?;
                }
                f.write_str("}")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyValue {
    pub key: String,
    pub value: Value,
}

impl KeyValue {
    pub fn new(key: impl Into<String>, value: Value) -> Self {
        KeyValue {
            key: key.into(),
            value,
        }
    }
}

/// A timed annotation on a span (OTLP event, Jaeger log, Zipkin annotation, Chrome instant).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Absolute time.
    pub time_ns: Nanos,
    /// Time relative to the span's start.
    pub offset_ns: Nanos,
    pub name: String,
    pub attributes: Vec<KeyValue>,
}

/// How a link relates two spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// Jaeger CHILD_OF reference.
    ChildOf,
    /// Jaeger FOLLOWS_FROM reference: the parent does not wait for this span.
    FollowsFrom,
    /// OTLP span link.
    Link,
    /// Chrome flow event (s/t/f or bind_id).
    Flow,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::ChildOf => "child_of",
            LinkKind::FollowsFrom => "follows_from",
            LinkKind::Link => "link",
            LinkKind::Flow => "flow",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub trace_id: String,
    pub span_id: String,
    pub kind: LinkKind,
    /// Index of the target span when it is in this trace.
    pub target: Option<u32>,
    pub attributes: Vec<KeyValue>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    pub name: String,
    pub version: Option<String>,
}

/// Everything about one span that is not in the hot columns, decoded on demand.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanDetails {
    pub attributes: Vec<KeyValue>,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    /// Resource (OTLP), process tags (Jaeger), local endpoint (Zipkin), process/thread (Chrome).
    pub resource: Vec<KeyValue>,
    pub scope: Option<Scope>,
    pub status_message: Option<String>,
    pub warnings: Vec<Warning>,
}

/// What kind of repair or oddity a warning reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum WarningKind {
    /// The parent span is not in the file; the span is shown as a root.
    Orphan,
    /// Two spans share an id; both are kept.
    DuplicateId,
    /// Missing or zero start time, repaired from the parent.
    MissingTimestamp,
    /// Missing duration (or end before start), taken as zero.
    MissingDuration,
    /// B/E or b/e events that do not pair up.
    Unbalanced,
    /// A span refers to a process id that the trace does not define.
    UnknownProcess,
    /// An empty span or trace id; one was synthesized.
    EmptyId,
    /// A field had an unexpected type or value and was ignored.
    BadValue,
    /// Parent references form a cycle; it was cut.
    Cycle,
    /// A child overlaps its parent's end on the same Chrome track.
    Overlap,
    /// A JSON line or array element could not be read and was skipped.
    Skipped,
    /// Input that was truncated (Chrome arrays without `]`).
    Truncated,
    /// Events this model does not show (Chrome counters, samples).
    Ignored,
    /// No service name: a placeholder was used.
    MissingService,
    /// A warning written into the file by the tracer or backend (Jaeger `warnings`).
    Reported,
}

impl WarningKind {
    /// Every kind, in the order of their stable codes (packed traces store the code: append
    /// new kinds at the end, never reorder).
    const BY_CODE: [WarningKind; 15] = [
        WarningKind::Orphan,
        WarningKind::DuplicateId,
        WarningKind::MissingTimestamp,
        WarningKind::MissingDuration,
        WarningKind::Unbalanced,
        WarningKind::UnknownProcess,
        WarningKind::EmptyId,
        WarningKind::BadValue,
        WarningKind::Cycle,
        WarningKind::Overlap,
        WarningKind::Skipped,
        WarningKind::Truncated,
        WarningKind::Ignored,
        WarningKind::MissingService,
        WarningKind::Reported,
    ];

    /// The kind's stable number.
    pub fn code(self) -> u8 {
        Self::BY_CODE
            .iter()
            .position(|&k| k == self)
            .unwrap_or(Self::BY_CODE.len() - 1) as u8
    }

    pub fn from_code(code: u8) -> Option<WarningKind> {
        Self::BY_CODE.get(code as usize).copied()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::Orphan => "orphan",
            WarningKind::DuplicateId => "duplicate_id",
            WarningKind::MissingTimestamp => "missing_timestamp",
            WarningKind::MissingDuration => "missing_duration",
            WarningKind::Unbalanced => "unbalanced",
            WarningKind::UnknownProcess => "unknown_process",
            WarningKind::EmptyId => "empty_id",
            WarningKind::BadValue => "bad_value",
            WarningKind::Cycle => "cycle",
            WarningKind::Overlap => "overlap",
            WarningKind::Skipped => "skipped",
            WarningKind::Truncated => "truncated",
            WarningKind::Ignored => "ignored",
            WarningKind::MissingService => "missing_service",
            WarningKind::Reported => "reported",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
    /// The span the warning is about, if any.
    pub span: Option<u32>,
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Warning {
            kind,
            message: message.into(),
            span: None,
        }
    }
    pub fn at(kind: WarningKind, span: u32, message: impl Into<String>) -> Self {
        Warning {
            kind,
            message: message.into(),
            span: Some(span),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

/// A byte range in the retained input buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RawRef {
    pub start: u32,
    pub len: u32,
}

/// Which wire field a retained byte range holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PartField {
    Tags,
    Logs,
    References,
    Warnings,
    Attributes,
    Events,
    Links,
    Status,
    /// The whole span / event object (Zipkin, Chrome).
    Whole,
    /// Chrome: args of the E event that closed a B.
    EndArgs,
    /// A record in a packed trace's body (see `packed`).
    Packed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Part {
    pub field: PartField,
    pub raw: RawRef,
}

/// Per-resource context shared by many spans.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Context {
    /// Raw JSON ranges: Jaeger process object, or OTLP resource and scope objects.
    Raw {
        resource: Option<RawRef>,
        scope: Option<RawRef>,
    },
    /// Already decoded (Chrome process/thread names).
    Decoded(Vec<KeyValue>),
    /// Read from a packed trace (a share link).
    Packed {
        resource: Vec<KeyValue>,
        scope: Option<Scope>,
    },
}

/// Extra per-span records that live outside the span's own JSON (Chrome instants and flows).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Extra {
    /// An instant event attached to the enclosing span.
    Event { time: Nanos, name: u32, raw: RawRef },
    /// A flow arriving at this span from span `from`.
    FlowFrom { from: u32 },
}

/// One trace: spans as columns plus the shared input buffer for lazy details.
#[derive(Clone, Debug)]
pub struct Trace {
    pub(crate) id: String,
    pub(crate) format: Format,
    pub(crate) src: Arc<dyn Source>,
    pub(crate) strings: Vec<Box<str>>,
    pub(crate) span_id: Vec<u64>,
    /// (span, interned id) for span ids that are not up to 16 hex digits, sorted by span.
    pub(crate) odd_ids: Vec<(u32, u32)>,
    pub(crate) start: Vec<Nanos>,
    pub(crate) dur: Vec<Nanos>,
    pub(crate) parent: Vec<u32>,
    pub(crate) name: Vec<u32>,
    pub(crate) service: Vec<u32>,
    pub(crate) flags: Vec<u8>,
    pub(crate) ctx: Vec<u32>,
    /// CSR: parts of span i are parts[part_start[i]..part_start[i+1]].
    pub(crate) part_start: Vec<u32>,
    pub(crate) parts: Vec<Part>,
    pub(crate) contexts: Arc<Vec<Context>>,
    /// Sorted by span.
    pub(crate) extras: Vec<(u32, Extra)>,
    pub(crate) warnings: crate::warnings::Warnings,
    pub(crate) services: Vec<u32>,
    pub(crate) start_ns: Nanos,
    pub(crate) end_ns: Nanos,
    /// Lookup indexes built on first use, so `span_details` stays O(log n) per span when every
    /// span is decoded (a search over attributes) instead of scanning the trace per link.
    pub(crate) lookup: Lookup,
}

/// (span id, span) sorted, (span, warning) sorted, and the shared contexts decoded; see
/// `Trace::lookup`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lookup {
    ids: std::sync::OnceLock<Vec<(u64, u32)>>,
    warnings: std::sync::OnceLock<Vec<(u32, u32)>>,
    contexts: std::sync::OnceLock<Vec<std::sync::OnceLock<DecodedContext>>>,
}

/// A context's resource and scope as details show them, with the notes (bad values) its
/// decoding wrote, which become warnings of each span that uses it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DecodedContext {
    pub resource: Vec<KeyValue>,
    pub scope: Option<Scope>,
    pub notes: Vec<String>,
}

/// Contexts are kept decoded when spans share them: at most one context per this many spans.
/// (A Jaeger file whose spans each embed their own `process` has a context per span; keeping
/// those would only cost memory.)
const SHARED_CONTEXT_SPANS: usize = 4;

/// `id` as a span id column value when it is at most 16 hex digits (the form stored in the
/// column; any other id is an interned "odd" id).
fn hex_id(id: &str) -> Option<u64> {
    (!id.is_empty() && id.len() <= 16)
        .then(|| u64::from_str_radix(id, 16).ok())
        .flatten()
}

impl Trace {
    /// Trace id in display form (lowercase hex where the input was hex or base64).
    pub fn trace_id(&self) -> &str {
        &self.id
    }
    pub fn format(&self) -> Format {
        self.format
    }
    pub fn len(&self) -> u32 {
        self.start.len() as u32
    }
    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }
    /// Span indices 0..len.
    pub fn spans(&self) -> std::ops::Range<u32> {
        0..self.len()
    }
    pub(crate) fn str(&self, i: u32) -> &str {
        self.strings.get(i as usize).map(|s| &**s).unwrap_or("")
    }
    pub fn name(&self, i: u32) -> &str {
        self.name
            .get(i as usize)
            .map(|&s| self.str(s))
            .unwrap_or("")
    }
    pub fn service(&self, i: u32) -> &str {
        self.service
            .get(i as usize)
            .map(|&s| self.str(s))
            .unwrap_or("")
    }
    /// Interned name index, for grouping without string comparisons.
    pub fn name_id(&self, i: u32) -> u32 {
        self.name.get(i as usize).copied().unwrap_or(0)
    }
    pub fn service_id(&self, i: u32) -> u32 {
        self.service.get(i as usize).copied().unwrap_or(0)
    }
    /// The string behind an interned index from `name_id`/`service_id`.
    pub fn string(&self, id: u32) -> &str {
        self.str(id)
    }
    pub fn start_ns(&self, i: u32) -> Nanos {
        self.start.get(i as usize).copied().unwrap_or(0)
    }
    pub fn duration_ns(&self, i: u32) -> Nanos {
        self.dur.get(i as usize).copied().unwrap_or(0)
    }
    pub fn end_ns(&self, i: u32) -> Nanos {
        self.start_ns(i).saturating_add(self.duration_ns(i))
    }
    pub fn parent(&self, i: u32) -> Option<u32> {
        match self.parent.get(i as usize) {
            Some(&p) if p != NO_PARENT => Some(p),
            _ => None,
        }
    }
    pub fn kind(&self, i: u32) -> SpanKind {
        SpanKind::from_bits(self.flags.get(i as usize).copied().unwrap_or(0))
    }
    pub fn status(&self, i: u32) -> StatusCode {
        StatusCode::from_bits(self.flags.get(i as usize).copied().unwrap_or(0))
    }
    pub fn is_error(&self, i: u32) -> bool {
        self.status(i) == StatusCode::Error
    }
    /// True when the span's link to its parent does not make the parent wait (FOLLOWS_FROM).
    pub fn follows_from(&self, i: u32) -> bool {
        self.flags
            .get(i as usize)
            .is_some_and(|f| f & FLAG_FOLLOWS_FROM != 0)
    }
    /// Span id in display form (16 lowercase hex digits for numeric ids).
    pub fn span_id(&self, i: u32) -> String {
        if let Ok(k) = self.odd_ids.binary_search_by_key(&i, |&(s, _)| s) {
            if let Some(&(_, sid)) = self.odd_ids.get(k) {
                return self.str(sid).to_string();
            }
        }
        format!(
            "{:016x}",
            self.span_id.get(i as usize).copied().unwrap_or(0)
        )
    }
    /// What the trace's details are read from: the input it was imported from (decompressed
    /// when it was gzip), shared by every trace of the same file.
    pub fn source(&self) -> &Arc<dyn Source> {
        &self.src
    }

    /// Reads details from `src` from now on. `src` must hold the same bytes at the same
    /// offsets as the input import parsed: the file itself when it was not compressed
    /// ([`crate::Import::parsed_the_input_as_is`]). This is how a worker lets go of a big
    /// file's bytes after import and reads details back from the file.
    pub fn set_source(&mut self, src: Arc<dyn Source>) {
        self.src = src;
    }

    /// Warnings about this trace and its spans.
    /// The warnings that kept their text (the first `Warnings::KEPT_PER_KIND` of each kind).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Warnings per kind, all of them counted.
    pub fn warning_counts(&self) -> &[(WarningKind, u64)] {
        self.warnings.counts()
    }

    /// All warnings of the trace, kept or not.
    pub fn warning_total(&self) -> u64 {
        self.warnings.total()
    }
    /// Service names, sorted.
    pub fn services(&self) -> Vec<&str> {
        self.services.iter().map(|&s| self.str(s)).collect()
    }
    /// Earliest span start.
    pub fn trace_start_ns(&self) -> Nanos {
        self.start_ns
    }
    /// Latest span end.
    pub fn trace_end_ns(&self) -> Nanos {
        self.end_ns
    }
    pub fn trace_duration_ns(&self) -> Nanos {
        self.end_ns.saturating_sub(self.start_ns)
    }
    pub fn error_count(&self) -> usize {
        self.spans().filter(|&i| self.is_error(i)).count()
    }

    pub(crate) fn raw_bytes(&self, r: RawRef) -> Cow<'_, [u8]> {
        self.src
            .read(u64::from(r.start), r.len as usize)
            .unwrap_or_default()
    }

    /// The packed record of span `i`, when the trace was read from a share link.
    pub(crate) fn packed_record(&self, i: u32) -> Option<Cow<'_, [u8]>> {
        self.parts_of(i)
            .iter()
            .find(|p| p.field == PartField::Packed)
            .map(|p| self.raw_bytes(p.raw))
    }

    /// The text of a kept range ("" when it cannot be read: the span shows without that part).
    pub(crate) fn raw(&self, r: RawRef) -> Cow<'_, str> {
        match self.raw_bytes(r) {
            Cow::Borrowed(b) => Cow::Borrowed(std::str::from_utf8(b).unwrap_or("")),
            Cow::Owned(b) => Cow::Owned(String::from_utf8(b).unwrap_or_default()),
        }
    }

    pub(crate) fn parts_of(&self, i: u32) -> &[Part] {
        let a = self.part_start.get(i as usize).copied().unwrap_or(0) as usize;
        let b = self.part_start.get(i as usize + 1).copied().unwrap_or(0) as usize;
        self.parts.get(a..b).unwrap_or(&[])
    }

    pub(crate) fn part(&self, i: u32, field: PartField) -> Option<Cow<'_, str>> {
        self.parts_of(i)
            .iter()
            .find(|p| p.field == field)
            .map(|p| self.raw(p.raw))
    }

    /// The decoded context of span `i`: `decode` runs once per shared context (a process
    /// parsed once, not once per span, when every span's details are read), or every time
    /// when contexts are not shared.
    pub(crate) fn decoded_context(
        &self,
        i: u32,
        decode: impl FnOnce(&Context) -> DecodedContext,
    ) -> Option<std::borrow::Cow<'_, DecodedContext>> {
        let id = *self.ctx.get(i as usize)? as usize;
        let context = self.contexts.get(id)?;
        if self.contexts.len().saturating_mul(SHARED_CONTEXT_SPANS) > self.ctx.len() {
            return Some(std::borrow::Cow::Owned(decode(context)));
        }
        let cache = self.lookup.contexts.get_or_init(|| {
            (0..self.contexts.len())
                .map(|_| std::sync::OnceLock::new())
                .collect()
        });
        let decoded = cache.get(id)?.get_or_init(|| decode(context));
        Some(std::borrow::Cow::Borrowed(decoded))
    }

    pub(crate) fn context_of(&self, i: u32) -> Option<&Context> {
        self.ctx
            .get(i as usize)
            .and_then(|&c| self.contexts.get(c as usize))
    }

    pub(crate) fn extras_of(&self, i: u32) -> &[(u32, Extra)] {
        let a = self.extras.partition_point(|(s, _)| *s < i);
        let b = self.extras.partition_point(|(s, _)| *s <= i);
        self.extras.get(a..b).unwrap_or(&[])
    }

    /// Finds a span by its display id (first match), for resolving links.
    pub fn find_span(&self, span_id: &str) -> Option<u32> {
        let want = span_id.to_ascii_lowercase();
        let odd = |i: u32| self.odd_ids.binary_search_by_key(&i, |&(s, _)| s).is_ok();
        // Ids of up to 16 hex digits are stored as numbers: binary search, first span with it.
        if let Some(v) = hex_id(&want) {
            let ids = self.lookup.ids.get_or_init(|| {
                let mut ids: Vec<(u64, u32)> = self
                    .span_id
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| (v, i as u32))
                    .collect();
                ids.sort_unstable();
                ids
            });
            let from = ids.partition_point(|&(x, _)| x < v);
            let found = ids[from..]
                .iter()
                .take_while(|&&(x, _)| x == v)
                .map(|&(_, i)| i)
                .find(|&i| !odd(i));
            if found.is_some() {
                return found;
            }
        }
        // Other ids ("span-1", long or non-hex) are few: compare their interned text.
        self.odd_ids
            .iter()
            .find(|&&(_, sid)| self.str(sid).eq_ignore_ascii_case(&want))
            .map(|&(i, _)| i)
    }

    /// The warnings about span `i`, in the order they were reported.
    fn span_warnings(&self, i: u32) -> impl Iterator<Item = &Warning> {
        let index = self.lookup.warnings.get_or_init(|| {
            let mut index: Vec<(u32, u32)> = self
                .warnings
                .iter()
                .enumerate()
                .filter_map(|(k, w)| w.span.map(|s| (s, k as u32)))
                .collect();
            index.sort_unstable();
            index
        });
        let from = index.partition_point(|&(s, _)| s < i);
        index[from..]
            .iter()
            .take_while(move |&&(s, _)| s == i)
            .filter_map(|&(_, k)| self.warnings.get(k as usize))
    }

    /// Decodes attributes, events, links, resource, scope and status message of one span.
    pub fn span_details(&self, i: u32) -> SpanDetails {
        let mut d = SpanDetails::default();
        if i >= self.len() {
            return d;
        }
        if !crate::packed::details(self, i, &mut d) {
            crate::import::details(self, i, &mut d);
        }
        let start = self.start_ns(i);
        for e in &mut d.events {
            e.offset_ns = e.time_ns.saturating_sub(start);
        }
        // The reference to the parent is the common link: it resolves without the span id
        // index, whose first use sorts every span id (~0.1 s at a million spans).
        let parent = self.parent(i);
        for l in &mut d.links {
            if l.target.is_none() && l.trace_id.eq_ignore_ascii_case(&self.id) {
                l.target = parent
                    .filter(|&p| self.span_id(p).eq_ignore_ascii_case(&l.span_id))
                    .or_else(|| self.find_span(&l.span_id));
            }
        }
        // Importer-reported warnings (Jaeger `warnings`) first, then the builder's for this span.
        let ours = self.span_warnings(i).cloned();
        d.warnings.extend(ours);
        d
    }

    /// Shifts a span's start (used by skew correction; never by import).
    pub(crate) fn shift(&mut self, i: u32, delta: Nanos) {
        if let Some(s) = self.start.get_mut(i as usize) {
            *s = s.saturating_add(delta);
        }
    }

    pub(crate) fn recompute_bounds(&mut self) {
        let (mut lo, mut hi) = (Nanos::MAX, Nanos::MIN);
        for i in self.spans() {
            lo = lo.min(self.start_ns(i));
            hi = hi.max(self.end_ns(i));
        }
        if lo > hi {
            (lo, hi) = (0, 0);
        }
        self.start_ns = lo;
        self.end_ns = hi;
    }
}
