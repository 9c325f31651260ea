//! Export round trips: every fixture under tests/fixtures/*/ok/ is imported, each trace exported
//! to OTLP, Jaeger and Zipkin, the output imported again, and every span compared with the
//! original as far as the target format can carry it. What a format cannot carry is asserted
//! explicitly in the `check_*` helpers (and documented in that exporter's module doc). Scoped
//! exports are checked on one fixture; `scope::select` has unit tests at the end.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use trace_core::export::{export, export_traces, value_text, ExportFormat};
use trace_core::scope::{select, Scope};
use trace_core::time::{ns_to_us, us_to_ns};
use trace_core::{
    import, Event, Format, KeyValue, Link, LinkKind, SpanKind, StatusCode, Trace, WarningKind,
};

fn ok_fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for format in std::fs::read_dir(root).unwrap() {
        if let Ok(dir) = std::fs::read_dir(format.unwrap().path().join("ok")) {
            files.extend(dir.map(|e| e.unwrap().path()));
        }
    }
    files.sort();
    assert!(files.len() > 100, "fixtures not found");
    files
}

fn import_file(path: &Path) -> Vec<Trace> {
    let bytes = std::fs::read(path).unwrap();
    import(&bytes, None).unwrap().traces
}

/// Tags the Jaeger and Zipkin exporters add for what the format has no field for.
const CONVENTIONAL: [&str; 6] = [
    "span.kind",
    "error",
    "otel.status_code",
    "otel.status_description",
    "otel.scope.name",
    "otel.scope.version",
];

/// One span as the comparison sees it.
#[derive(Clone, Debug)]
struct SpanView {
    id: String,
    /// The parent within the export (a parent left out makes a root).
    parent: Option<String>,
    /// The parent in the whole trace: Jaeger references to it are the parent, not links.
    trace_parent: Option<String>,
    /// FOLLOWS_FROM to the parent (the flag means nothing without one).
    follows_from: bool,
    name: String,
    service: String,
    start_ns: i64,
    duration_ns: i64,
    kind: SpanKind,
    status: StatusCode,
    status_message: Option<String>,
    attributes: Vec<KeyValue>,
    events: Vec<Event>,
    links: Vec<Link>,
    resource: Vec<KeyValue>,
    scope: Option<trace_core::Scope>,
    reported: Vec<String>,
    /// The importer repaired a missing start time.
    missing_start: bool,
}

/// The views of `spans`, sorted so that the same spans of two traces line up.
fn views(t: &Trace, spans: &[u32]) -> Vec<SpanView> {
    let kept: HashSet<u32> = spans.iter().copied().collect();
    let mut out: Vec<SpanView> = spans
        .iter()
        .map(|&i| {
            let d = t.span_details(i);
            let parent = t.parent(i);
            let kept_parent = parent.filter(|p| kept.contains(p));
            SpanView {
                id: t.span_id(i),
                parent: kept_parent.map(|p| t.span_id(p)),
                trace_parent: parent.map(|p| t.span_id(p)),
                follows_from: kept_parent.is_some() && t.follows_from(i),
                name: t.name(i).to_string(),
                service: t.service(i).to_string(),
                start_ns: t.start_ns(i),
                duration_ns: t.duration_ns(i),
                kind: t.kind(i),
                status: t.status(i),
                status_message: d.status_message,
                attributes: d.attributes,
                events: d.events,
                links: d.links,
                resource: d.resource,
                scope: d.scope,
                reported: d
                    .warnings
                    .iter()
                    .filter(|w| w.kind == WarningKind::Reported)
                    .map(|w| w.message.clone())
                    .collect(),
                missing_start: d
                    .warnings
                    .iter()
                    .any(|w| w.kind == WarningKind::MissingTimestamp),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |v: &SpanView| (v.id.clone(), v.parent.clone(), v.name.clone());
        key(a)
            .cmp(&key(b))
            .then(ns_to_us(a.start_ns).cmp(&ns_to_us(b.start_ns)))
    });
    out
}

/// Exports the spans `scope` selects, imports the output, and compares span by span.
fn round_trip(t: &Trace, scope: &Scope, to: ExportFormat, what: &str) {
    let spans = select(t, scope);
    let out = export(t, scope, to);
    if spans.is_empty() {
        // Nothing to read back (Chrome files of samples only have no spans).
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok(),
            "{what}"
        );
        return;
    }
    let name = format!("x.{}", to.file_extension());
    let imp = import(out.as_bytes(), Some(&name))
        .unwrap_or_else(|e| panic!("{what} -> {}: {e}\n{out}", to.as_str()));
    assert_eq!(imp.format.as_str(), to.as_str(), "{what}");
    assert_eq!(imp.traces.len(), 1, "{what} -> {}", to.as_str());
    let back = &imp.traces[0];
    assert_eq!(
        back.len() as usize,
        spans.len(),
        "{what} -> {}",
        to.as_str()
    );
    let exported: HashSet<String> = spans.iter().map(|&i| t.span_id(i)).collect();
    for (o, b) in views(t, &spans)
        .iter()
        .zip(views(back, &back.spans().collect::<Vec<_>>()))
    {
        let ctx = format!("{what} -> {}: span {} {:?}", to.as_str(), o.id, o.name);
        check_span(o, &b, to, &exported, &ctx);
    }
}

