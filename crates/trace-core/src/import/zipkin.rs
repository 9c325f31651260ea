//! Zipkin JSON: API v2 spans (zipkin-api `zipkin2-api.yaml`) and v1 spans (`zipkin-api.yaml`, the
//! v1 model of annotations and binaryAnnotations), converted to the v2 model as Zipkin's own
//! `V1SpanConverter` does.
//!
//! Supported: a list of spans, a list of traces (the search API), JSON Lines of either; 64/128-bit
//! and unpadded ids; shared client/server spans (same id; the server half becomes the client half's
//! child); missing timestamp/duration; v1 cs/sr/ss/cr annotations (a v1 span with both client and
//! server annotations is split in two, each half keeping its own service's binary annotations),
//! `lc` local component, `error` binary annotation, typed binary annotation values (numbers and
//! booleans in strings, base64 BYTES), `ca`/`sa`/`ma` address annotations as the remote endpoint. A span
//! without kind is a local span: INTERNAL.
//! Not supported: Zipkin thrift or protobuf encodings.

use super::lenient::{
    json_entries, json_value, parse_list, parse_or_default, skip_element, LenientVec, Scalar, Text,
};
use super::{single_or_lines, Format, ImportError, Pos, PosCursor};
use crate::builder::{FastMap, ImportBuilder, NewSpan, ParentIn};
use crate::model::*;
use crate::time::{Nanos, WireNum};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
struct ZSpan<'a> {
    #[serde(rename = "traceId", borrow, default)]
    trace_id: Scalar<'a>,
    #[serde(borrow, default)]
    id: Scalar<'a>,
    #[serde(rename = "parentId", borrow, default)]
    parent_id: Scalar<'a>,
    #[serde(borrow, default)]
    name: Scalar<'a>,
    #[serde(borrow, default)]
    kind: Scalar<'a>,
    #[serde(default)]
    timestamp: WireNum,
    #[serde(default)]
    duration: WireNum,
    #[serde(borrow, default)]
    shared: Scalar<'a>,
    #[serde(rename = "localEndpoint", borrow, default)]
    local_endpoint: Option<Endpoint<'a>>,
    #[serde(borrow, default)]
    annotations: LenientVec<Annotation<'a>>,
    #[serde(rename = "binaryAnnotations", borrow, default)]
    binary_annotations: Option<LenientVec<BinaryAnnotation<'a>>>,
    #[serde(borrow, default)]
    tags: Option<HashMap<Text<'a>, Scalar<'a>>>,
}

#[derive(Deserialize, Default, Clone)]
struct Endpoint<'a> {
    #[serde(rename = "serviceName", borrow, default)]
    service_name: Scalar<'a>,
}

#[derive(Deserialize, Default)]
struct Annotation<'a> {
    #[serde(default)]
    timestamp: WireNum,
    #[serde(borrow, default)]
    value: Scalar<'a>,
    #[serde(borrow, default)]
    endpoint: Option<Endpoint<'a>>,
}

#[derive(Deserialize, Default)]
struct BinaryAnnotation<'a> {
    #[serde(borrow, default)]
    key: Scalar<'a>,
    #[serde(borrow, default)]
    endpoint: Option<Endpoint<'a>>,
}

pub(crate) fn parse<'a>(text: &'a str, b: &mut ImportBuilder<'a>) -> Result<(), ImportError> {
    let mut seen = FastMap::default();
    single_or_lines(text, b, |doc, at, b| parse_doc(doc, at, b, &mut seen))
}

/// Remembers the first span of each (trace, id) to pair shared client/server halves.
/// Spans already added, by (normalised trace id, lowercase span id): a second half with the
/// same id joins the first.
type Seen = FastMap<(String, String), SeenSpan>;

#[derive(Clone, Copy)]
struct SeenSpan {
    trace: u32,
    index: u32,
    kind: SpanKind,
}

