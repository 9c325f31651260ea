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
type Seen = FastMap<(String, String), (u32, u32, SpanKind)>;

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
    let error = s
        .tags
        .as_ref()
        .and_then(|t| t.get("error"))
        .is_some_and(|v| v.as_str() != Some("false"));
    let v1 = s.binary_annotations.is_some() || s.annotations.0.iter().any(|a| a.endpoint.is_some());
    if !v1 {
        let kind = s
            .kind
            .as_str()
            .and_then(SpanKind::parse_name)
            .unwrap_or(SpanKind::Internal);
        let service = service_of(s.local_endpoint.as_ref());
        let shared = s.shared.truthy();
        push(
            b,
            seen,
            &s,
            raw,
            kind,
            service.as_deref(),
            s.timestamp.us_to_ns(),
            s.duration.us_to_ns(),
            shared,
            error,
        );
        return;
    }
    // v1: find the core annotations and their endpoints.
    let ann = |v: &str| s.annotations.0.iter().find(|a| a.value.as_str() == Some(v));
    let (cs, cr, sr, ss) = (ann("cs"), ann("cr"), ann("sr"), ann("ss"));
    let bins = s
        .binary_annotations
        .as_ref()
        .map(|v| v.0.as_slice())
        .unwrap_or(&[]);
    let lc = bins
        .iter()
        .find(|a| a.key.as_str() == Some("lc"))
        .and_then(|a| a.endpoint.as_ref());
    // The endpoints of address annotations (ca/sa/ma) are the remote side, not this service.
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
    let ts = |a: Option<&Annotation>| a.and_then(|a| a.timestamp.us_to_ns());
    let span_dur = |a: Option<Nanos>, z: Option<Nanos>| match (a, z) {
        (Some(a), Some(z)) => Some(z.saturating_sub(a)),
        _ => None,
    };
    let has_client = cs.is_some() || cr.is_some();
    let has_server = sr.is_some() || ss.is_some();
    // An `error` binary annotation marks the half whose service logged it (when split in two).
    let error_of = |own: Option<&Endpoint>| {
        error
            || bins.iter().any(|a| {
                a.key.as_str() == Some("error")
                    && (!(has_client && has_server)
                        || match (service_of(a.endpoint.as_ref()), service_of(own)) {
                            (Some(theirs), Some(own)) => theirs == own,
                            _ => true,
                        })
            })
    };
    if has_client {
        let start = ts(cs).or(s.timestamp.us_to_ns());
        let dur = span_dur(ts(cs), ts(cr)).or(s.duration.us_to_ns());
        let ep = cs.or(cr).and_then(|a| a.endpoint.as_ref()).or(any_ep);
        push(
            b,
            seen,
            &s,
            raw,
            SpanKind::Client,
            service_of(ep).as_deref(),
            start,
            dur,
            false,
            error_of(ep),
        );
    }
    if has_server {
        let start = ts(sr).or(if has_client {
            None
        } else {
            s.timestamp.us_to_ns()
        });
        let dur = span_dur(ts(sr), ts(ss)).or(if has_client {
            None
        } else {
            s.duration.us_to_ns()
        });
        let ep = sr.or(ss).and_then(|a| a.endpoint.as_ref()).or(any_ep);
        push(
            b,
            seen,
            &s,
            raw,
            SpanKind::Server,
            service_of(ep).as_deref(),
            start,
            dur,
            has_client,
            error_of(ep),
        );
    }
    if !has_client && !has_server {
        let ep = lc.or(any_ep);
        push(
            b,
            seen,
            &s,
            raw,
            SpanKind::Internal,
            service_of(ep).as_deref(),
            s.timestamp.us_to_ns(),
            s.duration.us_to_ns(),
            false,
            error_of(ep),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn push(
    b: &mut ImportBuilder<'_>,
    seen: &mut Seen,
    s: &ZSpan,
    raw: &str,
    kind: SpanKind,
    service: Option<&str>,
    start: Option<Nanos>,
    duration: Option<Nanos>,
    shared: bool,
    error: bool,
) {
    let trace_id = s.trace_id.text();
    let id = s.id.text();
    let name = s.name.text();
    let key = (
        crate::builder::normalize_trace_id(&trace_id, crate::builder::IdStyle::Hex).into_owned(),
        id.to_ascii_lowercase(),
    );
    let earlier = seen.get(&key).copied();
    // Shared span: a server half joins the client half that has the same id.
    let pair_with =
        earlier.filter(|&(_, _, k)| (kind == SpanKind::Server || shared) && k != SpanKind::Server);
    let parent = match (pair_with, s.parent_id.as_str()) {
        (Some((_, ci, _)), _) => ParentIn::Index(ci),
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
        service: service.unwrap_or("unknown"),
        kind,
        status: if error {
            StatusCode::Error
        } else {
            StatusCode::Unset
        },
        start: start.filter(|&t| t != 0),
        duration,
        follows_from: false,
        shared: pair_with.is_some(),
        ctx,
    });
    b.add_part(t, PartField::Whole, raw);
    if service.is_none() {
        b.trace_warn(
            t,
            Warning::at(
                WarningKind::MissingService,
                i,
                format!("span {name:?} has no localEndpoint.serviceName; shown as \"unknown\""),
            ),
        );
    }
    match earlier {
        // A client half that arrives after its server half: re-parent the server half.
        Some((et, ei, SpanKind::Server)) if et == t && kind != SpanKind::Server => {
            b.set_parent_index(t, ei, Some(i));
            b.set_shared(t, ei);
            seen.insert(key, (t, i, kind));
        }
        Some(_) => {}
        None => {
            seen.insert(key, (t, i, kind));
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
    let z: ZFull = parse_or_default(raw);
    d.attributes = z
        .tags
        .and_then(|r| json_entries(r.get(), "tag", "", &mut notes))
        .unwrap_or_default();
    let mut resource_ep = endpoint(z.local_endpoint, &mut notes);
    let mut remote_ep = endpoint(z.remote_endpoint, &mut notes);
    // (name, time, endpoint) of each annotation.
    let annotations: Vec<(String, WireNum, Option<EndpointKvs>)> = z
        .annotations
        .map(|r| {
            parse_list(
                r.get(),
                |a: AnnFull| a,
                |e, _| skip_element("annotation", e, &mut notes),
            )
        })
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let name = match a.value {
                Some(v) => match json_value(v.get(), "annotation", &mut notes) {
                    Value::Str(s) => s,
                    other => other.to_string(),
                },
                None => "null".to_string(),
            };
            (name, a.timestamp, endpoint(a.endpoint, &mut notes))
        })
        .collect();
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
    // A v1 span with both client and server annotations was split in two: each half keeps the
    // binary annotations logged by its own service (as V1SpanConverter does).
    let core_service = |values: [&str; 2]| {
        annotations
            .iter()
            .find(|(name, ..)| values.contains(&name.as_str()))
            .map(|(.., ep)| endpoint_service(ep.as_ref()))
    };
    let client = core_service(["cs", "cr"]);
    let server = core_service(["sr", "ss"]);
    let own_service = match t.kind(i) {
        SpanKind::Client if server.is_some() => client.flatten(),
        SpanKind::Server if client.is_some() => server.flatten(),
        _ => None,
    };
    for bin in bins {
        let key = bin.key.text().into_owned();
        let ep = endpoint(bin.endpoint, &mut notes);
        if is_address(&key) {
            // sa belongs to the client half, ca to the server half of a split v1 span.
            let mine = match t.kind(i) {
                SpanKind::Client => key != "ca",
                SpanKind::Server => key != "sa",
                _ => true,
            };
            if mine && remote_ep.is_none() {
                remote_ep = ep;
            }
            continue;
        }
        if let (Some(own), Some(theirs)) = (&own_service, endpoint_service(ep.as_ref())) {
            if *own != theirs {
                continue;
            }
        }
        if resource_ep.is_none() {
            resource_ep = ep;
        }
        let value = match bin.value {
            Some(v) => json_value(v.get(), &format!("binary annotation {key:?}"), &mut notes),
            None => Value::Null,
        };
        d.attributes.push(KeyValue {
            value: typed_value(value, bin.ty.as_str()),
            key,
        });
    }
    if let Some(rem) = remote_ep {
        d.attributes.extend(endpoint_kvs("remoteEndpoint.", rem));
    }
    if z.debug == Scalar::Bool(true) {
        d.attributes.push(KeyValue::new("debug", Value::Bool(true)));
    }
    for (name, timestamp, ep) in annotations {
        // v1: the resource is the endpoint of this half's own core annotation.
        let own = match t.kind(i) {
            SpanKind::Client => name == "cs" || name == "cr",
            SpanKind::Server => name == "sr" || name == "ss",
            _ => false,
        };
        if (own || resource_ep.is_none()) && ep.is_some() {
            resource_ep = ep;
        }
        d.events.push(Event {
            time_ns: timestamp.us_to_ns().unwrap_or_else(|| t.start_ns(i)),
            offset_ns: 0,
            name,
            attributes: Vec::new(),
        });
    }
    if let Some(ep) = resource_ep {
        d.resource = endpoint_kvs("", ep);
    }
    if let Some(msg) = d
        .attributes
        .iter()
        .find(|kv| kv.key == "error")
        .and_then(|kv| kv.value.as_str())
    {
        if !msg.is_empty() && msg != "true" {
            d.status_message = Some(msg.to_string());
        }
    }
    d.warnings.extend(
        notes
            .into_iter()
            .map(|m| Warning::at(WarningKind::BadValue, i, m)),
    );
}