fn check_span(o: &SpanView, b: &SpanView, to: ExportFormat, exported: &HashSet<String>, ctx: &str) {
    assert_eq!(b.id, o.id, "{ctx}");
    assert_eq!(b.parent, o.parent, "{ctx}");
    assert_eq!(b.name, o.name, "{ctx}");
    assert_eq!(b.service, o.service, "{ctx}");
    check_times(o, b, to, ctx);
    check_kind_and_status(o, b, to, ctx);
    check_attributes(o, b, to, ctx);
    check_events(o, b, to, ctx);
    check_links(o, b, to, exported, ctx);
    check_resource_and_scope(o, b, to, ctx);
}

/// OTLP keeps nanoseconds; Jaeger and Zipkin write microseconds, rounded down. A start of 0
/// (Chrome traces count from the start of the recording) means "no start" in all three: it is
/// read back as missing and repaired, and OTLP, which writes an end rather than a duration, loses
/// the duration with it.
fn check_times(o: &SpanView, b: &SpanView, to: ExportFormat, ctx: &str) {
    let unit = |ns: i64| match to {
        ExportFormat::Otlp => ns,
        _ => us_to_ns(ns_to_us(ns)),
    };
    if unit(o.start_ns) != 0 {
        assert_eq!(b.start_ns, unit(o.start_ns), "{ctx}: start");
        assert_eq!(b.duration_ns, unit(o.duration_ns), "{ctx}: duration");
        return;
    }
    assert!(b.missing_start, "{ctx}: a start of 0 reads as missing");
    let duration = match to {
        ExportFormat::Otlp => 0,
        _ => unit(o.duration_ns),
    };
    assert_eq!(b.duration_ns, duration, "{ctx}: duration");
}

/// Zipkin has no unspecified kind (no kind is internal) and no OK status. Only Jaeger carries
/// FOLLOWS_FROM on the parent.
fn check_kind_and_status(o: &SpanView, b: &SpanView, to: ExportFormat, ctx: &str) {
    let (kind, status) = match (to, o.kind, o.status) {
        (ExportFormat::Zipkin, SpanKind::Unspecified, s) => (SpanKind::Internal, s),
        (ExportFormat::Zipkin, k, StatusCode::Ok) => (k, StatusCode::Unset),
        (_, k, s) => (k, s),
    };
    assert_eq!(b.kind, kind, "{ctx}: kind");
    assert_eq!(b.status, status, "{ctx}: status");
    let message = match to {
        // Zipkin's `error` tag holds the message, so only an error has one.
        ExportFormat::Zipkin if o.status != StatusCode::Error => None,
        _ => o.status_message.clone(),
    };
    assert_eq!(b.status_message, message, "{ctx}: status message");
    let follows = to == ExportFormat::Jaeger && o.follows_from;
    assert_eq!(b.follows_from, follows, "{ctx}: follows_from");
    let reported = match to {
        ExportFormat::Jaeger => o.reported.clone(),
        _ => Vec::new(),
    };
    assert_eq!(b.reported, reported, "{ctx}: reported warnings");
}

