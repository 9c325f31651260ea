//! Appdash JSON (sourcegraph/appdash, the Go tracer of the 2016 OpenTracing demo): the array of
//! traces its web UI exports ("Export as JSON": Go's `[]*Trace`, indented), or one trace (what an
//! Appdash permalink carries).
//!
//! A trace node is `{"ID": {"Trace", "Span", "Parent"}, "Annotations": [{"Key", "Value"}],
//! "Sub": [nodes]}`. IDs are 16-digit hex strings; numbers are accepted too, as Appdash's own
//! reader does. A value is base64 bytes (`null` or `""` when empty). Each recorded event is
//! flattened into keys (`Server.Request.Method`) closed by a `_schema:<name>` marker; OpenTracing
//! tags and baggage are plain annotations without a marker. Times are RFC 3339 with up to nine
//! fraction digits and the recording machine's offset.
//!
//! Read: the span name (the first `Name`, as Appdash's UI shows it); start and end from the
//! timespan events (`Timespan`, `timespan`, `HTTPServer`, `HTTPClient`, `SQL`, and the unprefixed
//! keys written before 2015 and by Appdash's Python client): the earliest start and the latest end;
//! the kind (HTTP server, HTTP client and SQL events, or a `span.kind` tag); an error from an
//! `error` tag, a 5xx served or a failed or 4xx/5xx client call. In the details, `log` events are
//! events (a log holding a JSON object, as the OpenTracing recorder writes multi-field logs, has
//! its fields as attributes); every other annotation is an attribute.
//!
//! Appdash has no service names: a span's service is its `service.name` or `component` tag, else
//! the host an HTTP server event served, else its parent's service, else "appdash".
//!
//! A node nested in `Sub` whose own `Parent` is zero is taken as a child of the node holding it;
//! otherwise `Parent` decides, as Appdash rebuilds its trees from ids.
//!
//! An Appdash permalink (`…/traces/<id>?permalink=<data>`) carries its trace in the address: the
//! data is base64url (unpadded) of gzip of the trace's JSON. [`permalink_payload`] decodes it, so
//! a pasted, dropped or linked permalink opens with nothing fetched.

use super::lenient::{parse_list, skip_element, Scalar, Text};
use super::{Format, ImportError, Pos, PosCursor};
use crate::builder::{ImportBuilder, NewSpan, ParentIn};
use crate::model::*;
use crate::time::Nanos;
use base64::Engine;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// The query parameter of an Appdash permalink.
const PERMALINK_PARAM: &str = "permalink=";

/// The JSON an Appdash permalink carries, when `input` is one (a single address, alone on its
/// line); None when it is not, an error naming the problem when its data cannot be decoded.
pub fn permalink_payload(input: &[u8]) -> Option<Result<Vec<u8>, ImportError>> {
    let text = std::str::from_utf8(input).ok()?.trim();
    if text.starts_with(['{', '[']) || text.contains(char::is_whitespace) {
        return None;
    }
    let query = &text[text.find('?')? + 1..];
    let query = query.split('#').next().unwrap_or(query);
    let data = query
        .split('&')
        .find_map(|pair| pair.strip_prefix(PERMALINK_PARAM))?;
    Some(decode_permalink(data))
}

fn decode_permalink(data: &str) -> Result<Vec<u8>, ImportError> {
    let invalid = |reason: String| {
        ImportError::new(Some(Format::Appdash), super::ErrorKind::Invalid { reason })
    };
    // Go writes the URL alphabet unpadded; a copy may have had padding or the standard
    // alphabet put back, or `=` percent-encoded.
    let data: String = data
        .replace("%3D", "=")
        .replace("%3d", "=")
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let gzipped = engine
        .decode(data.as_bytes())
        .map_err(|e| invalid(format!("the permalink's data is not base64url: {e}")))?;
    if !super::gzip::is_gzip(&gzipped) {
        return Err(invalid(
            "the permalink's data is not gzip-compressed, as Appdash writes it".to_string(),
        ));
    }
    super::gzip::decompress(&gzipped)
}

