//! A file fed a chunk at a time (`StreamImport`, how the browser's worker reads a big Jaeger
//! file without holding it) gives the traces a whole-file import gives, or says to read it
//! whole; and it holds much less than the file while it reads.

mod common;

use common::FileLike;
use heap_meter::{peak_since, reset_peak, serial, Counting};
use std::sync::Arc;
use trace_core::dump::dump;
use trace_core::source::{BlockSource, Source};
use trace_core::{import_owned, Import, ReadWhole, StreamImport};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// `file` fed in pieces of `piece` bytes; details read back from the file.
fn streamed(file: &[u8], piece: usize) -> Result<Import, ReadWhole> {
    let mut s = StreamImport::detecting_after(1000);
    for chunk in file.chunks(piece.max(1)) {
        s.feed(chunk)?;
    }
    let source: Arc<dyn Source> = Arc::new(BlockSource::new(FileLike::new(file.to_vec())));
    s.finish(source)
}

fn whole(file: &[u8]) -> String {
    dump(&import_owned(file.to_vec(), None).expect("imports whole"))
}

const PIECES: [usize; 6] = [1, 2, 7, 64, 1000, usize::MAX];

#[test]
fn every_jaeger_fixture_streams_to_the_same_traces() {
    let _one_at_a_time = serial();
    let mut streamed_fixtures = 0;
    for (name, file) in common::ok_fixtures() {
        let jaeger =
            name.contains("/jaeger/") && !name.ends_with(".gz") && !name.ends_with(".jsonl");
        for piece in PIECES {
            match streamed(&file, piece) {
                Ok(imp) => {
                    assert!(jaeger, "{name} streamed, but only plain Jaeger JSON should");
                    assert_eq!(dump(&imp), whole(&file), "{name} in pieces of {piece}");
                    assert!(imp.parsed_the_input_as_is);
                    if piece == 1 {
                        streamed_fixtures += 1;
                    }
                }
                Err(ReadWhole) => assert!(
                    !jaeger || name.contains("unknown-process-id"),
                    "{name} (pieces of {piece}) should stream"
                ),
            }
        }
    }
    assert!(
        streamed_fixtures >= 30,
        "{streamed_fixtures} fixtures streamed"
    );
}

