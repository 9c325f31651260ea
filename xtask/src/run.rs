//! Running commands: echo them, time them, and fail with the command's name.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub type Result<T = ()> = std::result::Result<T, String>;

/// The project root (the folder holding the root Cargo.toml).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// PATH with the project's tools first: e2e/node_modules/.bin holds wasm-opt (binaryen@132)
/// and ~/.cargo/bin holds trunk and wasm-bindgen.
pub fn tool_path() -> String {
    let mut parts = vec![root().join("e2e/node_modules/.bin").display().to_string()];
    if let Some(home) = std::env::var_os("HOME") {
        parts.push(Path::new(&home).join(".cargo/bin").display().to_string());
    }
    if let Ok(path) = std::env::var("PATH") {
        parts.push(path);
    }
    parts.join(":")
}

pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root()).env("PATH", tool_path());
    c
}

/// Runs a command to completion, printing it and how long it took.
pub fn run(label: &str, mut command: Command) -> Result {
    println!("==> {label}");
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("{label}: cannot start: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    if status.success() {
        println!("    {label}: ok in {secs:.1} s");
        Ok(())
    } else {
        Err(format!("{label}: failed ({status}) after {secs:.1} s"))
    }
}

/// Runs a command and returns its trimmed stdout, or None if it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = cmd(program, args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