/// Where Appdash marks the end of an event's keys: `_schema:<event name>`.
const SCHEMA_PREFIX: &str = "_schema:";

/// The service of a span with no hint at all, nor a parent to take one from.
const DEFAULT_SERVICE: &str = "appdash";

#[derive(Deserialize, Default)]
struct Node<'a> {
    #[serde(rename = "ID", borrow, default)]
    id: Ids<'a>,
    #[serde(rename = "Annotations", borrow, default)]
    annotations: Option<&'a RawValue>,
    /// Kept raw: nested spans are walked with a stack of our own, so nesting depth is not
    /// limited by serde_json's recursion limit.
    #[serde(rename = "Sub", borrow, default)]
    sub: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct Ids<'a> {
    #[serde(rename = "Trace", borrow, default)]
    trace: Scalar<'a>,
    #[serde(rename = "Span", borrow, default)]
    span: Scalar<'a>,
    #[serde(rename = "Parent", borrow, default)]
    parent: Scalar<'a>,
}

#[derive(Deserialize)]
struct Annotation<'a> {
    #[serde(rename = "Key", borrow, default)]
    key: Text<'a>,
    /// Base64; `null` for schema markers.
    #[serde(rename = "Value", borrow, default)]
    value: Scalar<'a>,
}

/// A span's annotation with its value decoded to text.
#[derive(Debug)]
struct Decoded<'a> {
    key: Cow<'a, str>,
    /// None when the value is not base64 (shown as written, with a warning, in the details).
    value: Option<String>,
    raw: Cow<'a, str>,
}

/// The node that holds a nested node: its span, and its service for children without one.
struct Holder {
    trace_id: String,
    index: u32,
    service: String,
}

/// A node still to add, in document order.
struct Pending<'a> {
    raw: &'a RawValue,
    holder: Option<std::rc::Rc<Holder>>,
}

pub(crate) fn parse<'a>(text: &'a str, b: &mut ImportBuilder<'a>) -> Result<(), ImportError> {
    let err = |e: serde_json::Error| ImportError::json(Some(Format::Appdash), &e, Pos::START);
    let roots: Vec<&'a RawValue> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(err)?
    } else {
        vec![serde_json::from_str(text).map_err(err)?]
    };
    // Appdash keeps no process or resource: one empty shared context.
    let ctx = b.add_context(Context::Raw {
        resource: None,
        scope: None,
    });
    let mut cursor = PosCursor::new(text, Pos::START);
    let mut stack: Vec<Pending<'a>> = roots
        .into_iter()
        .rev()
        .map(|raw| Pending { raw, holder: None })
        .collect();
    while let Some(next) = stack.pop() {
        let Some((holder, sub)) = add_node(&next, ctx, &mut cursor, b) else {
            continue;
        };
        let children: Vec<&'a RawValue> = sub
            .map(|s| parse_list(s.get(), |c| c, |_, _| None))
            .unwrap_or_default();
        let holder = std::rc::Rc::new(holder);
        stack.extend(children.into_iter().rev().map(|raw| Pending {
            raw,
            holder: Some(std::rc::Rc::clone(&holder)),
        }));
    }
    Ok(())
}

