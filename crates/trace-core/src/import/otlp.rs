//! OTLP JSON (OpenTelemetry protocol, JSON encoding of `ExportTraceServiceRequest`; spec:
//! opentelemetry-proto `docs/specification.md` "JSON Protobuf Encoding", `trace/v1/trace.proto`).
//!
//! Supported: `resourceSpans` / `scopeSpans` and the pre-2022 `instrumentationLibrarySpans` /
//! `instrumentationLibrary`; Grafana Tempo's top-level `batches` (API v1) and `{"trace": ...}` (API
//! v2); Jaeger API v3's `{"result": ...}`; a JSON array of export requests;
//! JSON Lines (the Collector's file exporter, one request per line, merged); hex or base64 ids;
//! integer or string enums; nanoseconds as strings or numbers; AnyValue including arrays, kvlists
//! and bytes. Unknown fields are ignored, as the spec requires. A resource without `service.name`
//! is named as OpenTelemetry SDKs name it (`unknown_service:<process.executable.name>`, else
//! `unknown_service`), with a warning per resource. A resource, scope or span that is not an object
//! (`null`) is skipped, and a `status` that is not one ignored, with a warning.
//! Not supported: OTLP protobuf (binary).

use super::lenient::{
    parse_list, parse_or_default, salvage_kv, skip_element, LenientVec, Obj, ObjSeed, Scalar, Text,
};
use super::{single_or_lines, Format, ImportError};
use crate::builder::{IdStyle, ImportBuilder, NewSpan, ParentIn};
use crate::model::*;
use crate::time::WireNum;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

#[derive(Default)]
struct State {
    /// ResourceSpans read so far, to name them in warnings.
    resources: usize,
}

pub(crate) fn parse<'a>(text: &'a str, b: &mut ImportBuilder<'a>) -> Result<(), ImportError> {
    b.id_style = IdStyle::HexOrBase64;
    let mut st = State::default();
    single_or_lines(text, b, |doc, at, b| {
        let err = |e: serde_json::Error| ImportError::json(Some(Format::Otlp), &e, at);
        let mut de = serde_json::Deserializer::from_str(doc);
        DocSeed { b, st: &mut st }
            .deserialize(&mut de)
            .map_err(err)?;
        de.end().map_err(err)
    })?;
    Ok(())
}

