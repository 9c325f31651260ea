//! Deterministic generator of large, realistic trace files for the benchmark: several services,
//! nested spans, tags of every type, logs/events, in Jaeger, OTLP and Chrome formats.

use fastrand::Rng;
use std::fmt::Write as _;
use std::io::{self, Write};
use trace_core::time::us_to_ns;

/// A number in `0..n`; 0 when `n` is 0 (fastrand panics on an empty range).
fn below(rng: &mut Rng, n: u64) -> u64 {
    if n == 0 {
        0
    } else {
        rng.u64(..n)
    }
}

const SERVICES: [&str; 6] = [
    "frontend",
    "checkout",
    "payments",
    "inventory",
    "shipping",
    "auth",
];
const OPS: [&str; 8] = [
    "GET /api/cart",
    "POST /api/checkout",
    "charge",
    "reserve",
    "SELECT orders",
    "quote",
    "verify-token",
    "publish",
];

pub struct GenSpan {
    pub id: u64,
    pub parent: Option<u64>,
    pub service: usize,
    pub op: usize,
    pub start_us: i64,
    pub dur_us: i64,
    pub kind: u8,
    pub error: bool,
    pub logs: u8,
}

/// One trace of 20..80 spans with nesting up to depth 5; children fit inside their parents.
pub fn trace(rng: &mut Rng, base_us: i64) -> (u128, Vec<GenSpan>) {
    let tid = ((rng.u64(..) as u128) << 64) | rng.u64(..) as u128;
    let n = 20 + below(rng, 60) as usize;
    let mut spans: Vec<GenSpan> = Vec::with_capacity(n);
    let root_dur = 50_000 + below(rng, 500_000) as i64;
    spans.push(GenSpan {
        id: rng.u64(..),
        parent: None,
        service: 0,
        op: 0,
        start_us: base_us,
        dur_us: root_dur,
        kind: 2,
        error: false,
        logs: 1,
    });
    let mut depth = vec![0usize];
    while spans.len() < n {
        let p = below(rng, spans.len() as u64) as usize;
        if depth[p] >= 5 {
            continue;
        }
        let (ps, pd) = (spans[p].start_us, spans[p].dur_us);
        let off = below(rng, (pd / 2).max(1) as u64) as i64;
        let dur = 1 + below(rng, ((pd - off) / 2).max(1) as u64) as i64;
        spans.push(GenSpan {
            id: rng.u64(..),
            parent: Some(spans[p].id),
            service: below(rng, SERVICES.len() as u64) as usize,
            op: below(rng, OPS.len() as u64) as usize,
            start_us: ps + off,
            dur_us: dur,
            kind: 1 + below(rng, 3) as u8,
            error: below(rng, 50) == 0,
            logs: if below(rng, 4) == 0 {
                1 + below(rng, 2) as u8
            } else {
                0
            },
        });
        depth.push(depth[p] + 1);
    }
    (tid, spans)
}

fn kind_name(k: u8) -> &'static str {
    match k {
        2 => "server",
        3 => "client",
        _ => "internal",
    }
}

/// Writes files of about `target` bytes; returns the number of spans written.
pub fn jaeger(w: &mut impl Write, target: usize, seed: u64) -> io::Result<usize> {
    let rng = &mut Rng::with_seed(seed);
    let mut written = 0usize;
    let mut spans_total = 0;
    w.write_all(b"{\"data\":[")?;
    let mut first = true;
    let mut s = String::with_capacity(1 << 16);
    let mut base = 1_700_000_000_000_000i64;
    while written < target {
        let (tid, spans) = trace(rng, base);
        base += 1_000_000;
        s.clear();
        if !first {
            s.push(',');
        }
        first = false;
        let _ = write!(s, "{{\"traceID\":\"{tid:032x}\",\"spans\":[");
        for (k, sp) in spans.iter().enumerate() {
            if k > 0 {
                s.push(',');
            }
            jaeger_span(&mut s, tid, sp);
        }
        s.push_str("],");
        jaeger_processes(&mut s);
        s.push_str(",\"warnings\":null}");
        w.write_all(s.as_bytes())?;
        written += s.len();
        spans_total += spans.len();
    }
    w.write_all(b"],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}")?;
    Ok(spans_total)
}

