//! Parallel parsing measured natively: one big single-trace Jaeger file (the hard case: its
//! spans are one array) imported by one thread, then by an importing thread and helper
//! threads running the same `ReadPlan` loop as the browser's workers. Also what adding a
//! helper's spans costs next to parsing them, which bounds the speed-up on more cores.

use crate::gen;
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use trace_core::source::Source;
use trace_core::time::wall_ms;
use trace_core::{
    guess_span_start, helper_targets, ReadPlan, ReadStep, ScanEnd, ScannedSpans, SpanScan,
    StreamImport,
};

/// The slices both sides read, as the browser's worker does.
const SLICE: usize = 8 << 20;

/// Run last: it stops the heap counting, which would slow the threads down.
pub fn report(dir: &Path, mb: usize) -> Result<(), String> {
    heap_meter::stop_counting();
    let path = dir.join("jaeger-one-trace.json");
    let target = mb * 1_000_000;
    if !path.metadata().is_ok_and(|m| m.len() as usize >= target) {
        let f = std::fs::File::create(&path).map_err(|e| e.to_string())?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        gen::jaeger_one_trace(&mut w, target, 4).map_err(|e| e.to_string())?;
        std::io::Write::flush(&mut w).map_err(|e| e.to_string())?;
    }
    let file = std::fs::read(&path).map_err(|e| e.to_string())?;
    let size = file.len() as u64;
    println!(
        "parallel parsing, one trace of {:.0} MB (file in memory, {} MB slices; best of 3):",
        size as f64 / 1e6,
        SLICE >> 20
    );
    let alone = best_of_three(|| import(&file, &[]))?;
    println!("  1 worker:  {:>6.0} ms", wall_ms(alone));
    // More workers than cores would measure the machine, not the parsing.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    for helpers in 1..cores.clamp(2, 8) {
        let starts = guessed_starts(&file, helpers);
        let t = best_of_three(|| import(&file, &starts))?;
        println!(
            "  {} workers: {:>6.0} ms  {:.2}x faster",
            helpers + 1,
            wall_ms(t),
            alone.as_secs_f64() / t.as_secs_f64()
        );
    }
    let cost = splice_cost(&file)?;
    println!(
        "  adding a helper's spans costs {:.2} of parsing them (trace_core::SPLICE_COST is {:.2}); expected speed-up on as many free cores: 2 workers {:.2}x, 4 workers {:.2}x, 8 workers {:.2}x",
        cost,
        trace_core::SPLICE_COST,
        trace_core::expected_speed_up(2, cost),
        trace_core::expected_speed_up(4, cost),
        trace_core::expected_speed_up(8, cost)
    );
    Ok(())
}

fn best_of_three(mut run: impl FnMut() -> Result<Duration, String>) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..3 {
        best = best.min(run()?);
    }
    Ok(best)
}

/// Where `helpers` helpers start, as the worker guesses them.
fn guessed_starts(file: &[u8], helpers: usize) -> Vec<u64> {
    helper_targets(file.len() as u64, helpers)
        .into_iter()
        .filter_map(|t| {
            let from = t as usize;
            guess_span_start(&file[from..(from + 65536).min(file.len())], t)
        })
        .collect()
}

/// What a helper thread sends: its records as it goes, then where it ended.
enum FromHelper {
    Records(Vec<u8>),
    Done(ScanEnd),
}

/// Imports `file` with one helper thread per start; the time from the first slice to the
/// traces.
fn import(file: &[u8], starts: &[u64]) -> Result<Duration, String> {
    let t0 = Instant::now();
    let size = file.len() as u64;
    std::thread::scope(|threads| {
        let helpers: Vec<mpsc::Receiver<FromHelper>> = starts
            .iter()
            .enumerate()
            .map(|(k, &start)| {
                let end = starts.get(k + 1).copied().unwrap_or(size);
                let (tx, rx) = mpsc::channel();
                threads.spawn(move || help(file, start, end, &tx));
                rx
            })
            .collect();
        let mut import = StreamImport::new();
        let mut plan = ReadPlan::new(size, SLICE as u64);
        plan.with_helpers_at(starts);
        import.stop_before(starts);
        let read_whole = || "the file was not streamed".to_string();
        loop {
            match plan.next_step() {
                ReadStep::Read { from, to } => import
                    .feed(&file[from as usize..to as usize])
                    .map_err(|_| read_whole())?,
                ReadStep::Splice { helper, at } => {
                    let scan = collect(&helpers[helper]);
                    let added = import.splice(at, &scan).map_err(|_| read_whole())?;
                    plan.spliced(added.then_some(scan.end.resume_at));
                }
                ReadStep::Done => break,
            }
        }
        let source: Arc<dyn Source> = Arc::new(Vec::new());
        let imp = import.finish(source).map_err(|_| read_whole())?;
        let elapsed = t0.elapsed();
        drop(imp);
        Ok(elapsed)
    })
}

/// A helper: scans `start..end`, sending records after each slice.
fn help(file: &[u8], start: u64, end: u64, tx: &mpsc::Sender<FromHelper>) {
    let mut scan = SpanScan::new(start, end);
    let mut at = start as usize;
    while !scan.is_done() {
        let to = (at + SLICE).min(file.len());
        scan.feed(&file[at..to], to == file.len());
        let _ = tx.send(FromHelper::Records(scan.take_records()));
        at = to;
    }
    let _ = tx.send(FromHelper::Done(scan.end()));
}

/// Everything a helper sent, once it is done (nothing if it stopped without saying so).
fn collect(rx: &mpsc::Receiver<FromHelper>) -> ScannedSpans {
    let mut records = Vec::new();
    while let Ok(msg) = rx.recv() {
        match msg {
            FromHelper::Records(mut r) => records.append(&mut r),
            FromHelper::Done(end) => return ScannedSpans { records, end },
        }
    }
    ScannedSpans {
        records: Vec::new(),
        end: ScanEnd::NOTHING,
    }
}

/// Adding every span from records, over parsing them into records: one scan of the whole
/// spans array, then one splice of it.
fn splice_cost(file: &[u8]) -> Result<f64, String> {
    let start = guess_span_start(file, 0).ok_or("no span start")?;
    let t0 = Instant::now();
    let mut scan = SpanScan::new(start, file.len() as u64);
    for (k, chunk) in file[start as usize..].chunks(SLICE).enumerate() {
        let eof = start as usize + (k + 1) * SLICE >= file.len();
        scan.feed(chunk, eof);
    }
    let scanned = scan.finish();
    let parse = t0.elapsed();
    let mut import = StreamImport::new();
    import.stop_before(&[start]);
    // Enough to recognise the format; the walk stops at `start`.
    let detect = StreamImport::DETECT_BYTES;
    import
        .feed(&file[..(start as usize + detect).min(file.len())])
        .map_err(|_| "not streamed")?;
    let t1 = Instant::now();
    let added = import.splice(start, &scanned).map_err(|_| "not streamed")?;
    let splice = t1.elapsed();
    if !added {
        return Err("the first span start was not spliced".to_string());
    }
    Ok(splice.as_secs_f64() / parse.as_secs_f64())
}
