//! `cargo xtask <command>`: the project's single entry point for set-up, serving, testing,
//! building and benchmarking. Dependency-light on purpose (std, the site crate, and syn for
//! `tidy`) so it compiles quickly on a fresh machine.

mod bench;
mod check;
mod compress;
mod dist;
mod files;
mod fuzz;
mod lighthouse;
mod offline;
mod render;
mod run;
mod serve;
mod setup;
mod tidy;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup        install what is missing (wasm32 target, trunk, wasm-bindgen-cli, wasm-opt,
               chromium + chromedriver, e2e npm packages); skips what is present
  serve        setup, release build, then serve dist/ on http://127.0.0.1:8080
  test [STEP]  setup, then every check, or only the named steps: fmt, tidy, clippy (native),
               clippy-wasm, native (tests), wasm (tests in headless Chromium),
               build (release), e2e (end-to-end tests in Chromium)
  dist         release build into dist/: both apps, one HTML file per route, compressed copies
  bench [--quick]  parser bench (native + wasm), then viewer load bench in Chromium (figures only)
  fuzz [SECONDS] [TARGET...]  coverage-guided fuzzing (cargo-fuzz, nightly) of the importers,
               gzip, share links and the filter language; SECONDS per target (default 60)
  tidy         check ARCHITECTURE.md's invariants in the sources (also a step of test)
  lighthouse [RUNS]  Lighthouse 12.2.3 (mobile defaults) on every page of the release build:
               the four scores, LCP and blocking time, RUNS times per page (default 1; scores
               move from run to run); figures only, not part of test";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::setup(setup::Needs::All),
        Some("serve") => serve::serve_site(),
        Some("test") => check::test_all(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("tidy") => tidy::tidy(),
        Some("lighthouse") => lighthouse::lighthouse(&args[1..]),
        Some("dist") => {
            setup::setup(setup::Needs::Build).and_then(|()| dist::release_build("dist", &[]))
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
