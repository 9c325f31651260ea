//! Jaeger JSON: the Jaeger UI's "Download JSON" and the query service's `/api/traces` response
//! (jaeger-ui `src/types/trace.tsx`, jaeger `model/json/model.go`).
//!
//! Supported: envelopes `{"data":[Trace...]}`, `{"data":Trace}`, a bare array of traces, a single
//! Trace object, JSON Lines of any of these; spans with `references` (CHILD_OF, FOLLOWS_FROM) or the
//! older `parentSpanID`; processes by `processID` or an embedded `process`; tags/logs of any KV type.
//! Conventional tags: `span.kind`, `error`, `otel.status_code`, `otel.status_description`.
//! A trace or span that is not an object (`null`) is skipped with a warning.
//! Not supported: Jaeger's protobuf JSON (api_v2 gRPC gateway; detected and explained).

use super::lenient::{
    parse_list, parse_or_default, salvage_kv, scan_flat_array, skip_element, FlatEvent, Lit, Obj,
    Scalar, Text,
};
use super::{single_or_lines, Format, ImportError, Pos};

mod record;
pub(crate) mod span_scan;
pub(crate) mod stream;
use crate::builder::{FastMap, ImportBuilder, NewSpan, ParentIn};
use crate::model::*;
use crate::time::WireNum;
use record::SpanRecord;
use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

#[derive(Deserialize, Default)]
struct WireTrace<'a> {
    #[serde(rename = "traceID", borrow, default)]
    trace_id: Scalar<'a>,
    #[serde(borrow, default)]
    spans: Option<Vec<Obj<WireSpan<'a>>>>,
    #[serde(borrow, default)]
    processes: Option<FastMap<Text<'a>, &'a RawValue>>,
}

#[derive(Deserialize)]
struct WireSpan<'a> {
    #[serde(rename = "traceID", borrow, default)]
    trace_id: Scalar<'a>,
    #[serde(rename = "spanID", borrow, default)]
    span_id: Scalar<'a>,
    #[serde(rename = "parentSpanID", borrow, default)]
    parent_span_id: Scalar<'a>,
    #[serde(rename = "operationName", borrow, default)]
    operation_name: Scalar<'a>,
    #[serde(borrow, default)]
    references: Option<&'a RawValue>,
    #[serde(rename = "startTime", default)]
    start_time: WireNum,
    #[serde(default)]
    duration: WireNum,
    #[serde(borrow, default)]
    tags: Option<&'a RawValue>,
    #[serde(borrow, default)]
    logs: Option<&'a RawValue>,
    #[serde(rename = "processID", borrow, default)]
    process_id: Scalar<'a>,
    #[serde(borrow, default)]
    process: Option<&'a RawValue>,
    #[serde(borrow, default)]
    warnings: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct WireRef<'a> {
    #[serde(rename = "refType", borrow, default)]
    ref_type: Scalar<'a>,
    #[serde(rename = "traceID", borrow, default)]
    trace_id: Scalar<'a>,
    #[serde(rename = "spanID", borrow, default)]
    span_id: Scalar<'a>,
}

#[derive(Deserialize, Default)]
struct ProcessLite<'a> {
    #[serde(rename = "serviceName", borrow, default)]
    service_name: Scalar<'a>,
}

/// Streams traces into the builder as they are parsed, so at most one trace's wire structs are in
/// memory at a time (peak memory stays near the file size).
struct TracesSeed<'b, 'a>(&'b mut ImportBuilder<'a>);