struct DocSeed<'b, 'a> {
    b: &'b mut ImportBuilder<'a>,
    st: &'b mut State,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an OTLP export request object")
    }
    /// `null` (an element of an array of requests): nothing.
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    /// An array of export requests (payloads collected by a test or mock receiver): each is read.
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while a
            .next_element_seed(DocSeed {
                b: &mut *self.b,
                st: &mut *self.st,
            })?
            .is_some()
        {}
        Ok(())
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while let Some(key) = a.next_key::<Text<'de>>()? {
            match &*key {
                "resourceSpans" | "batches" => a.next_value_seed(ListSeed(RsSeed {
                    b: &mut *self.b,
                    st: &mut *self.st,
                }))?,
                // Jaeger API v3 wraps the request in `result`, Tempo's `/api/v2/traces/<id>` in
                // `trace`.
                "result" | "trace" => a.next_value_seed(DocSeed {
                    b: &mut *self.b,
                    st: &mut *self.st,
                })?,
                _ => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Applies a reusable element seed to every element of an array.
struct ListSeed<S>(S);

trait Reseed {
    type Elem<'s>: for<'de> DeserializeSeed<'de, Value = ()>
    where
        Self: 's;
    fn elem(&mut self) -> Self::Elem<'_>;
    /// An element that is not an object was skipped.
    fn skipped(&mut self);
}

impl<'de, S: Reseed> DeserializeSeed<'de> for ListSeed<S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: Reseed> Visitor<'de> for ListSeed<S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: de::SeqAccess<'de>>(mut self, mut a: A) -> Result<(), A::Error> {
        while let Some(read) = a.next_element_seed(ObjSeed(self.0.elem()))? {
            if let Obj::Other = read {
                self.0.skipped();
            }
        }
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

struct RsSeed<'b, 'a> {
    b: &'b mut ImportBuilder<'a>,
    st: &'b mut State,
}

impl<'b, 'a> Reseed for RsSeed<'b, 'a> {
    type Elem<'s>
        = RsSeed<'s, 'a>
    where
        Self: 's;
    fn elem(&mut self) -> RsSeed<'_, 'a> {
        RsSeed {
            b: &mut *self.b,
            st: &mut *self.st,
        }
    }
    fn skipped(&mut self) {
        self.b.warnings.push_with(WarningKind::Skipped, || {
            Warning::new(
                WarningKind::Skipped,
                "an element of `resourceSpans` is not an object; skipped",
            )
        });
    }
}

impl<'de> DeserializeSeed<'de> for RsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

/// Per resource: its raw range, service name, and spans added before the resource was seen.
struct RsState {
    resource: Option<RawRef>,
    /// Known once the resource has been read (it may follow its spans).
    service: Option<String>,
    /// The resource has a `service.name` (else `service` is the SDKs' fallback).
    named: bool,
    spans: usize,
    contexts: Vec<u32>,
    pending: Vec<(u32, u32)>,
}

/// OpenTelemetry SDKs name a service that does not set `service.name` "unknown_service:" and
/// the `process.executable.name` ("unknown_service:java"), or "unknown_service" without it
/// (resource semantic conventions, `service.name`).
const UNKNOWN_SERVICE: &str = "unknown_service";

/// The resource's service and whether it has `service.name` (a non-empty string).
fn service_of(attrs: &[AttrLite<'_>]) -> (String, bool) {
    let text = |key: &str| {
        attrs
            .iter()
            .find(|kv| kv.key.as_str() == Some(key))
            .and_then(|kv| kv.value.string_value.as_str())
            .filter(|s| !s.is_empty())
    };
    match (text("service.name"), text("process.executable.name")) {
        (Some(name), _) => (name.to_string(), true),
        (None, Some(exe)) => (format!("{UNKNOWN_SERVICE}:{exe}"), false),
        (None, None) => (UNKNOWN_SERVICE.to_string(), false),
    }
}

#[derive(Deserialize, Default)]
struct ResourceLite<'a> {
    #[serde(borrow, default)]
    attributes: LenientVec<AttrLite<'a>>,
}

#[derive(Deserialize, Default)]
struct AttrLite<'a> {
    #[serde(borrow, default)]
    key: Scalar<'a>,
    #[serde(borrow, default)]
    value: AnyLite<'a>,
}

#[derive(Deserialize, Default)]
struct AnyLite<'a> {
    #[serde(rename = "stringValue", borrow, default)]
    string_value: Scalar<'a>,
}

impl<'de> Visitor<'de> for RsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a ResourceSpans object")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let mut rs = RsState {
            resource: None,
            service: None,
            named: false,
            spans: 0,
            contexts: Vec::new(),
            pending: Vec::new(),
        };
        self.st.resources += 1;
        let ordinal = self.st.resources;
        while let Some(key) = a.next_key::<Text<'de>>()? {
            match &*key {
                "resource" => {
                    let raw: Option<&'de RawValue> = a.next_value()?;
                    if let Some(raw) = raw {
                        rs.resource = Some(self.b.range(raw.get()));
                        let lite: ResourceLite = parse_or_default(raw.get());
                        let (service, named) = service_of(&lite.attributes.0);
                        rs.service = Some(service);
                        rs.named = named;
                    }
                }
                "scopeSpans" | "instrumentationLibrarySpans" => {
                    a.next_value_seed(ListSeed(ScopeSeed {
                        b: &mut *self.b,
                        rs: &mut rs,
                    }))?
                }
                _ => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !rs.named && rs.spans > 0 {
            self.b.warnings.push_with(WarningKind::MissingService, || Warning::new(WarningKind::MissingService,
                format!(
                    "resource {ordinal} ({} span(s)) has no `service.name`; shown as {:?}, the name OpenTelemetry SDKs give it",
                    rs.spans,
                    rs.service.as_deref().unwrap_or(UNKNOWN_SERVICE)
                ),
            ));
        }
        // The resource may follow its spans in the object: patch what was added before it.
        for &c in &rs.contexts {
            if let Some(Context::Raw { resource, .. }) = self.b.contexts.get_mut(c as usize) {
                *resource = rs.resource;
            }
        }
        if let Some(svc) = &rs.service {
            for &(t, i) in &rs.pending {
                let s = self.b.intern(t, svc);
                self.b.set_service(t, i, s);
            }
        }
        Ok(())
    }
}

struct ScopeSeed<'b, 'a> {
    b: &'b mut ImportBuilder<'a>,
    rs: &'b mut RsState,
}

