//! `cargo xtask bench [--quick]`: the numbers, not pass/fail. First the trace-core parser
//! benchmark (`tracecheck bench`: native and wasm-in-Node MB/s and peak memory per format), then
//! the viewer load benchmark in Chromium against the shipping release build
//! (`e2e/bench/viewer-load.mjs`: load time, first drawn timeline, long tasks, memory and
//! interaction timings, next to a plain JSON.parse of the same file), then the sharing figures
//! (`e2e/bench/share-figures.mjs`: a `#url=` link from another origin and the library's reopen,
//! beside the plain download and the file picker). Fails only when something cannot run; the
//! figures are printed, never asserted.

use crate::dist::release_build;
use crate::run::{cmd, root, run, Result};
use crate::serve;
use crate::setup::{setup, Needs};

pub fn bench(args: &[String]) -> Result {
    let mut quick = false;
    let mut huge = false;
    for a in args {
        match a.as_str() {
            "--quick" => quick = true,
            "--huge" => huge = true,
            other => {
                return Err(format!(
                    "bench: unknown option `{other}` (options: --quick, --huge)"
                ))
            }
        }
    }
    setup(Needs::All)?;

    // 1. The parser, natively and as wasm in Node, at full optimisation.
    let mb = if quick { "20" } else { "100" };
    let mut c = cmd(
        "cargo",
        &[
            "run",
            "--release",
            "-p",
            "tracecheck",
            "--",
            "bench",
            "--mb",
            mb,
        ],
    );
    c.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3");
    run(&format!("trace-core parser bench ({mb} MB per format)"), c)?;

    // 2. The viewer in Chromium, on the build visitors get.
    release_build("dist", &[])?;
    let port = serve::spawn(root().join("dist"))?;
    let mut c = cmd("node", &["bench/viewer-load.mjs"]);
    if quick {
        c.arg("--quick");
    }
    if huge {
        c.arg("--huge");
    }
    c.current_dir(root().join("e2e"))
        .env("BASE_URL", format!("http://127.0.0.1:{port}"));
    run(
        &format!(
            "viewer load bench in Chromium ({})",
            if quick {
                "20k and 200k spans"
            } else {
                "100k and 1M spans"
            }
        ),
        c,
    )?;

    // 3. Sharing: a #url= link from another local origin and the library, on the Jaeger file
    //    step 1 generated.
    let trace = std::env::temp_dir().join("tracecheck-bench/jaeger.json");
    let mut c = cmd("node", &["bench/share-figures.mjs"]);
    c.current_dir(root().join("e2e"))
        .env("BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("TRACE_FILE", &trace);
    run(&format!("sharing bench in Chromium ({mb} MB Jaeger)"), c)
}
