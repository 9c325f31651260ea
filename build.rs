//! Compiles `talks/` into the app: the content is loaded and checked here, so a broken front
//! matter fails the build with a message naming the file and the field, and the wasm carries
//! already-rendered HTML instead of a Markdown parser.
//!
//! `SITE_EXTRA_TALKS` (a folder, relative to the project root) adds test-only talks, e.g. the
//! end-to-end tests' video embed fixture; the published build never sets it.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let talks = root.join("talks");
    println!("cargo:rerun-if-changed={}", talks.display());
    println!("cargo:rerun-if-env-changed=SITE_EXTRA_TALKS");
    let extra: Option<PathBuf> = std::env::var_os("SITE_EXTRA_TALKS")
        .filter(|v| !v.is_empty())
        .map(|v| root.join(v));
    if let Some(dir) = &extra {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    let extra_dirs: Vec<&Path> = extra.iter().map(PathBuf::as_path).collect();
    let content = match site::load::load_dirs(&talks, &extra_dirs) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: broken talk content: {e}");
            std::process::exit(1);
        }
    };
    let json = match serde_json::to_string(&content) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: cannot serialise the talk content: {e}");
            std::process::exit(1);
        }
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("content.json");
    if let Err(e) = std::fs::write(&out, json) {
        eprintln!("error: cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}