/// Adds one node's span; the node's children (raw) come back with it. None when the node is not
/// a trace object (it is skipped, with the spans nested in it, and a warning says where).
fn add_node<'a>(
    next: &Pending<'a>,
    ctx: u32,
    cursor: &mut PosCursor<'_>,
    b: &mut ImportBuilder<'a>,
) -> Option<(Holder, Option<&'a RawValue>)> {
    let raw = next.raw.get();
    let node: Node<'a> = match serde_json::from_str(raw) {
        Ok(n) => n,
        Err(e) => {
            let p = cursor.of(raw);
            b.warnings.push_with(WarningKind::Skipped, || {
                Warning::new(
                    WarningKind::Skipped,
                    format!(
                        "span at line {}, column {} skipped with the spans nested in it: {e}",
                        p.line, p.column
                    ),
                )
            });
            return None;
        }
    };
    let annotations = node
        .annotations
        .map(|a| decode_all(a.get()))
        .unwrap_or_default();
    let facts = Facts::of(&annotations);
    let holder = next.holder.as_deref();
    let service = facts
        .service
        .clone()
        .or_else(|| holder.map(|h| h.service.clone()))
        .unwrap_or_else(|| DEFAULT_SERVICE.to_string());
    let trace_id = id_text(&node.id.trace);
    let span_id = id_text(&node.id.span);
    let parent_id = id_text(&node.id.parent);
    let parent = match (is_zero(&parent_id), holder) {
        (false, _) => ParentIn::Id(&parent_id),
        // A child given by nesting joins its holder only within the same trace.
        (true, Some(h)) if h.trace_id.eq_ignore_ascii_case(&trace_id) => ParentIn::Index(h.index),
        _ => ParentIn::None,
    };
    let name = facts.name.clone().unwrap_or_else(|| facts.fallback_name());
    let (t, index) = b.add_span(NewSpan {
        trace_id: &trace_id,
        span_id: &span_id,
        parent,
        name: &name,
        service: &service,
        kind: facts.kind,
        status: if facts.error {
            StatusCode::Error
        } else {
            StatusCode::Unset
        },
        start: facts.start,
        duration: facts.end.zip(facts.start).map(|(e, s)| e.saturating_sub(s)),
        follows_from: false,
        shared: false,
        ctx,
    });
    if let Some(a) = node.annotations {
        b.add_part(t, PartField::Attributes, a.get());
    }
    Some((
        Holder {
            trace_id,
            index,
            service,
        },
        node.sub,
    ))
}

/// An id as text: a hex string as written, a number (Appdash reads both) in 16 hex digits.
fn id_text(id: &Scalar<'_>) -> String {
    match id {
        Scalar::Int(n) => format!("{:016x}", *n as u64),
        Scalar::Float(f) if *f >= 0.0 && f.fract() == 0.0 => format!("{:016x}", *f as u64),
        other => other.text().trim().to_string(),
    }
}

/// Appdash writes a root's parent as sixteen zeros; absent or empty means the same.
fn is_zero(id: &str) -> bool {
    id.bytes().all(|c| c == b'0')
}

/// Every annotation of a span, values decoded; elements that are not annotations are dropped
/// (the details say so).
fn decode_all(raw: &str) -> Vec<Decoded<'_>> {
    parse_list(raw, decode_one, |_, _| None)
}

