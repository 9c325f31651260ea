//! `convert` command: a trace file (any format import reads) written out as OTLP, Jaeger or
//! Zipkin JSON, every trace of the file in one document. What each format cannot carry is listed
//! in `trace_core::export`.

use crate::cli::ConvertArgs;
use std::process::ExitCode;
use trace_core::export::export_traces;

pub fn run(args: &ConvertArgs) -> ExitCode {
    match convert(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: error: {e}", args.file);
            ExitCode::FAILURE
        }
    }
}

fn convert(args: &ConvertArgs) -> Result<(), String> {
    let imp = crate::summary::read(&args.file)?;
    let text = export_traces(&imp.traces, args.to);
    match &args.out {
        Some(out) => {
            std::fs::write(out, text + "\n").map_err(|e| format!("cannot write {out}: {e}"))
        }
        None => {
            println!("{text}");
            Ok(())
        }
    }
}