impl<'b, 'a> Reseed for ScopeSeed<'b, 'a> {
    type Elem<'s>
        = ScopeSeed<'s, 'a>
    where
        Self: 's;
    fn elem(&mut self) -> ScopeSeed<'_, 'a> {
        ScopeSeed {
            b: &mut *self.b,
            rs: &mut *self.rs,
        }
    }
    fn skipped(&mut self) {
        self.b.warnings.push_with(WarningKind::Skipped, || {
            Warning::new(
                WarningKind::Skipped,
                "an element of `scopeSpans` is not an object; skipped",
            )
        });
    }
}

impl<'de> DeserializeSeed<'de> for ScopeSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ScopeSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a ScopeSpans object")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let ctx = self.b.add_context(Context::Raw {
            resource: self.rs.resource,
            scope: None,
        });
        self.rs.contexts.push(ctx);
        while let Some(key) = a.next_key::<Text<'de>>()? {
            match &*key {
                "scope" | "instrumentationLibrary" => {
                    let raw: Option<&'de RawValue> = a.next_value()?;
                    let r = raw.map(|r| self.b.range(r.get()));
                    if let Some(Context::Raw { scope, .. }) = self.b.contexts.get_mut(ctx as usize)
                    {
                        *scope = r;
                    }
                }
                "spans" => a.next_value_seed(SpansSeed {
                    b: &mut *self.b,
                    rs: &mut *self.rs,
                    ctx,
                })?,
                _ => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct WireSpan<'a> {
    #[serde(rename = "traceId", borrow, default)]
    trace_id: Scalar<'a>,
    #[serde(rename = "spanId", borrow, default)]
    span_id: Scalar<'a>,
    #[serde(rename = "parentSpanId", borrow, default)]
    parent_span_id: Scalar<'a>,
    #[serde(borrow, default)]
    name: Scalar<'a>,
    #[serde(borrow, default)]
    kind: Scalar<'a>,
    #[serde(rename = "startTimeUnixNano", default)]
    start: WireNum,
    #[serde(rename = "endTimeUnixNano", default)]
    end: WireNum,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
    #[serde(borrow, default)]
    events: Option<&'a RawValue>,
    #[serde(borrow, default)]
    links: Option<&'a RawValue>,
    #[serde(borrow, default)]
    status: Option<Obj<StatusLite<'a>>>,
}

#[derive(Deserialize, Default)]
struct StatusLite<'a> {
    #[serde(borrow, default)]
    code: Scalar<'a>,
    #[serde(borrow, default)]
    message: Option<&'a RawValue>,
}

struct SpansSeed<'b, 'a> {
    b: &'b mut ImportBuilder<'a>,
    rs: &'b mut RsState,
    ctx: u32,
}

impl<'de> DeserializeSeed<'de> for SpansSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SpansSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of spans")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while let Some(s) = a.next_element::<Obj<WireSpan<'de>>>()? {
            match s {
                Obj::Obj(s) => {
                    self.rs.spans += 1;
                    add_span(s, self.b, self.rs, self.ctx);
                }
                Obj::Other => self.b.warnings.push_with(WarningKind::Skipped, || {
                    Warning::new(
                        WarningKind::Skipped,
                        "an element of `spans` is not a span object; skipped",
                    )
                }),
            }
        }
        Ok(())
    }
}

fn kind_of(k: &Scalar) -> Option<SpanKind> {
    match k {
        Scalar::None => Some(SpanKind::Unspecified),
        Scalar::Int(v) => SpanKind::from_otlp_int(*v),
        Scalar::Str(s) => SpanKind::parse_name(s),
        _ => None,
    }
}

fn status_of(k: &Scalar) -> Option<StatusCode> {
    match k {
        Scalar::None => Some(StatusCode::Unset),
        Scalar::Int(v) => StatusCode::from_otlp_int(*v),
        Scalar::Str(s) => StatusCode::parse_name(s),
        _ => None,
    }
}

