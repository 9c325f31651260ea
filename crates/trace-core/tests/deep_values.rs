//! Values nested deeper than serde_json's recursion limit (128), elements of an unexpected type,
//! and strings serde_json cannot read (a lone surrogate escape), in span details: the other
//! attributes are kept, the bad one is shown as text, and the span carries a `BadValue` warning.
//! At any depth nothing overflows the stack.

use trace_core::{import, KeyValue, SpanDetails, Value, WarningKind};

/// An OTLP AnyValue: `kvlistValue`s nested `n` deep.
fn otlp_kvlist(n: usize) -> String {
    let mut v = r#"{"stringValue":"bottom"}"#.to_string();
    for _ in 0..n {
        v = format!(r#"{{"kvlistValue":{{"values":[{{"key":"k","value":{v}}}]}}}}"#);
    }
    v
}

/// An OTLP AnyValue: `arrayValue`s nested `n` deep.
fn otlp_array(n: usize) -> String {
    format!(
        "{}{{\"intValue\":\"1\"}}{}",
        r#"{"arrayValue":{"values":["#.repeat(n),
        "]}}".repeat(n)
    )
}

/// A JSON array nested `n` deep.
fn json_deep(n: usize) -> String {
    format!("{}{}", "[".repeat(n), "]".repeat(n))
}

fn otlp_file(attributes: &str, event_attributes: &str) -> Vec<u8> {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"s"}}}}]}},
        "scopeSpans":[{{"spans":[{{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0000000000000001",
        "name":"n","startTimeUnixNano":"1000","endTimeUnixNano":"2000","attributes":{attributes},
        "events":[{{"timeUnixNano":"1500","name":"e","attributes":{event_attributes}}}]}}]}}]}}]}}"#
    )
    .into_bytes()
}

fn details_of(bytes: &[u8]) -> SpanDetails {
    let imp = import(bytes, None).expect("imports");
    imp.traces[0].span_details(0)
}

fn attr<'a>(kvs: &'a [KeyValue], key: &str) -> &'a Value {
    &kvs.iter()
        .find(|kv| kv.key == key)
        .unwrap_or_else(|| panic!("no {key} in {kvs:?}"))
        .value
}

fn shown_as_text(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.starts_with("(not decoded: nested deeper than 128 levels) "))
}

fn bad_values(d: &SpanDetails) -> Vec<&str> {
    d.warnings
        .iter()
        .filter(|w| w.kind == WarningKind::BadValue)
        .map(|w| w.message.as_str())
        .collect()
}

#[test]
fn otlp_attribute_200_deep_loses_only_itself() {
    for deep in [otlp_kvlist(200), otlp_array(200)] {
        let attrs = format!(
            r#"[{{"key":"a","value":{{"stringValue":"first"}}}},{{"key":"deep","value":{deep}}},{{"key":"z","value":{{"intValue":"3"}}}}]"#
        );
        let ev = format!(
            r#"[{{"key":"deep","value":{deep}}},{{"key":"kept","value":{{"boolValue":true}}}}]"#
        );
        let d = details_of(&otlp_file(&attrs, &ev));
        assert_eq!(d.attributes.len(), 3, "{:?}", d.attributes);
        assert_eq!(attr(&d.attributes, "a"), &Value::Str("first".into()));
        assert_eq!(attr(&d.attributes, "z"), &Value::Int(3));
        assert!(shown_as_text(attr(&d.attributes, "deep")));
        assert_eq!(d.events[0].attributes.len(), 2);
        assert_eq!(attr(&d.events[0].attributes, "kept"), &Value::Bool(true));
        assert!(shown_as_text(attr(&d.events[0].attributes, "deep")));
        assert_eq!(
            bad_values(&d),
            [
                "attribute \"deep\": nested deeper than 128 levels; shown as text",
                "event attribute \"deep\": nested deeper than 128 levels; shown as text"
            ]
        );
        assert!(d.warnings.iter().all(|w| w.span == Some(0)));
    }
}