fn parse_doc<'a>(
    doc: &'a str,
    at: Pos,
    b: &mut ImportBuilder<'a>,
    seen: &mut Seen,
) -> Result<(), ImportError> {
    let err = |e: serde_json::Error| ImportError::json(Some(Format::Zipkin), &e, at);
    let items: Vec<&'a RawValue> = if doc.trim_start().starts_with('[') {
        serde_json::from_str(doc).map_err(err)?
    } else {
        vec![serde_json::from_str(doc).map_err(err)?]
    };
    let mut cursor = PosCursor::new(doc, at);
    for item in items {
        if item.get().starts_with('[') {
            let spans: Vec<&'a RawValue> = serde_json::from_str(item.get()).map_err(|e| {
                ImportError::json(Some(Format::Zipkin), &e, at.within(doc, item.get()))
            })?;
            for s in spans {
                add_span(s.get(), &mut cursor, b, seen);
            }
        } else {
            add_span(item.get(), &mut cursor, b, seen);
        }
    }
    Ok(())
}

fn service_of<'e>(ep: Option<&'e Endpoint>) -> Option<std::borrow::Cow<'e, str>> {
    ep.map(|e| e.service_name.text()).filter(|s| !s.is_empty())
}

fn add_span(raw: &str, at: &mut PosCursor<'_>, b: &mut ImportBuilder<'_>, seen: &mut Seen) {
    let s: ZSpan = match serde_json::from_str(raw) {
        Ok(s) => s,
        Err(e) => {
            let p = at.of(raw);
            b.warnings.push_with(WarningKind::Skipped, || {
                Warning::new(
                    WarningKind::Skipped,
                    format!("span at line {}, column {} skipped: {e}", p.line, p.column),
                )
            });
            return;
        }
    };
    let v1 = s.binary_annotations.is_some() || s.annotations.0.iter().any(|a| a.endpoint.is_some());
    if v1 {
        for half in V1::of(&s).halves(&s) {
            push(b, seen, &s, raw, half);
        }
    } else {
        push(b, seen, &s, raw, v2_half(&s));
    }
}

/// What one model span takes from a Zipkin span: a v1 span shared by client and server gives
/// two.
struct Half<'s> {
    kind: SpanKind,
    service: Option<Cow<'s, str>>,
    start: Option<Nanos>,
    duration: Option<Nanos>,
    /// The server half of a span whose client half has the same id.
    shared: bool,
    error: bool,
}

/// An `error` tag that is not "false" marks the span failed.
fn tagged_error(s: &ZSpan<'_>) -> bool {
    s.tags
        .as_ref()
        .and_then(|t| t.get("error"))
        .is_some_and(|v| v.as_str() != Some("false"))
}

fn v2_half<'s>(s: &'s ZSpan<'_>) -> Half<'s> {
    Half {
        kind: s
            .kind
            .as_str()
            .and_then(SpanKind::parse_name)
            .unwrap_or(SpanKind::Internal),
        service: service_of(s.local_endpoint.as_ref()),
        start: s.timestamp.us_to_ns(),
        duration: s.duration.us_to_ns(),
        shared: s.shared.truthy(),
        error: tagged_error(s),
    }
}

/// A v1 span's core annotations (client send/receive, server receive/send) and endpoints.
struct V1<'s> {
    cs: Option<&'s Annotation<'s>>,
    cr: Option<&'s Annotation<'s>>,
    sr: Option<&'s Annotation<'s>>,
    ss: Option<&'s Annotation<'s>>,
    bins: &'s [BinaryAnnotation<'s>],
    /// The local component's endpoint (`lc`), for a span that is neither client nor server.
    lc: Option<&'s Endpoint<'s>>,
    /// Any endpoint of this service: the endpoints of address annotations (ca/sa/ma) are the
    /// remote side, not this service.
    any_ep: Option<&'s Endpoint<'s>>,
    error: bool,
}

