//! Jaeger JSON writer: the format of the Jaeger UI's "Download JSON" and upload, which is the
//! query service's `/api/traces` response (jaeger `model/json/model.go`, jaeger-ui
//! `src/types/trace.tsx`): `{"data":[{traceID, spans, processes}]}`.
//!
//! Written: the parent as the first reference (CHILD_OF, or FOLLOWS_FROM when the span follows
//! from it), then the span's other links as references; start and duration in microseconds
//! (rounded down); tags typed `string`/`bool`/`int64`/`float64`/`binary`; events as logs; one
//! process per distinct (service, resource), the resource's attributes (but `service.name`) as its
//! tags; the warnings the source file reported on the span. Tags Jaeger's OpenTelemetry
//! translator uses carry what Jaeger has no field for, each added only when the span has no tag
//! of that key already: `span.kind`, `error=true` and `otel.status_code`/`otel.status_description`
//! for the status, `otel.scope.name`/`otel.scope.version` for the scope. An event whose name would
//! not be read back from its fields (`event`, else `message`, else "log") gets an `event` field.
//!
//! What Jaeger cannot carry:
//! - Times below the microsecond, and a start below 1 µs, which Jaeger readers take as "not set".
//! - Link kinds and attributes: references have neither, so OTLP links and Chrome flows are
//!   FOLLOWS_FROM references; when the parent is FOLLOWS_FROM, other CHILD_OF references are
//!   written FOLLOWS_FROM too, or readers would take them for the parent.
//! - Links of a span without a parent in the export that point at an exported span: a reader
//!   takes a root's reference as its parent, so they are dropped.
//! - Arrays and maps in tags: written as `string` tags holding their JSON.

use super::Selection;
use crate::model::{Event, KeyValue, LinkKind, SpanDetails, SpanKind, StatusCode, Value};
use crate::time::ns_to_us;
use serde_json::{json, Map, Value as J};
use std::collections::{HashMap, HashSet};

/// One Jaeger trace object for the selected spans.
pub(crate) fn trace(sel: &Selection) -> J {
    let t = sel.t;
    let exported: HashSet<String> = sel.spans.iter().map(|&i| t.span_id(i)).collect();
    let mut processes = Processes::default();
    let spans: Vec<J> = sel
        .client_halves_first()
        .into_iter()
        .map(|i| {
            let d = t.span_details(i);
            let pid = processes.id_of(t.service(i), &d.resource);
            span(sel, i, &d, &exported, pid)
        })
        .collect();
    json!({
        "traceID": t.trace_id(),
        "spans": spans,
        "processes": processes.by_id,
        "warnings": null,
    })
}

/// Processes `p1`, `p2`, ... one per distinct (service, resource).
#[derive(Default)]
struct Processes {
    by_id: Map<String, J>,
    by_key: HashMap<String, String>,
}

impl Processes {
    fn id_of(&mut self, service: &str, resource: &[KeyValue]) -> String {
        let tags: Vec<J> = resource
            .iter()
            .filter(|kv| kv.key != "service.name")
            .map(tag)
            .collect();
        let process = json!({ "serviceName": service, "tags": tags });
        let key = process.to_string();
        if let Some(id) = self.by_key.get(&key) {
            return id.clone();
        }
        let id = format!("p{}", self.by_id.len() + 1);
        self.by_id.insert(id.clone(), process);
        self.by_key.insert(key, id.clone());
        id
    }
}

fn span(sel: &Selection, i: u32, d: &SpanDetails, exported: &HashSet<String>, pid: String) -> J {
    let t = sel.t;
    let reported: Vec<&str> = d
        .warnings
        .iter()
        .filter(|w| w.kind == crate::model::WarningKind::Reported)
        .map(|w| w.message.as_str())
        .collect();
    json!({
        "traceID": t.trace_id(),
        "spanID": t.span_id(i),
        "operationName": t.name(i),
        "references": references(sel, i, d, exported),
        "startTime": ns_to_us(t.start_ns(i)),
        "duration": ns_to_us(t.duration_ns(i)),
        "tags": tags(sel, i, d),
        "logs": d.events.iter().map(log).collect::<Vec<J>>(),
        "processID": pid,
        "warnings": if reported.is_empty() { J::Null } else { json!(reported) },
    })
}