impl<'de> DeserializeSeed<'de> for TracesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TracesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Jaeger trace, an array of traces, or {\"data\": ...}")
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let mut skipped = 0;
        while let Some(t) = a.next_element::<Obj<WireTrace<'de>>>()? {
            match t {
                Obj::Obj(t) => add_trace(t, self.0),
                Obj::Other => skipped += 1,
            }
        }
        if skipped > 0 {
            self.0.warnings.push_with(WarningKind::Skipped, || {
                Warning::new(
                    WarningKind::Skipped,
                    format!(
                        "{skipped} element(s) of the list of traces are not trace objects; skipped"
                    ),
                )
            });
        }
        Ok(())
    }
    /// An object is either an envelope with `data` or a single trace (keys of both are read).
    fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let mut t = WireTrace::default();
        while let Some(key) = a.next_key::<Text<'de>>()? {
            match &*key {
                "data" => a.next_value_seed(TracesSeed(&mut *self.0))?,
                "traceID" => t.trace_id = a.next_value()?,
                "spans" => t.spans = a.next_value()?,
                "processes" => t.processes = a.next_value()?,
                _ => {
                    a.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        add_trace(t, self.0);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// What import needs from the tags, found without collecting them.
#[derive(Clone, Copy, Default, Debug, PartialEq)]
struct TagScan {
    kind: Option<SpanKind>,
    status: StatusCode,
}

#[derive(Deserialize)]
struct TagLite<'a> {
    #[serde(borrow, default)]
    key: Scalar<'a>,
    #[serde(borrow, default)]
    value: Scalar<'a>,
}

impl<'de> Deserialize<'de> for TagScan {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagScan;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of tags")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<TagScan, A::Error> {
                let mut s = TagScan::default();
                let mut otel_status = None;
                while let Some(t) = a.next_element::<TagLite<'de>>()? {
                    s.read(&t, &mut otel_status);
                }
                Ok(s.finish(otel_status))
            }
        }
        d.deserialize_seq(V)
    }
}

impl TagScan {
    /// Reads one tag; `otel_status` keeps `otel.status_code` until [`TagScan::finish`].
    fn read(&mut self, t: &TagLite, otel_status: &mut Option<StatusCode>) {
        match t.key.as_str() {
            Some("span.kind") => self.kind = t.value.as_str().and_then(SpanKind::parse_name),
            Some("error") if t.value.truthy() => self.status = StatusCode::Error,
            Some("otel.status_code") => {
                *otel_status = t.value.as_str().and_then(StatusCode::parse_name)
            }
            _ => {}
        }
    }

    /// `error` wins over `otel.status_code`.
    fn finish(mut self, otel_status: Option<StatusCode>) -> TagScan {
        if self.status != StatusCode::Error {
            self.status = otel_status.unwrap_or(StatusCode::Unset);
        }
        self
    }

    /// serde, as a whole or else tag by tag: a tag serde cannot read (a duplicate field, a lone
    /// surrogate escape such as a string cut in the middle of an emoji) is passed over instead of
    /// losing the kind and status that the other tags give.
    fn slow(raw: &str) -> TagScan {
        if let Ok(s) = serde_json::from_str::<TagScan>(raw) {
            return s;
        }
        let mut s = TagScan::default();
        let mut otel_status = None;
        for t in parse_list(raw, |t: TagLite| t, |_, _| None) {
            s.read(&t, &mut otel_status);
        }
        s.finish(otel_status)
    }

    /// The tags' kind and status: the flat-array fast path, else serde (same results).
    fn of(raw: &str) -> TagScan {
        // A key may also be spelled with escapes (`"span\u002ekind"`): only tags without any
        // backslash and without these keys are skipped unread.
        if !(raw.contains("span.kind")
            || raw.contains("error")
            || raw.contains("otel.status_code")
            || raw.contains('\\'))
        {
            return TagScan::default();
        }
        Self::fast(raw).unwrap_or_else(|| Self::slow(raw))
    }

    /// `TagLite` by `TagLite`, as the serde visitor above does; None where serde could disagree
    /// (a duplicate `key`/`value` field, which serde rejects; a number for `error`; an escaped
    /// key, or an escaped value of one of the keys read, whose text only serde unescapes).
    fn fast(raw: &str) -> Option<TagScan> {
        let mut s = TagScan::default();
        let mut otel_status = None;
        let (mut key, mut value) = (None::<Lit>, None::<Lit>);
        let ok = scan_flat_array(raw, |ev| match ev {
            FlatEvent::Entry("key", v) => key.replace(v).is_none(),
            FlatEvent::Entry("value", v) => value.replace(v).is_none(),
            FlatEvent::Entry(..) => true,
            FlatEvent::End => {
                let (k, v) = (key.take(), value.take());
                let read = matches!(
                    k.and_then(|k| k.as_str()),
                    Some("span.kind" | "error" | "otel.status_code")
                );
                let escaped = |x: Option<Lit>| matches!(x, Some(Lit::Escaped(_)));
                if escaped(k) || (read && escaped(v)) {
                    return false;
                }
                match k.and_then(|k| k.as_str()) {
                    Some("span.kind") => {
                        s.kind = v.and_then(|v| v.as_str()).and_then(SpanKind::parse_name)
                    }
                    Some("error") => match v {
                        Some(Lit::Num(_)) => return false,
                        Some(Lit::Bool(true)) => s.status = StatusCode::Error,
                        Some(Lit::Str(t)) if t.eq_ignore_ascii_case("true") => {
                            s.status = StatusCode::Error
                        }
                        _ => {}
                    },
                    Some("otel.status_code") => {
                        otel_status = v.and_then(|v| v.as_str()).and_then(StatusCode::parse_name)
                    }
                    _ => {}
                }
                true
            }
        });
        if !ok {
            return None;
        }
        if s.status != StatusCode::Error {
            s.status = otel_status.unwrap_or(StatusCode::Unset);
        }
        Some(s)
    }
}

