//! Memory budget of hostile inputs: importing one (and building its tree) allocates at most a
//! fixed multiple of its size, whatever its shape. Each figure is the peak of live heap bytes
//! during the call, from a counting allocator; run with `--nocapture` to see them.

mod common;

use common::generate::{
    chrome_with_tids, jaeger_tree, jaeger_with_empty_spans, zipkin_with_bad_elements,
};
use heap_meter::{peak_since, reset_peak, serial, Counting};
use trace_core::{import, Tree};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Peak heap bytes per input byte that an import may reach. The input's own copy is one; the
/// columns, the id map, the lazy detail ranges and the tree are the rest.
const BUDGET_PER_INPUT_BYTE: f64 = 16.0;
/// Peak heap bytes per span, for inputs whose spans are smaller than the model's cost of a span
/// (`{}` is three bytes; a span costs a few hundred while importing).
const BUDGET_PER_SPAN: f64 = 600.0;

/// Peak heap growth while importing `bytes` and building each trace's tree.
fn peak_of(bytes: &[u8]) -> usize {
    let base = reset_peak();
    if let Ok(imp) = import(bytes, None) {
        for t in &imp.traces {
            let _ = Tree::build(t);
        }
    }
    peak_since(base)
}

/// JSON Lines: one good OTLP document, then `bad` broken lines.
fn jsonl_with_bad_lines(bad: usize) -> Vec<u8> {
    let mut s = String::from(
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"s"}}]},"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000001","name":"op","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#,
    );
    for i in 0..bad {
        s.push_str(&format!("\n{{broken {i}"));
    }
    s.into_bytes()
}

/// A Zipkin span whose name is `mb` megabytes long.
fn huge_name(mb: usize) -> Vec<u8> {
    format!(
        r#"[{{"traceId":"0000000000000001","id":"0000000000000001","name":"{}","timestamp":1,"duration":1}}]"#,
        "x".repeat(mb << 20)
    )
    .into_bytes()
}

#[test]
fn hostile_inputs_stay_within_a_memory_budget_per_byte() {
    let _g = serial();
    let n = 200_000;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "200k-deep parent chain",
            jaeger_tree(n, |k| k.checked_sub(1)),
        ),
        (
            "one parent with 200k children",
            jaeger_tree(n, |k| (k > 0).then_some(0)),
        ),
        (
            "a 200k-span parent cycle",
            jaeger_tree(n, |k| Some((k + 1) % n)),
        ),
        ("300k non-span elements", zipkin_with_bad_elements(300_000)),
        ("100k broken JSON lines", jsonl_with_bad_lines(100_000)),
        (
            "200k thread ids, multiples of 2^32",
            chrome_with_tids(&(1..=n as u64).map(|k| k << 32).collect::<Vec<_>>()),
        ),
        ("a 50 MB span name", huge_name(50)),
    ];
    let mut over = Vec::new();
    for (what, bytes) in &cases {
        let peak = peak_of(bytes);
        let per_byte = peak as f64 / bytes.len() as f64;
        println!(
            "{what}: {:.1} MB in, peak {:.1} MB ({per_byte:.1} bytes per input byte)",
            bytes.len() as f64 / 1e6,
            peak as f64 / 1e6
        );
        if per_byte > BUDGET_PER_INPUT_BYTE {
            over.push(format!("{what}: {per_byte:.1}"));
        }
    }
    assert!(
        over.is_empty(),
        "over {BUDGET_PER_INPUT_BYTE} per byte: {over:?}"
    );
}

#[test]
fn spans_smaller_than_their_model_stay_within_a_budget_per_span() {
    let _g = serial();
    let n = 200_000;
    let bytes = jaeger_with_empty_spans(n);
    let peak = peak_of(&bytes);
    let per_span = peak as f64 / n as f64;
    println!(
        "200k empty spans: {:.1} MB in, peak {:.1} MB ({per_span:.0} bytes per span)",
        bytes.len() as f64 / 1e6,
        peak as f64 / 1e6
    );
    assert!(per_span <= BUDGET_PER_SPAN, "{per_span:.0} bytes per span");
}
