//! A generated model, written out in each format by the small writers below and read back, gives
//! the same tree and timings.

use serde_json::{json, Value};
use trace_core::{import, Format, SpanKind, Trace, Tree};

/// (depth, name, service, start ns, duration ns, kind)
type Row = (u32, String, String, i64, i64, Option<SpanKind>);

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

#[derive(Clone, Debug)]
struct Span {
    id: u64,
    parent: Option<usize>,
    name: String,
    service: usize,
    start_us: i64,
    dur_us: i64,
    kind: SpanKind,
}

/// A deterministic tree: every child lies strictly inside its parent and siblings do not overlap,
/// so it is also a valid single-thread Chrome nesting.
fn model(seed: u64, services: usize) -> Vec<Span> {
    let mut rng = seed;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut spans = vec![Span {
        id: 1,
        parent: None,
        name: "op-0".into(),
        service: 0,
        start_us: 1_700_000_000_000_000,
        dur_us: 100_000,
        kind: SpanKind::Server,
    }];
    let mut k = 0;
    while k < spans.len() && spans.len() < 60 {
        let (s, d) = (spans[k].start_us, spans[k].dur_us);
        let n = if k == 0 { 3 } else { (next() % 4) as i64 };
        let slot = d / (n + 1);
        for c in 0..n {
            if slot < 4 {
                break;
            }
            let id = spans.len() as u64 + 1;
            let kind =
                [SpanKind::Internal, SpanKind::Client, SpanKind::Server][(next() % 3) as usize];
            spans.push(Span {
                id,
                parent: Some(k),
                name: format!("op-{id}"),
                service: (next() % services as u64) as usize,
                start_us: s + 1 + c * slot,
                dur_us: 1 + (next() % (slot as u64 - 2)) as i64,
                kind,
            });
        }
        k += 1;
    }
    spans
}

fn svc(i: usize) -> String {
    format!("svc-{i}")
}

fn jaeger(m: &[Span]) -> Value {
    let spans: Vec<Value> = m
        .iter()
        .map(|s| {
            let refs: Vec<Value> = s.parent.iter().map(|&p| json!({"refType": "CHILD_OF", "traceID": TRACE, "spanID": format!("{:016x}", m[p].id)})).collect();
            json!({"traceID": TRACE, "spanID": format!("{:016x}", s.id), "operationName": s.name, "references": refs,
                   "startTime": s.start_us, "duration": s.dur_us, "processID": format!("p{}", s.service),
                   "tags": [{"key": "span.kind", "type": "string", "value": s.kind.as_str()}]})
        })
        .collect();
    let procs: serde_json::Map<String, Value> = (0..3)
        .map(|i| (format!("p{i}"), json!({"serviceName": svc(i), "tags": []})))
        .collect();
    json!({"data": [{"traceID": TRACE, "spans": spans, "processes": procs}]})
}

fn otlp(m: &[Span]) -> Value {
    let kind = |k: SpanKind| match k {
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        _ => 1,
    };
    let rs: Vec<Value> = (0..3)
        .map(|i| {
            let spans: Vec<Value> = m
                .iter()
                .filter(|s| s.service == i)
                .map(|s| {
                    json!({"traceId": TRACE, "spanId": format!("{:016x}", s.id),
                           "parentSpanId": s.parent.map(|p| format!("{:016x}", m[p].id)).unwrap_or_default(),
                           "name": s.name, "kind": kind(s.kind),
                           "startTimeUnixNano": (s.start_us * 1000).to_string(),
                           "endTimeUnixNano": ((s.start_us + s.dur_us) * 1000).to_string()})
                })
                .collect();
            json!({"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": svc(i)}}]}, "scopeSpans": [{"spans": spans}]})
        })
        .collect();
    json!({"resourceSpans": rs})
}