/// What import needs from a reference: its type and span id when they are strings.
#[derive(Clone, Default)]
struct RefLite<'a> {
    ref_type: Option<Cow<'a, str>>,
    span_id: Option<Cow<'a, str>>,
}

impl<'a> RefLite<'a> {
    fn from_wire(r: WireRef<'a>) -> Self {
        let text = |s: Scalar<'a>| match s {
            Scalar::Str(c) => Some(c),
            _ => None,
        };
        RefLite {
            ref_type: text(r.ref_type),
            span_id: text(r.span_id),
        }
    }
}

/// The references of a span: the flat-array fast path, else serde reference by reference (same
/// results; serde fails on a duplicate field, so the fast path defers then).
fn refs_of<'a>(raw: &'a str, out: &mut Vec<RefLite<'a>>) {
    out.clear();
    let mut cur = RefLite::default();
    let mut seen = [false; 3];
    let ok = scan_flat_array(raw, |ev| match ev {
        FlatEvent::Entry(k, v) => {
            let slot = match k {
                "refType" => 0,
                "traceID" => 1,
                "spanID" => 2,
                _ => return true,
            };
            // serde rejects a duplicate field; only serde unescapes a value that is read.
            if std::mem::replace(&mut seen[slot], true)
                || (slot != 1 && matches!(v, Lit::Escaped(_)))
            {
                return false;
            }
            match slot {
                0 => cur.ref_type = v.as_str().map(Cow::Borrowed),
                2 => cur.span_id = v.as_str().map(Cow::Borrowed),
                _ => {}
            }
            true
        }
        FlatEvent::End => {
            out.push(std::mem::take(&mut cur));
            seen = [false; 3];
            true
        }
    });
    if !ok {
        out.clear();
        out.extend(parse_list(raw, RefLite::from_wire, |_, _| None));
    }
}

pub(crate) fn parse<'a>(text: &'a str, b: &mut ImportBuilder<'a>) -> Result<(), ImportError> {
    single_or_lines(text, b, parse_doc)?;
    Ok(())
}

fn parse_doc(doc: &str, at: Pos, b: &mut ImportBuilder<'_>) -> Result<(), ImportError> {
    let err = |e: serde_json::Error| ImportError::json(Some(Format::Jaeger), &e, at);
    let mut de = serde_json::Deserializer::from_str(doc);
    TracesSeed(b).deserialize(&mut de).map_err(err)?;
    de.end().map_err(err)
}

fn add_trace<'a>(t: WireTrace<'a>, b: &mut ImportBuilder<'_>) {
    let Some(spans) = t.spans else { return };
    let procs = processes(t.processes.as_ref(), b);
    let mut unknown_ctx = None;
    // Span ids of this trace object, built only when a span has several references to choose from.
    let mut ids: Option<HashSet<&str>> = None;
    let trace_id = t.trace_id.text();
    let mut refs: Vec<RefLite> = Vec::new();
    // Elements that are not span objects (a `null` where JavaScript had `undefined`) are skipped.
    let mut skipped = 0;
    for s in &spans {
        let Obj::Obj(s) = s else {
            skipped += 1;
            continue;
        };
        let window = *b.window();
        let span = SpanRecord::of(s, &window, &mut refs);
        let process = span_process(&span, &procs, &mut unknown_ctx, b);
        let chosen = if span.refs.len() > 1 {
            let ids = ids.get_or_insert_with(|| span_ids(&spans));
            parent_among(span.refs, |id| ids.contains(id))
        } else {
            span.refs.first()
        };
        let parent = ParentChoice::of(chosen, &span);
        add_span(&span, &trace_id, process, parent, b);
    }
    if skipped > 0 {
        b.warnings.push_with(WarningKind::Skipped, || {
            Warning::new(
                WarningKind::Skipped,
                format!(
                    "trace {}: {skipped} element(s) of `spans` are not span objects; skipped",
                    trace_id
                ),
            )
        });
    }
}

