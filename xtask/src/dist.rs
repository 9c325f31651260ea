//! The release build: Trunk (twice: the recap app and the viewer app), then one HTML file per
//! route so that each URL's served HTML
//! already carries its own title, description, Open Graph tags and a readable copy of the
//! page (link previews and crawlers do not run JavaScript), the hosts' `_headers`, and
//! precompressed copies of every text and wasm file.

use site::host_headers::{is_hashed_name, HostHeaders, PagePath};
use site::html::{render_page, viewer_copy, PageBody};
use site::routes::{self, output_file, served_paths, App, Route};
use site::{csp, seo};
use std::path::{Path, PathBuf};

use crate::run::{cmd, root, run, Result};

/// `SITE_EXTRA_TALKS` adds test-only talks (read by build.rs and by the page writer).
pub const EXTRA_TALKS_ENV: &str = "SITE_EXTRA_TALKS";
/// The site's public address (see `site_url_of_env`).
pub const SITE_URL_ENV: &str = "SITE_URL";
/// The viewer app's page, Trunk's input for the second build (`index.html` is the recap's).
const VIEWER_HTML: &str = "src/viewer.html";

/// The pages Trunk built, one per app, before each route's copy is written from them.
struct Templates {
    recap: String,
    viewer: String,
}

impl Templates {
    fn of(&self, app: App) -> &str {
        match app {
            App::Recap => &self.recap,
            App::Viewer => &self.viewer,
        }
    }
}

/// Both apps built by Trunk into `dist` (the viewer's first in a folder of its own, then its
/// files moved in: they are named apart, by hash or as the worker's), then the pages.
pub fn release_build(dist: &str, env: &[(&str, &str)]) -> Result {
    let dir = root().join(dist);
    let viewer_dir = root().join("target").join(format!("{dist}-viewer"));
    trunk_build("index.html", &dir, env)?;
    trunk_build(VIEWER_HTML, &viewer_dir, env)?;
    // Each page is readable before its app runs: the app loads after the page's first paint.
    let template = |path: &Path| {
        site::loader::start_app_after_first_paint(&read(path)?).map_err(|e| e.to_string())
    };
    let templates = Templates {
        recap: template(&dir.join("index.html"))?,
        viewer: template(&viewer_dir.join("index.html"))?,
    };
    move_files(&viewer_dir, &dir, &viewer_dir.join("index.html"))?;
    let given = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let site_url = given(SITE_URL_ENV)
        .map(str::to_string)
        .or_else(site_url_of_env);
    write_pages(
        &dir,
        &templates,
        given(EXTRA_TALKS_ENV),
        site_url.as_deref(),
    )
}