/// Key-values as `to` keeps them, ready to compare: OTLP keeps types and order (the Debug form,
/// so that NaN equals NaN); Jaeger and Zipkin change some types and orders, so they compare as
/// sorted (key, value as text) pairs.
fn kept(kvs: &[KeyValue], to: ExportFormat) -> String {
    match to {
        ExportFormat::Otlp => format!("{kvs:?}"),
        _ => format!("{:?}", texts(kvs)),
    }
}

/// (key, value as text), sorted.
fn texts(kvs: &[KeyValue]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = kvs
        .iter()
        .map(|kv| (kv.key.clone(), value_text(&kv.value)))
        .collect();
    v.sort();
    v
}

/// OTLP keeps attributes exactly. Jaeger keeps them (arrays and maps as JSON text) and adds
/// conventional tags; Zipkin keeps the first value of each key as text, and its `error` tag is
/// the status (checked with it).
fn check_attributes(o: &SpanView, b: &SpanView, to: ExportFormat, ctx: &str) {
    if to == ExportFormat::Otlp {
        assert_eq!(
            kept(&b.attributes, to),
            kept(&o.attributes, to),
            "{ctx}: attributes"
        );
        return;
    }
    let original = |key: &str| o.attributes.iter().any(|kv| kv.key == key);
    let status_tag =
        |key: &str| to == ExportFormat::Zipkin && key == "error" && o.status == StatusCode::Error;
    let mut want: Vec<KeyValue> = Vec::new();
    for kv in &o.attributes {
        let repeated = want.iter().any(|w| w.key == kv.key);
        if !(status_tag(&kv.key) || (to == ExportFormat::Zipkin && repeated)) {
            want.push(kv.clone());
        }
    }
    let got: Vec<KeyValue> = b
        .attributes
        .iter()
        .filter(|kv| !status_tag(&kv.key))
        .filter(|kv| original(&kv.key) || !CONVENTIONAL.contains(&kv.key.as_str()))
        .cloned()
        .collect();
    assert_eq!(kept(&got, to), kept(&want, to), "{ctx}: attributes");
}

/// Every format keeps the events' count, names and times (in its unit). OTLP keeps their
/// attributes; Jaeger too, with an `event` field added when the fields would not give the name
/// back; Zipkin drops them.
fn check_events(o: &SpanView, b: &SpanView, to: ExportFormat, ctx: &str) {
    assert_eq!(b.events.len(), o.events.len(), "{ctx}: events");
    for (oe, be) in o.events.iter().zip(&b.events) {
        assert_eq!(be.name, oe.name, "{ctx}: event name");
        let unit = |ns: i64| match to {
            ExportFormat::Otlp => ns,
            _ => us_to_ns(ns_to_us(ns)),
        };
        assert_eq!(be.time_ns, unit(oe.time_ns), "{ctx}: event time");
        let mut got = be.attributes.clone();
        let named = |kv: &KeyValue| kv.key == "event" && kv.value.as_str() == Some(&oe.name);
        if to == ExportFormat::Jaeger && got.len() == oe.attributes.len() + 1 && named(&got[0]) {
            got.remove(0);
        }
        let want = match to {
            ExportFormat::Zipkin => Vec::new(),
            _ => oe.attributes.clone(),
        };
        assert_eq!(kept(&got, to), kept(&want, to), "{ctx}: event attributes");
    }
}

/// A link for comparison: (trace id without leading zeros, span id, kind, attributes as text).
type LinkKey = (String, String, LinkKind, Vec<(String, String)>);

fn link_key(l: &Link, kind: LinkKind, attributes: bool) -> LinkKey {
    let attrs = if attributes {
        texts(&l.attributes)
    } else {
        Vec::new()
    };
    let trace = l.trace_id.trim_start_matches('0').to_string();
    (trace, l.span_id.clone(), kind, attrs)
}

fn is_ref_to(l: &Link, parent: Option<&String>) -> bool {
    matches!(l.kind, LinkKind::ChildOf | LinkKind::FollowsFrom)
        && parent.is_some_and(|p| p.eq_ignore_ascii_case(&l.span_id))
}

