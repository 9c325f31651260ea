//! `cargo xtask fuzz [SECONDS] [TARGET...]`: coverage-guided fuzzing of the importers, gzip,
//! the share-link decoder and the filter language with cargo-fuzz (libFuzzer). cargo-fuzz
//! needs a nightly toolchain: it is used when one is installed (this machine has one; rustup
//! cannot fetch another here), and the command says so and stops when none is.
//!
//! Each target starts from its committed seeds (`fuzz/seeds/<target>`, drawn from the
//! fixtures) plus what earlier runs found (`fuzz/corpus/<target>`, not committed). A crash
//! leaves its input in `fuzz/artifacts/<target>/` and fails the command; turn it into a fixture.

use std::path::Path;

use crate::run::{cmd, output, root, run, Result};

pub const TARGETS: [&str; 8] = [
    "import_jaeger",
    "import_otlp",
    "import_zipkin",
    "import_chrome",
    "import_appdash",
    "import_any",
    "share_link",
    "filter",
];

const DEFAULT_SECONDS: u64 = 60;

pub fn fuzz(args: &[String]) -> Result {
    let seconds = match args.first().map(|a| a.parse::<u64>()) {
        Some(Ok(s)) => s,
        Some(Err(_)) | None => DEFAULT_SECONDS,
    };
    let named: Vec<&str> = args
        .iter()
        .skip_while(|a| a.parse::<u64>().is_ok())
        .map(String::as_str)
        .collect();
    for name in &named {
        if !TARGETS.contains(name) {
            return Err(format!(
                "no fuzz target {name}: the targets are {}",
                TARGETS.join(", ")
            ));
        }
    }
    let targets: Vec<&str> = if named.is_empty() {
        TARGETS.to_vec()
    } else {
        named
    };
    if output("cargo", &["+nightly", "--version"]).is_none() {
        return Err(
            "fuzzing needs a nightly toolchain for cargo-fuzz (libFuzzer), and none is \
            installed: `rustup toolchain install nightly` where the network allows it"
                .into(),
        );
    }
    if output("cargo", &["fuzz", "--version"]).is_none() {
        run(
            "cargo install cargo-fuzz",
            cmd("cargo", &["install", "cargo-fuzz", "--locked"]),
        )?;
    }
    for target in targets {
        fuzz_one(target, seconds)?;
    }
    Ok(())
}

/// Runs one target for `seconds` over its seeds and corpus.
fn fuzz_one(target: &str, seconds: u64) -> Result {
    let fuzz_dir = root().join("fuzz");
    let corpus = fuzz_dir.join("corpus").join(target);
    let seeds = fuzz_dir.join("seeds").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let max_time = format!("-max_total_time={seconds}");
    let artifact_prefix = format!("-artifact_prefix={}/", artifacts.display());
    let args = [
        "+nightly",
        "fuzz",
        "run",
        target,
        path(&corpus),
        path(&seeds),
        "--",
        max_time.as_str(),
        artifact_prefix.as_str(),
        // Traces are files: allow inputs up to 1 MB, and a budget that catches blow-ups.
        "-max_len=1048576",
        "-rss_limit_mb=2048",
        "-timeout=20",
        "-print_final_stats=1",
    ];
    // libFuzzer writes new inputs to the first folder: the corpus, so seeds stay as committed.
    run(
        &format!("fuzz {target} for {seconds} s"),
        cmd("cargo", &args),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap_or("")
}