fn add_span(s: WireSpan<'_>, b: &mut ImportBuilder<'_>, rs: &mut RsState, ctx: u32) {
    let (status_obj, status_ok) = match &s.status {
        Some(Obj::Obj(st)) => (Some(st), true),
        Some(Obj::Other) => (None, false),
        None => (None, true),
    };
    let status_code = status_obj.map(|st| &st.code).unwrap_or(&Scalar::None);
    let kind = kind_of(&s.kind);
    let status = status_of(status_code);
    let start = s.start.ns().filter(|&t| t != 0);
    // An end of 0 (or none) is an unfinished span, not one that ends before the epoch.
    let duration = match (start, s.end.ns().filter(|&t| t != 0)) {
        (Some(a), Some(e)) => Some(e.saturating_sub(a)),
        _ => None,
    };
    let name = s.name.text();
    let parent = match s.parent_span_id.as_str() {
        Some(p) if !p.is_empty() => ParentIn::Id(p),
        _ => ParentIn::None,
    };
    let trace_id = s.trace_id.text();
    let span_id = s.span_id.text();
    let (t, i) = b.add_span(NewSpan {
        trace_id: &trace_id,
        span_id: &span_id,
        parent,
        name: &name,
        service: rs.service.as_deref().unwrap_or(UNKNOWN_SERVICE),
        kind: kind.unwrap_or_default(),
        status: status.unwrap_or_default(),
        start,
        duration,
        follows_from: false,
        shared: false,
        ctx,
    });
    if rs.service.is_none() {
        rs.pending.push((t, i));
    }
    if kind.is_none() {
        b.trace_warn(
            t,
            Warning::at(
                WarningKind::BadValue,
                i,
                format!(
                    "span {name:?} has an unknown kind {:?}; taken as unspecified",
                    s.kind.text()
                ),
            ),
        );
    }
    if !status_ok {
        b.trace_warn(
            t,
            Warning::at(
                WarningKind::BadValue,
                i,
                format!("span {name:?} has a `status` that is not an object; taken as unset"),
            ),
        );
    }
    if status.is_none() {
        b.trace_warn(
            t,
            Warning::at(
                WarningKind::BadValue,
                i,
                format!(
                    "span {name:?} has an unknown status code {:?}; taken as unset",
                    status_code.text()
                ),
            ),
        );
    }
    for (field, raw) in [
        (PartField::Attributes, s.attributes),
        (PartField::Events, s.events),
        (PartField::Links, s.links),
    ] {
        if let Some(raw) = raw {
            b.add_part(t, field, raw.get());
        }
    }
    if let Some(m) = status_obj.and_then(|st| st.message) {
        b.add_part(t, PartField::Status, m.get());
    }
}

// ---- details ----

#[derive(Deserialize, Default)]
struct Kv {
    #[serde(default)]
    key: String,
    #[serde(default)]
    value: AnyValue,
}

/// AnyValue: exactly one of the typed fields; `{}` is no value.
#[derive(Deserialize, Default)]
struct AnyValue {
    #[serde(rename = "stringValue", default)]
    string_value: Option<String>,
    #[serde(rename = "boolValue", default)]
    bool_value: Option<serde_json::Value>,
    #[serde(rename = "intValue", default)]
    int_value: Option<WireNum>,
    #[serde(rename = "doubleValue", default)]
    double_value: Option<serde_json::Value>,
    #[serde(rename = "bytesValue", default)]
    bytes_value: Option<String>,
    #[serde(rename = "arrayValue", default)]
    array_value: Option<ArrayValue>,
    #[serde(rename = "kvlistValue", default)]
    kvlist_value: Option<KvList>,
}

#[derive(Deserialize, Default)]
struct ArrayValue {
    #[serde(default)]
    values: LenientVec<AnyValue>,
}

#[derive(Deserialize, Default)]
struct KvList {
    #[serde(default)]
    values: LenientVec<Kv>,
}

fn any_value(v: AnyValue) -> Value {
    if let Some(s) = v.string_value {
        return Value::Str(s);
    }
    if let Some(b) = v.bool_value {
        return Value::Bool(b.as_bool().unwrap_or_else(|| b.as_str() == Some("true")));
    }
    if let Some(i) = v.int_value.and_then(|n| n.as_i64()) {
        return Value::Int(i);
    }
    if let Some(d) = v.double_value {
        return match d {
            serde_json::Value::Number(n) => n.as_f64().map(Value::Float).unwrap_or(Value::Null),
            // Protobuf JSON writes non-finite doubles as "NaN", "Infinity", "-Infinity".
            serde_json::Value::String(s) => s.parse().map(Value::Float).unwrap_or(Value::Str(s)),
            _ => Value::Null,
        };
    }
    if let Some(b) = v.bytes_value {
        return crate::builder::decode_base64(&b)
            .map(Value::Bytes)
            .unwrap_or(Value::Str(b));
    }
    if let Some(a) = v.array_value {
        return Value::Array(a.values.0.into_iter().map(any_value).collect());
    }
    if let Some(m) = v.kvlist_value {
        return Value::Map(kvs_of(m.values.0));
    }
    Value::Null
}