/// A process of the trace's `processes` map, as its spans use it.
struct Process {
    ctx: u32,
    service: String,
}

/// A process as read from the map, before it becomes a context.
struct ProcessEntry {
    id: Box<str>,
    raw: RawRef,
    service: String,
}

/// The trace's processes by id; each keeps its raw text as the spans' resource.
fn processes(
    raw: Option<&FastMap<Text<'_>, &RawValue>>,
    b: &mut ImportBuilder<'_>,
) -> FastMap<Box<str>, Process> {
    register_processes(process_entries(raw, b), b)
}

fn process_entries(
    raw: Option<&FastMap<Text<'_>, &RawValue>>,
    b: &ImportBuilder<'_>,
) -> Vec<ProcessEntry> {
    raw.into_iter()
        .flatten()
        .map(|(k, raw)| {
            let lite: ProcessLite = parse_or_default(raw.get());
            ProcessEntry {
                id: (**k).into(),
                raw: b.range(raw.get()),
                service: lite.service_name.text().into_owned(),
            }
        })
        .collect()
}

/// Makes each process a context, in order.
fn register_processes(
    entries: Vec<ProcessEntry>,
    b: &mut ImportBuilder<'_>,
) -> FastMap<Box<str>, Process> {
    let mut procs = FastMap::default();
    for e in entries {
        let ctx = b.add_context(Context::Raw {
            resource: Some(e.raw),
            scope: None,
        });
        procs.insert(
            e.id,
            Process {
                ctx,
                service: e.service,
            },
        );
    }
    procs
}

/// The process a span runs in: named by `processID`, embedded (`process`), or missing.
struct SpanProcess<'p> {
    ctx: u32,
    service: Cow<'p, str>,
    /// The `processID` the trace does not define (the span gets a warning).
    unknown_id: Option<String>,
}

fn span_process<'p>(
    s: &'p SpanRecord<'_, '_>,
    procs: &'p FastMap<Box<str>, Process>,
    unknown_ctx: &mut Option<u32>,
    b: &mut ImportBuilder<'_>,
) -> SpanProcess<'p> {
    if let Some(p) = procs.get(&*s.process_id) {
        return SpanProcess {
            ctx: p.ctx,
            service: Cow::Borrowed(p.service.as_str()),
            unknown_id: None,
        };
    }
    if let Some(embedded) = &s.process {
        let ctx = b.add_context(Context::Raw {
            resource: Some(embedded.raw),
            scope: None,
        });
        return SpanProcess {
            ctx,
            service: Cow::Borrowed(embedded.service.as_str()),
            unknown_id: None,
        };
    }
    let ctx = *unknown_ctx.get_or_insert_with(|| {
        b.add_context(Context::Raw {
            resource: None,
            scope: None,
        })
    });
    SpanProcess {
        ctx,
        service: Cow::Borrowed("unknown-service"),
        unknown_id: Some(s.process_id.to_string()),
    }
}

fn span_ids<'s>(spans: &'s [Obj<WireSpan<'_>>]) -> HashSet<&'s str> {
    spans
        .iter()
        .filter_map(|x| match x {
            Obj::Obj(x) => x.span_id.as_str(),
            Obj::Other => None,
        })
        .collect()
}

/// A span's parent and whether it only follows from it.
struct ParentChoice<'r> {
    parent: ParentIn<'r>,
    follows_from: bool,
}

impl<'r> ParentChoice<'r> {
    /// From the chosen reference, or else the legacy `parentSpanID` field.
    fn of(chosen: Option<&'r RefLite<'_>>, s: &'r SpanRecord<'_, '_>) -> Self {
        match chosen {
            Some(r) => Self::of_ref(r),
            None => ParentChoice {
                parent: s
                    .parent_span_id
                    .as_deref()
                    .filter(|p| !p.is_empty() && *p != "0")
                    .map_or(ParentIn::None, ParentIn::Id),
                follows_from: false,
            },
        }
    }
}

impl<'r> ParentChoice<'r> {
    /// The span a reference points to.
    fn of_ref(r: &'r RefLite<'_>) -> Self {
        ParentChoice {
            parent: r.span_id.as_deref().map_or(ParentIn::None, ParentIn::Id),
            follows_from: r
                .ref_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("FOLLOWS_FROM")),
        }
    }
}

