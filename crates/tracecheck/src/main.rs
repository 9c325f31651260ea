//! tracecheck: check trace files from the command line (CI, our own checks, benchmarks).
//! `tracecheck --help` lists the commands (`cli.rs` declares them); `tracecheck help COMMAND`
//! explains one.

mod bench;
mod bench_parallel;
mod cli;
mod convert;
mod gen;
mod link;
mod summary;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

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
    match Cli::parse().command {
        Command::Summary { json, files } => summary::run(&files, json),
        Command::Dump { file } => summary::dump(&file),
        Command::Convert(args) => convert::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Link(args) => link::run(&args),
    }
}