#[test]
fn otlp_values_within_the_limit_are_decoded_in_full() {
    // 30 kvlists are 120 levels of JSON: decoded, no warning.
    let attrs = format!(r#"[{{"key":"deep","value":{}}}]"#, otlp_kvlist(30));
    let d = details_of(&otlp_file(&attrs, "[]"));
    let mut v = attr(&d.attributes, "deep");
    for _ in 0..30 {
        match v {
            Value::Map(m) => v = &m[0].value,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(v, &Value::Str("bottom".into()));
    assert!(bad_values(&d).is_empty());
}

#[test]
fn otlp_elements_of_the_wrong_type_lose_only_themselves() {
    let attrs = r#"[{"key":"a","value":{"stringValue":"x"}}, 5, {"key":7,"value":{"stringValue":"y"}},
        {"key":"s","value":{"stringValue":12}}, {"key":"z","value":{"intValue":"1"}}]"#;
    let events = r#"[{"key":"e","value":{"stringValue":"kept"}}]"#;
    let d = details_of(&otlp_file(attrs, events));
    let keys: Vec<&str> = d.attributes.iter().map(|kv| kv.key.as_str()).collect();
    assert_eq!(keys, ["a", "7", "s", "z"]);
    assert_eq!(attr(&d.attributes, "7"), &Value::Str("y".into()));
    assert!(attr(&d.attributes, "s")
        .as_str()
        .is_some_and(|s| s.starts_with("(not decoded: invalid type: integer `12`")));
    assert_eq!(bad_values(&d).len(), 3, "{:?}", d.warnings);
    assert_eq!(
        attr(&d.events[0].attributes, "e"),
        &Value::Str("kept".into())
    );
}

#[test]
fn chrome_args_200_deep_lose_only_themselves() {
    let deep = json_deep(200);
    let file = format!(
        r#"[{{"name":"x","cat":"c","ph":"X","ts":0,"dur":10,"pid":1,"tid":1,"id":"0x1","args":{{"a":1,"deep":{deep},"z":"last"}}}},
        {{"name":"i","ph":"i","ts":5,"pid":1,"tid":1,"args":{{"deep":{deep},"ok":true}}}}]"#
    );
    let d = details_of(file.as_bytes());
    let keys: Vec<&str> = d.attributes.iter().map(|kv| kv.key.as_str()).collect();
    assert_eq!(keys, ["category", "id", "a", "deep", "z"]);
    assert!(shown_as_text(attr(&d.attributes, "deep")));
    assert_eq!(attr(&d.events[0].attributes, "ok"), &Value::Bool(true));
    assert!(shown_as_text(attr(&d.events[0].attributes, "deep")));
    assert_eq!(bad_values(&d).len(), 2);
}

#[test]
fn jaeger_untyped_tag_value_200_deep_loses_only_itself() {
    let deep = json_deep(200);
    let file = format!(
        r#"{{"data":[{{"traceID":"t","spans":[{{"traceID":"t","spanID":"1","operationName":"op","startTime":1,"duration":1,
        "tags":[{{"key":"a","type":"string","value":"x"}},{{"key":"deep","value":{deep}}},{{"key":"n","type":"int64","value":"5"}}],
        "logs":[{{"timestamp":1,"fields":[{{"key":"event","value":"e"}},{{"key":"deep","value":{deep}}}]}}],
        "processID":"p"}}],"processes":{{"p":{{"serviceName":"s","tags":[{{"key":"deep","value":{deep}}},{{"key":"h","value":"host"}}]}}}}}}]}}"#
    );
    let d = details_of(file.as_bytes());
    assert_eq!(attr(&d.attributes, "a"), &Value::Str("x".into()));
    assert_eq!(attr(&d.attributes, "n"), &Value::Int(5));
    assert!(shown_as_text(attr(&d.attributes, "deep")));
    assert_eq!(d.events[0].name, "e");
    assert!(shown_as_text(attr(&d.events[0].attributes, "deep")));
    assert_eq!(attr(&d.resource, "h"), &Value::Str("host".into()));
    assert!(shown_as_text(attr(&d.resource, "deep")));
    assert_eq!(bad_values(&d).len(), 3, "{:?}", d.warnings);
}

/// JavaScript writes a string cut in the middle of an emoji with a lone surrogate escape, which
/// JSON parsers refuse. Each becomes U+FFFD (same length, so lazy details stay in place): the
/// span, its kind and status and the tag are all kept, and the file says how many there were.
#[test]
fn jaeger_lone_surrogate_becomes_a_replacement_character() {
    let file = br#"{"data":[{"traceID":"t","spans":[{"traceID":"t","spanID":"1","operationName":"op","startTime":1,"duration":1,
        "tags":[{"key":"span.kind","value":"client"},{"key":"cut","value":"rocket \ud83d"},{"key":"error","value":true}],
        "warnings":["cut \ud83d","whole"],"processID":"p"}],"processes":{"p":{"serviceName":"s"}}}]}"#;
    let imp = import(file, None).expect("imports");
    let t = &imp.traces[0];
    assert_eq!(t.kind(0), trace_core::SpanKind::Client);
    assert!(t.is_error(0));
    let d = t.span_details(0);
    assert_eq!(d.attributes.len(), 3);
    assert_eq!(
        attr(&d.attributes, "cut"),
        &Value::Str("rocket \u{FFFD}".into())
    );
    let reported: Vec<&str> = d
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Reported)
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(reported, ["cut \u{FFFD}", "whole"]);
    assert!(bad_values(&d).is_empty());
    assert!(imp.warnings.iter().any(|w| w.kind == WarningKind::BadValue
        && w.message.starts_with("2 lone UTF-16 surrogate escapes")));
}

