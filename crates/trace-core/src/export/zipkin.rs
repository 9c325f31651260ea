//! Zipkin v2 JSON writer: a list of spans as the `POST /api/v2/spans` body and Zipkin's UI upload
//! take it (zipkin-api `zipkin2-api.yaml`).
//!
//! Written: `traceId`, `id`, `parentId`, `name`, `kind` (absent for internal and unspecified:
//! Zipkin's local spans), `timestamp`/`duration` in microseconds (rounded down),
//! `localEndpoint.serviceName`, events as `annotations` (their name as the value), attributes as
//! `tags`. A span with the same id as its parent is the server half of a shared span: it gets
//! `shared: true` and its parent's `parentId`, as Zipkin writes them. Following OpenTelemetry's
//! Zipkin exporter, an error status is the `error` tag (its message, or "true"), and
//! `otel.status_code`, `otel.scope.name` and `otel.scope.version` tags carry the status code and
//! scope, each unless the span has a tag of that key already.
//!
//! What Zipkin cannot carry:
//! - Times below the microsecond.
//! - Links: Zipkin has no links (nor FOLLOWS_FROM); they are dropped, and so are Jaeger's span
//!   `warnings`.
//! - A start below 1 µs, which Zipkin readers take as "not set".
//! - Event attributes: an annotation is a timestamp and a string; they are dropped (the value
//!   stays the event's name, so names and counts survive).
//! - Resource: only the service name, as `localEndpoint.serviceName`.
//! - Scope and status OK: only as the tags above, which Zipkin readers show as tags.
//! - Typed values: tags are strings (`value_text`), and a key repeated in the attributes keeps
//!   its first value.
//! - An unspecified kind: no kind means a local span, read back as internal.
//! - An `error` attribute on a span whose status is not error is written as it is; Zipkin readers
//!   take any `error` tag but "false" as an error.

use super::Selection;
use crate::model::{SpanDetails, SpanKind, StatusCode};
use crate::time::ns_to_us;
use serde_json::{json, Map, Value as J};

/// The Zipkin spans of one trace's selection, in the trace's order.
pub(crate) fn spans(sel: &Selection) -> Vec<J> {
    sel.spans
        .iter()
        .map(|&i| span(sel, i, &sel.t.span_details(i)))
        .collect()
}

fn span(sel: &Selection, i: u32, d: &SpanDetails) -> J {
    let t = sel.t;
    let shared = sel.is_shared_half(i);
    // The server half of a shared span hangs from the client half's parent.
    let parent = match sel.parent(i) {
        Some(p) if shared => sel.parent(p),
        p => p,
    };
    let annotations: Vec<J> = d
        .events
        .iter()
        .map(|e| json!({ "timestamp": ns_to_us(e.time_ns), "value": e.name }))
        .collect();
    let mut s = json!({
        "traceId": t.trace_id(),
        "id": t.span_id(i),
        "name": t.name(i),
        "timestamp": ns_to_us(t.start_ns(i)),
        "duration": ns_to_us(t.duration_ns(i)),
        "localEndpoint": { "serviceName": t.service(i) },
        "annotations": annotations,
        "tags": tags(sel, i, d),
    });
    if let Some(p) = parent {
        s["parentId"] = J::String(t.span_id(p));
    }
    if let Some(kind) = kind(t.kind(i)) {
        s["kind"] = J::from(kind);
    }
    if shared {
        s["shared"] = J::Bool(true);
    }
    s
}

fn kind(k: SpanKind) -> Option<&'static str> {
    match k {
        SpanKind::Client => Some("CLIENT"),
        SpanKind::Server => Some("SERVER"),
        SpanKind::Producer => Some("PRODUCER"),
        SpanKind::Consumer => Some("CONSUMER"),
        SpanKind::Internal | SpanKind::Unspecified => None,
    }
}

/// Attributes as strings (the first of a repeated key wins), then status and scope tags.
fn tags(sel: &Selection, i: u32, d: &SpanDetails) -> Map<String, J> {
    let t = sel.t;
    let mut tags = Map::new();
    for kv in &d.attributes {
        tags.entry(kv.key.as_str())
            .or_insert_with(|| J::String(super::value_text(&kv.value)));
    }
    if t.status(i) == StatusCode::Error {
        let error = error_tag(tags.get("error"), d.status_message.as_deref());
        tags.insert("error".into(), J::String(error));
    }
    let mut add = |key: &str, value: &str| {
        tags.entry(key).or_insert_with(|| J::from(value));
    };
    if t.status(i) != StatusCode::Unset {
        add(
            "otel.status_code",
            &t.status(i).as_str().to_ascii_uppercase(),
        );
    }
    if let Some(s) = &d.scope {
        add("otel.scope.name", &s.name);
        if let Some(v) = &s.version {
            add("otel.scope.version", v);
        }
    }
    tags
}

/// The `error` tag of an error span: the status message, else the span's own `error` tag when it
/// reads as an error, else "true" (readers take any value but "false" as an error, and any value
/// but "true" as the message).
fn error_tag(existing: Option<&J>, message: Option<&str>) -> String {
    let existing = existing.and_then(J::as_str).filter(|v| *v != "false");
    message
        .filter(|m| !m.is_empty())
        .or(existing)
        .unwrap_or("true")
        .to_string()
}
