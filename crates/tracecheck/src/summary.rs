//! `summary` and `dump` commands.

use serde_json::json;
use std::process::ExitCode;
use trace_core::time::{format_duration, ns_to_us};
use trace_core::{import_owned, Import, Trace, Tree};

/// Name of the earliest root span (ties: first in the file).
fn root_name(t: &Trace, tree: &Tree) -> String {
    tree.roots()
        .first()
        .map(|&r| t.name(r).to_string())
        .unwrap_or_default()
}

pub fn read(path: &str) -> Result<Import, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))?;
    // The name is only a hint: detection is by content.
    let name = std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str());
    import_owned(bytes, name).map_err(|e| e.to_string())
}

pub fn summary_json(file: &str, imp: &Import) -> serde_json::Value {
    let traces: Vec<serde_json::Value> = imp
        .traces
        .iter()
        .map(|t| {
            let tree = Tree::build(t);
            json!({
                "trace_id": t.trace_id(),
                "spans": t.len(),
                "services": t.services(),
                "root": root_name(t, &tree),
                "roots": tree.roots().len(),
                "duration_us": ns_to_us(t.trace_duration_ns()),
                "errors": t.error_count(),
                "warnings": t.warning_total(),
            })
        })
        .collect();
    let warnings: Vec<serde_json::Value> = imp
        .warnings
        .iter()
        .map(|w| json!({"kind": w.kind.as_str(), "message": w.message}))
        .collect();
    json!({"file": file, "format": imp.format.as_str(), "traces": traces, "warnings": warnings})
}

pub fn run(files: &[String], as_json: bool) -> ExitCode {
    let mut failed = false;
    for f in files {
        match read(f) {
            Ok(imp) if as_json => println!("{}", summary_json(f, &imp)),
            Ok(imp) => print_text(f, &imp),
            Err(e) => {
                failed = true;
                eprintln!("{f}: error: {e}");
                if as_json {
                    println!("{}", json!({"file": f, "error": e}));
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_text(file: &str, imp: &Import) {
    println!(
        "{file}: {} ({} trace{})",
        imp.format.label(),
        imp.traces.len(),
        if imp.traces.len() == 1 { "" } else { "s" }
    );
    for w in &imp.warnings {
        println!("  warning: {w}");
    }
    for t in &imp.traces {
        let tree = Tree::build(t);
        println!(
            "  trace {}: {} spans, services {}, root {:?}, duration {}, {} error span(s), {} warning(s)",
            t.trace_id(),
            t.len(),
            t.services().join(", "),
            root_name(t, &tree),
            format_duration(t.trace_duration_ns()),
            t.error_count(),
            t.warning_total()
        );
        for w in t.warnings().iter().take(10) {
            println!("    warning: {w}");
        }
        if t.warning_total() > 10 {
            println!("    ... {} more warnings", t.warning_total() - 10);
        }
    }
}

pub fn dump(f: &str) -> ExitCode {
    match read(f) {
        Ok(imp) => {
            print!("{}", trace_core::dump::dump(&imp));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{f}: error: {e}");
            ExitCode::FAILURE
        }
    }
}