fn decode_one(a: Annotation<'_>) -> Decoded<'_> {
    let raw = a.value.text().into_owned();
    let value = match &a.value {
        Scalar::None => Some(String::new()),
        Scalar::Str(s) => decode_value(s),
        // Not what Appdash writes; kept as written.
        _ => Some(raw.clone()),
    };
    Decoded {
        key: a.key.0,
        value,
        raw: Cow::Owned(raw),
    }
}

/// Go's `[]byte` in JSON: standard base64, padded; unpadded is accepted too.
fn decode_value(s: &str) -> Option<String> {
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let bytes = engine.decode(s.trim()).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// An RFC 3339 time as Unix nanoseconds; Go's zero time (year 1) means "not set".
fn parse_time(s: &str) -> Option<Nanos> {
    let t = time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .ok()?;
    if t.year() <= 1 {
        return None;
    }
    Nanos::try_from(t.unix_timestamp_nanos()).ok()
}

/// Keys whose times start a span's timespan, and keys whose times end it: the `Timespan` and
/// `timespan` events, HTTP server and client events (prefixed since 2015, unprefixed before)
/// and SQL events.
const START_KEYS: [&str; 6] = [
    "Span.Start",
    "S",
    "Server.Recv",
    "Client.Send",
    "ServerRecv",
    "ClientSend",
];
const END_KEYS: [&str; 6] = [
    "Span.End",
    "E",
    "Server.Send",
    "Client.Recv",
    "ServerSend",
    "ClientRecv",
];

/// What the timeline needs of a span, read from its annotations.
#[derive(Default)]
struct Facts {
    name: Option<String>,
    start: Option<Nanos>,
    end: Option<Nanos>,
    kind: SpanKind,
    error: bool,
    service: Option<String>,
    /// For a span without a name: the HTTP method and URI, or "SQL".
    http_method: Option<String>,
    http_target: Option<String>,
    sql: bool,
}

impl Facts {
    fn of(annotations: &[Decoded<'_>]) -> Facts {
        let mut f = Facts {
            kind: SpanKind::Internal,
            ..Facts::default()
        };
        let schemas: Vec<&str> = annotations
            .iter()
            .filter_map(|a| a.key.strip_prefix(SCHEMA_PREFIX))
            .collect();
        let server = schemas.contains(&"HTTPServer");
        let client = schemas.contains(&"HTTPClient");
        f.sql = schemas.contains(&"SQL");
        for a in annotations {
            let Some(v) = a.value.as_deref() else {
                continue;
            };
            f.read(&a.key, v, server);
        }
        if let Some(kind) = f.kind_from_events(server, client) {
            f.kind = kind;
        }
        f
    }

    fn read(&mut self, key: &str, v: &str, server: bool) {
        match key {
            "Name" if self.name.is_none() && !v.is_empty() => self.name = Some(v.to_string()),
            k if START_KEYS.contains(&k) => {
                if let Some(t) = parse_time(v) {
                    self.start = Some(self.start.map_or(t, |s| s.min(t)));
                }
            }
            k if END_KEYS.contains(&k) => {
                if let Some(t) = parse_time(v) {
                    self.end = Some(self.end.map_or(t, |e| e.max(t)));
                }
            }
            "error" => self.error |= v.eq_ignore_ascii_case("true") || v == "1",
            "span.kind" => {
                if let Some(kind) = SpanKind::parse_name(v) {
                    self.kind = kind;
                }
            }
            "service.name" if !v.is_empty() => self.service = Some(v.to_string()),
            "component" if self.service.is_none() && !v.is_empty() => {
                self.service = Some(v.to_string())
            }
            "Server.Response.StatusCode" | "Response.StatusCode" if server => {
                self.error |= v.parse::<i64>().is_ok_and(|c| c >= 500);
            }
            "Client.Response.StatusCode" => {
                // Appdash writes -1 when the call got no response at all.
                self.error |= v.parse::<i64>().is_ok_and(|c| !(0..400).contains(&c));
            }
            "Server.Request.Host" | "Request.Host" if server && self.service.is_none() => {
                self.service = Some(v.to_string()).filter(|s| !s.is_empty());
            }
            "Server.Request.Method" | "Client.Request.Method" | "Request.Method" => {
                self.http_method = Some(v.to_string());
            }
            "Server.Request.URI" | "Client.Request.URI" | "Request.URI" => {
                self.http_target = Some(v.to_string());
            }
            _ => {}
        }
    }

    /// HTTP and SQL events say which side of a call the span is, unless a tag said so.
    fn kind_from_events(&self, server: bool, client: bool) -> Option<SpanKind> {
        if self.kind != SpanKind::Internal {
            return None;
        }
        match (server, client || self.sql) {
            (true, _) => Some(SpanKind::Server),
            (false, true) => Some(SpanKind::Client),
            _ => None,
        }
    }

    fn fallback_name(&self) -> String {
        match (&self.http_method, &self.http_target) {
            (Some(m), Some(t)) => format!("{m} {t}"),
            (Some(m), None) => m.clone(),
            _ if self.sql => "SQL".to_string(),
            _ => "(unnamed)".to_string(),
        }
    }
}

/// A span's details from its annotations, split into events at each `_schema:` marker.
pub(crate) fn details(t: &Trace, i: u32, d: &mut SpanDetails) {
    let Some(raw) = t.part(i, PartField::Attributes) else {
        return;
    };
    let mut notes = Vec::new();
    let annotations: Vec<Decoded<'_>> = parse_list(&raw, decode_one, |e, _| {
        skip_element("annotation", e, &mut notes)
    });
    let start = t.start_ns(i);
    for group in events(&annotations) {
        add_group(group, start, d, &mut notes);
    }
    d.warnings.extend(
        notes
            .into_iter()
            .map(|m| Warning::at(WarningKind::BadValue, i, m)),
    );
}

/// One recorded event's annotations (`schema` None: plain annotations, such as OpenTracing tags).
struct Group<'g, 'a> {
    schema: Option<&'g str>,
    annotations: Vec<&'g Decoded<'a>>,
}

/// The annotations in order, cut after each schema marker. An OpenTracing span records its tags
/// and baggage without a marker just before its `Timespan` event: the keys of a group that do not
/// belong to its event's schema are split off as plain annotations.
fn events<'g, 'a>(annotations: &'g [Decoded<'a>]) -> Vec<Group<'g, 'a>> {
    let mut groups = Vec::new();
    let mut pending: Vec<&'g Decoded<'a>> = Vec::new();
    for a in annotations {
        let Some(schema) = a.key.strip_prefix(SCHEMA_PREFIX) else {
            pending.push(a);
            continue;
        };
        let (own, plain): (Vec<_>, Vec<_>) =
            pending.drain(..).partition(|p| belongs_to(schema, &p.key));
        if !plain.is_empty() {
            groups.push(Group {
                schema: None,
                annotations: plain,
            });
        }
        groups.push(Group {
            schema: Some(schema),
            annotations: own,
        });
    }
    if !pending.is_empty() {
        groups.push(Group {
            schema: None,
            annotations: pending,
        });
    }
    groups
}

