//! The command line, declared with clap: every subcommand and flag is listed by `--help`, and
//! an unknown flag or a missing value is an error that says so (exit status 2).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use trace_core::export::ExportFormat;

/// Check trace files from the command line: CI checks, conversions and our own benchmarks.
#[derive(Debug, Parser)]
#[command(name = "tracecheck", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Per file: its format, and per trace: spans, services, root, duration, errors and
    /// warnings. Exit status 1 if any file is unreadable.
    Summary {
        /// One JSON object per file instead of text.
        #[arg(long)]
        json: bool,
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
    },
    /// The stable text dump the snapshot tests compare.
    Dump {
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Every trace of FILE as OTLP, Jaeger or Zipkin JSON, in one document.
    Convert(ConvertArgs),
    /// Generate large files and measure import speed and memory.
    Bench(BenchArgs),
    /// Per trace: spans, length of its whole-trace share link, encode and decode times.
    Link(LinkArgs),
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// otlp, jaeger or zipkin.
    #[arg(long, value_parser = parse_format)]
    pub to: ExportFormat,
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Where to write (standard output without it).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub out: Option<String>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Megabytes of each generated file.
    #[arg(long, default_value_t = 100)]
    pub mb: usize,
    /// Where the generated files go (default: a folder in the temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Skip the WebAssembly build and its measurements.
    #[arg(long)]
    pub no_wasm: bool,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    #[arg(required_unless_present = "largest", value_name = "FILE")]
    pub files: Vec<String>,
    /// The longest link to make, in characters (default: the viewer's 1,000,000; `_` allowed).
    #[arg(long, value_parser = parse_positive)]
    pub limit: Option<usize>,
    /// The most spans of a generated trace whose link fits 100,000 and 1,000,000 characters
    /// (or --limit).
    #[arg(long, conflicts_with_all = ["files", "print"])]
    pub largest: bool,
    /// Print only the link text of each trace, one per line (for `…/viewer#data=<text>`).
    #[arg(long)]
    pub print: bool,
}

fn parse_format(text: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(text)
        .ok_or_else(|| format!("unknown format {text:?}: use otlp, jaeger or zipkin"))
}

fn parse_positive(text: &str) -> Result<usize, String> {
    text.replace('_', "")
        .parse::<usize>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("needs a positive number, not {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        let argv = std::iter::once("tracecheck").chain(args.iter().copied());
        Cli::try_parse_from(argv)
            .map(|cli| cli.command)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn convert_arguments_in_any_order() {
        let Ok(Command::Convert(a)) =
            parse(&["convert", "--to", "zipkin", "a.json", "-o", "b.json"])
        else {
            panic!("not parsed")
        };
        assert_eq!(
            (a.to, a.file.as_str(), a.out.as_deref()),
            (ExportFormat::Zipkin, "a.json", Some("b.json"))
        );
        let Ok(Command::Convert(a)) = parse(&["convert", "a.json", "--to=OTLP"]) else {
            panic!("not parsed")
        };
        assert_eq!((a.to, a.out), (ExportFormat::Otlp, None));
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        let err = |args: &[&str]| parse(args).unwrap_err();
        assert!(err(&["convert", "a.json"]).contains("--to"));
        assert!(err(&["convert", "--to", "chrome", "a.json"]).contains("unknown format \"chrome\""));
        assert!(err(&["convert", "--to", "otlp"]).contains("<FILE>"));
        assert!(err(&["convert", "--to", "otlp", "a", "b"]).contains("unexpected argument 'b'"));
        assert!(err(&["convert", "--to", "otlp", "a", "-o"]).contains("value is required"));
        assert!(err(&["convert", "--to", "otlp", "a", "--pretty"]).contains("--pretty"));
        assert!(
            err(&["summary", "a.json", "--jsn"]).contains("--jsn"),
            "unknown flags are not ignored"
        );
        assert!(err(&["summary"]).contains("<FILE>"));
        assert!(err(&["bench", "--mb", "lots"]).contains("lots"));
    }

    #[test]
    fn link_files_limit_and_largest() {
        let link = |args: &[&str]| match parse(args) {
            Ok(Command::Link(a)) => Ok(a),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e),
        };
        let a = link(&["link", "a.json", "--limit", "100_000", "b.json"]).unwrap();
        assert_eq!(a.files, ["a.json", "b.json"]);
        assert_eq!(a.limit, Some(100_000));
        let a = link(&["link", "--largest", "--limit=5000"]).unwrap();
        assert!(a.largest && a.files.is_empty());
        assert_eq!(a.limit, Some(5000));
        assert!(link(&["link", "a.json", "--print"]).unwrap().print);
        for bad in [
            &["link"][..],
            &["link", "--largest", "a.json"],
            &["link", "a.json", "--limit", "0"],
            &["link", "a.json", "--limit"],
            &["link", "a.json", "--frobnicate"],
            &["link", "--largest", "--print"],
        ] {
            assert!(link(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn help_lists_every_subcommand() {
        let help = parse(&["--help"]).unwrap_err();
        for name in ["summary", "dump", "convert", "bench", "link"] {
            assert!(help.contains(name), "{name} missing from:\n{help}");
        }
    }
}