fn zipkin(m: &[Span]) -> Value {
    let spans: Vec<Value> = m
        .iter()
        .map(|s| {
            let mut v = json!({"traceId": TRACE, "id": format!("{:016x}", s.id), "name": s.name,
                               "timestamp": s.start_us, "duration": s.dur_us, "localEndpoint": {"serviceName": svc(s.service)}});
            if let Some(p) = s.parent {
                v["parentId"] = json!(format!("{:016x}", m[p].id));
            }
            if s.kind != SpanKind::Internal {
                v["kind"] = json!(s.kind.as_str().to_uppercase());
            }
            v
        })
        .collect();
    Value::Array(spans)
}

/// Chrome has no ids, kinds or cross-thread parents: one process and thread, nesting by time.
fn chrome(m: &[Span]) -> Value {
    let mut ev: Vec<Value> = vec![
        json!({"ph": "M", "pid": 1, "tid": 1, "name": "process_name", "args": {"name": "svc-0"}}),
    ];
    // Written in reverse to check that order does not matter, half as B/E pairs.
    for (k, s) in m.iter().enumerate().rev() {
        if k % 2 == 0 {
            ev.push(json!({"ph": "X", "pid": 1, "tid": 1, "name": s.name, "ts": s.start_us, "dur": s.dur_us}));
        } else {
            ev.push(json!({"ph": "B", "pid": 1, "tid": 1, "name": s.name, "ts": s.start_us}));
            ev.push(
                json!({"ph": "E", "pid": 1, "tid": 1, "name": s.name, "ts": s.start_us + s.dur_us}),
            );
        }
    }
    json!({"traceEvents": ev})
}

/// Preorder of (depth, name, service, start, duration) plus the span kind where the format has one.
fn shape(t: &Trace, kinds: bool) -> Vec<Row> {
    let tree = Tree::build(t);
    tree.preorder()
        .iter()
        .map(|&i| {
            (
                tree.depth(i),
                t.name(i).to_string(),
                t.service(i).to_string(),
                t.start_ns(i),
                t.duration_ns(i),
                kinds.then(|| t.kind(i)),
            )
        })
        .collect()
}

fn expected(m: &[Span], kinds: bool, service: Option<&str>) -> Vec<Row> {
    let mut out = Vec::new();
    let mut stack = vec![(0usize, 0u32)];
    while let Some((k, depth)) = stack.pop() {
        let s = &m[k];
        let svc_name = service
            .map(str::to_string)
            .unwrap_or_else(|| svc(s.service));
        out.push((
            depth,
            s.name.clone(),
            svc_name,
            s.start_us * 1000,
            s.dur_us * 1000,
            kinds.then_some(s.kind),
        ));
        let mut kids: Vec<usize> = (0..m.len()).filter(|&c| m[c].parent == Some(k)).collect();
        kids.sort_by_key(|&c| (m[c].start_us, c));
        stack.extend(kids.into_iter().rev().map(|c| (c, depth + 1)));
    }
    out
}

fn read(v: &Value, want: Format) -> Trace {
    let imp = import(v.to_string().as_bytes(), None).unwrap();
    assert_eq!(imp.format, want);
    assert_eq!(imp.traces.len(), 1);
    let t = imp.traces.into_iter().next().unwrap();
    assert!(t.warnings().is_empty(), "{want:?}: {:?}", t.warnings());
    t
}

#[test]
fn every_format_round_trips() {
    for seed in [7u64, 99, 12345] {
        let m = model(seed, 3);
        assert!(m.len() > 10);
        for (v, f) in [
            (jaeger(&m), Format::Jaeger),
            (otlp(&m), Format::Otlp),
            (zipkin(&m), Format::Zipkin),
        ] {
            let t = read(&v, f);
            assert_eq!(t.trace_id(), TRACE);
            assert_eq!(
                shape(&t, true),
                expected(&m, true, None),
                "{f:?} seed {seed}"
            );
        }
        let single = model(seed, 1);
        let t = read(&chrome(&single), Format::Chrome);
        assert_eq!(
            shape(&t, false),
            expected(&single, false, Some("svc-0")),
            "chrome seed {seed}"
        );
    }
}