/// Whether `key` is one of the keys Appdash writes for events of `schema`. Unknown schemas
/// keep every key before their marker.
fn belongs_to(schema: &str, key: &str) -> bool {
    match schema {
        "name" => key == "Name",
        "msg" => key == "Msg",
        "log" => matches!(key, "Msg" | "Time"),
        "Timespan" => matches!(key, "Span.Start" | "Span.End"),
        "timespan" => matches!(key, "S" | "E"),
        "HTTPServer" => {
            key.starts_with("Server.")
                || key.starts_with("Request.")
                || key.starts_with("Response.")
                || matches!(key, "ServerRecv" | "ServerSend" | "Route" | "User")
        }
        "HTTPClient" => {
            key.starts_with("Client.")
                || key.starts_with("Request.")
                || key.starts_with("Response.")
                || matches!(key, "ClientSend" | "ClientRecv")
        }
        "SQL" => matches!(key, "SQL" | "Tag" | "ClientSend" | "ClientRecv"),
        _ => true,
    }
}

fn add_group(
    group: Group<'_, '_>,
    span_start: Nanos,
    d: &mut SpanDetails,
    notes: &mut Vec<String>,
) {
    match group.schema {
        // The name and the timespan are the span's own name, start and end.
        Some("name" | "Timespan" | "timespan") => {}
        Some("log") => d
            .events
            .push(log_event(&group.annotations, span_start, notes)),
        _ => {
            for a in group.annotations {
                d.attributes
                    .push(KeyValue::new(a.key.as_ref(), text_value(a, notes)));
            }
        }
    }
}