impl<'s> V1<'s> {
    fn of(s: &'s ZSpan<'s>) -> Self {
        let ann = |v: &str| s.annotations.0.iter().find(|a| a.value.as_str() == Some(v));
        let bins = s
            .binary_annotations
            .as_ref()
            .map(|v| v.0.as_slice())
            .unwrap_or(&[]);
        let any_ep = s
            .annotations
            .0
            .iter()
            .find_map(|a| a.endpoint.as_ref())
            .or_else(|| {
                bins.iter()
                    .filter(|a| !a.key.as_str().is_some_and(is_address))
                    .find_map(|a| a.endpoint.as_ref())
            });
        V1 {
            cs: ann("cs"),
            cr: ann("cr"),
            sr: ann("sr"),
            ss: ann("ss"),
            bins,
            lc: bins
                .iter()
                .find(|a| a.key.as_str() == Some("lc"))
                .and_then(|a| a.endpoint.as_ref()),
            any_ep,
            error: tagged_error(s),
        }
    }

    fn has_client(&self) -> bool {
        self.cs.is_some() || self.cr.is_some()
    }

    fn has_server(&self) -> bool {
        self.sr.is_some() || self.ss.is_some()
    }

    /// Client half, server half, or one local span (no allocation: this runs per span).
    fn halves(&self, s: &'s ZSpan<'_>) -> impl Iterator<Item = Half<'s>> {
        let client = self.has_client().then(|| self.client(s));
        let server = self.has_server().then(|| self.server(s));
        let local = (client.is_none() && server.is_none()).then(|| {
            let ep = self.lc.or(self.any_ep);
            self.half(
                SpanKind::Internal,
                ep,
                s.timestamp.us_to_ns(),
                s.duration.us_to_ns(),
            )
        });
        [client, server, local].into_iter().flatten()
    }

    fn client(&self, s: &ZSpan<'_>) -> Half<'s> {
        let start = at(self.cs).or(s.timestamp.us_to_ns());
        let duration = between(at(self.cs), at(self.cr)).or(s.duration.us_to_ns());
        let ep = self
            .cs
            .or(self.cr)
            .and_then(|a| a.endpoint.as_ref())
            .or(self.any_ep);
        self.half(SpanKind::Client, ep, start, duration)
    }

    /// The server half; when a client half exists, the span's own timestamp and duration are
    /// the client's, not the server's.
    fn server(&self, s: &ZSpan<'_>) -> Half<'s> {
        let alone = !self.has_client();
        let start = at(self.sr).or(s.timestamp.us_to_ns().filter(|_| alone));
        let duration =
            between(at(self.sr), at(self.ss)).or(s.duration.us_to_ns().filter(|_| alone));
        let ep = self
            .sr
            .or(self.ss)
            .and_then(|a| a.endpoint.as_ref())
            .or(self.any_ep);
        Half {
            shared: !alone,
            ..self.half(SpanKind::Server, ep, start, duration)
        }
    }

    fn half(
        &self,
        kind: SpanKind,
        ep: Option<&'s Endpoint<'s>>,
        start: Option<Nanos>,
        duration: Option<Nanos>,
    ) -> Half<'s> {
        Half {
            kind,
            service: service_of(ep),
            start,
            duration,
            shared: false,
            error: self.error_of(ep),
        }
    }

    /// An `error` binary annotation marks the half whose service logged it (when split in two).
    fn error_of(&self, own: Option<&Endpoint<'_>>) -> bool {
        let split = self.has_client() && self.has_server();
        self.error
            || self.bins.iter().any(|a| {
                a.key.as_str() == Some("error")
                    && (!split
                        || match (service_of(a.endpoint.as_ref()), service_of(own)) {
                            (Some(theirs), Some(own)) => theirs == own,
                            _ => true,
                        })
            })
    }
}

fn at(a: Option<&Annotation<'_>>) -> Option<Nanos> {
    a.and_then(|a| a.timestamp.us_to_ns())
}

fn between(from: Option<Nanos>, to: Option<Nanos>) -> Option<Nanos> {
    Some(to?.saturating_sub(from?))
}

