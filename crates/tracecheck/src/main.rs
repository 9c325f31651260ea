//! tracecheck: check trace files from the command line (CI, our own checks, benchmarks).
//!
//!   tracecheck summary FILE... [--json]   per file: format, and per trace id, spans, services, root,
//!                                         duration, errors, warnings. Exit 1 if any file is unreadable.
//!   tracecheck dump FILE                  the stable text dump used by the snapshot tests
//!   tracecheck convert --to FORMAT FILE [-o OUT]
//!                                         every trace of FILE as OTLP, Jaeger or Zipkin JSON
//!                                         (stdout without -o). Exit 1 if FILE is unreadable.
//!   tracecheck bench [--mb N] [--dir DIR] generate large files and measure import speed and memory
//!   tracecheck link FILE... [--limit N]   per trace: spans, length of its whole-trace share link
//!                                         (at most N chars, default 1,000,000 as the viewer),
//!                                         encode and decode times; per file, links vs file size.
//!                                         Exit 1 if a file is unreadable or a link does not decode.
//!   tracecheck link --largest [--limit N] the most spans of a generated trace whose link fits
//!                                         100,000 and 1,000,000 chars (or N)

mod bench;
mod convert;
mod gen;
mod link;
mod summary;

use std::process::ExitCode;

const USAGE: &str = "usage:
  tracecheck summary FILE... [--json]
  tracecheck dump FILE
  tracecheck convert --to otlp|jaeger|zipkin FILE [-o OUT]
  tracecheck bench [--mb N] [--dir DIR] [--no-wasm]
  tracecheck link FILE... [--limit N]
  tracecheck link --largest [--limit N]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("summary") => summary::run(&args[1..]),
        Some("dump") => summary::dump(&args[1..]),
        Some("convert") => convert::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("link") => link::run(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