fn trunk_build(html: &str, dist: &Path, env: &[(&str, &str)]) -> Result {
    let dist = dist.display().to_string();
    let mut c = cmd("trunk", &["build", html, "--release", "--dist", &dist]);
    // Build with exactly the given extra talks, never an inherited setting.
    c.env_remove(EXTRA_TALKS_ENV);
    for (k, v) in env {
        c.env(k, v);
    }
    run(&format!("trunk build {html} --release --dist {dist}"), c)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Moves every file under `from` but `except` to the same place under `to`.
fn move_files(from: &Path, to: &Path, except: &Path) -> Result {
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot list {}: {e}", from.display()))?;
    for e in entries.flatten() {
        let (source, target): (PathBuf, PathBuf) = (e.path(), to.join(e.file_name()));
        if source == except {
            continue;
        }
        if source.is_dir() {
            std::fs::create_dir_all(&target)
                .map_err(|e| format!("cannot create {}: {e}", target.display()))?;
            move_files(&source, &target, except)?;
        } else {
            std::fs::rename(&source, &target)
                .map_err(|e| format!("cannot move {}: {e}", source.display()))?;
        }
    }
    Ok(())
}

/// `SITE_URL` (e.g. https://gosf.example.org), set when deploying: it makes `og:url` and
/// canonical links absolute and lets the build write `sitemap.xml`.
fn site_url_of_env() -> Option<String> {
    std::env::var(SITE_URL_ENV).ok().filter(|u| !u.is_empty())
}

/// Each route's page from its app's template (title, meta tags, readable copy, policy,
/// JSON-LD), the crawlers' files, the hosts' `_headers`, then the precompressed copies.
fn write_pages(
    dir: &Path,
    templates: &Templates,
    extra_talks: Option<&str>,
    site_url: Option<&str>,
) -> Result {
    let extra_dir = extra_talks.map(|e| root().join(e));
    let extra: Vec<&Path> = extra_dir.iter().map(|p| p.as_path()).collect();
    let content =
        site::load::load_dirs(&root().join("talks"), &extra).map_err(|e| e.to_string())?;
    // Each app's policy: its template's inline scripts are its pages' inline scripts.
    let policy = |app: App| {
        csp::page_policy(
            &csp::inline_script_hashes(templates.of(app)),
            &content.frame_hosts(),
        )
    };
    let mut routes = vec![Route::Home, Route::Viewer, Route::NotFound];
    routes.extend(content.talks.iter().map(|t| Route::Talk(t.slug.clone())));
    let bodies = page_bodies(&routes, &content, extra_talks)?;
    let mut pages = Vec::new();
    for (route, body) in routes.iter().zip(&bodies) {
        let policy = policy(route.app());
        let body = match body {
            Body::Rendered(html) => PageBody::Rendered(html),
            Body::Copy(copy) => PageBody::Copy(copy),
        };
        let html = render_page(templates.of(route.app()), route, &content, site_url, body)
            .map_err(|e| e.to_string())?;
        let html = csp::insert_meta(&html, &policy);
        let html = seo::insert_json_ld(&html, route, &content, site_url);
        let out = dir.join(output_file(route));
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&out, html).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        pages.extend(served_paths(route).into_iter().map(|path| PagePath {
            path,
            policy: policy.clone(),
        }));
    }
    write_crawler_files(dir, &content, site_url)?;
    let home = site::meta::page_meta(&Route::Home, &content);
    crate::offline::write(dir, &home.title, &home.description)?;
    let headers = dir.join("_headers");
    let hashed_paths = hashed_files(dir)?;
    let file = HostHeaders {
        pages: &pages,
        worker_path: routes::WORKER_FILES,
        service_worker_path: &format!("/{}", crate::offline::WORKER_FILE),
        hashed_paths: &hashed_paths,
    }
    .file();
    std::fs::write(&headers, file)
        .map_err(|e| format!("cannot write {}: {e}", headers.display()))?;
    println!(
        "    wrote {} route pages and _headers into {}",
        routes.len(),
        dir.display()
    );
    let sizes = crate::compress::precompress(dir)?;
    println!(
        "    precompressed {} files: {} KB raw, {} KB brotli, {} KB gzip",
        sizes.files,
        sizes.raw / 1024,
        sizes.brotli / 1024,
        sizes.gzip / 1024
    );
    Ok(())
}

/// A page's body as written: owned, for `PageBody` to borrow.
enum Body {
    Rendered(String),
    Copy(String),
}

/// Each route's body: the recap app's pages rendered by its components, the viewer's copy.
fn page_bodies(
    routes: &[Route],
    content: &site::Content,
    extra_talks: Option<&str>,
) -> Result<Vec<Body>> {
    let recap_paths: Vec<String> = routes
        .iter()
        .filter(|r| r.app() == App::Recap)
        .map(Route::path)
        .collect();
    let mut rendered = crate::render::recap_pages(&recap_paths, extra_talks)?.into_iter();
    routes
        .iter()
        .map(|route| match route.app() {
            App::Recap => rendered
                .next()
                .map(Body::Rendered)
                .ok_or_else(|| "a recap page was not rendered".to_string()),
            App::Viewer => Ok(Body::Copy(viewer_copy(content))),
        })
        .collect()
}

/// `robots.txt`, and `sitemap.xml` when the site's address is known.
fn write_crawler_files(dir: &Path, content: &site::Content, site_url: Option<&str>) -> Result {
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write("robots.txt", seo::robots_txt(site_url))?;
    match site_url {
        Some(url) => write(
            "sitemap.xml",
            seo::sitemap_xml(url, &seo::indexed_routes(content)),
        ),
        None => {
            println!(
                "    no sitemap.xml: set SITE_URL (e.g. https://gosf.example.org) to write one"
            );
            Ok(())
        }
    }
}

/// The paths of the files Trunk named by their content's hash (all at the top of `dist`).
fn hashed_files(dir: &Path) -> Result<Vec<String>> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut paths: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| is_hashed_name(name))
        .map(|name| format!("/{name}"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Size of each release wasm: raw and its precompressed copies.
pub fn report_wasm_size(dist: &Path) {
    let Ok(entries) = std::fs::read_dir(dist) else {
        return;
    };
    let kb = |p: std::path::PathBuf| std::fs::metadata(p).map_or(0, |m| m.len()) / 1024;
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "wasm") {
            let name = e.file_name().to_string_lossy().to_string();
            println!(
                "    {name}: {} KB raw, {} KB brotli, {} KB gzip",
                kb(p.clone()),
                kb(dist.join(format!("{name}.br"))),
                kb(dist.join(format!("{name}.gz")))
            );
        }
    }
}