/// Jaeger references to the parent are the parent, not links (Jaeger's importer lists them with
/// the links). OTLP makes every other link a plain link with its attributes. Jaeger makes them
/// FOLLOWS_FROM references without attributes (CHILD_OF ones stay so unless the parent is
/// FOLLOWS_FROM) and drops a root's links to exported spans. Zipkin has no links.
fn check_links(
    o: &SpanView,
    b: &SpanView,
    to: ExportFormat,
    exported: &HashSet<String>,
    ctx: &str,
) {
    let others = o
        .links
        .iter()
        .filter(|l| !is_ref_to(l, o.trace_parent.as_ref()));
    let want: Vec<LinkKey> = match to {
        ExportFormat::Otlp => others.map(|l| link_key(l, LinkKind::Link, true)).collect(),
        ExportFormat::Jaeger => others
            .filter(|l| o.parent.is_some() || !exported.contains(&l.span_id))
            .map(|l| {
                let kind = match l.kind {
                    LinkKind::ChildOf if !o.follows_from => LinkKind::ChildOf,
                    _ => LinkKind::FollowsFrom,
                };
                link_key(l, kind, false)
            })
            .collect(),
        ExportFormat::Zipkin => Vec::new(),
    };
    let got: Vec<LinkKey> = b
        .links
        .iter()
        .filter(|l| !is_ref_to(l, b.parent.as_ref()))
        .map(|l| link_key(l, l.kind, true))
        .collect();
    assert_eq!(got, want, "{ctx}: links");
}

/// The resource's `service.name` is the span's service in every format. OTLP keeps the rest
/// exactly, Jaeger as process tags (arrays and maps as text); Zipkin keeps only the service
/// name and drops the scope.
fn check_resource_and_scope(o: &SpanView, b: &SpanView, to: ExportFormat, ctx: &str) {
    let service = |r: &[KeyValue]| {
        r.iter()
            .find(|kv| kv.key == "service.name")
            .and_then(|kv| kv.value.as_str().map(str::to_string))
    };
    assert_eq!(service(&b.resource), Some(o.service.clone()), "{ctx}");
    let rest = |r: &[KeyValue]| -> Vec<KeyValue> {
        r.iter()
            .filter(|kv| kv.key != "service.name")
            .cloned()
            .collect()
    };
    let (resource, scope) = match to {
        ExportFormat::Zipkin => (Vec::new(), None),
        _ => (rest(&o.resource), o.scope.clone()),
    };
    let got = kept(&rest(&b.resource), to);
    assert_eq!(got, kept(&resource, to), "{ctx}: resource");
    assert_eq!(b.scope, scope, "{ctx}: scope");
}

#[test]
fn every_fixture_round_trips_through_every_format() {
    for path in ok_fixtures() {
        let what = path.file_name().unwrap().to_string_lossy().to_string();
        for t in import_file(&path) {
            for to in ExportFormat::ALL {
                round_trip(&t, &Scope::Whole, to, &format!("{what} {}", t.trace_id()));
            }
        }
    }
}

/// The span with the most descendants that is not a root, and the deepest span.
fn subtree_root_and_deepest_leaf(t: &Trace) -> (u32, u32) {
    let depth = |mut i: u32| {
        let mut d = 0;
        while let Some(p) = t.parent(i) {
            (i, d) = (p, d + 1);
        }
        d
    };
    let inner = t
        .spans()
        .filter(|&i| t.parent(i).is_some())
        .max_by_key(|&i| select(t, &Scope::Subtree(i)).len())
        .unwrap();
    let leaf = t.spans().max_by_key(|&i| depth(i)).unwrap();
    (inner, leaf)
}

#[test]
fn subtree_and_ancestor_scopes_round_trip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let files = [
        "jaeger/ok/02_graph-testTrace.json",
        "otlp/ok/03_otlp2jaeger-multi-in-combined.json",
        "zipkin/ok/07_skew.json",
    ];
    for file in files {
        let t = &import_file(&dir.join(file))[0];
        let (inner, leaf) = subtree_root_and_deepest_leaf(t);
        let subtree = Scope::Subtree(inner);
        let ancestors = Scope::WithAncestors(vec![leaf]);
        let n = select(t, &subtree).len();
        assert!(
            n > 1 && n < t.len() as usize,
            "{file}: {n} spans in the subtree"
        );
        assert!(select(t, &ancestors).len() > 2, "{file}");
        for to in ExportFormat::ALL {
            round_trip(t, &subtree, to, &format!("{file} subtree"));
            round_trip(t, &ancestors, to, &format!("{file} with ancestors"));
        }
    }
}

