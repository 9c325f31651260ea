//! The service map worked out by hand on a small trace: nodes, cross-service edges with their
//! percentiles and errors, messaging edges, and the root service.

use viewer_session::protocol::{Request, Response};
use viewer_session::service_map::ServiceMapView;
use viewer_session::{Outgoing, Session};

/// One Jaeger span: (id, parent, service, start µs, duration µs, tags, reference type).
fn span(
    id: &str,
    parent: Option<(&str, &str)>,
    svc: &str,
    dur: u64,
    tags: serde_json::Value,
) -> serde_json::Value {
    let refs: Vec<serde_json::Value> = parent
        .map(|(p, kind)| serde_json::json!({"refType": kind, "traceID": "t", "spanID": p}))
        .into_iter()
        .collect();
    serde_json::json!({"traceID": "t", "spanID": id, "operationName": format!("op-{id}"), "references": refs,
        "startTime": 1_000_000, "duration": dur, "processID": svc, "tags": tags})
}

fn map_of(spans: Vec<serde_json::Value>) -> ServiceMapView {
    let processes = serde_json::json!({
        "web": {"serviceName": "web"}, "api": {"serviceName": "api"},
        "db": {"serviceName": "db"}, "queue": {"serviceName": "queue"}});
    let doc =
        serde_json::json!({"data": [{"traceID": "t", "spans": spans, "processes": processes}]});
    let mut s = Session::new();
    let loaded = s.import(vec![("t.json".into(), doc.to_string().into_bytes())]);
    assert!(matches!(loaded, Response::Loaded { .. }), "{loaded:?}");
    s.select(0).expect("select");
    match s.handle(Request::ServiceMap) {
        Outgoing::Json(Response::ServiceMap(m)) => *m,
        other => panic!("{other:?}"),
    }
}

#[test]
fn calls_between_services_become_edges_with_percentiles_and_errors() {
    let no_tags = serde_json::json!([]);
    let error = serde_json::json!([{"key": "error", "type": "bool", "value": true}]);
    let consumer = serde_json::json!([{"key": "span.kind", "type": "string", "value": "consumer"}]);
    let mut spans = vec![span("root", None, "web", 1000, no_tags.clone())];
    // Four web -> api calls of 10, 20, 30 and 40 µs, the last one failed; each api span calls
    // db once, and api also calls itself (not an edge).
    for (k, dur) in [10u64, 20, 30, 40].into_iter().enumerate() {
        let id = format!("api{k}");
        let tags = if k == 3 {
            error.clone()
        } else {
            no_tags.clone()
        };
        spans.push(span(&id, Some(("root", "CHILD_OF")), "api", dur, tags));
        spans.push(span(
            &format!("db{k}"),
            Some((&id, "CHILD_OF")),
            "db",
            5,
            no_tags.clone(),
        ));
        spans.push(span(
            &format!("self{k}"),
            Some((&id, "CHILD_OF")),
            "api",
            1,
            no_tags.clone(),
        ));
    }
    // A consumer in queue, following from the root: messaging.
    spans.push(span(
        "q",
        Some(("root", "FOLLOWS_FROM")),
        "queue",
        7,
        consumer,
    ));
    let m = map_of(spans);
    let names: Vec<&str> = m.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["api", "db", "queue", "web"]);
    let node = |name: &str| m.nodes.iter().position(|n| n.name == name).unwrap() as u32;
    assert_eq!(m.roots, [node("web")]);
    let api = &m.nodes[node("api") as usize];
    assert_eq!((api.spans, api.errors), (8, 1));
    let edge = |from: &str, to: &str| {
        m.edges
            .iter()
            .find(|e| e.from == node(from) && e.to == node(to))
            .unwrap()
    };
    let web_api = edge("web", "api");
    assert_eq!(
        (web_api.calls, web_api.errors, web_api.messaging),
        (4, 1, false)
    );
    // Nearest rank: p50 of [10, 20, 30, 40] µs is the 2nd, p95 the 4th.
    assert_eq!((web_api.p50_ns, web_api.p95_ns), (20_000, 40_000));
    assert_eq!(edge("api", "db").calls, 4);
    assert!(edge("web", "queue").messaging);
    assert_eq!(m.edges.len(), 3, "no edge from a service to itself");
}
