//! `link` command: how big the viewer's self-contained share links get. For every trace of each
//! file: span count, length of its whole-trace link (`trace_core::packed`), encode and decode
//! times, and how much smaller the links are than the file. With `--largest`: the most spans of
//! a generated trace whose link fits 100,000 and 1,000,000 characters. With `--print`: only the
//! link text of each trace, one per line, for `…/viewer#data=<text>` (and the fuzz seeds).

use crate::cli::LinkArgs;
use crate::gen;
use std::process::ExitCode;
use std::time::Instant;
use trace_core::packed::{self, EncodeError, Packed};
use trace_core::scope::Scope;
use trace_core::time::wall_ms;
use trace_core::Trace;

/// The longest link the viewer makes when sharing (`viewer_core::share::MAX_TRACE_DATA_CHARS`).
const VIEWER_LIMIT: usize = 1_000_000;
/// Limits `--largest` looks at when none is given.
const LARGEST_LIMITS: [usize; 2] = [100_000, 1_000_000];
/// No limit: the link is made whatever its length.
const UNLIMITED: usize = usize::MAX / 2;

pub fn run(a: &LinkArgs) -> ExitCode {
    if a.largest {
        let limits = a.limit.map_or(LARGEST_LIMITS.to_vec(), |l| vec![l]);
        return largest(&limits);
    }
    let limit = a.limit.unwrap_or(VIEWER_LIMIT);
    let mut failed = false;
    for f in &a.files {
        let done = if a.print {
            print_links(f, limit)
        } else {
            file(f, limit)
        };
        if let Err(e) = done {
            eprintln!("{f}: error: {e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints the whole-trace link text of every trace of `path` that has one within `limit`.
fn print_links(path: &str, limit: usize) -> Result<(), String> {
    let imp = crate::summary::read(path)?;
    for t in &imp.traces {
        match packed::encode(t, &Scope::Whole, limit) {
            Ok(p) => println!("{}", p.text),
            Err(EncodeError::Empty) => {}
            Err(EncodeError::TooBig { .. }) => {
                eprintln!(
                    "{path}: trace {}: link over {limit} characters",
                    t.trace_id()
                )
            }
        }
    }
    Ok(())
}

/// Best time of a few runs (one for slow ones), in milliseconds, with the last result.
fn timed<T>(mut f: impl FnMut() -> T) -> (T, f64) {
    let mut best = f64::MAX;
    let mut runs = 0;
    loop {
        let t0 = Instant::now();
        let out = f();
        best = best.min(wall_ms(t0.elapsed()));
        runs += 1;
        if runs == 3 || best > 200.0 {
            return (out, best);
        }
    }
}

fn file(path: &str, limit: usize) -> Result<(), String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read file: {e}"))?
        .len() as usize;
    let imp = crate::summary::read(path)?;
    println!(
        "{path}: {} ({} trace{}, {size} bytes), links of at most {limit} characters",
        imp.format.label(),
        imp.traces.len(),
        if imp.traces.len() == 1 { "" } else { "s" }
    );
    let (mut chars, mut linked) = (0usize, 0usize);
    for t in &imp.traces {
        let (packed, encode_ms) = timed(|| packed::encode(t, &Scope::Whole, limit));
        let p = match packed {
            Ok(p) => p,
            Err(EncodeError::Empty) => {
                println!("  trace {}: no spans, no link", t.trace_id());
                continue;
            }
            Err(EncodeError::TooBig { .. }) => {
                println!(
                    "  trace {}: {} spans, link over the {limit}-character limit (given up after {encode_ms:.2} ms)",
                    t.trace_id(),
                    t.len()
                );
                continue;
            }
        };
        let decode_ms = check_decodes(t, &p)?;
        println!(
            "  trace {}: {} spans, link {} chars, encode {encode_ms:.2} ms, decode {decode_ms:.2} ms",
            t.trace_id(),
            t.len(),
            p.text.len()
        );
        chars += p.text.len();
        linked += 1;
    }
    if chars > 0 {
        println!(
            "  {linked} link{} {chars} chars for a {size}-byte file: {:.1}x smaller ({:.1}% of the file)",
            if linked == 1 { "" } else { "s" },
            size as f64 / chars as f64,
            100.0 * chars as f64 / size as f64
        );
    }
    Ok(())
}

/// Decodes the link (best of a few runs) and checks it holds the trace's spans: a link the
/// viewer cannot open is an error.
fn check_decodes(t: &Trace, p: &Packed) -> Result<f64, String> {
    let (back, ms) = timed(|| packed::decode(&p.text));
    match back {
        Ok(b) if b.len() == t.len() => Ok(ms),
        Ok(b) => Err(format!(
            "trace {}: the link decodes to {} spans, not {}",
            t.trace_id(),
            b.len(),
            t.len()
        )),
        Err(e) => Err(format!(
            "trace {}: the link does not decode: {e}",
            t.trace_id()
        )),
    }
}

/// Spans of one big Jaeger trace made of the benchmark generator's traces (`gen::jaeger`, so
/// the same tags, logs and processes): every generated trace after the first hangs under the
/// first one's root, and they follow each other in time. Any prefix of `spans` is a whole
/// trace, since the generator writes parents before their children.
struct BigTrace {
    trace_id: String,
    root_id: String,
    processes: String,
    /// Each span's JSON object.
    spans: Vec<String>,
    /// The latest end among spans `..=k` (µs).
    end_us: Vec<i64>,
    /// The root's start (µs).
    start_us: i64,
    seed: u64,
}

impl BigTrace {
    fn new() -> BigTrace {
        BigTrace {
            trace_id: String::new(),
            root_id: String::new(),
            processes: String::new(),
            spans: Vec::new(),
            end_us: Vec::new(),
            start_us: 0,
            seed: 1,
        }
    }

    /// Generates batches until there are at least `n` spans.
    fn ensure(&mut self, n: usize) -> Result<(), String> {
        while self.spans.len() < n {
            self.batch()?;
        }
        Ok(())
    }

    /// One generated file of about 4 MB (some 4,000 spans in traces of 20-80).
    fn batch(&mut self) -> Result<(), String> {
        let mut buf = Vec::new();
        gen::jaeger(&mut buf, 4_000_000, self.seed).map_err(|e| e.to_string())?;
        self.seed += 1;
        let doc: serde_json::Value = serde_json::from_slice(&buf).map_err(|e| e.to_string())?;
        let data = doc["data"].as_array().ok_or("generated file has no data")?;
        let first_start = data
            .first()
            .and_then(|d| d["spans"][0]["startTime"].as_i64())
            .ok_or("generated trace without spans")?;
        // The batch starts 1 ms after the previous one ends.
        let shift = self
            .end_us
            .last()
            .map_or(0, |&end| end + 1_000 - first_start);
        for d in data {
            let mut spans = d["spans"].as_array().cloned().unwrap_or_default();
            for s in &mut spans {
                let end = self.adopt(s, shift);
                let latest = self.end_us.last().map_or(end, |&e| e.max(end));
                self.end_us.push(latest);
                self.spans.push(s.to_string());
            }
            if self.processes.is_empty() {
                self.processes = d["processes"].to_string();
            }
        }
        Ok(())
    }

    /// Moves a generated span into the big trace: its trace id, shifted times, and for a
    /// generated root (after the first) the first root as its parent. Returns its end (µs).
    fn adopt(&mut self, s: &mut serde_json::Value, shift: i64) -> i64 {
        let start = s["startTime"].as_i64().unwrap_or(0) + shift;
        let end = start + s["duration"].as_i64().unwrap_or(0);
        s["startTime"] = start.into();
        if let Some(logs) = s["logs"].as_array_mut() {
            for l in logs {
                l["timestamp"] = (l["timestamp"].as_i64().unwrap_or(0) + shift).into();
            }
        }
        if self.trace_id.is_empty() {
            self.trace_id = s["traceID"].as_str().unwrap_or_default().to_string();
            self.root_id = s["spanID"].as_str().unwrap_or_default().to_string();
            self.start_us = start;
        }
        s["traceID"] = self.trace_id.as_str().into();
        let is_root = s["references"].as_array().is_none_or(|r| r.is_empty());
        if is_root && s["spanID"] != self.root_id.as_str() {
            s["references"] = serde_json::json!([{
                "refType": "CHILD_OF", "traceID": self.trace_id, "spanID": self.root_id,
            }]);
        } else if let Some(refs) = s["references"].as_array_mut() {
            for r in refs {
                r["traceID"] = self.trace_id.as_str().into();
            }
        }
        end
    }

    /// The first `n` spans as one trace (Jaeger JSON), the root lasting until the last ends.
    fn trace(&self, n: usize) -> Result<Trace, String> {
        if n == 0 || n > self.spans.len() {
            return Err(format!("{n} spans asked, {} generated", self.spans.len()));
        }
        let mut doc = String::with_capacity(n * 1_000);
        doc.push_str(&format!(
            "{{\"data\":[{{\"traceID\":\"{}\",\"spans\":[",
            self.trace_id
        ));
        for (k, s) in self.spans[..n].iter().enumerate() {
            if k > 0 {
                doc.push(',');
            }
            if k == 0 {
                let mut root: serde_json::Value =
                    serde_json::from_str(s).map_err(|e| e.to_string())?;
                root["duration"] = (self.end_us[n - 1] - self.start_us).into();
                doc.push_str(&root.to_string());
            } else {
                doc.push_str(s);
            }
        }
        doc.push_str(&format!("],\"processes\":{}}}]}}", self.processes));
        let mut imp =
            trace_core::import_owned(doc.into_bytes(), None).map_err(|e| e.to_string())?;
        match imp.traces.len() {
            1 => Ok(imp.traces.remove(0)),
            k => Err(format!("the generated document holds {k} traces, not one")),
        }
    }
}

/// Link length of the first `n` spans, or None when over `limit`; with the encode time.
fn link_chars(big: &mut BigTrace, n: usize, limit: usize) -> Result<(Option<usize>, f64), String> {
    big.ensure(n)?;
    let t = big.trace(n)?;
    let t0 = Instant::now();
    let r = packed::encode(&t, &Scope::Whole, limit);
    let ms = wall_ms(t0.elapsed());
    match r {
        Ok(p) => Ok((Some(p.text.len()), ms)),
        Err(EncodeError::TooBig { .. }) => Ok((None, ms)),
        Err(e) => Err(e.to_string()),
    }
}

fn largest(limits: &[usize]) -> ExitCode {
    match find_largest(limits) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tracecheck link --largest: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Doubles the span count until the link passes the largest limit, then bisects for each
/// limit: link length grows with the span count, since each count's trace is a prefix of the
/// next one's.
fn find_largest(limits: &[usize]) -> Result<(), String> {
    let top = limits.iter().copied().max().unwrap_or(VIEWER_LIMIT);
    let mut big = BigTrace::new();
    println!("one generated Jaeger trace (benchmark generator's spans, tags and logs), whole-trace links:");
    println!(
        "{:>9} {:>12} {:>10} {:>11}",
        "spans", "link chars", "chars/span", "encode ms"
    );
    // (spans, link chars) measured so far.
    let mut seen: Vec<(usize, usize)> = Vec::new();
    let mut n = 250;
    loop {
        let (chars, ms) = link_chars(&mut big, n, UNLIMITED)?;
        let chars = chars.ok_or("no link without a limit")?;
        println!(
            "{n:>9} {chars:>12} {:>10.1} {ms:>11.1}",
            chars as f64 / n as f64
        );
        seen.push((n, chars));
        if chars > top {
            break;
        }
        n *= 2;
    }
    for &limit in limits {
        // The most spans known to fit, and the fewest known not to.
        let mut lo = seen
            .iter()
            .filter(|&&(_, c)| c <= limit)
            .map(|&(n, _)| n)
            .max()
            .unwrap_or(0);
        let mut hi = seen
            .iter()
            .filter(|&&(_, c)| c > limit)
            .map(|&(n, _)| n)
            .min()
            .ok_or("no span count over the limit")?;
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            match link_chars(&mut big, mid, limit)?.0 {
                Some(_) => lo = mid,
                None => hi = mid,
            }
        }
        if lo == 0 {
            println!("largest whole-trace link within {limit} chars: not even {hi} spans fit");
            continue;
        }
        let t = big.trace(lo)?;
        let p = packed::encode(&t, &Scope::Whole, limit).map_err(|e| e.to_string())?;
        let decode_ms = check_decodes(&t, &p)?;
        println!(
            "largest whole-trace link within {limit} chars: {lo} spans ({} chars; {} spans do not fit; decodes in {decode_ms:.1} ms)",
            p.text.len(),
            lo + 1
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_trace_prefixes_are_one_trace_with_one_root() {
        let mut big = BigTrace::new();
        big.ensure(500).unwrap();
        let t = big.trace(500).unwrap();
        assert_eq!(t.len(), 500);
        assert_eq!(t.spans().filter(|&i| t.parent(i).is_none()).count(), 1);
        // The root lasts until the last span ends.
        assert_eq!(t.start_ns(0), t.trace_start_ns());
        assert_eq!(t.end_ns(0), t.trace_end_ns());
        // Tags and logs are the generator's.
        let d = t.span_details(1);
        assert!(d.attributes.iter().any(|kv| kv.key == "http.url"));
    }
}