#[test]
fn several_traces_go_into_one_document() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let traces = import_file(&dir.join("zipkin/ok/12_list-of-traces.json"));
    assert!(traces.len() > 1);
    for to in ExportFormat::ALL {
        let out = export_traces(&traces, to);
        let back = import(out.as_bytes(), None).unwrap().traces;
        let ids = |ts: &[Trace]| -> Vec<(String, u32)> {
            let mut v: Vec<_> = ts
                .iter()
                .map(|t| (t.trace_id().trim_start_matches('0').to_string(), t.len()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(ids(&back), ids(&traces), "{}", to.as_str());
    }
}

#[test]
fn an_empty_selection_gives_an_empty_document() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let t = &import_file(&dir.join("otlp/ok/01_otel-proto-example-trace.json"))[0];
    let none = Scope::WithAncestors(vec![u32::MAX]);
    assert_eq!(export(t, &none, ExportFormat::Zipkin), "[]");
    assert_eq!(
        export(t, &none, ExportFormat::Otlp),
        r#"{"resourceSpans":[]}"#
    );
    let jaeger: serde_json::Value =
        serde_json::from_str(&export(t, &none, ExportFormat::Jaeger)).unwrap();
    assert_eq!(jaeger["data"][0]["spans"], serde_json::json!([]));
}

fn exported_json(file: &str, to: ExportFormat) -> serde_json::Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let t = &import_file(&dir.join(file))[0];
    serde_json::from_str(&export(t, &Scope::Whole, to)).unwrap()
}

