//! Format detection by content. The file name is only a tie-breaker: users rename files.
//!
//! We look at the JSON keys in the first 64 KiB rather than parsing the document twice: top-level
//! and span keys always appear early. For input we cannot place we say what it looks like.

use super::{ErrorKind, Format, ImportError, Pos};

const SNIFF: usize = 64 * 1024;

/// Detects the format of `text` (already decompressed and UTF-8 checked).
pub fn detect(text: &str, name_hint: Option<&str>) -> Result<Format, ImportError> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let Some(first) = body.chars().next() else {
        return Err(ImportError::new(None, ErrorKind::Empty));
    };
    if first != '{' && first != '[' {
        let found: String = body.chars().take(24).collect();
        let found = if first == '<' {
            format!("{found:?} (looks like HTML or XML)")
        } else {
            format!("{found:?}")
        };
        return Err(ImportError::new(None, ErrorKind::NotJson { found }));
    }
    let mut end = body.len().min(SNIFF);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let head = body.get(..end).unwrap_or("").as_bytes();
    let has = |k: &str| has_key(head, k);

    // OTLP near-misses first: metrics/logs files share the resource wrapper.
    if !has("resourceSpans") && !has("scopeSpans") && !has("instrumentationLibrarySpans") {
        if has("resourceMetrics") {
            return Err(unknown("an OTLP metrics file (resourceMetrics), not traces; export the traces signal (resourceSpans)"));
        }
        if has("resourceLogs") {
            return Err(unknown("an OTLP logs file (resourceLogs), not traces; export the traces signal (resourceSpans)"));
        }
    }
    if has("resourceSpans") || has("scopeSpans") || has("instrumentationLibrarySpans") {
        return Ok(Format::Otlp);
    }
    if has("batches") && (has("spans") || has("resource")) {
        return Ok(Format::Otlp);
    }
    // Appdash: Go field names, capitalised; annotation keys are values ("Key": "Name"), so no
    // other format's keys can be mistaken for these.
    if has("Annotations") && has("ID") && (has("Sub") || has("Parent")) {
        return Ok(Format::Appdash);
    }
    if has("traceEvents") || (has("ph") && (has("ts") || has("pid") || has("name"))) {
        return Ok(Format::Chrome);
    }
    if has("rootServiceName") || has("rootTraceName") {
        return Err(unknown(
            "Grafana Tempo search results (/api/search: one summary per trace with rootServiceName and the matched spanSets, no full spans); download each trace with /api/traces/<traceID> or /api/v2/traces/<traceID> instead",
        ));
    }
    if has("data") && (has("errors") || has("total")) && !has("spans") && !has("traceID") {
        return Err(jaeger_api_without_traces(body));
    }
    if has("spanId") && has("operationName") && !has("spanID") {
        return Err(unknown(
            "this is Jaeger's protobuf JSON (api_v2/api_v3 gRPC gateway: \"spanId\" in base64, \"startTime\" as a date); download the trace from the Jaeger UI (JSON) or export OTLP JSON instead",
        ));
    }
    if has("traceID") || has("spanID") || has("operationName") {
        return Ok(Format::Jaeger);
    }
    if has("context") && has("trace_id") {
        return Err(unknown(
            "the OpenTelemetry Python console exporter writes this (one object per span with context.trace_id \"0x...\"); export OTLP JSON instead (OTLPSpanExporter or the Collector's file exporter)",
        ));
    }
    if has("traceId") && (has("id") || has("localEndpoint") || has("annotations")) {
        return Ok(Format::Zipkin);
    }
    if has("traceId") && has("spanId") {
        return Ok(Format::Otlp);
    }
    if has("$schema") && contains(head, b"speedscope") {
        return Err(unknown(
            "a speedscope profile, not a trace; open it in speedscope",
        ));
    }
    if has("nodes") && (has("samples") || has("timeDeltas")) {
        return Err(unknown("a CPU profile (.cpuprofile: nodes/samples), not a trace; record a performance trace (Chrome trace events) instead"));
    }
    if has("sampleType") || has("stringTable") {
        return Err(unknown("a pprof profile, not a trace"));
    }
    // Nothing recognised. Tell a JSON syntax error from valid JSON of another shape.
    if let Some(f) = hint_format(name_hint) {
        return Ok(f);
    }
    Err(describe_unknown(body, text))
}

