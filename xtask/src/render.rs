//! The recap pages' HTML, rendered at build time by the app's own Leptos components: the
//! `gosf-render` binary (the site crate built natively with `ssr`) prints it, and the recap
//! app hydrates it in the browser. One source of markup for the page and the app.

use std::process::Stdio;
use std::time::Instant;

use crate::dist::EXTRA_TALKS_ENV;
use crate::run::{cmd, Result};

/// Cargo's selection of the renderer: the site crate with feature `ssr` only, its binary.
pub const RENDERER: [&str; 7] = [
    "--package",
    "gosf-site",
    "--no-default-features",
    "--features",
    "ssr",
    "--bin",
    "gosf-render",
];

/// The HTML of each of `paths`, in order. `extra_talks` must be what the wasm build compiled
/// in (build.rs reads it), or the app would hydrate other markup than it renders.
pub fn recap_pages(paths: &[String], extra_talks: Option<&str>) -> Result<Vec<String>> {
    let label = "render the recap pages (gosf-render, ssr)";
    println!("==> {label}");
    let started = Instant::now();
    let mut args = vec!["run", "--quiet"];
    args.extend(RENDERER);
    args.push("--");
    args.extend(paths.iter().map(String::as_str));
    let mut command = cmd("cargo", &args);
    command.env_remove(EXTRA_TALKS_ENV);
    if let Some(dir) = extra_talks {
        command.env(EXTRA_TALKS_ENV, dir);
    }
    let out = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("{label}: cannot start: {e}"))?;
    if !out.status.success() {
        return Err(format!("{label}: failed ({})", out.status));
    }
    let pages: Vec<String> = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{label}: its output is not a JSON list of pages: {e}"))?;
    if pages.len() != paths.len() {
        return Err(format!(
            "{label}: {} pages for {} paths",
            pages.len(),
            paths.len()
        ));
    }
    println!(
        "    {label}: {} pages in {:.1} s",
        pages.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(pages)
}