/// Our importers are lenient, so the round trips alone would not notice a wrong wire type.
#[test]
fn otlp_writes_the_protobuf_json_types() {
    let v = exported_json(
        "otlp/ok/11_any-values-arrays-kvlists-bytes.json",
        ExportFormat::Otlp,
    );
    let span = &v["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    assert_eq!(span["traceId"], "5b8efff798038103d269b633813fc60c");
    assert_eq!(span["startTimeUnixNano"], "1544712660000000000");
    assert_eq!(span["kind"], 1);
    let attr = |k: &str| {
        let attrs = span["attributes"].as_array().unwrap();
        attrs.iter().find(|a| a["key"] == k).unwrap()["value"].clone()
    };
    assert_eq!(
        attr("i"),
        serde_json::json!({"intValue": "-9007199254740993"})
    );
    assert_eq!(attr("nan"), serde_json::json!({"doubleValue": "NaN"}));
    assert_eq!(attr("bytes"), serde_json::json!({"bytesValue": "aGk="}));
    assert_eq!(attr("empty"), serde_json::json!({}));
    let v = exported_json("otlp/ok/12_events-links-status.json", ExportFormat::Otlp);
    let span = &v["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    assert_eq!(
        span["status"],
        serde_json::json!({"code": 2, "message": "it broke"})
    );
    assert_eq!(span["events"][0]["timeUnixNano"], "1544712660500000000");
    // Chrome's 64-bit trace id, padded to OTLP's 16 bytes.
    let v = exported_json("chrome/ok/24_simple.json", ExportFormat::Otlp);
    let span = &v["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    assert_eq!(span["traceId"], "00000000000000000000000000000001");
}

#[test]
fn jaeger_writes_typed_tags_and_conventional_ones() {
    let v = exported_json("otlp/ok/12_events-links-status.json", ExportFormat::Jaeger);
    let trace = &v["data"][0];
    let span = &trace["spans"][0];
    assert_eq!(span["startTime"], 1_544_712_660_000_000_i64);
    assert_eq!(span["duration"], 1_000_000);
    let tag = |k: &str| {
        let tags = span["tags"].as_array().unwrap();
        tags.iter().find(|t| t["key"] == k).cloned()
    };
    let t = |k: &str, ty: &str, v: serde_json::Value| {
        Some(serde_json::json!({"key": k, "type": ty, "value": v}))
    };
    assert_eq!(
        tag("span.kind"),
        t("span.kind", "string", "internal".into())
    );
    assert_eq!(tag("error"), t("error", "bool", true.into()));
    assert_eq!(
        tag("otel.status_code"),
        t("otel.status_code", "string", "ERROR".into())
    );
    assert_eq!(
        tag("otel.scope.name"),
        t("otel.scope.name", "string", "io.opentelemetry.x".into())
    );
    let pid = span["processID"].as_str().unwrap();
    assert_eq!(trace["processes"][pid]["serviceName"], "ev");
    assert_eq!(
        trace["processes"][pid]["tags"],
        serde_json::json!([{"key": "host.name", "type": "string", "value": "h-ev"}])
    );
    assert_eq!(span["logs"][0]["fields"][0]["key"], "event");
}

#[test]
fn zipkin_writes_shared_spans_as_zipkin_does() {
    let v = exported_json("zipkin/ok/07_skew.json", ExportFormat::Zipkin);
    let spans = v.as_array().unwrap();
    let server = spans.iter().find(|s| s["shared"] == true).unwrap();
    assert_eq!(server["id"], "74280ae0c10d8062");
    assert_eq!(server["kind"], "SERVER");
    // The client half's parent, not the client half itself.
    assert_eq!(server["parentId"], "bf396325699c84bf");
    let local = spans.iter().find(|s| s["name"] == "async").unwrap();
    assert!(local.get("kind").is_none());
    assert_eq!(
        local["localEndpoint"],
        serde_json::json!({"serviceName": "serviceb"})
    );
}

// ---- scope::select ----

/// root a; b and c under a; d under b; e under d, listed before its parent; f is an orphan.
fn small_trace() -> Trace {
    let span = |id: &str, parent: Option<&str>| {
        let refs: Vec<serde_json::Value> = parent
            .map(|p| serde_json::json!({"refType": "CHILD_OF", "traceID": "t1", "spanID": p}))
            .into_iter()
            .collect();
        serde_json::json!({"traceID": "t1", "spanID": id, "operationName": id,
            "references": refs, "startTime": 1_000_000, "duration": 10, "processID": "p1"})
    };
    let doc = serde_json::json!({"data": [{"traceID": "t1", "processes": {"p1": {"serviceName": "s"}},
        "spans": [span("a", None), span("e", Some("d")), span("b", Some("a")), span("c", Some("a")),
                  span("d", Some("b")), span("f", Some("zz"))]}]});
    let imp = import(doc.to_string().as_bytes(), None).unwrap();
    assert_eq!(imp.format, Format::Jaeger);
    imp.traces.into_iter().next().unwrap()
}

fn names(t: &Trace, spans: &[u32]) -> Vec<String> {
    spans.iter().map(|&i| t.name(i).to_string()).collect()
}

fn index_of(t: &Trace, name: &str) -> u32 {
    t.spans().find(|&i| t.name(i) == name).unwrap()
}

#[test]
fn select_whole_takes_every_span_in_order() {
    let t = small_trace();
    assert_eq!(select(&t, &Scope::Whole), t.spans().collect::<Vec<_>>());
}

#[test]
fn select_subtree_takes_the_span_and_its_descendants() {
    let t = small_trace();
    let b = index_of(&t, "b");
    assert_eq!(names(&t, &select(&t, &Scope::Subtree(b))), ["e", "b", "d"]);
    let a = index_of(&t, "a");
    assert_eq!(
        names(&t, &select(&t, &Scope::Subtree(a))),
        ["a", "e", "b", "c", "d"]
    );
    let f = index_of(&t, "f");
    assert_eq!(names(&t, &select(&t, &Scope::Subtree(f))), ["f"]);
}

#[test]
fn select_with_ancestors_takes_the_paths_to_the_root() {
    let t = small_trace();
    let (e, c) = (index_of(&t, "e"), index_of(&t, "c"));
    assert_eq!(
        names(&t, &select(&t, &Scope::WithAncestors(vec![e]))),
        ["a", "e", "b", "d"]
    );
    assert_eq!(
        names(&t, &select(&t, &Scope::WithAncestors(vec![c, e, c]))),
        ["a", "e", "b", "c", "d"]
    );
    assert!(select(&t, &Scope::WithAncestors(vec![])).is_empty());
}

#[test]
fn select_ignores_spans_out_of_range() {
    let t = small_trace();
    assert!(select(&t, &Scope::Subtree(t.len())).is_empty());
    assert!(select(&t, &Scope::Subtree(u32::MAX)).is_empty());
    let d = index_of(&t, "d");
    assert_eq!(
        names(
            &t,
            &select(&t, &Scope::WithAncestors(vec![99, d, u32::MAX]))
        ),
        ["a", "b", "d"]
    );
}