fn kv_of(kv: Kv) -> KeyValue {
    KeyValue {
        key: kv.key,
        value: any_value(kv.value),
    }
}

fn kvs_of(v: Vec<Kv>) -> Vec<KeyValue> {
    v.into_iter().map(kv_of).collect()
}

/// A list of KeyValues (`what`: "attribute", "event attribute"...); one that cannot be decoded
/// (nested deeper than serde_json's limit, a key or value of the wrong type) does not lose the
/// others.
fn kvs(raw: Option<&str>, what: &str, notes: &mut Vec<String>) -> Vec<KeyValue> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    parse_list(raw, kv_of, |e, err| {
        salvage_kv(e, err, what, notes, |_, v: AnyValue| any_value(v))
    })
}

#[derive(Deserialize, Default)]
struct WireEvent<'a> {
    #[serde(rename = "timeUnixNano", default)]
    time: WireNum,
    #[serde(borrow, default)]
    name: Scalar<'a>,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct WireLink<'a> {
    #[serde(rename = "traceId", borrow, default)]
    trace_id: Scalar<'a>,
    #[serde(rename = "spanId", borrow, default)]
    span_id: Scalar<'a>,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct WireResource<'a> {
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct WireScope<'a> {
    #[serde(borrow, default)]
    name: Scalar<'a>,
    #[serde(borrow, default)]
    version: Scalar<'a>,
}

/// A span's resource attributes and instrumentation scope.
fn resource_and_scope(t: &Trace, c: &Context) -> DecodedContext {
    let mut out = DecodedContext::default();
    let Context::Raw { resource, scope } = c else {
        return out;
    };
    if let Some(r) = resource {
        let raw = t.raw(*r);
        let res: WireResource = parse_or_default(&raw);
        out.resource = kvs(
            res.attributes.map(RawValue::get),
            "resource attribute",
            &mut out.notes,
        );
    }
    if let Some(s) = scope {
        let raw = t.raw(*s);
        let sc: WireScope = parse_or_default(&raw);
        if !sc.name.is_none() || !sc.version.is_none() {
            out.scope = Some(Scope {
                name: sc.name.text().into_owned(),
                version: (!sc.version.is_none()).then(|| sc.version.text().into_owned()),
            });
        }
    }
    out
}

pub(crate) fn details(t: &Trace, i: u32, d: &mut SpanDetails) {
    // What could not be decoded, for the span's warnings.
    let mut notes = Vec::new();
    d.attributes = kvs(
        t.part(i, PartField::Attributes).as_deref(),
        "attribute",
        &mut notes,
    );
    if let Some(raw) = t.part(i, PartField::Events) {
        let events: Vec<WireEvent> =
            parse_list(&raw, |e| e, |e, _| skip_element("event", e, &mut notes));
        for e in events {
            let attributes = kvs(
                e.attributes.map(RawValue::get),
                "event attribute",
                &mut notes,
            );
            d.events.push(Event {
                time_ns: e.time.ns().unwrap_or_else(|| t.start_ns(i)),
                offset_ns: 0,
                name: e.name.text().into_owned(),
                attributes,
            });
        }
    }
    if let Some(raw) = t.part(i, PartField::Links) {
        let links: Vec<WireLink> =
            parse_list(&raw, |l| l, |e, _| skip_element("link", e, &mut notes));
        for l in links {
            let style = IdStyle::HexOrBase64;
            let attributes = kvs(
                l.attributes.map(RawValue::get),
                "link attribute",
                &mut notes,
            );
            d.links.push(Link {
                trace_id: crate::builder::normalize_trace_id(&l.trace_id.text(), style)
                    .into_owned(),
                span_id: crate::builder::normalize_span_id(&l.span_id.text(), style),
                kind: LinkKind::Link,
                target: None,
                attributes,
            });
        }
    }
    if let Some(raw) = t.part(i, PartField::Status) {
        d.status_message = serde_json::from_str::<String>(&raw)
            .ok()
            .filter(|m| !m.is_empty());
    }
    if let Some(context) = t.decoded_context(i, |c| resource_and_scope(t, c)) {
        d.resource = context.resource.clone();
        d.scope = context.scope.clone();
        notes.extend(context.notes.iter().cloned());
    }
    d.warnings.extend(
        notes
            .into_iter()
            .map(|m| Warning::at(WarningKind::BadValue, i, m)),
    );
}
