//! Two traces aligned by path, worked out by hand: matched spans with both durations, spans
//! only in A or only in B, repeated calls matched in start order, the summary's regressions.

use viewer_session::compare::CompareView;
use viewer_session::protocol::{Request, Response};
use viewer_session::{Outgoing, Session};

/// A Jaeger trace of (id, parent, operation, start µs, duration µs) spans, all in service "s".
fn trace(id: &str, spans: &[(&str, Option<&str>, &str, u64, u64)]) -> serde_json::Value {
    let spans: Vec<serde_json::Value> = spans
        .iter()
        .map(|(sid, parent, op, start, dur)| {
            let refs: Vec<serde_json::Value> = parent
                .map(|p| serde_json::json!({"refType": "CHILD_OF", "traceID": id, "spanID": p}))
                .into_iter()
                .collect();
            serde_json::json!({"traceID": id, "spanID": sid, "operationName": op, "references": refs,
                "startTime": 1_000_000 + start, "duration": dur, "processID": "p"})
        })
        .collect();
    serde_json::json!({"traceID": id, "spans": spans, "processes": {"p": {"serviceName": "s"}}})
}

fn compared(a: serde_json::Value, b: serde_json::Value) -> (Session, CompareView) {
    let doc = serde_json::json!({"data": [a, b]});
    let mut s = Session::new();
    let loaded = s.import(vec![("two.json".into(), doc.to_string().into_bytes())]);
    assert!(matches!(loaded, Response::Loaded { .. }), "{loaded:?}");
    match s.handle(Request::Compare { a: 0, b: 1 }) {
        Outgoing::Json(Response::Compare(c)) => (s, *c),
        other => panic!("{other:?}"),
    }
}

#[test]
fn spans_align_by_path_and_repeated_calls_in_start_order() {
    // A: root with query x2 and cache; B: root with query x3 (the second one slower), no cache.
    let a = trace(
        "a",
        &[
            ("r", None, "root", 0, 100),
            ("q1", Some("r"), "query", 10, 10),
            ("q2", Some("r"), "query", 30, 10),
            ("c", Some("r"), "cache", 50, 5),
        ],
    );
    let b = trace(
        "b",
        &[
            ("r", None, "root", 0, 160),
            ("q1", Some("r"), "query", 10, 10),
            ("q2", Some("r"), "query", 30, 60),
            ("q3", Some("r"), "query", 95, 10),
        ],
    );
    let (_, c) = compared(a, b);
    let rows: Vec<(u16, &str, bool, bool, u64, u64)> = c
        .rows
        .iter()
        .map(|r| {
            (
                r.depth,
                c.string(r.name),
                r.a.is_some(),
                r.b.is_some(),
                r.a_ns,
                r.b_ns,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (0, "root", true, true, 100_000, 160_000),
            (1, "query", true, true, 10_000, 10_000),
            (1, "query", true, true, 10_000, 60_000),
            (1, "cache", true, false, 5_000, 0),
            (1, "query", false, true, 0, 10_000),
        ]
    );
    assert_eq!((c.matched, c.removed, c.added), (3, 1, 1));
    assert_eq!((c.a_duration_ns, c.b_duration_ns), (100_000, 160_000));
    // Largest slow-down first: root (+60 µs), then the second query (+50 µs).
    assert_eq!(c.regressions, vec![0, 2]);
}

#[test]
fn details_of_either_side_and_bad_indices_are_errors() {
    let a = trace("a", &[("r", None, "root", 0, 100)]);
    let b = trace(
        "b",
        &[("r", None, "root", 0, 100), ("x", Some("r"), "extra", 1, 2)],
    );
    let (mut s, c) = compared(a, b);
    let extra = c
        .rows
        .iter()
        .find(|r| r.a.is_none())
        .and_then(|r| r.b)
        .unwrap();
    match s.handle(Request::CompareDetails {
        trace: 1,
        span: extra,
    }) {
        Outgoing::Json(Response::CompareDetails { trace, details }) => {
            assert_eq!(trace, 1);
            assert_eq!(details.name, "extra");
            assert!(
                details.trace_id.ends_with('b'),
                "trace B: {}",
                details.trace_id
            );
        }
        other => panic!("{other:?}"),
    }
    for bad in [
        Request::CompareDetails { trace: 5, span: 0 },
        Request::CompareDetails { trace: 0, span: 9 },
        Request::Compare { a: 0, b: 7 },
    ] {
        assert!(matches!(
            s.handle(bad),
            Outgoing::Json(Response::Error { .. })
        ));
    }
}