/// The parent first (Jaeger readers take the first in-trace CHILD_OF as the parent), then the
/// other links. See the module doc for what is dropped or retyped.
fn references(sel: &Selection, i: u32, d: &SpanDetails, exported: &HashSet<String>) -> Vec<J> {
    let t = sel.t;
    let parent = sel.parent(i);
    let follows = parent.is_some() && t.follows_from(i);
    let mut refs = Vec::new();
    if let Some(p) = parent {
        let ty = if follows { "FOLLOWS_FROM" } else { "CHILD_OF" };
        refs.push(reference(ty, t.trace_id(), &t.span_id(p)));
    }
    for l in &d.links {
        let would_be_parent = parent.is_none() && exported.contains(&l.span_id);
        if sel.is_parent_ref(i, l) || would_be_parent {
            continue;
        }
        let ty = match l.kind {
            LinkKind::ChildOf if !follows => "CHILD_OF",
            _ => "FOLLOWS_FROM",
        };
        refs.push(reference(ty, &l.trace_id, &l.span_id));
    }
    refs
}

fn reference(ty: &str, trace_id: &str, span_id: &str) -> J {
    json!({ "refType": ty, "traceID": trace_id, "spanID": span_id })
}

/// The attributes, then the conventional tags for what Jaeger has no field for.
fn tags(sel: &Selection, i: u32, d: &SpanDetails) -> Vec<J> {
    let t = sel.t;
    let mut tags: Vec<J> = d.attributes.iter().map(tag).collect();
    let has = |keys: &[&str]| {
        d.attributes
            .iter()
            .any(|kv| keys.contains(&kv.key.as_str()))
    };
    // `keys`: the key to write, then other keys readers take for the same thing.
    let mut add = |keys: &[&str], value: Value| match keys.first() {
        Some(&key) if !has(keys) => tags.push(tag(&KeyValue::new(key, value))),
        _ => {}
    };
    if t.kind(i) != SpanKind::Unspecified {
        add(&["span.kind"], Value::Str(t.kind(i).as_str().into()));
    }
    if t.status(i) == StatusCode::Error {
        add(&["error"], Value::Bool(true));
    }
    if t.status(i) != StatusCode::Unset {
        let code = t.status(i).as_str().to_ascii_uppercase();
        add(&["otel.status_code"], Value::Str(code));
    }
    if let Some(m) = &d.status_message {
        add(&["otel.status_description"], Value::Str(m.clone()));
    }
    if let Some(s) = &d.scope {
        add(
            &["otel.scope.name", "otel.library.name"],
            Value::Str(s.name.clone()),
        );
        if let Some(v) = &s.version {
            add(
                &["otel.scope.version", "otel.library.version"],
                Value::Str(v.clone()),
            );
        }
    }
    tags
}

/// A Jaeger key-value with its `type`.
fn tag(kv: &KeyValue) -> J {
    let (ty, value) = match &kv.value {
        Value::Str(s) => ("string", J::from(s.as_str())),
        Value::Bool(b) => ("bool", J::Bool(*b)),
        Value::Int(n) => ("int64", J::from(*n)),
        Value::Float(x) => ("float64", super::float_json(*x)),
        Value::Bytes(b) => ("binary", J::String(super::base64(b))),
        Value::Null => ("string", J::Null),
        v @ (Value::Array(_) | Value::Map(_)) => ("string", J::String(super::value_text(v))),
    };
    json!({ "key": kv.key, "type": ty, "value": value })
}

/// An event as a log; its name goes in an `event` field unless the fields already give it back.
fn log(e: &Event) -> J {
    let named = e
        .attributes
        .iter()
        .find(|kv| kv.key == "event" || kv.key == "message")
        .and_then(|kv| kv.value.as_str())
        .unwrap_or("log");
    let mut fields = Vec::with_capacity(e.attributes.len() + 1);
    if named != e.name {
        fields.push(tag(&KeyValue::new("event", Value::Str(e.name.clone()))));
    }
    fields.extend(e.attributes.iter().map(tag));
    json!({ "timestamp": ns_to_us(e.time_ns), "fields": fields })
}