fn push(b: &mut ImportBuilder<'_>, seen: &mut Seen, s: &ZSpan, raw: &str, half: Half<'_>) {
    let trace_id = s.trace_id.text();
    let id = s.id.text();
    let name = s.name.text();
    let kind = half.kind;
    let key = (
        crate::builder::normalize_trace_id(&trace_id, crate::builder::IdStyle::Hex).into_owned(),
        id.to_ascii_lowercase(),
    );
    let earlier = seen.get(&key).copied();
    // Shared span: a server half joins the client half that has the same id.
    let pair_with =
        earlier.filter(|e| (kind == SpanKind::Server || half.shared) && e.kind != SpanKind::Server);
    let parent = match (pair_with, s.parent_id.as_str()) {
        (Some(client), _) => ParentIn::Index(client.index),
        (None, Some(p)) if !p.is_empty() => ParentIn::Id(p),
        _ => ParentIn::None,
    };
    // Zipkin keeps its endpoint inside each span: one empty shared context suffices.
    if b.contexts.is_empty() {
        b.add_context(Context::Raw {
            resource: None,
            scope: None,
        });
    }
    let ctx = 0;
    let (t, i) = b.add_span(NewSpan {
        trace_id: &trace_id,
        span_id: &id,
        parent,
        name: &name,
        service: half.service.as_deref().unwrap_or("unknown"),
        kind,
        status: if half.error {
            StatusCode::Error
        } else {
            StatusCode::Unset
        },
        start: half.start.filter(|&t| t != 0),
        duration: half.duration,
        follows_from: false,
        shared: pair_with.is_some(),
        ctx,
    });
    b.add_part(t, PartField::Whole, raw);
    if half.service.is_none() {
        b.trace_warn(
            t,
            Warning::at(
                WarningKind::MissingService,
                i,
                format!("span {name:?} has no localEndpoint.serviceName; shown as \"unknown\""),
            ),
        );
    }
    let this = SeenSpan {
        trace: t,
        index: i,
        kind,
    };
    match earlier {
        // A client half that arrives after its server half: re-parent the server half.
        Some(server)
            if server.kind == SpanKind::Server && server.trace == t && kind != SpanKind::Server =>
        {
            b.set_parent_index(t, server.index, Some(i));
            b.set_shared(t, server.index);
            seen.insert(key, this);
        }
        Some(_) => {}
        None => {
            seen.insert(key, this);
        }
    }
}

/// The span again for its details. Nested parts are kept raw and decoded one by one, so a value
/// that cannot be decoded (nested deeper than serde_json's limit, an unexpected type) loses only
/// itself.
#[derive(Deserialize, Default)]
struct ZFull<'a> {
    #[serde(borrow, default)]
    annotations: Option<&'a RawValue>,
    #[serde(rename = "binaryAnnotations", borrow, default)]
    binary_annotations: Option<&'a RawValue>,
    #[serde(borrow, default)]
    tags: Option<&'a RawValue>,
    #[serde(rename = "localEndpoint", borrow, default)]
    local_endpoint: Option<&'a RawValue>,
    #[serde(rename = "remoteEndpoint", borrow, default)]
    remote_endpoint: Option<&'a RawValue>,
    #[serde(borrow, default)]
    debug: Scalar<'a>,
}

#[derive(Deserialize, Default)]
struct AnnFull<'a> {
    #[serde(default)]
    timestamp: WireNum,
    #[serde(borrow, default)]
    value: Option<&'a RawValue>,
    #[serde(borrow, default)]
    endpoint: Option<&'a RawValue>,
}

/// An endpoint's fields (`serviceName`, `ipv4`, `port`...), sorted by name; None when it is not
/// an object.
type EndpointKvs = Vec<KeyValue>;

fn endpoint(raw: Option<&RawValue>, notes: &mut Vec<String>) -> Option<EndpointKvs> {
    json_entries(raw?.get(), "endpoint field", "", notes)
}

