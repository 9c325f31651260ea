//! A small static file server that behaves like the static hosts the site is deployed to:
//! `/a/b` serves `a/b`, else `a/b/index.html`; anything else gets `404.html` with status 404.
//! Used by `cargo xtask serve` and by the end-to-end tests, so tests see what visitors see:
//! the headers of `_headers` (security headers, as Netlify and Cloudflare Pages send them) too.

use percent_encoding::percent_decode_str;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use crate::run::{root, Result};

pub fn serve_site() -> Result {
    crate::setup::setup(crate::setup::Needs::Build)?;
    crate::dist::release_build("dist", &[])?;
    let listener = TcpListener::bind("127.0.0.1:8080")
        .map_err(|e| format!("cannot listen on 127.0.0.1:8080: {e}"))?;
    println!("==> serving dist/ on http://127.0.0.1:8080 (Ctrl+C to stop)");
    accept_loop(listener, root().join("dist"));
    Ok(())
}

/// Serves `dir` on a free local port in the background; returns the port.
pub fn spawn(dir: PathBuf) -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?
        .port();
    std::thread::spawn(move || accept_loop(listener, dir));
    Ok(port)
}

fn accept_loop(listener: TcpListener, dir: PathBuf) {
    for stream in listener.incoming().flatten() {
        let dir = dir.clone();
        std::thread::spawn(move || {
            // A client that goes away mid-response is not our problem.
            let _ = handle(stream, &dir);
        });
    }
}

fn handle(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes the answer.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            Answer {
                status: 405,
                ctype: "text/plain",
                extra: &[],
            },
            b"method not allowed",
            method == "HEAD",
        );
    }
    let (status, path) = match resolve(dir, target) {
        Some(p) => (200, p),
        None => (404, dir.join("404.html")),
    };
    let body = std::fs::read(&path).unwrap_or_else(|_| b"not found".to_vec());
    let rules = std::fs::read_to_string(dir.join("_headers")).unwrap_or_default();
    let request_path = target.split(['?', '#']).next().unwrap_or("/");
    let extra = site::csp::headers_for(&rules, request_path);
    respond(
        &mut stream,
        Answer {
            status,
            ctype: content_type(&path),
            extra: &extra,
        },
        &body,
        method == "HEAD",
    )
}

/// What a response says besides its body.
struct Answer<'a> {
    status: u16,
    ctype: &'a str,
    /// Headers from `_headers`.
    extra: &'a [(&'a str, &'a str)],
}

fn respond(stream: &mut TcpStream, answer: Answer, body: &[u8], head: bool) -> std::io::Result<()> {
    let Answer {
        status,
        ctype,
        extra,
    } = answer;
    let extra: String = extra
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    )?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Maps a request target to a file inside `dir`, refusing anything that climbs out of it.
pub fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    // In a path `+` is a plus sign, not a space (that is only in form-encoded queries).
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let mut file = dir.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains('\\') {
            return None;
        }
        file.push(segment);
    }
    if file.is_file() {
        return Some(file);
    }
    let index = file.join("index.html");
    index.is_file().then_some(index)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "gz" => "application/gzip",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_a_static_host() {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("talks/a")).unwrap();
        std::fs::write(dir.join("index.html"), "home").unwrap();
        std::fs::write(dir.join("talks/a/index.html"), "a").unwrap();
        std::fs::write(dir.join("app.wasm"), "w").unwrap();
        assert_eq!(resolve(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(
            resolve(&dir, "/talks/a"),
            Some(dir.join("talks/a/index.html"))
        );
        assert_eq!(
            resolve(&dir, "/talks/a/?x=1"),
            Some(dir.join("talks/a/index.html"))
        );
        assert_eq!(resolve(&dir, "/app.wasm"), Some(dir.join("app.wasm")));
        assert_eq!(resolve(&dir, "/nope"), None);
        assert_eq!(resolve(&dir, "/../etc/passwd"), None);
        assert_eq!(resolve(&dir, "/%2e%2e/x"), None);
        assert_eq!(resolve(&dir, "/%zz"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
