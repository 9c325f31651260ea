//! Parallel parsing: helpers parse later parts of a Jaeger file's spans array (`SpanScan`)
//! while the importing worker reads up to them, then adds their spans (`StreamImport::splice`)
//! in the order a `ReadPlan` gives. The traces are the ones a whole-file import gives, whatever
//! the guessed starts hit: a span, a tag, a string, another trace.

mod common;

use common::FileLike;
use std::sync::Arc;
use trace_core::dump::dump;
use trace_core::source::{BlockSource, Source};
use trace_core::{
    guess_span_start, helper_targets, import_owned, Import, ReadPlan, ReadStep, ReadWhole,
    ScannedSpans, SpanScan, StreamImport,
};

/// What a parallel import did: the import, and how many helpers' spans were added.
struct Parallel {
    import: Import,
    spliced: usize,
}

/// A helper's scan of `file` from `start` to `end`, fed `chunk` bytes at a time and sending
/// its records in batches (as the worker does).
fn scan(file: &[u8], start: u64, end: u64, chunk: usize) -> ScannedSpans {
    let mut scan = SpanScan::new(start, end);
    let mut records = Vec::new();
    let mut at = start as usize;
    while !scan.is_done() {
        let to = (at + chunk).min(file.len());
        scan.feed(&file[at..to], to == file.len());
        records.extend(scan.take_records());
        at = to;
    }
    let mut last = scan.finish();
    records.append(&mut last.records);
    ScannedSpans {
        records,
        end: last.end,
    }
}

/// Imports `file` with helpers starting at the span starts guessed after each of `targets`,
/// the way the worker runs a `ReadPlan`.
fn parallel(file: &[u8], targets: &[u64], chunk: usize) -> Result<Parallel, ReadWhole> {
    let size = file.len() as u64;
    let mut starts: Vec<u64> = targets
        .iter()
        .filter_map(|&t| {
            let from = t.min(size) as usize;
            let to = (from + 65536).min(file.len());
            guess_span_start(&file[from..to], from as u64)
        })
        .collect();
    starts.dedup();
    starts_at(file, &starts, chunk)
}

/// Imports `file` with helpers starting exactly at `starts`.
fn starts_at(file: &[u8], starts: &[u64], chunk: usize) -> Result<Parallel, ReadWhole> {
    let size = file.len() as u64;
    let scans: Vec<ScannedSpans> = starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            scan(
                file,
                start,
                starts.get(k + 1).copied().unwrap_or(size),
                chunk,
            )
        })
        .collect();
    let mut import = StreamImport::detecting_after(1000);
    let mut plan = ReadPlan::new(size, chunk as u64);
    plan.with_helpers_at(starts);
    import.stop_before(starts);
    let mut spliced = 0;
    loop {
        match plan.next_step() {
            ReadStep::Read { from, to } => import.feed(&file[from as usize..to as usize])?,
            ReadStep::Splice { helper, at } => {
                let added = import.splice(at, &scans[helper])?;
                spliced += usize::from(added);
                plan.spliced(added.then_some(scans[helper].end.resume_at));
            }
            ReadStep::Done => break,
        }
    }
    let source: Arc<dyn Source> = Arc::new(BlockSource::new(FileLike::new(file.to_vec())));
    Ok(Parallel {
        import: import.finish(source)?,
        spliced,
    })
}

fn whole(file: &[u8]) -> String {
    dump(&import_owned(file.to_vec(), None).expect("imports whole"))
}

/// Compares two dumps by their first different line (a whole dump is too long to read).
#[track_caller]
fn assert_same(got: &str, expected: &str, what: &str) {
    let first_difference = got
        .lines()
        .zip(expected.lines())
        .enumerate()
        .find(|(_, (g, e))| g != e);
    if let Some((line, (g, e))) = first_difference {
        panic!("{what}: line {line} is {g:?}, expected {e:?}");
    }
    assert_eq!(
        got.lines().count(),
        expected.lines().count(),
        "{what}: lines"
    );
}

#[test]
fn a_big_trace_split_among_helpers_gives_the_traces_of_a_whole_import() {
    let file = common::generate::realistic_jaeger(3000);
    let expected = whole(&file);
    for helpers in 1..=3 {
        for chunk in [4096, 100_000, usize::MAX / 2] {
            let targets = helper_targets(file.len() as u64, helpers);
            let p = parallel(&file, &targets, chunk).expect("streams");
            assert_same(
                &dump(&p.import),
                &expected,
                &format!("{helpers} helpers, chunks of {chunk}"),
            );
            assert_eq!(p.spliced, helpers, "every guess was a span start");
            assert_eq!(p.import.parsed_by as usize, 1 + helpers);
        }
    }
}

