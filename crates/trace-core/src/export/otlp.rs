//! OTLP JSON writer: the JSON encoding of `ExportTraceServiceRequest` (opentelemetry-proto
//! `docs/specification.md` "JSON Protobuf Encoding", `trace/v1/trace.proto`).
//!
//! Written: `resourceSpans` grouped by resource, then `scopeSpans` by instrumentation scope;
//! lowercase hex ids (trace ids of up to 32 hex digits left-padded to 32, as OTLP's 16 bytes);
//! times as decimal strings of Unix nanoseconds; kind and status code as integer enums; every
//! attribute kind as its AnyValue (`intValue` as a string, `bytesValue` as base64, non-finite
//! doubles as strings); events; links.
//!
//! What OTLP cannot carry:
//! - Jaeger's FOLLOWS_FROM on the parent: the parent becomes `parentSpanId` without its type.
//! - Link kinds: Jaeger references other than the parent and Chrome flows become plain links.
//! - Jaeger's span `warnings`: OTLP has no such field.
//! - A start of 0, which OTLP readers take as "not set": the span reads back without its start,
//!   and without its duration, since OTLP writes an end time rather than a duration.
//! - Ids that are not hex (`synthetic-1`, Jaeger's free-form ids) are written as they are, which
//!   strict OTLP readers reject; ours reads them back unchanged.
//!
//! The resource's `service.name` is always `Trace::service` (added when the source had none),
//! because OTLP readers take the service from it.

use super::Selection;
use crate::model::{KeyValue, Scope, SpanDetails, StatusCode, Value};
use serde_json::{json, Value as J};
use std::collections::HashMap;

/// The `resourceSpans` entries for one trace's selected spans.
pub(crate) fn resource_spans(sel: &Selection) -> Vec<J> {
    let mut groups = Groups::default();
    for i in sel.client_halves_first() {
        let d = sel.t.span_details(i);
        let resource = J::Array(attributes(&resource_of(sel, i, &d)));
        let scope = d.scope.as_ref().map(scope_json);
        groups.add(sel.is_shared_half(i), resource, scope, span(sel, i, &d));
    }
    groups.into_json()
}

/// Spans grouped by resource, then scope, in order of first appearance.
#[derive(Default)]
struct Groups {
    resources: Vec<ResourceGroup>,
    index: HashMap<String, usize>,
}

struct ResourceGroup {
    attributes: J,
    scopes: Vec<(Option<J>, Vec<J>)>,
    index: HashMap<String, usize>,
}

impl Groups {
    /// Shared server halves go to groups of their own: `client_halves_first` puts them last, and
    /// their own groups keep them after every client half in the file.
    fn add(&mut self, shared_half: bool, resource: J, scope: Option<J>, span: J) {
        let key = format!("{shared_half}{resource}");
        let r = *self.index.entry(key).or_insert_with(|| {
            self.resources.push(ResourceGroup {
                attributes: resource,
                scopes: Vec::new(),
                index: HashMap::new(),
            });
            self.resources.len() - 1
        });
        let Some(group) = self.resources.get_mut(r) else {
            return;
        };
        let key = scope.as_ref().map(J::to_string).unwrap_or_default();
        let s = *group.index.entry(key).or_insert_with(|| {
            group.scopes.push((scope, Vec::new()));
            group.scopes.len() - 1
        });
        if let Some((_, spans)) = group.scopes.get_mut(s) {
            spans.push(span);
        }
    }

    fn into_json(self) -> Vec<J> {
        self.resources
            .into_iter()
            .map(|r| {
                let scopes: Vec<J> = r
                    .scopes
                    .into_iter()
                    .map(|(scope, spans)| match scope {
                        Some(scope) => json!({ "scope": scope, "spans": spans }),
                        None => json!({ "spans": spans }),
                    })
                    .collect();
                json!({ "resource": { "attributes": r.attributes }, "scopeSpans": scopes })
            })
            .collect()
    }
}

