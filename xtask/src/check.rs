//! `cargo xtask test [STEP...]`: every check CI runs, in order of cost, stopping at the first
//! failure. With step names, runs only those (for iterating locally); CI runs them all.

use crate::dist::{release_build, report_wasm_size, EXTRA_TALKS_ENV, SITE_URL_ENV};
use crate::run::{cmd, root, run, Result};
use crate::serve;

/// The end-to-end build adds the unlisted fixture talk that exercises the video embed.
const E2E_DIST: &str = "dist-e2e";
const E2E_EXTRA_TALKS: &str = "e2e/fixtures/talks";
/// The address the e2e build is made for (its sitemap, canonical links and JSON-LD name it;
/// the tests map it to the local server).
const E2E_SITE_URL: &str = "https://gosf.example.org";

const STEPS: [&str; 8] = [
    "fmt",
    "tidy",
    "clippy",
    "clippy-wasm",
    "native",
    "wasm",
    "build",
    "e2e",
];

/// Crates that must build for the browser.
const WASM_LIBS: [&str; 4] = ["site", "trace-core", "viewer-core", "viewer-session"];

pub fn test_all(args: &[String]) -> Result {
    for a in args {
        if !STEPS.contains(&a.as_str()) {
            return Err(format!("unknown step `{a}` (steps: {})", STEPS.join(", ")));
        }
    }
    let wanted = |s: &str| args.is_empty() || args.iter().any(|a| a == s);
    crate::setup::setup(crate::setup::Needs::All)?;

    if wanted("fmt") {
        run(
            "cargo fmt --check",
            cmd("cargo", &["fmt", "--all", "--", "--check"]),
        )?;
    }
    if wanted("tidy") {
        println!("==> tidy (ARCHITECTURE.md's invariants)");
        crate::tidy::tidy()?;
    }
    if wanted("clippy") {
        clippy_native()?;
    }
    if wanted("clippy-wasm") {
        clippy_wasm()?;
    }
    if wanted("native") {
        // The app itself is tested in the browser (step `wasm`), not natively.
        run(
            "native tests",
            cmd("cargo", &["test", "--workspace", "--exclude", "gosf-site"]),
        )?;
    }
    if wanted("wasm") {
        let mut c = cmd(
            "cargo",
            &[
                "test",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "gosf-site",
            ],
        );
        c.env("CHROMEDRIVER", "/usr/bin/chromedriver");
        run("wasm-bindgen tests in headless Chromium", c)?;
    }
    if wanted("build") {
        release_build(
            E2E_DIST,
            &[
                (EXTRA_TALKS_ENV, E2E_EXTRA_TALKS),
                (SITE_URL_ENV, E2E_SITE_URL),
            ],
        )?;
        report_wasm_size(&root().join(E2E_DIST));
    }
    if wanted("e2e") {
        run(
            "build tracecheck",
            cmd("cargo", &["build", "-p", "tracecheck"]),
        )?;
        let port = serve::spawn(root().join(E2E_DIST))?;
        // `E2E_ONLY="tests/a.test.mjs tests/b.test.mjs"` runs only those files.
        let only = std::env::var("E2E_ONLY").unwrap_or_default();
        let mut c = if only.trim().is_empty() {
            cmd("npm", &["test"])
        } else {
            let mut args = vec!["--test", "--test-concurrency=1"];
            args.extend(only.split_whitespace());
            cmd("node", &args)
        };
        c.current_dir(root().join("e2e"))
            .env("BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("TRACECHECK", root().join("target/debug/tracecheck"))
            .env("TALKS_DIR", root().join("talks"))
            .env("FIXTURE_TALKS_DIR", root().join(E2E_EXTRA_TALKS))
            .env("SITE_URL", E2E_SITE_URL);
        run("end-to-end tests in Chromium", c)?;
    }
    Ok(())
}

/// Clippy on every native target, and on the build-time render of the recap pages.
fn clippy_native() -> Result {
    run(
        "clippy (native)",
        cmd(
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
    )?;
    // The build-time render of the recap pages: the app with feature `ssr` only.
    let mut args = vec!["clippy"];
    args.extend(crate::render::RENDERER);
    args.extend(["--", "-D", "warnings"]);
    run("clippy (native, ssr render)", cmd("cargo", &args))?;
    Ok(())
}

/// Clippy for wasm32: the app (both feature sets) and the libraries the browser runs.
fn clippy_wasm() -> Result {
    // The app with its tests; the pure crates' libraries (their dev-dependencies, such as
    // proptest, are native-only).
    let mut libs = vec!["clippy", "--target", "wasm32-unknown-unknown", "--lib"];
    for lib in WASM_LIBS {
        libs.extend(["-p", lib]);
    }
    // The app's two browser builds: the default features with the tests, and the viewer's.
    let app = |rest: &[&'static str]| {
        let mut args = vec![
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "gosf-site",
        ];
        args.extend(rest);
        args
    };
    for (label, args) in [
        ("clippy (wasm32, app)", app(&["--all-targets"])),
        (
            "clippy (wasm32, viewer app: feature csr)",
            app(&[
                "--no-default-features",
                "--features",
                "csr",
                "--bin",
                "gosf-viewer",
            ]),
        ),
        ("clippy (wasm32, libraries)", libs),
    ] {
        let mut args = args;
        args.extend(["--", "-D", "warnings"]);
        let mut c = cmd("cargo", &args);
        c.env("CLIPPY_CONF_DIR", root().join("xtask/clippy-wasm"));
        run(label, c)?;
    }
    Ok(())
}
