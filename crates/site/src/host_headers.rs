//! The `_headers` file that static hosts (Netlify, Cloudflare Pages) read, and that
//! `cargo xtask serve` sends too, so a local check shows what a visitor gets:
//! - security: no MIME sniffing and a referrer policy everywhere; each page's policy with
//!   `frame-ancestors`, the worker's own policy (see `csp`);
//! - caching: pages are revalidated on every visit (`no-cache`), so a deploy shows at once;
//!   files whose name carries a hash of their content (Trunk's `main-<hash>.css`) never change
//!   under that name and are cached for a year (`immutable`). Other files (samples, the
//!   worker's unhashed scripts) get the host's default.
//!
//! A host sends every rule whose pattern matches, so no two rules set the same header for one
//! path: the policies and the cache rules each name disjoint paths.

use crate::csp::worker_policy;

/// Cache-Control of a page: always asked again (answered 304 when unchanged).
pub const PAGE_CACHE: &str = "no-cache";
/// Cache-Control of a file whose name carries its content's hash.
pub const HASHED_CACHE: &str = "public, max-age=31536000, immutable";

/// A path a page is served at (`/talks/a` and `/talks/a/` are two), and its page's policy (the
/// recap pages and the viewer are different apps, with different inline scripts).
pub struct PagePath {
    pub path: String,
    pub policy: String,
}

/// The service worker fetches the site's own files and nothing else.
pub const SERVICE_WORKER_POLICY: &str = "default-src 'none'; connect-src 'self'";

/// What the `_headers` file gives each kind of path.
pub struct HostHeaders<'a> {
    pub pages: &'a [PagePath],
    /// The worker's files, as a pattern (`/trace_worker*`).
    pub worker_path: &'a str,
    /// The service worker's script (`/sw.js`): always revalidated, so a deploy reaches it.
    pub service_worker_path: &'a str,
    /// Paths of files named by their content's hash.
    pub hashed_paths: &'a [String],
}

impl HostHeaders<'_> {
    /// The file's text.
    pub fn file(&self) -> String {
        let mut out = String::from(
            "# Security and caching headers, in the format Netlify and Cloudflare Pages read;\n\
             # `cargo xtask serve` sends the same. Written by `cargo xtask dist`: do not edit.\n\
             /*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n",
        );
        for page in self.pages {
            out.push_str(&format!(
                "\n{}\n  Content-Security-Policy: {}; frame-ancestors 'none'\n  Cache-Control: {PAGE_CACHE}\n",
                page.path, page.policy
            ));
        }
        out.push_str(&format!(
            "\n{}\n  Content-Security-Policy: {}\n",
            self.worker_path,
            worker_policy()
        ));
        out.push_str(&format!(
            "\n{}\n  Content-Security-Policy: {SERVICE_WORKER_POLICY}\n  Cache-Control: {PAGE_CACHE}\n",
            self.service_worker_path
        ));
        for path in self.hashed_paths {
            out.push_str(&format!("\n{path}\n  Cache-Control: {HASHED_CACHE}\n"));
        }
        out
    }
}

/// Whether a file name carries a content hash as Trunk writes it: `<name>-<hex>` then an
/// optional `_bg` and the extension (`gosf-site-1a2b3c4d5e6f7a8b_bg.wasm`).
pub fn is_hashed_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The headers `_headers` (as written above) gives a request path: every rule whose pattern is
/// the path, or a prefix of it followed by `*`.
pub fn headers_for<'a>(headers_file: &'a str, path: &str) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    let mut applies = false;
    for line in headers_file.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let pattern = line.trim();
            applies = match pattern.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == pattern,
            };
        } else if applies {
            if let Some((name, value)) = line.trim().split_once(": ") {
                out.push((name, value));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csp::page_policy;

    fn example() -> String {
        let pages = ["/", "/viewer"].map(|path| PagePath {
            path: path.to_string(),
            policy: page_policy(&[], &[]),
        });
        let hashed = ["/main-0f1e2d3c4b5a6978.css".to_string()];
        HostHeaders {
            pages: &pages,
            worker_path: "/trace_worker*",
            service_worker_path: "/sw.js",
            hashed_paths: &hashed,
        }
        .file()
    }

    fn values(h: &str, path: &str, name: &str) -> Vec<String> {
        headers_for(h, path)
            .into_iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .collect()
    }

    #[test]
    fn pages_and_the_worker_get_one_policy_each() {
        let h = example();
        let csp = |path: &str| values(&h, path, "Content-Security-Policy");
        assert_eq!(csp("/viewer").len(), 1);
        assert!(csp("/viewer")[0].ends_with("frame-ancestors 'none'"));
        assert_eq!(csp("/trace_worker_loader.js").len(), 1);
        assert!(csp("/trace_worker.js")[0].contains("connect-src 'self' https: http:"));
        assert!(csp("/samples/x.json").is_empty());
        let all = headers_for(&h, "/samples/x.json");
        assert!(all.contains(&("X-Content-Type-Options", "nosniff")));
    }

    #[test]
    fn pages_are_revalidated_and_hashed_files_kept_a_year_and_nothing_gets_both() {
        let h = example();
        let cache = |path: &str| values(&h, path, "Cache-Control");
        assert_eq!(cache("/"), [PAGE_CACHE]);
        assert_eq!(cache("/viewer"), [PAGE_CACHE]);
        assert_eq!(cache("/main-0f1e2d3c4b5a6978.css"), [HASHED_CACHE]);
        assert!(cache("/samples/x.json").is_empty(), "the host's default");
        assert!(cache("/trace_worker.js").is_empty());
        assert_eq!(
            cache("/sw.js"),
            [PAGE_CACHE],
            "a deploy reaches the service worker"
        );
        assert_eq!(
            values(&h, "/sw.js", "Content-Security-Policy"),
            [SERVICE_WORKER_POLICY]
        );
    }

    #[test]
    fn hashed_names_are_trunks() {
        assert!(is_hashed_name("gosf-site-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_name("gosf-site-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_name("main-00aa11bb22cc33dd.css"));
        assert!(!is_hashed_name("trace_worker_bg.wasm"));
        assert!(!is_hashed_name("favicon.svg"));
        assert!(!is_hashed_name("appdash-opentracing.json"));
        assert!(!is_hashed_name("index.html"));
    }
}
