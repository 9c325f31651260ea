//! One small load run by a spare worker before anybody drops a file.
//!
//! Browsers compile WebAssembly lazily: a function is compiled the first time it runs, and only
//! hot ones are optimised later. A spare worker whose wasm is instantiated but has never parsed
//! anything still pays for compiling the importer, the tree, the view encoder and the filter on
//! the first real drop: about 80 ms of a 5 MB load on this project's 2-core test machine. Running
//! the same steps once over a small built-in trace moves that cost to when the page is idle.

use crate::protocol::{Request, Response};
use crate::session::{FileImport, Outgoing, Session};
use std::fmt::Write;
use std::sync::Arc;
use trace_core::source::Source;
use trace_core::StreamImport;

/// Services of the built-in trace, each calling the next.
const SERVICES: [&str; 4] = ["frontend", "orders", "payments", "postgres"];

/// Spans in the built-in trace (~1.5 MB): enough that the parser's hot loops run long
/// enough for the browser to optimise them (it compiles quickly first, and optimises only
/// what runs often), few enough to cost ~20 ms of an idle worker.
const SPANS: usize = 3_000;

/// What the warm-up load produced; the test checks it, the worker ignores it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WarmUp {
    pub spans: usize,
    pub view_bytes: usize,
    pub matches: usize,
    pub details_attributes: usize,
    pub stats_services: usize,
    /// Imported a chunk at a time, as dropped Jaeger files are.
    pub streamed: bool,
}

const NAME: &str = "warm-up.json";

/// Imports the built-in trace into a throwaway session and asks it what a page asks after a
/// drop: the view, one span's details, a search on an attribute, the statistics.
pub fn warm_up() -> WarmUp {
    let mut session = Session::new();
    let mut out = WarmUp::default();
    let sample = jaeger_sample();
    let file = match streamed(&sample) {
        Some(file) => {
            out.streamed = true;
            file
        }
        None => FileImport::whole(NAME.to_string(), sample, None),
    };
    let loaded = session.open_files(vec![file]);
    if !matches!(loaded, Response::Loaded { .. }) {
        return out;
    }
    if let Outgoing::View(v) = session.handle(Request::SelectTrace { trace: 0 }) {
        out.spans = v.name.len();
        out.view_bytes = v.encode().len();
    }
    if let Outgoing::Json(Response::Details(d)) = session.handle(Request::Details { span: 1 }) {
        out.details_attributes = d.attributes.len();
    }
    let query = "http.status_code=500 OR error".to_string();
    if let Outgoing::Matches(m) = session.handle(Request::Filter { query }) {
        out.matches = m.encode().len();
    }
    if let Outgoing::Json(Response::Stats(s)) = session.handle(Request::Stats) {
        out.stats_services = s.services.len();
    }
    out
}

/// The sample imported as the worker imports a dropped Jaeger file: a chunk at a time.
fn streamed(file: &[u8]) -> Option<FileImport> {
    let mut stream = StreamImport::new();
    file.chunks(64 << 10)
        .try_for_each(|chunk| stream.feed(chunk))
        .ok()?;
    let source: Arc<dyn Source> = Arc::new(file.to_vec());
    Some(FileImport {
        name: NAME.to_string(),
        size: source.len(),
        result: Ok(stream.finish(source).ok()?),
        read_back: None,
    })
}

/// A Jaeger "Download JSON" document: a chain of calls through [`SERVICES`], with typed tags,
/// a log and a reference on every span, and one error.
fn jaeger_sample() -> Vec<u8> {
    let mut spans = String::new();
    for i in 0..SPANS {
        let service = i % SERVICES.len();
        let parent = i.saturating_sub(1) / 2;
        let refs = if i == 0 {
            String::new()
        } else {
            format!(r#"{{"refType":"CHILD_OF","traceID":"7a","spanID":"{parent:x}"}}"#)
        };
        let status = if i == SPANS - 1 { 500 } else { 200 };
        let _ = write!(
            spans,
            r#"{}{{"traceID":"7a","spanID":"{i:x}","operationName":"GET /item/{i}","references":[{refs}],
"startTime":{start},"duration":{dur},"processID":"p{service}",
"tags":[{{"key":"span.kind","type":"string","value":"server"}},{{"key":"http.status_code","type":"int64","value":{status}}},
{{"key":"error","type":"bool","value":{error}}},{{"key":"ratio","type":"float64","value":0.5}}],
"logs":[{{"timestamp":{start},"fields":[{{"key":"event","type":"string","value":"start"}}]}}]}}"#,
            if i == 0 { "" } else { "," },
            start = 1_700_000_000_000_000u64 + i as u64 * 10,
            dur = 100_000 - i * 10,
            error = status == 500,
        );
    }
    let mut processes = String::new();
    for (k, name) in SERVICES.iter().enumerate() {
        let _ = write!(
            processes,
            r#"{}"p{k}":{{"serviceName":"{name}","tags":[{{"key":"hostname","type":"string","value":"host-{k}"}}]}}"#,
            if k == 0 { "" } else { "," },
        );
    }
    format!(r#"{{"data":[{{"traceID":"7a","spans":[{spans}],"processes":{{{processes}}}}}]}}"#)
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warm_up_load_runs_every_step() {
        let w = warm_up();
        assert_eq!(w.spans, SPANS);
        assert!(w.view_bytes > SPANS * 8, "view: {w:?}");
        assert_eq!(w.details_attributes, 4, "{w:?}");
        assert!(w.matches > 0, "{w:?}");
        assert_eq!(w.stats_services, SERVICES.len(), "{w:?}");
        assert!(w.streamed, "{w:?}");
    }
}
