//! Generated inputs (none is committed): hostile ones shared by the linearity tests
//! (hostile.rs) and the memory budget tests (hostile_memory.rs), and big realistic files for
//! the streamed and parallel imports (stream.rs, parallel.rs).

/// One Jaeger trace whose spans have these ids (each the child of the first).
pub fn jaeger_with_ids(ids: &[u64]) -> Vec<u8> {
    let mut s = String::from(
        r#"{"data":[{"traceID":"t1","processes":{"p1":{"serviceName":"s"}},"spans":["#,
    );
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            s.push(',');
        }
        let parent = if k == 0 {
            String::new()
        } else {
            format!(
                r#"{{"refType":"CHILD_OF","traceID":"t1","spanID":"{:016x}"}}"#,
                ids[0]
            )
        };
        s.push_str(&format!(
            r#"{{"traceID":"t1","spanID":"{id:016x}","operationName":"op","references":[{parent}],"startTime":{},"duration":5,"processID":"p1"}}"#,
            1_700_000_000_000_000u64 + k as u64
        ));
    }
    s.push_str("]}]}");
    s.into_bytes()
}

/// Chrome complete events on one process with these thread ids.
pub fn chrome_with_tids(tids: &[u64]) -> Vec<u8> {
    let events: Vec<String> = tids
        .iter()
        .enumerate()
        .map(|(k, tid)| format!(r#"{{"name":"e","ph":"X","pid":1,"tid":{tid},"ts":{k},"dur":1}}"#))
        .collect();
    format!("[{}]", events.join(",")).into_bytes()
}

/// A Zipkin list of one good span and `bad` elements that are not span objects, on many lines.
pub fn zipkin_with_bad_elements(bad: usize) -> Vec<u8> {
    let mut s = String::from(
        r#"[{"traceId":"0000000000000001","id":"0000000000000001","name":"ok","timestamp":1,"duration":1,"localEndpoint":{"serviceName":"s"}}"#,
    );
    for k in 0..bad {
        s.push_str(if k % 8 == 0 { ",\n1" } else { ",1" });
    }
    s.push(']');
    s.into_bytes()
}

/// A chain of `pairs` client/server pairs on two services, every server starting 1 ms before its
/// client: skew correction moves every server.
pub fn skewed_chain(pairs: usize) -> Vec<u8> {
    let mut spans = Vec::with_capacity(pairs * 2);
    for k in 0..pairs * 2 {
        let (kind, process) = if k % 2 == 0 {
            ("client", "p1")
        } else {
            ("server", "p2")
        };
        let start = 1_700_000_000_000_000u64 + (k as u64 / 2) * 10 + if k % 2 == 1 { 0 } else { 1 };
        let parent = if k == 0 {
            String::new()
        } else {
            format!(r#"{{"refType":"CHILD_OF","traceID":"t1","spanID":"{k:x}"}}"#)
        };
        spans.push(format!(
            r#"{{"traceID":"t1","spanID":"{:x}","operationName":"op","references":[{parent}],"startTime":{start},"duration":{},"processID":"{process}","tags":[{{"key":"span.kind","value":"{kind}"}}]}}"#,
            k + 1,
            1_000_000 - k as u64 * 2,
        ));
    }
    format!(
        r#"{{"data":[{{"traceID":"t1","processes":{{"p1":{{"serviceName":"a"}},"p2":{{"serviceName":"b"}}}},"spans":[{}]}}]}}"#,
        spans.join(",")
    )
    .into_bytes()
}

/// Jaeger spans where span k's parent is `parent_of(k)` (None: a root).
pub fn jaeger_tree(n: usize, parent_of: impl Fn(usize) -> Option<usize>) -> Vec<u8> {
    let mut s = String::from(
        r#"{"data":[{"traceID":"t1","processes":{"p1":{"serviceName":"s"}},"spans":["#,
    );
    for k in 0..n {
        if k > 0 {
            s.push(',');
        }
        let refs = match parent_of(k) {
            Some(p) => format!(
                r#"[{{"refType":"CHILD_OF","traceID":"t1","spanID":"{:x}"}}]"#,
                p + 1
            ),
            None => "[]".to_string(),
        };
        s.push_str(&format!(
            r#"{{"traceID":"t1","spanID":"{:x}","operationName":"op","references":{refs},"startTime":{},"duration":{},"processID":"p1"}}"#,
            k + 1,
            1_700_000_000_000_000u64 + k as u64,
            (n - k) as u64
        ));
    }
    s.push_str("]}]}");
    s.into_bytes()
}

/// One real Jaeger span followed by `n` empty span objects.
pub fn jaeger_with_empty_spans(n: usize) -> Vec<u8> {
    let mut s = String::from(
        r#"{"data":[{"traceID":"t1","processes":{"p1":{"serviceName":"s"}},"spans":[{"traceID":"t1","spanID":"01","operationName":"op","startTime":1700000000000000,"duration":5,"processID":"p1"}"#,
    );
    for _ in 0..n {
        s.push_str(",{}");
    }
    s.push_str("]}]}");
    s.into_bytes()
}

/// A single-trace Jaeger file of `n` spans the size real ones are (~600 bytes: a dozen tags
/// and a log), as Jaeger writes it: the processes after the spans.
pub fn realistic_jaeger(n: usize) -> Vec<u8> {
    let mut s = String::from(r#"{"data":[{"traceID":"5b8aa5a2d2c872e8321cf37308d69df2","spans":["#);
    for k in 0..n {
        if k > 0 {
            s.push(',');
        }
        let parent = if k == 0 { 0 } else { (k - 1) / 3 + 1 };
        s.push_str(&format!(
            r#"{{"traceID":"5b8aa5a2d2c872e8321cf37308d69df2","spanID":"{:016x}","operationName":"HTTP GET /api/items/{}","references":[{{"refType":"CHILD_OF","traceID":"5b8aa5a2d2c872e8321cf37308d69df2","spanID":"{parent:016x}"}}],"startTime":{},"duration":{},"tags":[{{"key":"span.kind","type":"string","value":"server"}},{{"key":"http.method","type":"string","value":"GET"}},{{"key":"http.status_code","type":"int64","value":200}},{{"key":"http.url","type":"string","value":"http://items:8080/api/items/{k}"}},{{"key":"component","type":"string","value":"net/http"}}],"logs":[{{"timestamp":{},"fields":[{{"key":"event","type":"string","value":"cache miss"}}]}}],"processID":"p{}","warnings":null}}"#,
            k + 1,
            k % 50,
            1_700_000_000_000_000u64 + k as u64 * 10,
            1000 + k % 997,
            1_700_000_000_000_000u64 + k as u64 * 10 + 5,
            k % 4 + 1
        ));
    }
    s.push_str(r#"],"processes":{"#);
    for p in 1..=4 {
        if p > 1 {
            s.push(',');
        }
        s.push_str(&format!(
            r#""p{p}":{{"serviceName":"service-{p}","tags":[{{"key":"hostname","type":"string","value":"host-{p}"}}]}}"#
        ));
    }
    s.push_str("}}]}");
    s.into_bytes()
}
