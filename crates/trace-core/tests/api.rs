//! The public API the UI relies on: thread-safety, ownership variants, typed details.

use trace_core::{
    import, import_as, import_owned, stats::Stats, Format, Import, KeyValue, LinkKind, SpanKind,
    StatusCode, Trace, Tree, Value,
};

fn fixture(p: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{p}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn attr<'a>(kv: &'a [KeyValue], key: &str) -> &'a Value {
    &kv.iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("no {key}"))
        .value
}

#[test]
fn results_can_move_to_and_from_a_worker() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Import>();
    send_sync::<Trace>();
    send_sync::<Tree>();
    send_sync::<Stats>();
    send_sync::<trace_core::ImportError>();
}

#[test]
fn borrowed_owned_and_gzip_inputs_agree() {
    let plain = fixture("otlp/ok/01_otel-proto-example-trace.json");
    let a = trace_core::dump::dump(&import(&plain, None).unwrap());
    let b = trace_core::dump::dump(&import_owned(plain, Some("x.json")).unwrap());
    let c = trace_core::dump::dump(
        &import(&fixture("otlp/ok/17_gzip-compressed.json.gz"), None).unwrap(),
    );
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[test]
fn otlp_details_are_typed() {
    let imp = import(&fixture("otlp/ok/12_events-links-status.json"), None).unwrap();
    let t = &imp.traces[0];
    let root = t.spans().find(|&i| t.name(i) == "root").unwrap();
    assert_eq!(t.status(root), StatusCode::Error);
    assert!(t.is_error(root));
    assert_eq!(t.kind(root), SpanKind::Internal);
    let d = t.span_details(root);
    assert_eq!(d.status_message.as_deref(), Some("it broke"));
    assert_eq!(d.events.len(), 1);
    assert_eq!(d.events[0].offset_ns, 500_000_000);
    assert_eq!(d.links[0].kind, LinkKind::Link);
    assert_eq!(d.links[0].target, t.spans().find(|&i| t.name(i) == "other"));
    assert_eq!(
        d.links[1].target, None,
        "a link to another trace stays unresolved"
    );
    assert_eq!(attr(&d.resource, "service.name"), &Value::Str("ev".into()));
    assert_eq!(
        d.scope.as_ref().map(|s| s.name.as_str()),
        Some("io.opentelemetry.x")
    );

    let imp = import(
        &fixture("otlp/ok/11_any-values-arrays-kvlists-bytes.json"),
        None,
    )
    .unwrap();
    let d = imp.traces[0].span_details(0);
    assert_eq!(
        attr(&d.attributes, "i"),
        &Value::Int(-9_007_199_254_740_993)
    );
    assert_eq!(attr(&d.attributes, "bytes"), &Value::Bytes(b"hi".to_vec()));
    assert_eq!(
        attr(&d.attributes, "arr"),
        &Value::Array(vec![Value::Int(1), Value::Str("two".into())])
    );
    match attr(&d.attributes, "map") {
        Value::Map(m) => assert_eq!(m[0].value, Value::Array(vec![Value::Bool(false)])),
        other => panic!("{other:?}"),
    }
}

#[test]
fn jaeger_details_and_warnings() {
    let imp = import(&fixture("jaeger/ok/31_logs-and-typed-tags.json"), None).unwrap();
    let t = &imp.traces[0];
    let d = t.span_details(0);
    assert_eq!(attr(&d.attributes, "i"), &Value::Int(7));
    assert_eq!(attr(&d.attributes, "d"), &Value::Float(0.25));
    assert_eq!(d.events[0].name, "cache miss");
    assert_eq!(d.events[0].offset_ns, 50_000);
    assert_eq!(d.warnings[0].message, "clock skew adjusted");
    assert_eq!(attr(&d.resource, "hostname"), &Value::Str("host-a".into()));

    let imp = import(&fixture("jaeger/ok/23_unknown-process-id.json"), None).unwrap();
    let t = &imp.traces[0];
    assert_eq!(t.service(0), "unknown-service");
    assert_eq!(t.warnings()[0].kind.as_str(), "unknown_process");
    assert_eq!(t.warnings()[0].span, Some(0));
    assert_eq!(t.span_details(0).warnings.len(), 1);
}

#[test]
fn follows_from_flag_and_trace_bounds() {
    let imp = import(&fixture("jaeger/ok/25_follows-from-reference.json"), None).unwrap();
    let t = &imp.traces[0];
    let a = t.spans().find(|&i| t.name(i) == "async-after").unwrap();
    assert!(t.follows_from(a));
    assert_eq!(t.span_details(a).links[0].kind, LinkKind::FollowsFrom);
    assert_eq!(t.trace_start_ns(), 1_000_000);
    assert_eq!(t.trace_end_ns(), 1_250_000);
    assert_eq!(t.span_id(a), "0000000000000002");
    assert_eq!(t.services(), vec!["frontend"]);
}

#[test]
fn errors_have_positions_and_formats() {
    let e = import(
        &fixture("jaeger/err/02_syntax-error-missing-comma.json"),
        None,
    )
    .unwrap_err();
    assert_eq!(e.format, Some(trace_core::Format::Jaeger));
    assert_eq!(e.position(), Some((3, 4)));
    // JSON Lines: positions are relative to the whole file.
    let text = "{\"resourceSpans\":[]}\n{\"resourceSpans\":[]}\n{\"resourceSpans\": [}\n";
    let imp = import(text.as_bytes(), None).unwrap();
    assert!(
        imp.warnings[0].message.contains("line 3, column 20"),
        "{}",
        imp.warnings[0].message
    );
}

/// A file that is one Chrome event object (no array, no `traceEvents`) is read as that event; an
/// object whose `ph` is not its own key is still an object without events.
#[test]
fn a_lone_chrome_event_object_is_read() {
    let one = br#"{"name": "only", "ph": "X", "ts": 1, "dur": 2, "pid": 1, "tid": 1}"#;
    let imp = import(one, None).unwrap();
    assert_eq!(imp.format, trace_core::Format::Chrome);
    assert_eq!(imp.traces[0].len(), 1);
    assert_eq!(imp.traces[0].name(0), "only");
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
    let nested = br#"{"meta": {"name": "x", "ph": "X", "ts": 1}}"#;
    let e = import(nested, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Chrome Trace Event JSON: an object without a `traceEvents` array"
    );
}

/// `find_span` (used for every link when details are decoded) finds hex ids with or without
/// leading zeros and in any case, "odd" ids by their text, the first of duplicated ids, and
/// nothing for unknown ids; span warnings come with the span they name.
#[test]
fn find_span_and_span_warnings() {
    let json = br#"{"data":[{"traceID":"t","spans":[
        {"traceID":"t","spanID":"00000000000000aB","operationName":"a","startTime":1,"duration":9,"processID":"p"},
        {"traceID":"t","spanID":"span-two","operationName":"b","startTime":2,"duration":1,"processID":"p",
         "references":[{"refType":"CHILD_OF","traceID":"t","spanID":"ab"}]},
        {"traceID":"t","spanID":"c","operationName":"c","startTime":3,"duration":1,"processID":"p",
         "references":[{"refType":"CHILD_OF","traceID":"t","spanID":"gone"}]},
        {"traceID":"t","spanID":"c","operationName":"c2","startTime":4,"duration":1,"processID":"p"}
    ],"processes":{"p":{"serviceName":"s"}}}]}"#;
    let imp = import(json, None).unwrap();
    let t = &imp.traces[0];
    let by_name = |n: &str| t.spans().find(|&i| t.name(i) == n).unwrap();
    assert_eq!(t.find_span("ab"), Some(by_name("a")));
    assert_eq!(t.find_span("00000000000000AB"), Some(by_name("a")));
    assert_eq!(t.find_span("SPAN-TWO"), Some(by_name("b")));
    let first_c = t.find_span("c").unwrap();
    assert!(t.name(first_c) == "c" || t.name(first_c) == "c2");
    assert_eq!(t.find_span("dd"), None);
    assert_eq!(t.find_span("nope"), None);
    // The link from b resolves to a through the index.
    let links = t.span_details(by_name("b")).links;
    assert_eq!(links[0].target, Some(by_name("a")));
    // The orphan's warning is on the orphan and nowhere else.
    let orphan = by_name("c");
    assert!(!t.span_details(orphan).warnings.is_empty());
    assert!(t.span_details(by_name("a")).warnings.is_empty());
}