/// Lone surrogates anywhere, in every format: names, ids' neighbours, tags, and a correct pair
/// (an emoji) next to them stays an emoji.
#[test]
fn lone_surrogates_lose_nothing_in_any_format() {
    let files: [(&str, &[u8]); 3] = [
        ("zipkin", br#"[{"traceId":"0000000000000001","id":"0000000000000001","name":"cut \ud83d","timestamp":1,"duration":1,"tags":{"k":"\udc00 \ud83d\ude80"}}]"#),
        ("otlp", br#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"s"}}]},"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000001","name":"cut \ud83d","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"k","value":{"stringValue":"\udc00 \ud83d\ude80"}}]}]}]}]}"#),
        ("chrome", br#"[{"name":"cut \ud83d","ph":"X","pid":1,"tid":1,"ts":1,"dur":1,"args":{"k":"\udc00 \ud83d\ude80"}}]"#),
    ];
    for (format, file) in files {
        let imp = import(file, None).unwrap_or_else(|e| panic!("{format}: {e}"));
        let t = &imp.traces[0];
        assert_eq!(t.name(0), "cut \u{FFFD}", "{format}");
        let d = t.span_details(0);
        let k = d
            .attributes
            .iter()
            .find(|a| a.key == "k")
            .unwrap_or_else(|| panic!("{format}: {:?}", d.attributes));
        assert_eq!(k.value, Value::Str("\u{FFFD} \u{1F680}".into()), "{format}");
    }
}

#[test]
fn zipkin_values_200_deep_lose_only_themselves() {
    let deep = json_deep(200);
    // Tags are strings in the spec; a writer that puts objects there still loses only that tag.
    let file = format!(
        r#"[{{"traceId":"1","id":"1","name":"v2","timestamp":1,"duration":1,"localEndpoint":{{"serviceName":"s"}},
        "tags":{{"a":"x","deep":{deep},"z":"y"}}}},
        {{"traceId":"2","id":"2","name":"v1","annotations":[{{"timestamp":1,"value":"cs","endpoint":{{"serviceName":"c"}}}},{{"timestamp":2,"value":"cr","endpoint":{{"serviceName":"c"}}}}],
        "binaryAnnotations":[{{"key":"deep","value":{deep},"endpoint":{{"serviceName":"c"}}}},{{"key":"k","value":"v","endpoint":{{"serviceName":"c"}}}}]}}]"#
    );
    let imp = import(file.as_bytes(), None).expect("imports");
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
    let d = imp.traces[0].span_details(0);
    let keys: Vec<&str> = d.attributes.iter().map(|kv| kv.key.as_str()).collect();
    assert_eq!(keys, ["a", "deep", "z"]);
    assert!(shown_as_text(attr(&d.attributes, "deep")));
    assert_eq!(attr(&d.resource, "service.name"), &Value::Str("s".into()));
    let d = imp.traces[1].span_details(0);
    assert_eq!(attr(&d.attributes, "k"), &Value::Str("v".into()));
    assert!(shown_as_text(attr(&d.attributes, "deep")));
    assert_eq!(d.events.len(), 2);
    assert_eq!(bad_values(&d).len(), 1);
}

/// Nesting a hundred thousand levels deep wherever a value may be: import and details finish
/// (serde_json stops at 128 levels; raw values are skipped iteratively).
#[test]
fn no_depth_overflows_the_stack() {
    const N: usize = 100_000;
    let deep = json_deep(N);
    let files = [
        otlp_file(
            &format!(r#"[{{"key":"deep","value":{}}}]"#, otlp_array(N / 4)),
            &format!(r#"[{{"key":"deep","value":{deep}}}]"#),
        ),
        format!(
            r#"[{{"name":"x","ph":"X","ts":0,"dur":1,"pid":1,"tid":1,"id":{deep},"args":{{"deep":{deep}}},"other":{deep}}}]"#
        )
        .into_bytes(),
        format!(
            r#"{{"data":[{{"traceID":"t","spans":[{{"traceID":"t","spanID":"1","operationName":"op","startTime":1,"duration":1,
            "tags":[{{"key":"deep","value":{deep}}},{{"key":"span.kind","value":"server"}}],"references":{deep},"logs":{deep},
            "warnings":{deep},"processID":"p","other":{deep}}}],"processes":{{"p":{{"serviceName":{deep},"tags":{deep}}}}}}}]}}"#
        )
        .into_bytes(),
        format!(
            r#"[{{"traceId":"1","id":"1","name":"n","timestamp":1,"duration":1,"localEndpoint":{{"serviceName":"s","x":{deep}}},
            "tags":{{"deep":{deep}}},"annotations":[{{"timestamp":1,"value":{deep}}}],"other":{deep}}}]"#
        )
        .into_bytes(),
    ];
    for bytes in files {
        let imp = import(&bytes, None).expect("imports");
        for t in &imp.traces {
            for i in t.spans() {
                let d = t.span_details(i);
                assert!(!bad_values(&d).is_empty(), "{:?}", imp.format);
            }
        }
        let _ = trace_core::dump::dump(&imp);
    }
}
