//! jaeger-ui's OTLP -> Jaeger fixture pairs: both sides must give the same tree and timings
//! (at microsecond precision, which is what the Jaeger side keeps).

use trace_core::{import, Trace, Tree};

/// (depth, span id, name, service, kind, start us, duration us)
type Row = (u32, String, String, String, &'static str, i64, i64);

fn load(path: &str) -> Vec<Trace> {
    let bytes = std::fs::read(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    import(&bytes, None).unwrap().traces
}

/// Preorder (depth, span id, name, service, kind, start us, duration us) per trace.
fn shape(traces: &[Trace]) -> Vec<(String, Vec<Row>)> {
    traces
        .iter()
        .map(|t| {
            let tree = Tree::build(t);
            let rows = tree
                .preorder()
                .iter()
                .map(|&i| {
                    (
                        tree.depth(i),
                        t.span_id(i),
                        t.name(i).to_string(),
                        t.service(i).to_string(),
                        t.kind(i).as_str(),
                        t.start_ns(i).div_euclid(1000),
                        t.duration_ns(i) / 1000,
                    )
                })
                .collect();
            (t.trace_id().to_string(), rows)
        })
        .collect()
}

#[test]
fn single_pair_gives_the_same_tree() {
    let otlp = load("otlp/ok/02_otlp2jaeger-in.json");
    let jaeger = load("jaeger/ok/04_otlp2jaeger-out.json");
    assert_eq!(shape(&otlp), shape(&jaeger));
    assert_eq!(otlp[0].len(), 2, "both duplicate spans are kept");
}

#[test]
fn multi_pair_gives_the_same_tree_from_lines_and_combined() {
    let jaeger = shape(&load("jaeger/ok/03_otlp2jaeger-multi-out.json"));
    let lines = shape(&load("otlp/ok/04_otlp2jaeger-multi-in.jsonl"));
    let combined = shape(&load("otlp/ok/03_otlp2jaeger-multi-in-combined.json"));
    assert_eq!(lines, jaeger);
    assert_eq!(combined, jaeger);
}
