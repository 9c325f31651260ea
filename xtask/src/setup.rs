//! Idempotent set-up of a fresh machine: installs only what is missing, prints what it did and
//! how long each step took. Trunk must never download tools itself (no GitHub here), so every
//! tool it needs is installed at the version Trunk.toml pins.

use std::time::Instant;

use crate::run::{cmd, output, root, run, Result};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// What `trunk build` needs.
    Build,
    /// Everything, including the browser for tests.
    All,
}

pub fn setup(needs: Needs) -> Result {
    let started = Instant::now();
    println!("==> setup: checking tools");
    wasm_target()?;
    trunk()?;
    wasm_bindgen()?;
    npm_packages()?;
    if needs == Needs::All {
        chromium()?;
    }
    run("cargo fetch", cmd("cargo", &["fetch"]))?;
    println!("==> setup done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn wasm_target() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("    wasm32-unknown-unknown target: present");
        return Ok(());
    }
    run(
        "install the wasm32-unknown-unknown target",
        cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]),
    )
}

fn trunk() -> Result {
    // Trunk 0.22 needs a newer rustc than this machine's 1.95.
    match output("trunk", &["--version"]) {
        Some(v) if v.starts_with("trunk 0.21.") => {
            println!("    {v}: present");
            Ok(())
        }
        _ => run(
            "install trunk 0.21 (10-20 min on 2 cores)",
            cmd(
                "cargo",
                &["install", "trunk", "--version", "~0.21", "--locked"],
            ),
        ),
    }
}

/// The wasm-bindgen version Cargo.lock resolves: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn wasm_bindgen() -> Result {
    let want = locked_wasm_bindgen_version()?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have == format!("wasm-bindgen {want}") {
        println!("    {have}: present");
        return Ok(());
    }
    // No --locked: the CLI's own lockfile names a webpki-roots version the index lacks.
    run(
        &format!("install wasm-bindgen-cli {want} (about 5-8 min)"),
        cmd(
            "cargo",
            &["install", "wasm-bindgen-cli", "--version", &want],
        ),
    )
}

fn npm_packages() -> Result {
    let e2e = root().join("e2e");
    let marker = e2e.join("node_modules/.package-lock.json");
    let lock = e2e.join("package-lock.json");
    let fresh = match (std::fs::metadata(&marker), std::fs::metadata(&lock)) {
        (Ok(m), Ok(l)) => match (m.modified(), l.modified()) {
            (Ok(m), Ok(l)) => m >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh && e2e.join("node_modules/.bin/wasm-opt").exists() {
        println!("    e2e npm packages (binaryen wasm-opt, playwright-core, axe-core): present");
        return Ok(());
    }
    let mut c = cmd("npm", &["ci", "--no-audit", "--no-fund"]);
    c.current_dir(&e2e);
    run("npm ci in e2e/ (wasm-opt, playwright-core, axe-core)", c)
}

fn chromium() -> Result {
    let has = |p: &str| std::path::Path::new(p).exists();
    if has("/usr/bin/chromium") && has("/usr/bin/chromedriver") {
        println!("    chromium and chromedriver: present");
        return Ok(());
    }
    let is_root = output("id", &["-u"]).as_deref() == Some("0");
    let (program, prefix): (&str, Vec<&str>) = if is_root {
        ("apt-get", vec![])
    } else {
        ("sudo", vec!["apt-get"])
    };
    let with = |rest: &[&str]| {
        let args: Vec<&str> = prefix.iter().chain(rest).copied().collect();
        let mut c = cmd(program, &args);
        c.env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run("apt-get update", with(&["update", "-q"]))?;
    run(
        "install chromium and chromium-driver (Debian)",
        with(&["install", "-y", "-q", "chromium", "chromium-driver"]),
    )
}
