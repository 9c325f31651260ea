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

/// Exit status of a program stopped by SIGPIPE (128 + 13), as shells report it.
const EXIT_BROKEN_PIPE: i32 = 141;

/// `tracecheck summary … | head` closes stdout early; `println!` then panics, and with
/// `panic = "abort"` the process would die with an abort message. Writing to a reader that
/// has gone is not an error of ours: leave quietly, as a SIGPIPE would.
fn exit_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("Broken pipe") || message.contains("os error 32") {
            std::process::exit(EXIT_BROKEN_PIPE);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    exit_quietly_on_broken_pipe();
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