fn jaeger(spans: &str, processes: &str, trace_first: bool) -> Vec<u8> {
    let trace_id = r#""traceID":"a1""#;
    let body = if trace_first {
        format!(r#"{trace_id},"spans":[{spans}],"processes":{processes}"#)
    } else {
        format!(r#""spans":[{spans}],"processes":{processes},{trace_id}"#)
    };
    format!(r#"{{"data":[{{{body}}}],"total":0,"limit":0,"offset":0,"errors":null}}"#).into_bytes()
}

const SPANS: &str = r#"{"traceID":"a1","spanID":"1","operationName":"root","startTime":10,"duration":100,"processID":"p1"},
  {"traceID":"a1","spanID":"2","operationName":"both","startTime":20,"duration":10,"processID":"p2",
   "references":[{"refType":"FOLLOWS_FROM","traceID":"zz","spanID":"99"},{"refType":"CHILD_OF","traceID":"a1","spanID":"1"}]},
  {"traceID":"a1","spanID":"3","operationName":"follows","startTime":30,"duration":10,"processID":"p1",
   "references":[{"refType":"FOLLOWS_FROM","traceID":"a1","spanID":"2"},{"refType":"CHILD_OF","traceID":"zz","spanID":"98"}]},
  {"traceID":"a1","spanID":"4","operationName":"embedded","startTime":40,"duration":1,"processID":"p9","process":{"serviceName":"inline","tags":[]}},
  null"#;
const PROCESSES: &str = r#"{"p1":{"serviceName":"front","tags":[{"key":"k","type":"string","value":"v"}]},"p2":{"serviceName":"back"}}"#;

#[test]
fn processes_and_parents_settled_at_the_end_of_the_trace_match_a_whole_import() {
    let _one_at_a_time = serial();
    for trace_first in [true, false] {
        let file = jaeger(SPANS, PROCESSES, trace_first);
        for piece in PIECES {
            let imp = streamed(&file, piece).expect("streams");
            assert_eq!(dump(&imp), whole(&file), "pieces of {piece}");
        }
    }
    // The processes before the spans: spans take them as they come.
    let file =
        format!(r#"{{"traceID":"a1","processes":{PROCESSES},"spans":[{SPANS}]}}"#).into_bytes();
    assert_eq!(dump(&streamed(&file, 5).expect("streams")), whole(&file));
}

#[test]
fn layouts_a_whole_import_reads_differently_are_read_whole() {
    let _one_at_a_time = serial();
    let span = r#"{"spanID":"1","operationName":"op","startTime":1,"duration":1,"processID":"p1"}"#;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "a span without traceID before its trace's",
            format!(r#"{{"spans":[{span}],"traceID":"a1"}}"#).into_bytes(),
        ),
        (
            "an undefined process, known only at the end",
            jaeger(SPANS.replace("p2", "p7").as_str(), PROCESSES, true),
        ),
        (
            "JSON Lines",
            format!(
                "{}\n{}",
                String::from_utf8(jaeger(SPANS, PROCESSES, true)).unwrap(),
                String::from_utf8(jaeger(SPANS, PROCESSES, true)).unwrap()
            )
            .into_bytes(),
        ),
        (
            "a key given twice",
            br#"{"data":[{"traceID":"a1","traceID":"a2","spans":[]}]}"#.to_vec(),
        ),
        (
            "an envelope that is also a trace",
            br#"{"traceID":"a1","spans":[],"data":[]}"#.to_vec(),
        ),
        (
            "a truncated file",
            jaeger(SPANS, PROCESSES, true)[..200].to_vec(),
        ),
        (
            "a syntax error",
            String::from_utf8(jaeger(SPANS, PROCESSES, true))
                .unwrap()
                .replacen(',', "", 3)
                .into_bytes(),
        ),
        ("OTLP", br#"{"resourceSpans":[]}"#.repeat(20)),
        ("not UTF-8", {
            let mut f = jaeger(SPANS, PROCESSES, true);
            f[300] = 0xFF;
            f
        }),
    ];
    for (what, file) in cases {
        for piece in [1, 64, usize::MAX] {
            assert_eq!(
                streamed(&file, piece).err(),
                Some(ReadWhole),
                "{what}, pieces of {piece}"
            );
        }
    }
}

#[test]
fn a_big_file_streams_holding_a_fraction_of_it() {
    let _one_at_a_time = serial();
    let spans = 40_000;
    let file = common::generate::realistic_jaeger(spans);
    let base = reset_peak();
    let mut s = StreamImport::new();
    for chunk in file.chunks(1 << 20) {
        s.feed(chunk).expect("streams");
    }
    let source: Arc<dyn Source> = Arc::new(BlockSource::new(FileLike::new(Vec::new())));
    let imp = s.finish(source).expect("streams");
    let peak = peak_since(base);
    assert_eq!(imp.traces[0].len() as usize, spans);
    assert_eq!(
        imp.traces[0].services().len(),
        4,
        "processes read after the spans"
    );
    drop(imp);
    let base = reset_peak();
    let whole = import_owned(file.clone(), None).expect("imports");
    let whole_peak = peak_since(base);
    assert_eq!(whole.traces[0].len() as usize, spans);
    eprintln!(
        "file {:.1} MB ({} bytes a span): streamed peak {:.1} MB ({:.2}x the file), whole import peak {:.1} MB ({:.2}x)",
        file.len() as f64 / 1e6,
        file.len() / spans,
        peak as f64 / 1e6,
        peak as f64 / file.len() as f64,
        whole_peak as f64 / 1e6,
        whole_peak as f64 / file.len() as f64
    );
    assert!(
        (peak as f64) < 0.6 * file.len() as f64,
        "streamed peak {peak} for a {} byte file",
        file.len()
    );
}