fn endpoint_service(ep: Option<&EndpointKvs>) -> Option<String> {
    ep?.iter()
        .find(|kv| kv.key == "serviceName")?
        .value
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// v1 address annotations: `ca` client address, `sa` server address, `ma` message broker; their
/// endpoint is the remote side of the span (`V1SpanConverter` makes it the remoteEndpoint).
fn is_address(key: &str) -> bool {
    matches!(key, "ca" | "sa" | "ma")
}

#[derive(Deserialize, Default)]
struct BinFull<'a> {
    #[serde(borrow, default)]
    key: Scalar<'a>,
    #[serde(borrow, default)]
    value: Option<&'a RawValue>,
    /// BOOL, BYTES, I16, I32, I64, DOUBLE or STRING (the default); writers put numbers in strings.
    #[serde(rename = "type", borrow, default)]
    ty: Scalar<'a>,
    #[serde(borrow, default)]
    endpoint: Option<&'a RawValue>,
}

/// A v1 binary annotation's value by its declared type (numbers and booleans may be strings, BYTES
/// is base64); what does not parse stays as written.
fn typed_value(v: Value, ty: Option<&str>) -> Value {
    let (s, ty) = match (&v, ty) {
        (Value::Str(s), Some(ty)) => (s.trim(), ty),
        _ => return v,
    };
    let parsed = match ty.to_ascii_uppercase().as_str() {
        "I16" | "I32" | "I64" => s.parse().ok().map(Value::Int),
        "DOUBLE" => s.parse().ok().map(Value::Float),
        "BOOL" => match s {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        "BYTES" => crate::builder::decode_base64(s).map(Value::Bytes),
        _ => None,
    };
    parsed.unwrap_or(v)
}

fn endpoint_kvs(prefix: &str, ep: EndpointKvs) -> Vec<KeyValue> {
    ep.into_iter()
        .map(|kv| KeyValue {
            key: if prefix.is_empty() && kv.key == "serviceName" {
                "service.name".to_string()
            } else {
                format!("{prefix}{}", kv.key)
            },
            value: kv.value,
        })
        .collect()
}

pub(crate) fn details(t: &Trace, i: u32, d: &mut SpanDetails) {
    let Some(raw) = t.part(i, PartField::Whole) else {
        return;
    };
    // What could not be decoded, for the span's warnings.
    let mut notes = Vec::new();
    let z: ZFull = parse_or_default(&raw);
    d.attributes = z
        .tags
        .and_then(|r| json_entries(r.get(), "tag", "", &mut notes))
        .unwrap_or_default();
    let mut endpoints = Endpoints {
        resource: endpoint(z.local_endpoint, &mut notes),
        remote: endpoint(z.remote_endpoint, &mut notes),
    };
    let annotations = annotations_of(z.annotations, &mut notes);
    let bins: Vec<BinFull> = z
        .binary_annotations
        .map(|r| {
            parse_list(
                r.get(),
                |b| b,
                |e, _| skip_element("binary annotation", e, &mut notes),
            )
        })
        .unwrap_or_default();
    let own = own_service(t.kind(i), &annotations);
    for bin in bins {
        add_binary_annotation(
            t.kind(i),
            bin,
            own.as_deref(),
            d,
            &mut endpoints,
            &mut notes,
        );
    }
    if let Some(rem) = endpoints.remote.take() {
        d.attributes.extend(endpoint_kvs("remoteEndpoint.", rem));
    }
    if z.debug == Scalar::Bool(true) {
        d.attributes.push(KeyValue::new("debug", Value::Bool(true)));
    }
    for a in annotations {
        add_annotation(t, i, a, d, &mut endpoints);
    }
    if let Some(ep) = endpoints.resource {
        d.resource = endpoint_kvs("", ep);
    }
    if let Some(message) = error_message(&d.attributes) {
        d.status_message = Some(message);
    }
    d.warnings.extend(
        notes
            .into_iter()
            .map(|m| Warning::at(WarningKind::BadValue, i, m)),
    );
}

/// The endpoints a span's details show: its own (the resource) and the remote one.
struct Endpoints {
    resource: Option<EndpointKvs>,
    remote: Option<EndpointKvs>,
}

/// One annotation of a span, decoded for its details.
struct AnnotationFull {
    name: String,
    time: WireNum,
    endpoint: Option<EndpointKvs>,
}

fn annotations_of(raw: Option<&RawValue>, notes: &mut Vec<String>) -> Vec<AnnotationFull> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    let wire: Vec<AnnFull> = parse_list(
        raw.get(),
        |a: AnnFull| a,
        |e, _| skip_element("annotation", e, notes),
    );
    wire.into_iter()
        .map(|a| {
            let name = match a.value {
                Some(v) => match json_value(v.get(), "annotation", notes) {
                    Value::Str(s) => s,
                    other => other.to_string(),
                },
                None => "null".to_string(),
            };
            AnnotationFull {
                name,
                time: a.timestamp,
                endpoint: endpoint(a.endpoint, notes),
            }
        })
        .collect()
}

