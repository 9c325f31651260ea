//! Traces fetched from a URL (`/viewer#url=…`, "Open from URL…"): which URLs are accepted, the
//! API address of a trace in a tracing backend, the name a fetched file is shown under, and a
//! message for every way a fetch can fail that names the cause and the fix.

use std::fmt;
pub use viewer_core::share::{host, is_fetchable};

/// The name the fetched file is listed under: the last path segment, or the host.
pub fn file_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    match path.split_once('/') {
        Some((_, p)) => p
            .rsplit('/')
            .find(|s| !s.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| host(url).unwrap_or(url).to_string()),
        None => host(url).unwrap_or(url).to_string(),
    }
}

/// A tracing backend whose HTTP API serves one trace by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Jaeger query: `GET /api/traces/{id}` answers `{"data":[trace]}`.
    Jaeger,
    /// Grafana Tempo: `GET /api/traces/{id}` answers OTLP JSON (`{"batches":…}`).
    Tempo,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::Jaeger, Backend::Tempo];

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Jaeger => "jaeger",
            Backend::Tempo => "tempo",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Backend::Jaeger => "Jaeger",
            Backend::Tempo => "Grafana Tempo",
        }
    }

    pub fn parse(s: &str) -> Option<Backend> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// The API URL of trace `trace_id` on the backend at `base` (its address, with or without
    /// a trailing slash; a path prefix such as `/jaeger` is kept).
    pub fn trace_url(self, base: &str, trace_id: &str) -> Result<String, String> {
        let base = base.trim().trim_end_matches('/');
        if !is_fetchable(base) {
            return Err(format!(
                "{base:?} is not a backend address: give its http:// or https:// address"
            ));
        }
        let id = trace_id.trim();
        if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "{id:?} is not a trace id: expected up to 32 hexadecimal digits"
            ));
        }
        Ok(format!("{base}/api/traces/{}", id.to_ascii_lowercase()))
    }
}

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFailure {
    /// The request failed, but the same URL answers an opaque (no-cors) request: the server is
    /// up and does not allow cross-origin reads.
    NoCors { url: String, origin: String },
    /// Nothing answered at all.
    Unreachable { url: String },
    /// The server answered with an error status.
    Status {
        url: String,
        status: u16,
        text: String,
    },
    /// The URL is not an http(s) URL.
    NotHttp { url: String },
    /// The connection broke while reading.
    Interrupted { url: String, message: String },
}

impl fmt::Display for FetchFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchFailure::NoCors { url, origin } => write!(
                f,
                "{url}: the server refused to let this page read the file (no CORS permission). \
                 It must answer with the header `Access-Control-Allow-Origin: {origin}` (or `*`); \
                 or download the file and open it here"
            ),
            FetchFailure::Unreachable { url } => write!(
                f,
                "{url}: the server could not be reached (network down, wrong host or port, or a \
                 blocked address); check the URL and your connection"
            ),
            FetchFailure::Status { url, status, text } => {
                write!(f, "{url}: the server answered {status} {text}")?;
                f.write_str(match status {
                    401 | 403 => {
                        ": it needs credentials, and the viewer sends none; use a public or \
                         pre-signed URL, or download the file and open it here"
                    }
                    404 | 410 => ": no file at this address; check the URL (and the trace id)",
                    500..=599 => ": the server failed; try again later",
                    _ => "",
                })
            }
            FetchFailure::NotHttp { url } => write!(
                f,
                "{url:?} is not an http:// or https:// address, which is all the viewer fetches"
            ),
            FetchFailure::Interrupted { url, message } => {
                write!(f, "{url}: the download broke off ({message}); try again")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_hosts() {
        assert_eq!(
            host("https://user:pw@h.example:8080/a/b?c"),
            Some("h.example:8080")
        );
        assert_eq!(
            file_name("https://h.example/a/trace.json.gz?sig=1"),
            "trace.json.gz"
        );
        assert_eq!(file_name("https://h.example/api/traces/abc/"), "abc");
        assert_eq!(file_name("https://h.example"), "h.example");
    }

    #[test]
    fn backend_urls() {
        assert_eq!(
            Backend::Jaeger.trace_url("http://jaeger:16686/", "ABC123"),
            Ok("http://jaeger:16686/api/traces/abc123".to_string())
        );
        assert_eq!(
            Backend::Tempo.trace_url(
                "https://g.example/tempo",
                "0af7651916cd43dd8448eb211c80319c"
            ),
            Ok("https://g.example/tempo/api/traces/0af7651916cd43dd8448eb211c80319c".to_string())
        );
        assert!(Backend::Jaeger
            .trace_url("jaeger:16686", "abc")
            .is_err_and(|e| e.contains("backend address")));
        assert!(Backend::Jaeger
            .trace_url("http://j", "not-hex/../x")
            .is_err_and(|e| e.contains("trace id")));
    }

    #[test]
    fn every_failure_names_cause_and_fix() {
        let url = "https://h.example/t.json".to_string();
        let cases = [
            (
                FetchFailure::NoCors {
                    url: url.clone(),
                    origin: "http://me".into(),
                },
                "Access-Control-Allow-Origin: http://me",
            ),
            (
                FetchFailure::Unreachable { url: url.clone() },
                "could not be reached",
            ),
            (
                FetchFailure::Status {
                    url: url.clone(),
                    status: 404,
                    text: "Not Found".into(),
                },
                "404 Not Found: no file",
            ),
            (
                FetchFailure::Status {
                    url: url.clone(),
                    status: 401,
                    text: "Unauthorized".into(),
                },
                "credentials",
            ),
            (
                FetchFailure::Status {
                    url: url.clone(),
                    status: 503,
                    text: "Service Unavailable".into(),
                },
                "try again later",
            ),
        ];
        for (failure, want) in cases {
            let text = failure.to_string();
            assert!(text.contains(want), "{text}");
            assert!(text.starts_with(&url), "{text}");
        }
    }
}
