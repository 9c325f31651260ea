//! `tracecheck bench`: generates >= 100 MB Jaeger, OTLP and Chrome files and measures import speed
//! (MB/s) and peak heap (counting global allocator, including the file's own buffer) natively; then,
//! when Node.js and the wasm32 target are available, the same in WebAssembly (wasm-bench/).

use crate::cli::BenchArgs;
use crate::gen;
use heap_meter::{peak_since, reset_peak, Counting};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use trace_core::source::{BlockReader, BlockSource, Source};
use trace_core::time::wall_ms;

#[global_allocator]
static GLOBAL: Counting = Counting;

struct Opts {
    mb: usize,
    dir: PathBuf,
    wasm: bool,
}

pub fn run(args: &BenchArgs) -> ExitCode {
    let o = Opts {
        mb: args.mb,
        dir: args
            .dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("tracecheck-bench")),
        wasm: !args.no_wasm,
    };
    if let Err(e) = std::fs::create_dir_all(&o.dir) {
        eprintln!("cannot create {}: {e}", o.dir.display());
        return ExitCode::FAILURE;
    }
    let target = o.mb * 1_000_000;
    let files = [
        ("jaeger", "jaeger.json"),
        ("otlp", "otlp.json"),
        ("chrome", "chrome.json"),
    ];
    println!("generating {} MB per format in {}", o.mb, o.dir.display());
    for (fmt, name) in files {
        let path = o.dir.join(name);
        if path
            .metadata()
            .is_ok_and(|m| m.len() as usize >= target && m.len() as usize <= target + target / 10)
        {
            continue;
        }
        let f = match std::fs::File::create(&path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        };
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        let r = match fmt {
            "jaeger" => gen::jaeger(&mut w, target, 1),
            "otlp" => gen::otlp(&mut w, target, 2),
            _ => gen::chrome(&mut w, target, 3),
        };
        if let Err(e) = r.and_then(|_| std::io::Write::flush(&mut w)) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!(
        "native ({} build):",
        if cfg!(debug_assertions) {
            "DEBUG - use --release"
        } else {
            "release"
        }
    );
    println!(
        "{:<8} {:>9} {:>10} {:>10} {:>9} {:>10} {:>7} {:>8} {:>11} {:>13} {:>12} {:>17}",
        "format",
        "size MB",
        "spans",
        "parse ms",
        "MB/s",
        "peak MB",
        "peak/x",
        "tree ms",
        "details ms",
        "read back ms",
        "streamed ms",
        "streamed peak MB"
    );
    for (fmt, name) in files {
        if let Err(e) = native(fmt, &o.dir.join(name)) {
            eprintln!("{fmt}: {e}");
            return ExitCode::FAILURE;
        }
    }
    if o.wasm {
        wasm(&o.dir, &files.map(|(_, n)| o.dir.join(n)));
    }
    if let Err(e) = crate::bench_parallel::report(&o.dir, o.mb) {
        eprintln!("parallel parsing: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn native(fmt: &str, path: &Path) -> Result<(), String> {
    let size = path.metadata().map_err(|e| e.to_string())?.len() as usize;
    let mut best = Duration::MAX;
    let mut peak = 0;
    let mut spans = 0;
    let mut tree = Duration::MAX;
    let mut details = Duration::MAX;
    let mut read_back = Duration::MAX;
    // Run 1 measures memory from an empty heap; runs 2-3 only time (best of three).
    for run in 0..3 {
        let base = reset_peak();
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let t0 = Instant::now();
        let imp = trace_core::import_owned(bytes, None).map_err(|e| e.to_string())?;
        best = best.min(t0.elapsed());
        if run == 0 {
            peak = peak_since(base);
            spans = imp.traces.iter().map(|t| t.len() as usize).sum::<usize>();
        }
        tree = tree.min(tree_time(&imp));
        details = details.min(details_time(&imp.traces));
        read_back = read_back.min(details_time(&reading_back(&imp.traces, path)?));
        drop(imp);
    }
    let streamed = streamed(path)?;
    let mb = size as f64 / 1e6;
    println!(
        "{fmt:<8} {mb:>9.1} {spans:>10} {:>10.0} {:>9.0} {:>10.1} {:>7.2} {:>8.1} {:>11.0} {:>13.0} {:>12} {:>17}",
        wall_ms(best),
        mb / best.as_secs_f64(),
        peak as f64 / 1e6,
        peak as f64 / size as f64,
        wall_ms(tree),
        wall_ms(details),
        wall_ms(read_back),
        streamed.map_or("-".to_string(), |s| format!("{:.0}", wall_ms(s.time))),
        streamed.map_or("read whole".to_string(), |s| format!("{:.1}", s.peak as f64 / 1e6)),
    );
    Ok(())
}

/// A streamed import: the time from the first chunk to the traces, and the peak heap (not
/// counting the chunk being read).
#[derive(Clone, Copy)]
struct Streamed {
    time: Duration,
    peak: usize,
}

/// The file read 8 MB at a time into a `StreamImport` (what the browser's worker does with a
/// big Jaeger file), or `None` when it has to be read whole.
fn streamed(path: &Path) -> Result<Option<Streamed>, String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut chunk = vec![0; 8 << 20];
    let base = reset_peak();
    let t0 = Instant::now();
    let mut s = trace_core::StreamImport::new();
    loop {
        let n = file.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        if s.feed(&chunk[..n]).is_err() {
            return Ok(None);
        }
    }
    let src: Arc<dyn Source> = Arc::new(Vec::new());
    let Ok(imp) = s.finish(src) else {
        return Ok(None);
    };
    let time = t0.elapsed();
    let peak = peak_since(base);
    drop(imp);
    Ok(Some(Streamed { time, peak }))
}

/// What the worker does to show every trace of the file once: the span tree and the preorder
/// columns the page's rows are made of.
fn tree_time(imp: &trace_core::Import) -> Duration {
    let t0 = Instant::now();
    for t in &imp.traces {
        std::hint::black_box(trace_core::Tree::build(t).preorder_columns());
    }
    t0.elapsed()
}

/// Every span's details, as a search index or an export reads them.
fn details_time(traces: &[trace_core::Trace]) -> Duration {
    let t0 = Instant::now();
    for t in traces {
        for i in t.spans() {
            std::hint::black_box(t.span_details(i));
        }
    }
    t0.elapsed()
}

/// `traces` reading their details back from the file on disk, as the browser's worker reads
/// them back from the user's `File`.
fn reading_back(
    traces: &[trace_core::Trace],
    path: &Path,
) -> Result<Vec<trace_core::Trace>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    let src: Arc<dyn Source> = Arc::new(BlockSource::new(FileOnDisk {
        file: Mutex::new(file),
        len,
    }));
    Ok(traces
        .iter()
        .map(|t| {
            let mut t = t.clone();
            t.set_source(Arc::clone(&src));
            t
        })
        .collect())
}

