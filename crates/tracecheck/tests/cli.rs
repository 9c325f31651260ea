//! Runs the tracecheck binary on fixtures: exit codes and the --json shape.

use serde_json::Value;
use std::process::Command;

fn fixture(p: &str) -> String {
    format!(
        "{}/../trace-core/tests/fixtures/{p}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tracecheck"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn json_summary_has_one_object_per_file() {
    let a = fixture("zipkin/ok/07_skew.json");
    let b = fixture("jaeger/ok/16_stats-traceWithThreeShortOverlappingChildren.json");
    let (code, out, err) = run(&["summary", "--json", &a, &b]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let z = &lines[0];
    assert_eq!(z["file"], a.as_str());
    assert_eq!(z["format"], "zipkin");
    let t = &z["traces"][0];
    assert_eq!(t["trace_id"], "1e223ff1f80f1c69");
    assert_eq!(t["spans"], 4);
    assert_eq!(t["services"], serde_json::json!(["servicea", "serviceb"]));
    assert_eq!(t["root"], "get");
    assert_eq!(t["roots"], 1);
    // The server half starts 62.307ms before the root; the trace ends with the root at 161.718ms.
    assert_eq!(t["duration_us"], 161_718);
    assert_eq!(t["errors"], 0);
    assert_eq!(t["warnings"], 0);
    assert!(z["warnings"].as_array().unwrap().is_empty());
    let keys: Vec<&String> = t.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 8);
    assert_eq!(lines[1]["format"], "jaeger");
    assert_eq!(lines[1]["traces"][0]["duration_us"], 36);
}

#[test]
fn errors_count_error_spans_and_warnings_are_listed() {
    let f = fixture("jaeger/ok/28_error-tag-and-otel-status.json");
    let (code, out, _) = run(&["summary", "--json", &f]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["traces"][0]["errors"], 3);
    let f = fixture("otlp/ok/16_json-lines-with-bad-line.jsonl");
    let (code, out, _) = run(&["summary", "--json", &f]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["warnings"][0]["kind"], "skipped");
    assert!(v["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("line 2"));
}

#[test]
fn unreadable_file_gives_exit_1_and_the_error() {
    let good = fixture("otlp/ok/01_otel-proto-example-trace.json");
    let bad = fixture("otlp/err/02_syntax-error-line-3.json");
    let (code, out, err) = run(&["summary", "--json", &good, &bad]);
    assert_eq!(code, 1);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["format"], "otlp");
    assert_eq!(lines[1]["file"], bad.as_str());
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("OTLP JSON: expected value at line 3, column 19"));
    assert!(err.contains("line 3, column 19"), "{err}");
    let (code, _, err) = run(&[
        "summary",
        &fixture("jaeger/err/02_syntax-error-missing-comma.json"),
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Jaeger JSON: expected `,` or `}` at line 3, column 4"),
        "{err}"
    );
    let (code, _, err) = run(&["summary", "/nonexistent/file.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read file"), "{err}");
}

#[test]
fn text_summary_and_usage() {
    let (code, out, _) = run(&["summary", &fixture("chrome/ok/24_simple.json")]);
    assert_eq!(code, 0);
    assert!(out.contains("Chrome Trace Event JSON (1 trace)"), "{out}");
    assert!(out.contains("4 spans"), "{out}");
    let (code, _, err) = run(&["frobnicate"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unrecognized subcommand 'frobnicate'"),
        "{err}"
    );
    assert!(err.contains("Usage: tracecheck"), "{err}");
    let (code, out, _) = run(&["dump", &fixture("chrome/ok/24_simple.json")]);
    assert_eq!(code, 0);
    assert!(out.starts_with("format: chrome\n"));
}

#[test]
fn convert_writes_every_trace_in_a_file_that_imports_back() {
    let src = fixture("zipkin/ok/12_list-of-traces.json");
    let original = trace_core::import(&std::fs::read(&src).unwrap(), None).unwrap();
    let spans = |imp: &trace_core::Import| -> Vec<u32> {
        let mut v: Vec<u32> = imp.traces.iter().map(|t| t.len()).collect();
        v.sort();
        v
    };
    assert!(original.traces.len() > 1);
    for to in ["otlp", "jaeger", "zipkin"] {
        let out = format!("{}/converted.{to}.json", env!("CARGO_TARGET_TMPDIR"));
        let (code, stdout, err) = run(&["convert", "--to", to, &src, "-o", &out]);
        assert_eq!(code, 0, "{err}");
        assert!(stdout.is_empty(), "{stdout}");
        let back = trace_core::import(&std::fs::read(&out).unwrap(), None).unwrap();
        assert_eq!(back.format.as_str(), to);
        assert_eq!(spans(&back), spans(&original), "{to}");
        // Without -o the document goes to stdout.
        let (code, stdout, _) = run(&["convert", "--to", to, &src]);
        assert_eq!(code, 0);
        assert_eq!(stdout, std::fs::read_to_string(&out).unwrap());
    }
}

#[test]
fn convert_errors_say_what_is_wrong() {
    let src = fixture("otlp/ok/01_otel-proto-example-trace.json");
    let (code, _, err) = run(&["convert", "--to", "chrome", &src]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown format \"chrome\"") && err.contains("--help"),
        "{err}"
    );
    let (code, _, err) = run(&["convert", "--to", "otlp", "/nonexistent/file.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read file"), "{err}");
    let bad = fixture("jaeger/err/02_syntax-error-missing-comma.json");
    let (code, _, err) = run(&["convert", "--to", "otlp", &bad]);
    assert_eq!(code, 1);
    assert!(err.contains("line 3, column 4"), "{err}");
    let (code, _, err) = run(&["convert", "--to", "otlp", &src, "-o", "/nonexistent/dir/x"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot write /nonexistent/dir/x"), "{err}");
}

#[test]
fn link_gives_span_count_and_link_length_per_trace() {
    let f = fixture("zipkin/ok/07_skew.json");
    let (code, out, err) = run(&["link", &f]);
    assert_eq!(code, 0, "{err}");
    let line = out
        .lines()
        .find(|l| l.contains("trace 1e223ff1f80f1c69"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains(": 4 spans, link "), "{line}");
    let chars: usize = line
        .split("link ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(chars > 0, "{line}");
    assert!(out.contains("smaller"), "{out}");
    // Over the limit: said, not an error.
    let (code, out, _) = run(&["link", "--limit", "10", &f]);
    assert_eq!(code, 0);
    assert!(
        out.contains("4 spans, link over the 10-character limit"),
        "{out}"
    );
    let (code, _, err) = run(&["link", "/nonexistent/file.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read file"), "{err}");
    let (code, _, err) = run(&["link", "--limit", "x", &f]);
    assert_eq!(code, 2);
    assert!(err.contains("needs a positive number"), "{err}");
}

#[test]
fn link_print_gives_the_link_text_that_decodes_to_the_trace() {
    let f = fixture("zipkin/ok/07_skew.json");
    let (code, out, err) = run(&["link", "--print", &f]);
    assert_eq!(code, 0, "{err}");
    let text = out.trim();
    assert_eq!(text.lines().count(), 1, "{out}");
    let t = trace_core::packed::decode(text).expect("decodes");
    assert_eq!(t.len(), 4);
    assert_eq!(t.trace_id(), "1e223ff1f80f1c69");
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let file = fixture("jaeger/ok/02_graph-testTrace.json");
    // Far more output than a pipe buffers, so writing meets the closed pipe.
    let files = vec![file.as_str(); 3_000];
    let mut child = Command::new(env!("CARGO_BIN_EXE_tracecheck"))
        .arg("summary")
        .args(&files)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end is dropped here, as `head` does.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        matches!(out.status.code(), Some(0) | Some(141)),
        "{:?}",
        out.status
    );
}
