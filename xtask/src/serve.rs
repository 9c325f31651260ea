//! The static file server of `cargo xtask serve` and of the end-to-end tests: tower-http's
//! `ServeDir` on axum, set up to behave like the static hosts the site is deployed to, so tests
//! and local checks see what visitors get:
//! - `/a/b` serves `a/b`, else `a/b/index.html` (no redirect to `/a/b/`);
//! - the precompressed copies (`.br`, `.gz`) when the browser accepts them, else compression
//!   on the fly; range requests;
//! - the headers of `_headers` (security policies, caching: see `site::host_headers`), and
//!   `no-cache` where no rule sets Cache-Control;
//! - anything else: `404.html` with status 404.

use axum::extract::{Request, State};
use axum::http::header::{HeaderName, HeaderValue, CACHE_CONTROL};
use axum::http::Uri;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use percent_encoding::percent_decode_str;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

use crate::run::{root, Result};

pub fn serve_site() -> Result {
    crate::setup::setup(crate::setup::Needs::Build)?;
    crate::dist::release_build("dist", &[])?;
    let listener = std::net::TcpListener::bind("127.0.0.1:8080")
        .map_err(|e| format!("cannot listen on 127.0.0.1:8080: {e}"))?;
    println!("==> serving dist/ on http://127.0.0.1:8080 (Ctrl+C to stop)");
    run(listener, root().join("dist"))
}

/// Serves `dir` on a free local port in the background; returns the port.
pub fn spawn(dir: PathBuf) -> Result<u16> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?
        .port();
    std::thread::spawn(move || {
        if let Err(e) = run(listener, dir) {
            eprintln!("the test server stopped: {e}");
        }
    });
    Ok(port)
}

fn run(listener: std::net::TcpListener, dir: PathBuf) -> Result {
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot set up the listener: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .build()
        .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| format!("cannot listen: {e}"))?;
        axum::serve(listener, app(dir))
            .await
            .map_err(|e| format!("the server failed: {e}"))
    })
}

/// The whole site: files, then compression, then the static host's paths and headers.
pub fn app(dir: PathBuf) -> Router {
    let files = ServeDir::new(&dir)
        .precompressed_br()
        .precompressed_gzip()
        .not_found_service(ServeFile::new(dir.join("404.html")).precompressed_gzip());
    Router::new()
        .fallback_service(files)
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(Arc::new(dir), static_host))
}

/// Serves a folder's `index.html` at its path without a slash, and adds the `_headers` rules of
/// the path asked for.
async fn static_host(State(dir): State<Arc<PathBuf>>, mut req: Request, next: Next) -> Response {
    let asked = req.uri().path().to_string();
    if let Some(uri) = folder_index(&dir, req.uri()) {
        *req.uri_mut() = uri;
    }
    let mut res = next.run(req).await;
    // Read per request: a rebuild while the server runs writes a new one.
    let rules = std::fs::read_to_string(dir.join("_headers")).unwrap_or_default();
    let headers = res.headers_mut();
    for (name, value) in site::host_headers::headers_for(&rules, &asked) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
    }
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    res
}

/// `/a/b` (no slash) as `/a/b/index.html` when `a/b` is a folder with one, keeping the query.
fn folder_index(dir: &Path, uri: &Uri) -> Option<Uri> {
    let path = uri.path();
    if path.ends_with('/') {
        return None;
    }
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == ".." || s.contains('\\')) {
        return None;
    }
    let folder = segments.iter().fold(dir.to_path_buf(), |p, s| p.join(s));
    if !folder.join("index.html").is_file() {
        return None;
    }
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!("{path}/index.html{query}").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{header, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    fn site() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("talks/a")).unwrap();
        let page = "<p>a talk</p>".repeat(100);
        std::fs::write(dir.join("index.html"), "home").unwrap();
        std::fs::write(dir.join("404.html"), "not here").unwrap();
        std::fs::write(dir.join("talks/a/index.html"), &page).unwrap();
        std::fs::write(
            dir.join("talks/a/index.html.br"),
            crate::compress::brotli_bytes(page.as_bytes()).unwrap(),
        )
        .unwrap();
        std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), b"0123456789").unwrap();
        std::fs::write(
            dir.join("_headers"),
            "/*\n  X-Content-Type-Options: nosniff\n\n/talks/a\n  Cache-Control: no-cache\n\n\
             /app-0123456789abcdef_bg.wasm\n  Cache-Control: public, max-age=31536000, immutable\n",
        )
        .unwrap();
        dir
    }

    async fn get(dir: &Path, path: &str, headers: &[(&str, &str)]) -> Response<Vec<u8>> {
        let mut req = Request::get(path);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let res = app(dir.to_path_buf())
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes().to_vec();
        Response::from_parts(parts, bytes)
    }

    fn header<'a>(res: &'a Response<Vec<u8>>, name: &str) -> &'a str {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    #[tokio::test]
    async fn serves_like_a_static_host() {
        let dir = site();
        let talk = get(&dir, "/talks/a?x=1", &[("accept-encoding", "br")]).await;
        assert_eq!(talk.status(), StatusCode::OK, "no redirect to /talks/a/");
        assert_eq!(
            header(&talk, "content-encoding"),
            "br",
            "the precompressed copy"
        );
        assert_eq!(header(&talk, "cache-control"), "no-cache");
        assert_eq!(header(&talk, "x-content-type-options"), "nosniff");
        assert_eq!(header(&talk, header::CONTENT_TYPE.as_str()), "text/html");

        let wasm = get(
            &dir,
            "/app-0123456789abcdef_bg.wasm",
            &[("range", "bytes=2-4")],
        )
        .await;
        assert_eq!(wasm.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(wasm.body(), b"234");
        assert_eq!(
            header(&wasm, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header(&wasm, "content-type"), "application/wasm");

        let home = get(&dir, "/", &[]).await;
        assert_eq!(home.body(), b"home");
        assert_eq!(header(&home, "cache-control"), "no-cache", "the default");

        for missing in [
            "/nope",
            "/../etc/passwd",
            "/%2e%2e/x",
            "/talks/a/../../../x",
        ] {
            let res = get(&dir, missing, &[]).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{missing}");
            assert_eq!(res.body(), b"not here", "{missing}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