/// Of several references: a CHILD_OF to a span of this trace, else any reference into the
/// trace, else any CHILD_OF, else the first. `is_span` tells the span ids of this trace.
fn parent_among<'r, 'a>(
    refs: &'r [RefLite<'a>],
    is_span: impl Fn(&str) -> bool,
) -> Option<&'r RefLite<'a>> {
    let in_trace = |r: &&RefLite| r.span_id.as_deref().is_some_and(&is_span);
    let child_of = |r: &&RefLite| {
        r.ref_type
            .as_deref()
            .is_none_or(|t| t.eq_ignore_ascii_case("CHILD_OF"))
    };
    refs.iter()
        .filter(in_trace)
        .find(child_of)
        .or_else(|| refs.iter().find(in_trace))
        .or_else(|| refs.iter().find(child_of))
        .or(refs.first())
}

/// Adds one span with its lazily decoded parts, and a warning for an undefined process.
/// Returns the span's (trace slot, index).
fn add_span(
    s: &SpanRecord<'_, '_>,
    trace_id: &str,
    process: SpanProcess<'_>,
    parent: ParentChoice<'_>,
    b: &mut ImportBuilder<'_>,
) -> (u32, u32) {
    let name = &s.name;
    let (ti, si) = b.add_span(NewSpan {
        trace_id: s.trace_id.as_deref().unwrap_or(trace_id),
        span_id: &s.span_id,
        parent: parent.parent,
        name,
        service: &process.service,
        kind: s.kind.unwrap_or_default(),
        status: s.status,
        start: s.start,
        duration: s.duration,
        follows_from: parent.follows_from,
        shared: false,
        ctx: process.ctx,
    });
    if let Some(pid) = process.unknown_id {
        b.trace_warn(
            ti,
            Warning::at(
                WarningKind::UnknownProcess,
                si,
                format!("span {name:?} refers to process {pid:?}, which the trace does not define; service set to \"unknown-service\""),
            ),
        );
    }
    for (field, range) in s.parts {
        if let Some(range) = range {
            b.add_part_range(ti, field, range);
        }
    }
    (ti, si)
}

/// A Jaeger KV with its value decoded by `type`.
#[derive(Deserialize, Default)]
struct Kv {
    #[serde(default)]
    key: String,
    #[serde(rename = "type", default)]
    ty: Option<String>,
    #[serde(default)]
    value: serde_json::Value,
}

fn kv_value(kv: Kv) -> KeyValue {
    KeyValue {
        value: typed_value(kv.ty.as_deref(), kv.value),
        key: kv.key,
    }
}

fn typed_value(ty: Option<&str>, value: serde_json::Value) -> Value {
    use serde_json::Value as J;
    let ty = ty.unwrap_or_default().to_ascii_lowercase();
    match (ty.as_str(), value) {
        ("int64", J::String(s)) => s.parse().map(Value::Int).unwrap_or(Value::Str(s)),
        ("float64", J::String(s)) => s.parse().map(Value::Float).unwrap_or(Value::Str(s)),
        ("bool", J::String(s)) => match s.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::Str(s),
        },
        ("binary", J::String(s)) => crate::builder::decode_base64(&s)
            .map(Value::Bytes)
            .unwrap_or(Value::Str(s)),
        (_, v) => Value::from_json(v),
    }
}

/// A list of KVs (`what`: "tag", "log field", "process tag"); one that cannot be decoded (a value
/// nested deeper than serde_json's limit, a key that is not a string) does not lose the others.
fn kvs(raw: Option<&str>, what: &str, notes: &mut Vec<String>) -> Vec<KeyValue> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    parse_list(raw, kv_value, |e, err| {
        salvage_kv(e, err, what, notes, |parts, v: serde_json::Value| {
            typed_value(parts.ty.as_str(), v)
        })
    })
}

#[derive(Deserialize, Default)]
struct WireLog<'a> {
    #[serde(default)]
    timestamp: WireNum,
    #[serde(borrow, default)]
    fields: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct ProcessFull<'a> {
    #[serde(rename = "serviceName", borrow, default)]
    service_name: Scalar<'a>,
    #[serde(borrow, default)]
    tags: Option<&'a RawValue>,
}