/// A Jaeger query API response (`{"data":..,"total":..,"errors":..}`) with no trace in it: say
/// what the server answered instead of "not a known format".
fn jaeger_api_without_traces(body: &str) -> ImportError {
    #[derive(serde::Deserialize, Default)]
    struct Resp {
        #[serde(default)]
        errors: super::lenient::LenientVec<ApiErr>,
    }
    #[derive(serde::Deserialize, Default)]
    struct ApiErr {
        #[serde(default)]
        code: crate::time::WireNum,
        #[serde(default)]
        msg: Option<String>,
    }
    let r: Resp = serde_json::Deserializer::from_str(body)
        .into_iter()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default();
    let errs: Vec<String> = r
        .errors
        .0
        .iter()
        .map(|e| {
            let msg = e.msg.as_deref().unwrap_or("(no message)");
            match e.code.as_i64() {
                Some(c) => format!("{c} {msg}"),
                None => msg.to_string(),
            }
        })
        .collect();
    let reason = if errs.is_empty() {
        "a Jaeger API response with no traces in `data` (an empty search result?)".to_string()
    } else {
        format!(
            "the Jaeger API answered with an error instead of traces: {}",
            errs.join("; ")
        )
    };
    ImportError::new(Some(Format::Jaeger), ErrorKind::Invalid { reason })
}

fn unknown(hint: &str) -> ImportError {
    ImportError::new(
        None,
        ErrorKind::UnknownJson {
            hint: hint.to_string(),
        },
    )
}

/// The name hint only decides when the content says nothing (e.g. `[]`).
fn hint_format(name: Option<&str>) -> Option<Format> {
    let n = name?.to_ascii_lowercase();
    if n.contains("otlp") || n.contains("otel") {
        Some(Format::Otlp)
    } else if n.contains("jaeger") {
        Some(Format::Jaeger)
    } else if n.contains("zipkin") {
        Some(Format::Zipkin)
    } else if n.contains("chrome") || n.contains("trace-event") || n.contains("perfetto") {
        Some(Format::Chrome)
    } else if n.contains("appdash") {
        Some(Format::Appdash)
    } else {
        None
    }
}

fn describe_unknown(body: &str, text: &str) -> ImportError {
    let mut de = serde_json::Deserializer::from_str(body).into_iter::<serde_json::Value>();
    let offset = text.len() - body.len();
    let pos = Pos::of(text, offset);
    match de.next() {
        Some(Ok(v)) => {
            let shape = match &v {
                serde_json::Value::Object(m) if m.is_empty() => "an empty object".to_string(),
                serde_json::Value::Object(m) => {
                    let keys: Vec<String> = m.keys().take(6).map(|k| format!("{k:?}")).collect();
                    format!("an object with keys {}", keys.join(", "))
                }
                serde_json::Value::Array(a) if a.is_empty() => {
                    "an empty array (no spans)".to_string()
                }
                serde_json::Value::Array(a) => match a.first() {
                    Some(serde_json::Value::Object(m)) => {
                        let keys: Vec<String> =
                            m.keys().take(6).map(|k| format!("{k:?}")).collect();
                        format!("an array of objects with keys {}", keys.join(", "))
                    }
                    _ => "an array of non-objects".to_string(),
                },
                _ => "a scalar".to_string(),
            };
            unknown(&format!(
                "{shape}; expected Jaeger ({{\"data\":[...]}} with traceID/spanID), OTLP (resourceSpans), Zipkin (a list of spans with traceId/id) or Chrome trace events (traceEvents, ph)"
            ))
        }
        Some(Err(e)) => ImportError::json(None, &e, pos),
        None => ImportError::new(None, ErrorKind::Empty),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// True if `"key"` followed by optional whitespace and `:` occurs in `hay`.
pub(crate) fn has_key(hay: &[u8], key: &str) -> bool {
    find_key(hay, key).is_some()
}

/// Offset just after the `:` of the first `"key":` in `hay`.
pub(crate) fn find_key(hay: &[u8], key: &str) -> Option<usize> {
    let k = key.as_bytes();
    let mut i = 0;
    while i + k.len() + 2 <= hay.len() {
        let rest = hay.get(i..)?;
        let q = rest.iter().position(|&b| b == b'"')?;
        let at = i + q;
        let after = at + 1 + k.len();
        if hay.get(at + 1..after) == Some(k) && hay.get(after) == Some(&b'"') {
            let mut j = after + 1;
            while hay.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
                j += 1;
            }
            if hay.get(j) == Some(&b':') {
                return Some(j + 1);
            }
        }
        i = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys() {
        assert!(has_key(br#"{"a" : 1}"#, "a"));
        assert!(!has_key(br#"{"ab": 1}"#, "a"));
        assert!(!has_key(br#"["a", 1]"#, "a"));
    }
}
