//! The merged flame graph, worked out by hand on a small trace, and its invariants on real files.

use viewer_session::flame::{FlameData, NO_FRAME};
use viewer_session::protocol::{Request, Response};
use viewer_session::{Outgoing, Session};

fn session_of(name: &str, bytes: Vec<u8>) -> Session {
    let mut s = Session::new();
    match s.import(vec![(name.to_string(), bytes)]) {
        Response::Loaded { .. } => {}
        other => panic!("import failed: {other:?}"),
    }
    s.select(0).expect("select");
    s
}

fn flame(s: &mut Session) -> FlameData {
    match s.handle(Request::Flame) {
        Outgoing::Flame(f) => *f,
        other => panic!("{other:?}"),
    }
}

/// One Jaeger span: (id, parent, service, operation, start µs, duration µs).
fn span(
    id: &str,
    parent: Option<&str>,
    svc: &str,
    op: &str,
    start: u64,
    dur: u64,
) -> serde_json::Value {
    let refs: Vec<serde_json::Value> = parent
        .map(|p| serde_json::json!({"refType": "CHILD_OF", "traceID": "t", "spanID": p}))
        .into_iter()
        .collect();
    serde_json::json!({"traceID": "t", "spanID": id, "operationName": op, "references": refs,
        "startTime": 1_000_000 + start, "duration": dur, "processID": svc})
}

/// The frame of `path` (operation names from the root).
fn frame(f: &FlameData, path: &[&str]) -> usize {
    let mut parent = NO_FRAME;
    let mut found = None;
    for op in path {
        let next = (0..f.len())
            .find(|&i| f.parent[i] == parent && f.string(f.name[i]) == *op)
            .unwrap_or_else(|| panic!("no frame {path:?}"));
        parent = next as u32;
        found = Some(next);
    }
    found.expect("a path")
}

#[test]
fn calls_with_the_same_path_fold_into_one_frame_widest_first() {
    // root 0-100 µs; two "call"s (10-30, 40-70), each with a "db" (12-20, 45-60); "other" 75-95.
    let spans = vec![
        span("a", None, "s1", "root", 0, 100),
        span("b1", Some("a"), "s2", "call", 10, 20),
        span("d1", Some("b1"), "s3", "db", 12, 8),
        span("b2", Some("a"), "s2", "call", 40, 30),
        span("d2", Some("b2"), "s3", "db", 45, 15),
        span("c", Some("a"), "s2", "other", 75, 20),
    ];
    let processes = serde_json::json!({"s1": {"serviceName": "s1"}, "s2": {"serviceName": "s2"}, "s3": {"serviceName": "s3"}});
    let doc =
        serde_json::json!({"data": [{"traceID": "t", "spans": spans, "processes": processes}]});
    let mut s = session_of("t.json", doc.to_string().into_bytes());
    let f = flame(&mut s);
    assert_eq!(f.len(), 4, "root, call, db, other");
    let us = 1_000;
    let (root, call, db, other) = (
        frame(&f, &["root"]),
        frame(&f, &["root", "call"]),
        frame(&f, &["root", "call", "db"]),
        frame(&f, &["root", "other"]),
    );
    // Self times: root 100 - 70 covered = 30; calls 12 + 15; dbs 8 + 15; other 20.
    assert_eq!(
        [
            f.self_time[root],
            f.self_time[call],
            f.self_time[db],
            f.self_time[other]
        ],
        [30 * us, 27 * us, 23 * us, 20 * us]
    );
    assert_eq!(
        [f.total[root], f.total[call], f.total[db], f.total[other]],
        [100 * us, 50 * us, 23 * us, 20 * us]
    );
    assert_eq!(
        [f.count[root], f.count[call], f.count[db], f.count[other]],
        [1, 2, 2, 1]
    );
    assert_eq!(
        [f.depth[root], f.depth[call], f.depth[db], f.depth[other]],
        [0, 1, 2, 1]
    );
    // Left heavy: the wider "call" first, "other" after it; "db" at its parent's left edge.
    assert_eq!(
        [f.start[root], f.start[call], f.start[db], f.start[other]],
        [0, 0, 0, 50 * us]
    );
    assert_eq!(f.string(f.service[db]), "s3");
    assert_eq!(f.width(), 100 * us);
    let read = f.frame(call as u32).expect("the call frame");
    assert_eq!(
        (read.name, read.service, read.count, read.total),
        ("call", "s2", 2, 50 * us)
    );
    assert_eq!(
        f.frame(f.len() as u32),
        None,
        "an index from an earlier graph reads nothing"
    );
    let folded_into = |frame: usize| {
        f.span_frame
            .iter()
            .filter(|&&x| x as usize == frame)
            .count()
    };
    assert_eq!(folded_into(call), 2);
    assert_eq!(folded_into(db), 2);
}

#[test]
fn real_traces_fold_with_children_inside_their_parents() {
    for name in [
        "graph-testTrace.json",
        "smartthings-oauth-authorization.json",
        "flamegraph-testTrace.json",
    ] {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let mut s = session_of(name, std::fs::read(&path).unwrap());
        let f = flame(&mut s);
        let spans: u32 = f.count.iter().sum();
        assert_eq!(
            spans as usize,
            f.span_frame.len(),
            "{name}: every span folded once"
        );
        assert!(
            f.span_frame.iter().all(|&x| (x as usize) < f.len()),
            "{name}"
        );
        for i in 0..f.len() {
            assert!(f.total[i] >= f.self_time[i], "{name}");
            let p = f.parent[i];
            if p == NO_FRAME {
                assert_eq!(f.depth[i], 0);
                continue;
            }
            let p = p as usize;
            assert!(p < i, "{name}: parents first");
            assert_eq!(f.depth[i], f.depth[p] + 1);
            assert!(
                f.start[i] >= f.start[p] && f.start[i] + f.total[i] <= f.start[p] + f.total[p],
                "{name}: frame {i} inside its parent"
            );
        }
    }
}
