//! Export: a `Trace` (or part of one) written out as OTLP JSON, Jaeger JSON or Zipkin v2 JSON.
//!
//! `export` writes the spans a [`Scope`] selects from one trace; `export_traces` writes whole
//! traces into one document. One file per format, each starting with the spec it follows and
//! what the format cannot carry, in short:
//!
//! - `otlp`: exact times, attributes, events, links, resource and scope. Lost: FOLLOWS_FROM on
//!   the parent, link kinds (every link is an OTLP link), Jaeger's span `warnings`.
//! - `jaeger`: microseconds; attributes (arrays and maps as JSON text), events, resource, scope
//!   and status through tags. Lost: link kinds but CHILD_OF/FOLLOWS_FROM, link attributes, and
//!   the links of a span without a parent in the export that point at an exported span (a reader
//!   would take them as its parent).
//! - `zipkin`: microseconds; tags as strings; status error. Lost: links, FOLLOWS_FROM, event
//!   attributes, resource (but the service name), scope and status OK (written as tags only),
//!   unspecified kind (read back as internal), Jaeger's span `warnings`.
//!
//! Common rules: a span whose parent is not exported is written as a root, without a word; the
//! service of every span is `Trace::service`; all unit changes go through `crate::time`; a start
//! of exactly 0 (Chrome traces count from the start of the recording) is written as it is, though
//! all three formats read 0 as "no start"; nothing here panics on any trace.
//!
//! Zipkin shared spans (a client and a server half with one id) keep their id everywhere. OTLP
//! and Jaeger have no such notion: readers hang every child of that id (the server half
//! included) from the first span that has it, so the client half is written first, and ours
//! reports the repeated id as a duplicate.

mod jaeger;
mod otlp;
mod zipkin;

use crate::model::{Link, LinkKind, Trace, Value};
use crate::scope::{self, Scope};
use serde_json::Value as J;

/// A format `export` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Otlp,
    Jaeger,
    Zipkin,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [
        ExportFormat::Otlp,
        ExportFormat::Jaeger,
        ExportFormat::Zipkin,
    ];

    /// "otlp", "jaeger" or "zipkin" (the same names as `import::Format::as_str`).
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Otlp => "otlp",
            ExportFormat::Jaeger => "jaeger",
            ExportFormat::Zipkin => "zipkin",
        }
    }

    /// The inverse of `as_str`, ignoring case and surrounding spaces.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
    }

    /// File name suffix without the leading dot. All three are JSON; the format's name in front
    /// of `.json` keeps them apart and is the hint import uses when the content says nothing.
    pub fn file_extension(self) -> &'static str {
        match self {
            ExportFormat::Otlp => "otlp.json",
            ExportFormat::Jaeger => "jaeger.json",
            ExportFormat::Zipkin => "zipkin.json",
        }
    }
}

/// The spans of `t` that `scope` selects, as one JSON document in format `to`.
pub fn export(t: &Trace, scope: &Scope, to: ExportFormat) -> String {
    document(&[Selection::new(t, scope)], to)
}

/// Every span of every trace, as one JSON document: OTLP and Zipkin put all spans in one request
/// or list, Jaeger writes `{"data": [...]}` with one entry per trace.
pub fn export_traces(traces: &[Trace], to: ExportFormat) -> String {
    let sels: Vec<Selection> = traces
        .iter()
        .map(|t| Selection::new(t, &Scope::Whole))
        .collect();
    document(&sels, to)
}

fn document(sels: &[Selection], to: ExportFormat) -> String {
    let doc = match to {
        ExportFormat::Otlp => {
            let rs: Vec<J> = sels.iter().flat_map(otlp::resource_spans).collect();
            serde_json::json!({ "resourceSpans": rs })
        }
        ExportFormat::Jaeger => {
            let data: Vec<J> = sels.iter().map(jaeger::trace).collect();
            serde_json::json!({ "data": data })
        }
        ExportFormat::Zipkin => J::Array(sels.iter().flat_map(zipkin::spans).collect()),
    };
    doc.to_string()
}

/// The spans of one trace that an export writes.
pub(crate) struct Selection<'t> {
    pub t: &'t Trace,
    /// Span indexes in the trace's order.
    pub spans: Vec<u32>,
    keep: Vec<bool>,
}

impl<'t> Selection<'t> {
    fn new(t: &'t Trace, scope: &Scope) -> Self {
        let spans = scope::select(t, scope);
        let mut keep = vec![false; t.len() as usize];
        for &i in &spans {
            if let Some(k) = keep.get_mut(i as usize) {
                *k = true;
            }
        }
        Selection { t, spans, keep }
    }