#[test]
fn import_as_reads_the_named_format_and_no_other() {
    let bytes = fixture("jaeger/ok/02_graph-testTrace.json");
    let detected = import(&bytes, None).expect("detected");
    let named = import_as(bytes.clone(), Format::Jaeger).expect("as Jaeger");
    assert_eq!(named.format, Format::Jaeger);
    assert_eq!(named.traces.len(), detected.traces.len());
    assert_eq!(named.traces[0].len(), detected.traces[0].len());
    // Read as OTLP, the same file has no resourceSpans: no spans, not a panic or a guess.
    let as_otlp = import_as(bytes, Format::Otlp).map(|i| i.traces.len());
    assert!(matches!(as_otlp, Ok(0) | Err(_)), "{as_otlp:?}");
}

/// A Jaeger trace of `n` spans whose processes hold a tag with a bad key: shared by every
/// span (`processID`), or embedded in each span.
fn jaeger_with_processes(n: usize, shared: bool) -> Vec<u8> {
    let process = r#"{"serviceName":"svc","tags":[{"key":"host","type":"string","value":"h1"},{"key":5,"type":"string","value":"x"}]}"#;
    let spans: Vec<String> = (0..n)
        .map(|i| {
            let parent = if i == 0 {
                String::new()
            } else {
                format!(r#""references":[{{"refType":"CHILD_OF","traceID":"ab","spanID":"{:x}"}}],"#, i)
            };
            let proc_field = if shared {
                r#""processID":"p1""#.to_string()
            } else {
                format!(r#""process":{process}"#)
            };
            format!(
                r#"{{"traceID":"ab","spanID":"{:x}",{parent}"operationName":"op{i}","startTime":{},"duration":5,{proc_field}}}"#,
                i + 1,
                1_700_000_000_000_000u64 + i as u64
            )
        })
        .collect();
    let processes = if shared {
        format!(r#","processes":{{"p1":{process}}}"#)
    } else {
        String::new()
    };
    format!(
        r#"{{"data":[{{"traceID":"ab","spans":[{}]{processes}}}]}}"#,
        spans.join(",")
    )
    .into_bytes()
}

#[test]
fn a_shared_process_reads_the_same_for_every_span_decoded_once_or_each_time() {
    let shared = import(&jaeger_with_processes(12, true), None).unwrap();
    let own = import(&jaeger_with_processes(12, false), None).unwrap();
    let (a, b) = (&shared.traces[0], &own.traces[0]);
    for i in a.spans() {
        let (da, db) = (a.span_details(i), b.span_details(i));
        assert_eq!(da.resource, db.resource, "span {i}");
        assert_eq!(*attr(&da.resource, "host"), Value::Str("h1".into()));
        assert_eq!(
            *attr(&da.resource, "service.name"),
            Value::Str("svc".into())
        );
        // The bad tag is a warning of every span that uses the process, read again or not.
        let bad = |d: &trace_core::SpanDetails| {
            d.warnings
                .iter()
                .filter(|w| w.message.contains("process tag"))
                .count()
        };
        assert_eq!((bad(&da), bad(&db)), (1, 1), "span {i}: {:?}", da.warnings);
        assert_eq!(a.span_details(i), da, "span {i} read twice");
    }
}
