//! Offline and installable: the web app manifest and the service worker, written into `dist`
//! after the build. The worker's script carries the build's version (a hash of every file it
//! precaches) and the list of those files, so a deploy that changes any file is a new worker:
//! the browser installs it, it takes over, and the page says a new version is there.
//!
//! What the worker does (`SW_BODY`):
//! - install: caches every file of the build (pages, both apps, the trace worker, styles, the
//!   samples), so after one visit the site and the viewer work with no network;
//! - activate: deletes the caches of older versions and takes control of open pages;
//! - fetch: same-origin GET requests only. Pages are asked from the network first and fall
//!   back to the cache (a page is never stale while online); files named by hash come from the
//!   cache first (they never change). Anything not in the build, such as a trace a `#url=` link
//!   names, is never cached: it goes to the network as if there were no worker. Cross-origin
//!   requests are not touched.

use std::path::Path;

use crate::files::files_under;
use crate::run::Result;

/// Served at the root, so its scope is the whole site.
pub const WORKER_FILE: &str = "sw.js";
pub const MANIFEST_FILE: &str = "manifest.webmanifest";

/// Writes the manifest and the service worker into `dist` (after every other file).
pub fn write(dist: &Path, app_name: &str, description: &str) -> Result {
    let manifest = manifest(app_name, description, &favicon(dist)?);
    std::fs::write(dist.join(MANIFEST_FILE), manifest)
        .map_err(|e| format!("cannot write the manifest: {e}"))?;
    let files = precached(dist)?;
    let script = worker_script(&version(dist, &files)?, &files);
    std::fs::write(dist.join(WORKER_FILE), script)
        .map_err(|e| format!("cannot write the service worker: {e}"))
}

/// The manifest: the site opens at its home page, in a window of its own.
fn manifest(name: &str, description: &str, icon: &str) -> String {
    serde_json::json!({
        "name": name,
        "short_name": "GoSF 2016",
        "description": description,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#00add8",
        "icons": [{ "src": icon, "sizes": "any", "type": "image/svg+xml" }],
    })
    .to_string()
}

/// The favicon Trunk copied (its name carries a hash).
fn favicon(dist: &Path) -> Result<String> {
    let entries =
        std::fs::read_dir(dist).map_err(|e| format!("cannot list {}: {e}", dist.display()))?;
    entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .find(|n| n.starts_with("favicon") && n.ends_with(".svg"))
        .map(|n| format!("/{n}"))
        .ok_or_else(|| format!("no favicon in {}", dist.display()))
}

/// The URLs of every file the site needs, pages by the address they are asked for (`/talks/a/`
/// for `talks/a/index.html`). Not the compressed copies (the browser asks for the file), the
/// hosts' `_headers`, the crawlers' files, nor the worker itself.
pub fn precached(dist: &Path) -> Result<Vec<String>> {
    let mut urls: Vec<String> = files_under(dist)?
        .iter()
        .filter_map(|p| p.strip_prefix(dist).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|name| {
            let skipped = ["_headers", "robots.txt", "sitemap.xml", WORKER_FILE];
            !name.ends_with(".br") && !name.ends_with(".gz") && !skipped.contains(&name.as_str())
        })
        .map(|name| match name.strip_suffix("index.html") {
            Some(folder) => format!("/{folder}"),
            None => format!("/{name}"),
        })
        .collect();
    urls.sort();
    Ok(urls)
}

/// A short hash of every precached file's bytes, in order: any change is a new version.
fn version(dist: &Path, urls: &[String]) -> Result<String> {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for url in urls {
        let relative = url.trim_start_matches('/');
        let file = if relative.is_empty() || relative.ends_with('/') {
            dist.join(relative).join("index.html")
        } else {
            dist.join(relative)
        };
        let bytes =
            std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        h.write(url.as_bytes());
        h.write(&bytes);
    }
    Ok(format!("{:016x}", h.finish()))
}

