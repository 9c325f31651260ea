//! `convert` command: a trace file (any format import reads) written out as OTLP, Jaeger or
//! Zipkin JSON, every trace of the file in one document. What each format cannot carry is listed
//! in `trace_core::export`.

use std::process::ExitCode;
use trace_core::export::{export_traces, ExportFormat};

const USAGE: &str = "usage: tracecheck convert --to otlp|jaeger|zipkin FILE [-o OUT]";

#[derive(Debug, PartialEq)]
struct Args {
    to: ExportFormat,
    file: String,
    out: Option<String>,
}

/// `--to FORMAT` (or `--to=FORMAT`), one FILE, optional `-o OUT` (or `--output OUT`).
fn parse_args(args: &[String]) -> Result<Args, String> {
    let (mut to, mut file, mut out) = (None, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(v) = a.strip_prefix("--to=") {
            to = Some(v.to_string());
            continue;
        }
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match a.as_str() {
            "--to" => to = Some(value("--to")?),
            "-o" | "--output" => out = Some(value(a)?),
            _ if a.starts_with('-') && a.len() > 1 => return Err(format!("unknown option {a}")),
            _ if file.is_some() => return Err("only one FILE can be converted at a time".into()),
            _ => file = Some(a.clone()),
        }
    }
    let to = to.ok_or("--to is required")?;
    let to = ExportFormat::parse(&to)
        .ok_or_else(|| format!("unknown format {to:?}: use otlp, jaeger or zipkin"))?;
    let file = file.ok_or("no FILE given")?;
    Ok(Args { to, file, out })
}

pub fn run(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("tracecheck convert: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match convert(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: error: {e}", args.file);
            ExitCode::FAILURE
        }
    }
}

fn convert(args: &Args) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn arguments_in_any_order() {
        let want = Args {
            to: ExportFormat::Zipkin,
            file: "a.json".into(),
            out: Some("b.json".into()),
        };
        assert_eq!(
            parse(&["--to", "zipkin", "a.json", "-o", "b.json"]),
            Ok(want)
        );
        let a = parse(&["a.json", "--to=OTLP"]).unwrap();
        assert_eq!((a.to, a.out), (ExportFormat::Otlp, None));
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        let err = |args: &[&str]| parse(args).unwrap_err();
        assert!(err(&["a.json"]).contains("--to is required"));
        assert!(err(&["--to", "chrome", "a.json"]).contains("unknown format \"chrome\""));
        assert!(err(&["--to", "otlp"]).contains("no FILE"));
        assert!(err(&["--to", "otlp", "a", "b"]).contains("only one FILE"));
        assert!(err(&["--to", "otlp", "a", "-o"]).contains("-o needs a value"));
        assert!(err(&["--to", "otlp", "a", "--pretty"]).contains("unknown option --pretty"));
    }
}