/// The span's resource with `service.name` set to its service (first when it was missing).
fn resource_of(sel: &Selection, i: u32, d: &SpanDetails) -> Vec<KeyValue> {
    let service = Value::Str(sel.t.service(i).to_string());
    let mut resource = d.resource.clone();
    match resource.iter_mut().find(|kv| kv.key == "service.name") {
        Some(kv) => kv.value = service,
        None => resource.insert(0, KeyValue::new("service.name", service)),
    }
    resource
}

fn scope_json(s: &Scope) -> J {
    match &s.version {
        Some(v) => json!({ "name": s.name, "version": v }),
        None => json!({ "name": s.name }),
    }
}

fn span(sel: &Selection, i: u32, d: &SpanDetails) -> J {
    let t = sel.t;
    let mut s = json!({
        "traceId": trace_id(t.trace_id()),
        "spanId": t.span_id(i),
        "name": t.name(i),
        "kind": t.kind(i).code(),
        "startTimeUnixNano": t.start_ns(i).to_string(),
        "endTimeUnixNano": t.end_ns(i).to_string(),
        "attributes": attributes(&d.attributes),
        "events": events(d),
        "links": links(sel, i, d),
        "status": status(t.status(i), d.status_message.as_deref()),
    });
    if let Some(p) = sel.parent(i) {
        s["parentSpanId"] = J::String(t.span_id(p));
    }
    s
}

/// OTLP trace ids are 16 bytes: shorter hex ids (Jaeger's and Zipkin's 64-bit ones) are
/// left-padded as Jaeger's own OTLP conversion does; anything else is kept as written.
fn trace_id(id: &str) -> String {
    let hex = !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit());
    if hex && id.len() < 32 {
        format!("{:0>32}", id.to_ascii_lowercase())
    } else {
        id.to_string()
    }
}

fn events(d: &SpanDetails) -> Vec<J> {
    d.events
        .iter()
        .map(|e| {
            json!({
                "timeUnixNano": e.time_ns.to_string(),
                "name": e.name,
                "attributes": attributes(&e.attributes),
            })
        })
        .collect()
}

/// Every link but the Jaeger reference to the parent, which is `parentSpanId` (or dropped with
/// a parent outside the export).
fn links(sel: &Selection, i: u32, d: &SpanDetails) -> Vec<J> {
    d.links
        .iter()
        .filter(|l| !sel.is_parent_ref(i, l))
        .map(|l| {
            json!({
                "traceId": trace_id(&l.trace_id),
                "spanId": l.span_id,
                "attributes": attributes(&l.attributes),
            })
        })
        .collect()
}

fn status(code: StatusCode, message: Option<&str>) -> J {
    let code = match code {
        StatusCode::Unset => 0,
        StatusCode::Ok => 1,
        StatusCode::Error => 2,
    };
    match message {
        Some(m) => json!({ "code": code, "message": m }),
        None => json!({ "code": code }),
    }
}

fn attributes(kvs: &[KeyValue]) -> Vec<J> {
    kvs.iter()
        .map(|kv| json!({ "key": kv.key, "value": any_value(&kv.value) }))
        .collect()
}

/// OTLP's AnyValue; a null is the empty AnyValue `{}`.
fn any_value(v: &Value) -> J {
    match v {
        Value::Null => json!({}),
        Value::Str(s) => json!({ "stringValue": s }),
        Value::Bool(b) => json!({ "boolValue": b }),
        // int64 is a string in protobuf JSON: a number would lose digits in JavaScript readers.
        Value::Int(n) => json!({ "intValue": n.to_string() }),
        Value::Float(x) => json!({ "doubleValue": super::float_json(*x) }),
        Value::Bytes(b) => json!({ "bytesValue": super::base64(b) }),
        Value::Array(a) => {
            let values: Vec<J> = a.iter().map(any_value).collect();
            json!({ "arrayValue": { "values": values } })
        }
        Value::Map(m) => json!({ "kvlistValue": { "values": attributes(m) } }),
    }
}