fn worker_script(version: &str, urls: &[String]) -> String {
    let list = serde_json::to_string(urls).unwrap_or_else(|_| "[]".into());
    // The files named by hash, by the same rule as the hosts' caching headers.
    let hashed: Vec<&String> = urls
        .iter()
        .filter(|u| site::host_headers::is_hashed_name(u.rsplit('/').next().unwrap_or("")))
        .collect();
    let hashed = serde_json::to_string(&hashed).unwrap_or_else(|_| "[]".into());
    format!("// Written by `cargo xtask dist` (xtask/src/offline.rs): do not edit.\nconst VERSION = \"{version}\";\nconst PRECACHE = {list};\nconst HASHED = new Set({hashed});\n{SW_BODY}")
}

const SW_BODY: &str = r#"const CACHE = `gosf-${VERSION}`;
const PRECACHED = new Set(PRECACHE);

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

/// The cache key of a request: a page by its folder (`/viewer` and `/viewer/` are one page).
function keyOf(url) {
  if (PRECACHED.has(url.pathname)) return url.pathname;
  const folder = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  if (PRECACHED.has(folder)) return folder;
  const page = url.pathname.replace(/index\.html$/, '');
  return PRECACHED.has(page) ? page : null;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const key = keyOf(url);
  if (key === null) {
    // Not part of the site (a trace a link names): never cached. An unknown page offline
    // gets the cached 404 page.
    if (request.mode === 'navigate') {
      event.respondWith(fetch(request).catch(() => caches.match('/404.html')));
    }
    return;
  }
  // Named by their content's hash: a name never changes content.
  if (HASHED.has(key)) {
    event.respondWith(caches.match(key).then((hit) => hit ?? fetch(request)));
    return;
  }
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return response;
  }).catch(() => caches.match(key).then((hit) => hit ?? Response.error())));
});
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn build(dir: &Path, wasm: &str) {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir.join("talks/a")).unwrap();
        std::fs::create_dir_all(dir.join("samples")).unwrap();
        for (name, text) in [
            ("index.html", "home"),
            ("404.html", "missing"),
            ("talks/a/index.html", "talk"),
            ("app-0123456789abcdef_bg.wasm", wasm),
            ("favicon-0123456789abcdef.svg", "<svg/>"),
            ("samples/x.json", "{}"),
            ("index.html.br", "compressed"),
            ("_headers", "/*"),
            ("robots.txt", "User-agent: *"),
        ] {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }

    #[test]
    fn precaches_every_file_of_the_site_by_its_address() {
        let dir = std::env::temp_dir().join(format!("xtask-offline-{}", std::process::id()));
        build(&dir, "v1");
        assert_eq!(
            precached(&dir).unwrap(),
            [
                "/",
                "/404.html",
                "/app-0123456789abcdef_bg.wasm",
                "/favicon-0123456789abcdef.svg",
                "/samples/x.json",
                "/talks/a/"
            ]
        );
        write(&dir, "GoSF", "Talks").unwrap();
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(MANIFEST_FILE)).unwrap())
                .unwrap();
        assert_eq!(manifest["start_url"], "/");
        assert_eq!(manifest["icons"][0]["src"], "/favicon-0123456789abcdef.svg");
        let script = std::fs::read_to_string(dir.join(WORKER_FILE)).unwrap();
        assert!(script.contains("const PRECACHE = [\"/\",\"/404.html\","));
        assert!(script.contains(
            "const HASHED = new Set([\"/app-0123456789abcdef_bg.wasm\",\"/favicon-0123456789abcdef.svg\"]);"
        ));
        assert!(!precached(&dir).unwrap().contains(&"/sw.js".to_string()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_changed_file_is_a_new_version_and_the_same_build_the_same() {
        let dir = std::env::temp_dir().join(format!("xtask-offline-v-{}", std::process::id()));
        let version_of = |wasm: &str| {
            build(&dir, wasm);
            version(&dir, &precached(&dir).unwrap()).unwrap()
        };
        let first = version_of("v1");
        assert_eq!(version_of("v1"), first);
        assert_ne!(version_of("v2"), first);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