/// One trace of about `target` bytes, its spans one array (the hard case for parallel
/// parsing), its processes after them as Jaeger writes them; returns the number of spans.
pub fn jaeger_one_trace(w: &mut impl Write, target: usize, seed: u64) -> io::Result<usize> {
    let rng = &mut Rng::with_seed(seed);
    let tid = ((rng.u64(..) as u128) << 64) | rng.u64(..) as u128;
    write!(w, "{{\"data\":[{{\"traceID\":\"{tid:032x}\",\"spans\":[")?;
    let mut written = 0usize;
    let mut spans_total = 0;
    let mut s = String::with_capacity(1 << 16);
    let mut base = 1_700_000_000_000_000i64;
    let mut root = None;
    while written < target {
        // Parts of one trace: each part's root is a child of the first span written.
        let (_, mut spans) = trace(rng, base);
        base += 1_000_000;
        match root {
            Some(id) => spans[0].parent = Some(id),
            None => root = Some(spans[0].id),
        }
        s.clear();
        for sp in &spans {
            if spans_total > 0 || !s.is_empty() {
                s.push(',');
            }
            jaeger_span(&mut s, tid, sp);
        }
        w.write_all(s.as_bytes())?;
        written += s.len();
        spans_total += spans.len();
    }
    s.clear();
    s.push_str("],");
    jaeger_processes(&mut s);
    s.push_str(",\"warnings\":null}],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
    w.write_all(s.as_bytes())?;
    Ok(spans_total)
}

fn jaeger_span(s: &mut String, tid: u128, sp: &GenSpan) {
    let _ = write!(s, "{{\"traceID\":\"{tid:032x}\",\"spanID\":\"{:016x}\",\"flags\":1,\"operationName\":\"{}\",\"references\":[", sp.id, OPS[sp.op]);
    if let Some(p) = sp.parent {
        let _ = write!(
            s,
            "{{\"refType\":\"CHILD_OF\",\"traceID\":\"{tid:032x}\",\"spanID\":\"{p:016x}\"}}"
        );
    }
    let _ = write!(
        s,
        "],\"startTime\":{},\"duration\":{},\"tags\":[{{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"{}\"}},{{\"key\":\"http.status_code\",\"type\":\"int64\",\"value\":{}}},{{\"key\":\"http.url\",\"type\":\"string\",\"value\":\"https://shop.example.com/api/v1/items/{}?session=abcdef0123456789\"}},{{\"key\":\"component\",\"type\":\"string\",\"value\":\"net/http\"}},{{\"key\":\"sampler.param\",\"type\":\"float64\",\"value\":0.25}},{{\"key\":\"internal.span.format\",\"type\":\"string\",\"value\":\"proto\"}}",
        sp.start_us,
        sp.dur_us,
        kind_name(sp.kind),
        if sp.error { 500 } else { 200 },
        sp.id % 10000
    );
    if sp.error {
        s.push_str(",{\"key\":\"error\",\"type\":\"bool\",\"value\":true}");
    }
    s.push_str("],\"logs\":[");
    for l in 0..sp.logs {
        if l > 0 {
            s.push(',');
        }
        let _ = write!(s, "{{\"timestamp\":{},\"fields\":[{{\"key\":\"event\",\"type\":\"string\",\"value\":\"cache miss\"}},{{\"key\":\"key\",\"type\":\"string\",\"value\":\"item:{}\"}}]}}", sp.start_us + 1, sp.id % 997);
    }
    let _ = write!(
        s,
        "],\"processID\":\"p{}\",\"warnings\":null}}",
        sp.service + 1
    );
}

/// The `processes` map every generated trace shares.
fn jaeger_processes(s: &mut String) {
    s.push_str("\"processes\":{");
    for (k, svc) in SERVICES.iter().enumerate() {
        if k > 0 {
            s.push(',');
        }
        let _ = write!(s, "\"p{}\":{{\"serviceName\":\"{svc}\",\"tags\":[{{\"key\":\"hostname\",\"type\":\"string\",\"value\":\"{svc}-7d9f\"}},{{\"key\":\"ip\",\"type\":\"string\",\"value\":\"10.0.0.{}\"}},{{\"key\":\"jaeger.version\",\"type\":\"string\",\"value\":\"Go-2.30.0\"}}]}}", k + 1, k + 1);
    }
    s.push('}');
}

fn otlp_kv(s: &mut String, k: &str, v: &str) {
    let _ = write!(
        s,
        "{{\"key\":\"{k}\",\"value\":{{\"stringValue\":\"{v}\"}}}}"
    );
}

/// One export request per trace and service group, as a Collector would batch them.
pub fn otlp(w: &mut impl Write, target: usize, seed: u64) -> io::Result<usize> {
    let rng = &mut Rng::with_seed(seed);
    let mut written = 0usize;
    let mut spans_total = 0;
    w.write_all(b"{\"resourceSpans\":[")?;
    let mut first = true;
    let mut s = String::with_capacity(1 << 16);
    let mut base = 1_700_000_000_000_000i64;
    while written < target {
        let (tid, spans) = trace(rng, base);
        base += 1_000_000;
        for (svc_ix, svc) in SERVICES.iter().enumerate() {
            let mine: Vec<&GenSpan> = spans.iter().filter(|sp| sp.service == svc_ix).collect();
            if mine.is_empty() {
                continue;
            }
            s.clear();
            if !first {
                s.push(',');
            }
            first = false;
            s.push_str("{\"resource\":{\"attributes\":[");
            otlp_kv(&mut s, "service.name", svc);
            s.push(',');
            otlp_kv(&mut s, "host.name", &format!("{svc}-7d9f"));
            s.push(',');
            otlp_kv(&mut s, "telemetry.sdk.language", "go");
            s.push_str("]},\"scopeSpans\":[{\"scope\":{\"name\":\"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp\",\"version\":\"0.46.0\"},\"spans\":[");
            for (k, sp) in mine.iter().enumerate() {
                if k > 0 {
                    s.push(',');
                }
                // Sub-microsecond digits, so OTLP's nanosecond precision is exercised.
                let start = us_to_ns(sp.start_us) + (sp.id % 1000) as i64;
                let end = start + us_to_ns(sp.dur_us);
                let _ = write!(s, "{{\"traceId\":\"{tid:032x}\",\"spanId\":\"{:016x}\",\"parentSpanId\":\"{}\",\"name\":\"{}\",\"kind\":{},\"startTimeUnixNano\":\"{start}\",\"endTimeUnixNano\":\"{end}\",\"attributes\":[", sp.id, sp.parent.map(|p| format!("{p:016x}")).unwrap_or_default(), OPS[sp.op], sp.kind);
                otlp_kv(&mut s, "http.method", "GET");
                let _ = write!(
                    s,
                    ",{{\"key\":\"http.status_code\",\"value\":{{\"intValue\":\"{}\"}}}},",
                    if sp.error { 500 } else { 200 }
                );
                otlp_kv(
                    &mut s,
                    "http.url",
                    &format!(
                        "https://shop.example.com/api/v1/items/{}?session=abcdef0123456789",
                        sp.id % 10000
                    ),
                );
                s.push_str(",{\"key\":\"sampler.ratio\",\"value\":{\"doubleValue\":0.25}},{\"key\":\"retry\",\"value\":{\"boolValue\":false}}],\"events\":[");
                for l in 0..sp.logs {
                    if l > 0 {
                        s.push(',');
                    }
                    let _ = write!(
                        s,
                        "{{\"timeUnixNano\":\"{}\",\"name\":\"cache miss\",\"attributes\":[",
                        start + 1000
                    );
                    otlp_kv(&mut s, "key", &format!("item:{}", sp.id % 997));
                    s.push_str("]}");
                }
                let _ = write!(
                    s,
                    "],\"status\":{{\"code\":{}}}}}",
                    if sp.error { 2 } else { 0 }
                );
            }
            s.push_str("]}]}");
            w.write_all(s.as_bytes())?;
            written += s.len();
            spans_total += mine.len();
        }
    }
    w.write_all(b"]}")?;
    Ok(spans_total)
}

/// Chrome trace events: X slices nested per thread, some B/E pairs, instants and metadata.
pub fn chrome(w: &mut impl Write, target: usize, seed: u64) -> io::Result<usize> {
    let rng = &mut Rng::with_seed(seed);
    let mut written = 0usize;
    let mut spans_total = 0;
    let mut s = String::with_capacity(1 << 16);
    s.push_str("{\"traceEvents\":[");
    for (pid, name) in SERVICES.iter().enumerate() {
        let _ = write!(s, "{{\"ph\":\"M\",\"pid\":{pid},\"tid\":0,\"name\":\"process_name\",\"args\":{{\"name\":\"{name}\"}}}},");
        let _ = write!(s, "{{\"ph\":\"M\",\"pid\":{pid},\"tid\":1,\"name\":\"thread_name\",\"args\":{{\"name\":\"CrRendererMain\"}}}},");
    }
    w.write_all(s.as_bytes())?;
    let mut ts = 0i64;
    let mut first = true;
    while written < target {
        // A task on one thread: slices strictly nested (same-thread slices never partially overlap).
        let pid = below(rng, SERVICES.len() as u64);
        let tid = 1 + below(rng, 4);
        let mut slices = Vec::new();
        let len = 20_000 + below(rng, 200_000) as i64;
        nest(rng, ts, len, 0, &mut slices);
        ts += 250_000;
        s.clear();
        for &(start, dur, op) in &slices {
            if !first {
                s.push(',');
            }
            first = false;
            let _ = write!(
                s,
                "{{\"pid\":{pid},\"tid\":{tid},\"ph\":\"X\",\"cat\":\"devtools.timeline\",\"name\":\"{}\",\"ts\":{start},\"dur\":{dur},\"tdur\":{},\"args\":{{\"data\":{{\"frame\":\"F{:x}\",\"url\":\"https://shop.example.com/app.js\",\"lineNumber\":{}}}}}}}",
                OPS[op],
                dur / 2,
                start % 4096,
                start % 5000
            );
        }
        let _ = write!(s, ",{{\"pid\":{pid},\"tid\":{tid},\"ph\":\"i\",\"s\":\"t\",\"name\":\"Mark\",\"ts\":{},\"args\":{{}}}}", ts - 249_000);
        w.write_all(s.as_bytes())?;
        written += s.len();
        spans_total += slices.len();
    }
    w.write_all(b"],\"displayTimeUnit\":\"ms\"}")?;
    Ok(spans_total)
}

/// A slice and its children, which partition part of it without overlapping each other.
fn nest(rng: &mut Rng, start: i64, dur: i64, depth: u32, out: &mut Vec<(i64, i64, usize)>) {
    out.push((start, dur, below(rng, OPS.len() as u64) as usize));
    if depth >= 5 {
        return;
    }
    let mut cur = start + 1;
    for _ in 0..below(rng, 4) {
        let remaining = start + dur - cur;
        if remaining < 8 {
            break;
        }
        let d = 1 + below(rng, (remaining / 2) as u64) as i64;
        cur += below(rng, ((remaining - d) / 4 + 1) as u64) as i64;
        nest(rng, cur, d, depth + 1, out);
        cur += d;
    }
}