    /// The parent of `i` when it is exported too: a parent left out makes `i` a root.
    pub fn parent(&self, i: u32) -> Option<u32> {
        self.t
            .parent(i)
            .filter(|&p| self.keep.get(p as usize) == Some(&true))
    }

    /// True for Zipkin's server half of a shared span: same id as its parent, the client half.
    pub fn is_shared_half(&self, i: u32) -> bool {
        self.parent(i)
            .is_some_and(|p| self.t.span_id(p) == self.t.span_id(i))
    }

    /// The spans with shared server halves last. Importers resolve a parent id to the first span
    /// that has it, so the client half must come first for the server half to hang from it.
    pub fn client_halves_first(&self) -> Vec<u32> {
        let (halves, mut rest): (Vec<u32>, Vec<u32>) =
            self.spans.iter().partition(|&&i| self.is_shared_half(i));
        rest.extend(halves);
        rest
    }

    /// True when `l`, a link of span `i`, is the Jaeger reference to `i`'s parent (Jaeger's
    /// references hold the parent too): it is written as the parent, or dropped with it.
    pub fn is_parent_ref(&self, i: u32, l: &Link) -> bool {
        matches!(l.kind, LinkKind::ChildOf | LinkKind::FollowsFrom)
            && self
                .t
                .parent(i)
                .is_some_and(|p| self.t.span_id(p).eq_ignore_ascii_case(&l.span_id))
    }
}

/// A value where the target format only takes text (Zipkin tags, Jaeger arrays and maps):
/// strings as they are, anything else as its JSON (bytes as base64, non-finite floats as
/// `NaN`/`Infinity`/`-Infinity`).
pub fn value_text(v: &Value) -> String {
    match to_json(v) {
        J::String(s) => s,
        other => other.to_string(),
    }
}

/// A value as plain JSON (maps become objects: a repeated key keeps its last value).
fn to_json(v: &Value) -> J {
    match v {
        Value::Null => J::Null,
        Value::Str(s) => J::String(s.clone()),
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(x) => float_json(*x),
        Value::Bytes(b) => J::String(base64(b)),
        Value::Array(a) => J::Array(a.iter().map(to_json).collect()),
        Value::Map(m) => J::Object(
            m.iter()
                .map(|kv| (kv.key.clone(), to_json(&kv.value)))
                .collect(),
        ),
    }
}

/// A float as a JSON number, or where JSON has none, as protobuf JSON spells it (`NaN`,
/// `Infinity`, `-Infinity`), which the importers parse back.
fn float_json(x: f64) -> J {
    match serde_json::Number::from_f64(x) {
        Some(n) => J::Number(n),
        None if x.is_nan() => J::from("NaN"),
        None if x > 0.0 => J::from("Infinity"),
        None => J::from("-Infinity"),
    }
}

/// Standard base64 with padding (OTLP `bytesValue`, Jaeger `binary`).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let char_at = |n: u32| char::from(ABC[(n & 63) as usize]);
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = |k: usize| chunk.get(k).map_or(0, |&x| u32::from(x));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(char_at(n >> 18));
        out.push(char_at(n >> 12));
        out.push(if chunk.len() > 1 {
            char_at(n >> 6)
        } else {
            '='
        });
        out.push(if chunk.len() > 2 { char_at(n) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_decoder() {
        for s in [&b""[..], b"h", b"hi", b"hi!", b"\xff\x00\x10\x80"] {
            let e = base64(s);
            assert_eq!(e.len() % 4, 0);
            assert_eq!(crate::builder::decode_base64(&e).as_deref(), Some(s));
        }
        assert_eq!(base64(b"hi"), "aGk=");
    }

    #[test]
    fn formats_parse_their_names() {
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::parse(f.as_str()), Some(f));
            assert!(f.file_extension().ends_with(".json"));
        }
        assert_eq!(ExportFormat::parse(" OTLP "), Some(ExportFormat::Otlp));
        assert_eq!(ExportFormat::parse("chrome"), None);
    }

    #[test]
    fn value_text_is_json_except_for_strings() {
        assert_eq!(value_text(&Value::Str("a b".into())), "a b");
        assert_eq!(value_text(&Value::Int(-3)), "-3");
        assert_eq!(value_text(&Value::Float(f64::NAN)), "NaN");
        assert_eq!(value_text(&Value::Bytes(b"hi".to_vec())), "aGk=");
        let arr = Value::Array(vec![Value::Str("x".into()), Value::Bool(true)]);
        assert_eq!(value_text(&arr), r#"["x",true]"#);
    }
}