#[test]
fn every_jaeger_fixture_gives_the_same_traces_wherever_helpers_start() {
    let mut spliced = 0;
    for (name, file) in common::ok_fixtures() {
        if !name.contains("/jaeger/") || name.ends_with(".gz") || name.ends_with(".jsonl") {
            continue;
        }
        let Ok(alone) = import_owned(file.clone(), None) else {
            continue;
        };
        let expected = dump(&alone);
        let size = file.len() as u64;
        for helpers in 1..=3 {
            for share in [0.1, 0.4, 0.7] {
                for chunk in [7, 64, 1000] {
                    let targets = helper_share_targets(size, helpers, share);
                    match parallel(&file, &targets, chunk) {
                        Ok(p) => {
                            assert_same(
                                &dump(&p.import),
                                &expected,
                                &format!("{name}: {helpers} helpers"),
                            );
                            spliced += p.spliced;
                        }
                        Err(ReadWhole) => assert!(
                            StreamImport::new().feed(&file).is_err()
                                || streamed_alone(&file).is_err(),
                            "{name} streams alone but not with helpers"
                        ),
                    }
                }
            }
        }
    }
    assert!(spliced > 50, "helpers' spans were added {spliced} times");
}

/// Helpers spread evenly after the first `share` of the file.
fn helper_share_targets(size: u64, helpers: usize, share: f64) -> Vec<u64> {
    let each = (1.0 - share) / helpers as f64;
    (0..helpers)
        .map(|k| ((share + each * k as f64) * size as f64) as u64)
        .collect()
}

fn streamed_alone(file: &[u8]) -> Result<Import, ReadWhole> {
    starts_at(file, &[], 1000).map(|p| p.import)
}

#[test]
fn a_start_guessed_inside_a_string_a_tag_list_or_another_trace_is_not_spliced() {
    let span = |id: u32, tag: &str| {
        format!(
            r#"{{"traceID":"t{}","spanID":"{id:x}","operationName":"op","startTime":{},"duration":5,"processID":"p1","tags":[{{"key":"a","type":"string","value":"{tag}"}},{{"key":"b","type":"string","value":"x"}}]}}"#,
            id / 100,
            1_700_000_000_000_000u64 + u64::from(id)
        )
    };
    // A string holding what a span boundary looks like, and traces that follow each other.
    let trap = r#"}, {\"traceID\":\"t9\",\"spanID\":\"ff\"}"#;
    let mut traces = Vec::new();
    for t in 0..3u32 {
        let spans: Vec<String> = (0..60)
            .map(|k| span(t * 100 + k, if k % 7 == 0 { trap } else { "v" }))
            .collect();
        traces.push(format!(
            r#"{{"traceID":"t{t}","spans":[{}],"processes":{{"p1":{{"serviceName":"s"}}}}}}"#,
            spans.join(",")
        ));
    }
    let file = format!(r#"{{"data":[{}]}}"#, traces.join(",")).into_bytes();
    let expected = whole(&file);
    let text = String::from_utf8(file.clone()).unwrap();
    let at = |needle: &str, nth: usize| text.match_indices(needle).nth(nth).unwrap().0 as u64;
    let cases = [
        ("inside a string", at(r#"{\"traceID\":\"t9\""#, 3)),
        ("between tags", at(r#"{"key":"b""#, 10)),
        ("between traces", at(r#"{"traceID":"t1","spans""#, 0)),
        ("a span start", at(r#"{"traceID":"t0","spanID":"1e""#, 0)),
    ];
    for (what, start) in cases {
        for chunk in [13, 4096] {
            let p = starts_at(&file, &[start], chunk).expect("streams");
            assert_same(
                &dump(&p.import),
                &expected,
                &format!("{what}, chunks of {chunk}"),
            );
            let should_splice = what == "a span start";
            assert_eq!(p.spliced == 1, should_splice, "{what}");
        }
    }
}

#[test]
fn lone_surrogates_in_a_helpers_part_are_counted_once() {
    let mut file = common::generate::realistic_jaeger(200);
    let text = String::from_utf8(file.clone()).unwrap();
    let cache = text.match_indices("cache miss").nth(150).unwrap().0;
    file.splice(cache..cache + 5, br"\udc00".iter().copied());
    let targets = helper_targets(file.len() as u64, 2);
    for chunk in [50, 4096] {
        let p = parallel(&file, &targets, chunk).expect("streams");
        assert_same(
            &dump(&p.import),
            &whole(&file),
            &format!("chunks of {chunk}"),
        );
    }
}

#[test]
fn records_that_are_not_a_helpers_never_panic() {
    let file = common::generate::realistic_jaeger(300);
    let start = guess_span_start(&file[file.len() / 2..], (file.len() / 2) as u64).unwrap();
    let good = scan(&file, start, file.len() as u64, 4096);
    let mut rng = fastrand::Rng::with_seed(7);
    for round in 0..200 {
        let mut records = good.records.clone();
        match round % 3 {
            0 => records.truncate(rng.usize(..records.len())),
            1 => {
                for _ in 0..4 {
                    let k = rng.usize(..records.len());
                    records[k] = rng.u8(..);
                }
            }
            _ => records = (0..rng.usize(..500)).map(|_| rng.u8(..)).collect(),
        }
        let bad = ScannedSpans {
            records,
            end: good.end,
        };
        let mut import = StreamImport::detecting_after(1000);
        import.stop_before(&[start]);
        let _ = import.feed(&file[..start as usize + 64]);
        // Adding fails (the import is then read whole) or adds what the bytes say: no panic.
        if let Ok(true) = import.splice(start, &bad) {
            let _ = import.feed(&file[bad.end.resume_at as usize..]);
        }
    }
}