/// A v1 span with both client and server annotations was split in two: each half keeps the
/// binary annotations logged by its own service (as V1SpanConverter does). None when the span
/// was not split.
fn own_service(kind: SpanKind, annotations: &[AnnotationFull]) -> Option<String> {
    let core_service = |values: [&str; 2]| {
        annotations
            .iter()
            .find(|a| values.contains(&a.name.as_str()))
            .map(|a| endpoint_service(a.endpoint.as_ref()))
    };
    let client = core_service(["cs", "cr"]);
    let server = core_service(["sr", "ss"]);
    match kind {
        SpanKind::Client if server.is_some() => client.flatten(),
        SpanKind::Server if client.is_some() => server.flatten(),
        _ => None,
    }
}

/// An address annotation names the remote endpoint; any other becomes an attribute of the half
/// whose service logged it.
fn add_binary_annotation(
    kind: SpanKind,
    bin: BinFull<'_>,
    own_service: Option<&str>,
    d: &mut SpanDetails,
    endpoints: &mut Endpoints,
    notes: &mut Vec<String>,
) {
    let key = bin.key.text().into_owned();
    let ep = endpoint(bin.endpoint, notes);
    if is_address(&key) {
        // sa belongs to the client half, ca to the server half of a split v1 span.
        let mine = match kind {
            SpanKind::Client => key != "ca",
            SpanKind::Server => key != "sa",
            _ => true,
        };
        if mine && endpoints.remote.is_none() {
            endpoints.remote = ep;
        }
        return;
    }
    if let (Some(own), Some(theirs)) = (own_service, endpoint_service(ep.as_ref())) {
        if own != theirs {
            return;
        }
    }
    if endpoints.resource.is_none() {
        endpoints.resource = ep;
    }
    let value = match bin.value {
        Some(v) => json_value(v.get(), &format!("binary annotation {key:?}"), notes),
        None => Value::Null,
    };
    d.attributes.push(KeyValue {
        value: typed_value(value, bin.ty.as_str()),
        key,
    });
}

/// An annotation is an event; a v1 half's resource is the endpoint of its own core annotation.
fn add_annotation(
    t: &Trace,
    i: u32,
    a: AnnotationFull,
    d: &mut SpanDetails,
    endpoints: &mut Endpoints,
) {
    let own = match t.kind(i) {
        SpanKind::Client => a.name == "cs" || a.name == "cr",
        SpanKind::Server => a.name == "sr" || a.name == "ss",
        _ => false,
    };
    if (own || endpoints.resource.is_none()) && a.endpoint.is_some() {
        endpoints.resource = a.endpoint;
    }
    d.events.push(Event {
        time_ns: a.time.us_to_ns().unwrap_or_else(|| t.start_ns(i)),
        offset_ns: 0,
        name: a.name,
        attributes: Vec::new(),
    });
}

/// The text of an `error` tag is the status message (not a bare "true").
fn error_message(attributes: &[KeyValue]) -> Option<String> {
    attributes
        .iter()
        .find(|kv| kv.key == "error")
        .and_then(|kv| kv.value.as_str())
        .filter(|msg| !msg.is_empty() && *msg != "true")
        .map(str::to_string)
}
