//! Property tests: no input makes the importer (or anything downstream of it) panic.

use proptest::prelude::*;
use serde_json::{Map, Value};
use trace_core::{dump::dump, import, skew, stats, Tree};

/// Import, then exercise everything a viewer would call on the result.
fn exercise(bytes: &[u8]) {
    if let Ok(imp) = import(bytes, None) {
        let _ = dump(&imp);
        for mut t in imp.traces {
            let tree = Tree::build(&t);
            let _ = stats::compute(&t, &tree);
            let _ = skew::correct(&mut t, &tree);
            for i in t.spans() {
                let _ = t.span_details(i);
            }
        }
    }
}

/// Keys of every supported format, so generated JSON reaches deep into the importers.
const KEYS: &[&str] = &[
    "data",
    "traceID",
    "spanID",
    "spans",
    "processes",
    "processID",
    "references",
    "refType",
    "startTime",
    "duration",
    "tags",
    "logs",
    "key",
    "value",
    "type",
    "resourceSpans",
    "scopeSpans",
    "resource",
    "attributes",
    "traceId",
    "spanId",
    "parentSpanId",
    "startTimeUnixNano",
    "endTimeUnixNano",
    "kind",
    "status",
    "code",
    "events",
    "links",
    "stringValue",
    "intValue",
    "arrayValue",
    "kvlistValue",
    "values",
    "id",
    "parentId",
    "timestamp",
    "localEndpoint",
    "serviceName",
    "annotations",
    "binaryAnnotations",
    "shared",
    "traceEvents",
    "ph",
    "ts",
    "dur",
    "pid",
    "tid",
    "name",
    "args",
    "id2",
    "bind_id",
    "cat",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            "[0-9a-fA-F]{0,33}",
            ".{0,8}",
            Just("B".to_string()),
            Just("E".to_string()),
            Just("X".to_string()),
            Just("CHILD_OF".to_string())
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        exercise(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(v in json_value()) {
        let text = v.to_string();
        exercise(text.as_bytes());
        // Truncated and line-split variants reach the streaming and JSON Lines paths.
        let cut = text.len() / 2;
        if text.is_char_boundary(cut) {
            exercise(&text.as_bytes()[..cut]);
        }
        exercise(format!("{text}\n{text}\n").as_bytes());
    }

    #[test]
    fn json_wrapped_in_every_envelope_never_panics(v in json_value()) {
        for wrapped in [
            format!("{{\"data\":[{{\"traceID\":\"a\",\"spans\":[{v}]}}]}}"),
            format!("{{\"resourceSpans\":[{{\"scopeSpans\":[{{\"spans\":[{v}]}}]}}]}}"),
            format!("[{{\"traceId\":\"a\",\"id\":\"b\"}},{v}]"),
            format!("{{\"traceEvents\":[{{\"ph\":\"B\",\"ts\":1}},{v}"),
        ] {
            exercise(wrapped.as_bytes());
        }
    }
}