#[derive(Debug)]
struct FileOnDisk {
    file: Mutex<std::fs::File>,
    len: u64,
}

impl BlockReader for FileOnDisk {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, start: u64, len: usize) -> Option<Vec<u8>> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = self.file.lock().ok()?;
        file.seek(SeekFrom::Start(start)).ok()?;
        let mut out = vec![0; len];
        file.read_exact(&mut out).ok()?;
        Some(out)
    }
}

/// Builds crates/tracecheck/wasm-bench for wasm32 and runs its Node script on the same files, twice:
/// with the release profile the web app ships (the root Cargo.toml's `[profile.release]` and
/// `[profile.release.package.*]`, passed as `--config`), and with the bench's own opt-level 3.
fn wasm(dir: &Path, files: &[PathBuf]) {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("wasm-bench");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let app = std::fs::read_to_string(&root)
        .map(|t| release_profile(&t))
        .unwrap_or_default();
    let shown: Vec<&str> = app
        .iter()
        .map(|s| s.trim_start_matches("profile.release."))
        .collect();
    let variants: [(&str, String, Vec<String>); 2] = [
        (
            "app",
            format!("the app's release profile: {}", shown.join(", ")),
            app.clone(),
        ),
        (
            "opt3",
            "opt-level 3 everywhere".to_string(),
            vec!["profile.release.opt-level=3".to_string()],
        ),
    ];
    for (name, label, configs) in variants {
        let target_dir = dir.join("wasm-target").join(name);
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args([
            "build",
            "--quiet",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--manifest-path",
        ])
        .arg(here.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
        for c in &configs {
            cmd.arg("--config").arg(c);
        }
        // CARGO_PROFILE_RELEASE_* from the caller (e.g. OPT_LEVEL=3 for the native run) would
        // otherwise leak into this build and hide what the app ships.
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("CARGO_PROFILE_") {
                cmd.env_remove(k);
            }
        }
        if !cmd.status().is_ok_and(|s| s.success()) {
            println!("wasm: skipped (could not build for wasm32-unknown-unknown; `rustup target add wasm32-unknown-unknown`)");
            return;
        }
        let wasm = target_dir.join("wasm32-unknown-unknown/release/trace_core_wasm_bench.wasm");
        let size = wasm.metadata().map(|m| m.len()).unwrap_or(0);
        println!("wasm build {name} ({label}; {:.0} KB):", size as f64 / 1e3);
        let status = Command::new("node")
            .arg(here.join("bench.mjs"))
            .arg(&wasm)
            .args(files)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            println!("wasm: skipped (node not found or the script failed)");
            return;
        }
    }
}

/// `--config` arguments reproducing the `[profile.release]` and `[profile.release.package.NAME]`
/// tables of a Cargo.toml (simple `key = value` lines, which is all a profile holds).
fn release_profile(toml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut prefix: Option<String> = None;
    for line in toml.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.starts_with('[') {
            let table = line.trim_matches(|c| c == '[' || c == ']').trim();
            prefix = if table == "profile.release" {
                Some("profile.release".to_string())
            } else {
                table
                    .strip_prefix("profile.release.package.")
                    .map(|p| format!("profile.release.package.{}", p.trim_matches('"')))
                    .map(|p| match p.rsplit_once('.') {
                        // Quote names that TOML dotted keys cannot hold bare (e.g. with a '*').
                        Some((a, b)) if b.contains('*') => format!("{a}.\"{b}\""),
                        _ => p,
                    })
            };
            continue;
        }
        if let (Some(p), Some((k, v))) = (&prefix, line.split_once('=')) {
            out.push(format!("{p}.{}={}", k.trim(), v.trim()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::release_profile;

    #[test]
    fn reads_release_profile() {
        let t = "[package]\nname = \"x\"\n[profile.release]\nopt-level = \"z\"\nlto = true # comment\n\n[profile.release.package.trace-core]\nopt-level = 3\n[profile.dev]\nopt-level = 1\n";
        assert_eq!(
            release_profile(t),
            [
                "profile.release.opt-level=\"z\"",
                "profile.release.lto=true",
                "profile.release.package.trace-core.opt-level=3",
            ]
        );
    }
}