/// A `log` event: its message at its time. A message that is a JSON object (the OpenTracing
/// recorder's multi-field logs) gives the event its fields, named by its `event` field.
fn log_event(annotations: &[&Decoded<'_>], span_start: Nanos, notes: &mut Vec<String>) -> Event {
    let text_of = |key: &str| {
        annotations
            .iter()
            .find(|a| a.key == key)
            .and_then(|a| a.value.clone())
    };
    let message = text_of("Msg").unwrap_or_default();
    let time_ns = text_of("Time").and_then(|t| parse_time(&t));
    if time_ns.is_none() {
        notes.push(format!(
            "a log without a readable time is shown at the span's start: {message:?}"
        ));
    }
    let time_ns = time_ns.unwrap_or(span_start);
    let fields = serde_json::from_str::<std::collections::BTreeMap<String, Scalar<'_>>>(&message)
        .ok()
        .filter(|m| !m.is_empty());
    let (name, attributes) = match fields {
        Some(fields) => {
            let name = fields
                .get("event")
                .map_or_else(|| "log".to_string(), |e| e.text().into_owned());
            let attributes = fields
                .iter()
                .filter(|(k, _)| k.as_str() != "event")
                .map(|(k, v)| KeyValue::new(k.as_str(), Value::Str(v.text().into_owned())))
                .collect();
            (name, attributes)
        }
        None => (message, Vec::new()),
    };
    Event {
        time_ns,
        offset_ns: time_ns.saturating_sub(span_start),
        name,
        attributes,
    }
}

/// An annotation's value: its text, a whole number or a boolean written as text becoming one
/// (only when written exactly as that number or boolean would be, so nothing is lost).
fn text_value(a: &Decoded<'_>, notes: &mut Vec<String>) -> Value {
    let Some(v) = a.value.as_deref() else {
        notes.push(format!(
            "the value of {:?} is not base64; shown as written",
            a.key
        ));
        return Value::Str(a.raw.to_string());
    };
    if let Ok(n) = v.parse::<i64>() {
        if n.to_string() == v {
            return Value::Int(n);
        }
    }
    match v {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::Str(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A permalink Python's gzip made of `{"ID":{"Trace":"0000000000000064","Span":
    /// "000000000000012c","Parent":"0000000000000000"},"Annotations":[{"Key":"Name","Value":
    /// "aGVsbG8="},{"Key":"_schema:name","Value":null}],"Sub":null}`.
    const DATA: &str = "H4sIAAAAAAACA6tW8nRRsqpWCilKTE5VslIyQAFmJko6SsEFiXnoMoZGyUCZgMSi1LwSDF0GBkq1OkqOeXn5JYklmfl5xUpW0dVK3qmVQJV-ibmpQJ1hiTmlIOsS3cOKk9wtbIEaYCrii5MzUnMTrfJQVOaV5uTUxgIdU5oE5XABAKrU-8-7AAAA";

    fn payload(input: &str) -> Option<Result<Vec<u8>, ImportError>> {
        permalink_payload(input.as_bytes())
    }

    #[test]
    fn a_permalink_gives_the_trace_it_carries() {
        for url in [
            format!("http://localhost:8700/traces/0000000000000064?permalink={DATA}"),
            format!("  /traces/0000000000000064?x=1&permalink={DATA}#top\n"),
            format!("/traces/64?permalink={DATA}%3D%3D"),
        ] {
            let json = payload(&url).expect("a permalink").expect("decodes");
            let json = String::from_utf8(json).unwrap();
            assert!(
                json.contains("\"Trace\":\"0000000000000064\""),
                "{url}: {json}"
            );
        }
    }

    #[test]
    fn other_input_is_not_a_permalink() {
        for text in [
            "[{\"ID\":{}}]",
            "http://localhost:8700/traces/64",
            "http://x/traces/64?permalink=abc and more",
            "{\"permalink\": 1}",
        ] {
            assert!(payload(text).is_none(), "{text}");
        }
    }

    #[test]
    fn a_damaged_permalink_says_what_is_wrong() {
        let not_base64 = payload("/traces/64?permalink=H4s!IAAA")
            .unwrap()
            .unwrap_err();
        assert!(
            not_base64.to_string().contains("not base64url"),
            "{not_base64}"
        );
        let not_gzip = payload("/traces/64?permalink=aGVsbG8")
            .unwrap()
            .unwrap_err();
        assert!(not_gzip.to_string().contains("not gzip"), "{not_gzip}");
        let cut = &DATA[..DATA.len() / 2];
        let truncated = payload(&format!("/traces/64?permalink={cut}")).unwrap();
        assert!(truncated.is_err());
    }
}