/// A span's process (its resource): `serviceName` first, then its tags.
fn process_of(t: &Trace, c: &Context) -> DecodedContext {
    let mut out = DecodedContext::default();
    if let Context::Raw {
        resource: Some(r), ..
    } = c
    {
        let raw = t.raw(*r);
        let p: ProcessFull = parse_or_default(&raw);
        if !p.service_name.is_none() {
            out.resource.push(KeyValue::new(
                "service.name",
                Value::Str(p.service_name.text().into_owned()),
            ));
        }
        let tags = kvs(p.tags.map(RawValue::get), "process tag", &mut out.notes);
        out.resource.extend(tags);
    }
    out
}

pub(crate) fn details(t: &Trace, i: u32, d: &mut SpanDetails) {
    // What could not be decoded, for the span's warnings.
    let mut notes = Vec::new();
    let mut attrs = kvs(t.part(i, PartField::Tags).as_deref(), "tag", &mut notes);
    let mut scope_name = None;
    let mut scope_version = None;
    attrs.retain(|kv| match kv.key.as_str() {
        "otel.status_description" => {
            d.status_message = Some(
                kv.value
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| kv.value.to_string()),
            );
            true
        }
        "otel.library.name" | "otel.scope.name" => {
            scope_name = kv.value.as_str().map(str::to_string);
            true
        }
        "otel.library.version" | "otel.scope.version" => {
            scope_version = kv.value.as_str().map(str::to_string);
            true
        }
        _ => true,
    });
    d.attributes = attrs;
    if let Some(name) = scope_name {
        d.scope = Some(Scope {
            name,
            version: scope_version,
        });
    }
    if let Some(raw) = t.part(i, PartField::Logs) {
        let logs: Vec<WireLog> = parse_list(&raw, |l| l, |e, _| skip_element("log", e, &mut notes));
        for log in logs {
            let fields = kvs(log.fields.map(RawValue::get), "log field", &mut notes);
            let name = fields
                .iter()
                .find(|kv| kv.key == "event" || kv.key == "message")
                .and_then(|kv| kv.value.as_str())
                .unwrap_or("log")
                .to_string();
            let time_ns = log.timestamp.us_to_ns().unwrap_or_else(|| t.start_ns(i));
            d.events.push(Event {
                time_ns,
                offset_ns: 0,
                name,
                attributes: fields,
            });
        }
    }
    if let Some(raw) = t.part(i, PartField::References) {
        let refs: Vec<WireRef> =
            parse_list(&raw, |r| r, |e, _| skip_element("reference", e, &mut notes));
        for r in refs {
            let kind = match r.ref_type.as_str() {
                Some(k) if k.eq_ignore_ascii_case("FOLLOWS_FROM") => LinkKind::FollowsFrom,
                _ => LinkKind::ChildOf,
            };
            let style = crate::builder::IdStyle::Hex;
            let trace_id = if r.trace_id.is_none() {
                t.trace_id().to_string()
            } else {
                crate::builder::normalize_trace_id(&r.trace_id.text(), style).into_owned()
            };
            let span_id = crate::builder::normalize_span_id(&r.span_id.text(), style);
            d.links.push(Link {
                trace_id,
                span_id,
                kind,
                target: None,
                attributes: Vec::new(),
            });
        }
    }
    if let Some(raw) = t.part(i, PartField::Warnings) {
        // A string serde cannot read (a lone surrogate escape) is shown as written.
        let ws = parse_list(
            &raw,
            |w: Scalar| w.text().into_owned(),
            |e, _| Some(e.to_string()),
        );
        for w in ws {
            d.warnings.push(Warning::at(WarningKind::Reported, i, w));
        }
    }
    if let Some(process) = t.decoded_context(i, |c| process_of(t, c)) {
        d.resource.extend(process.resource.iter().cloned());
        notes.extend(process.notes.iter().cloned());
    }
    d.warnings.extend(
        notes
            .into_iter()
            .map(|m| Warning::at(WarningKind::BadValue, i, m)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces that exercise every branch of the fast paths and of their fallbacks.
    const ELEMENTS: [&str; 32] = [
        r#"{"key":"span.kind","type":"string","value":"server"}"#,
        r#"{ "key" : "span.kind" , "value" : "CLIENT" }"#,
        r#"{"value":"producer","key":"span.kind"}"#,
        r#"{"key":"span.kind","value":"bogus"}"#,
        r#"{"key":"span.kind","value":3}"#,
        r#"{"key":"span.kind"}"#,
        r#"{"key":"error","type":"bool","value":true}"#,
        r#"{"key":"error","value":"TRUE"}"#,
        r#"{"key":"error","value":false}"#,
        r#"{"key":"error","value":1}"#,
        r#"{"key":"error","value":null}"#,
        r#"{"key":"otel.status_code","value":"ERROR"}"#,
        r#"{"key":"otel.status_code","value":"Ok"}"#,
        r#"{"key":"http.url","value":"https://x/y?a=1"}"#,
        r#"{"key":"n","value":-1.5e+3}"#,
        r#"{"key":"span.kind","key":"error","value":true}"#,
        r#"{"key":"sp\u0061n.kind","value":"server"}"#,
        r#"{"key":"a","value":{"nested":1}}"#,
        r#"{"key":"a","value":[1,2]}"#,
        r#"["span.kind","server"]"#,
        r#"{}"#,
        r#"null"#,
        r#"{"refType":"CHILD_OF","traceID":"ab","spanID":"0011223344556677"}"#,
        r#"{"refType":"FOLLOWS_FROM","spanID":"c\u0030","spanID":"x"}"#,
        r#"{"key":"span.kind","value":"ser\u0076er"}"#,
        r#"{"key":"err\u006fr","value":true}"#,
        r#"{"key":"error","value":"t\u0072ue"}"#,
        r#"{"key":"otel.status_code","value":"\u0045RROR"}"#,
        r#"{"key":"db.statement","value":"select \"a\" from \\t\n \ud83d\ude80"}"#,
        r#"{"key":"x","value":"\ud83d"}"#,
        r#"{"refType":"FOLLOWS\u005fFROM","traceID":"a\/b","spanID":"00112233445566\u0037\u0037"}"#,
        r#"{"refType":"CHILD_OF","traceID":"a\/b","spanID":"0011223344556677"}"#,
    ];

    fn cases() -> Vec<String> {
        let mut out = vec!["[]".to_string(), " [ ] ".to_string(), "{}".to_string()];
        for a in ELEMENTS {
            out.push(format!("[{a}]"));
            for b in ELEMENTS {
                out.push(format!("[{a},{b}]"));
                out.push(format!("[\n {a} ,\t{b} ]"));
            }
        }
        out
    }

    #[test]
    fn tag_scan_fast_path_matches_serde() {
        for raw in cases() {
            let slow = TagScan::slow(&raw);
            if let Some(fast) = TagScan::fast(&raw) {
                assert_eq!(fast, slow, "{raw}");
                // The fast path only answers where serde reads the whole list.
                assert_eq!(
                    serde_json::from_str::<TagScan>(&raw).ok(),
                    Some(slow),
                    "{raw}"
                );
            }
            // The pre-filter skips only tags that cannot hold the keys, even escaped.
            assert_eq!(TagScan::of(&raw), slow, "{raw}");
        }
        assert!(TagScan::fast(&format!("[{}]", ELEMENTS[0])).is_some());
        // One tag serde cannot read (a lone surrogate, a duplicate field) does not hide the
        // others.
        for bad in [ELEMENTS[29], ELEMENTS[15]] {
            let raw = format!("[{},{bad},{}]", ELEMENTS[0], ELEMENTS[6]);
            let want = TagScan {
                kind: Some(SpanKind::Server),
                status: StatusCode::Error,
            };
            assert_eq!(TagScan::of(&raw), want, "{raw}");
        }
        // Escaped values of other keys stay on the fast path.
        let sql = format!("[{},{}]", ELEMENTS[0], ELEMENTS[28]);
        assert!(sql.contains('\\') && TagScan::fast(&sql).is_some());
    }

    #[test]
    fn refs_fast_path_matches_serde() {
        for raw in cases() {
            let mut fast = Vec::new();
            refs_of(&raw, &mut fast);
            let slow: Vec<RefLite> = parse_list(&raw, RefLite::from_wire, |_, _| None);
            fn key(v: &[RefLite]) -> Vec<(Option<String>, Option<String>)> {
                v.iter()
                    .map(|r| {
                        let s = |c: &Option<Cow<str>>| c.as_deref().map(str::to_string);
                        (s(&r.ref_type), s(&r.span_id))
                    })
                    .collect()
            }
            assert_eq!(key(&fast), key(&slow), "{raw}");
        }
    }
}
