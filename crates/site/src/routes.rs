//! The one place that spells the site's URLs. The apps' links, the page each app shows at an
//! address and the per-route HTML files written at build time all go through here.

/// Path of the home page.
pub const HOME: &str = "/";
/// Path of the trace viewer.
pub const VIEWER: &str = "/viewer";
/// Where the bundled sample traces are served (`public/samples`), and their list.
pub const SAMPLES_DIR: &str = "/samples";
pub const SAMPLES_INDEX: &str = "/samples/index.json";
/// The parsing worker's script, which Trunk builds from `src/bin/trace_worker.rs`.
pub const WORKER_SCRIPT: &str = "/trace_worker_loader.js";
/// Every file of the worker (loader, its JS glue and wasm): the headers file gives them the
/// worker's Content-Security-Policy.
pub const WORKER_FILES: &str = "/trace_worker*";
/// The bundled sample in the shape Appdash's OpenTracing recorder writes, like the trace of the
/// OpenTracing talk's demo (linked from that talk and from the home page).
pub const DEMO_SAMPLE: &str = "appdash-opentracing.json";
/// The link-preview image (`public/og-card.png`, copied by Trunk).
pub const OG_IMAGE: &str = "/og-card.png";
/// First segment of a talk page's path.
pub const TALKS_SEGMENT: &str = "talks";
/// The viewer's single path segment (`VIEWER` without the slash).
pub const VIEWER_SEGMENT: &str = "viewer";

/// A page of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Talk(String),
    Viewer,
    NotFound,
}

impl Route {
    /// The canonical path of the route (no trailing slash except for the home page).
    pub fn path(&self) -> String {
        match self {
            Route::Home => HOME.to_string(),
            Route::Talk(slug) => talk_path(slug),
            Route::Viewer => VIEWER.to_string(),
            Route::NotFound => "/404".to_string(),
        }
    }

    /// Parses a path as a browser or static host gives it: query, fragment, a trailing slash
    /// and `index.html` are ignored. Anything unknown is `NotFound`.
    pub fn parse(path: &str) -> Route {
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = path.strip_suffix("index.html").unwrap_or(path);
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] => Route::Home,
            [VIEWER_SEGMENT] => Route::Viewer,
            [TALKS_SEGMENT, slug] if is_valid_slug(slug) => Route::Talk((*slug).to_string()),
            _ => Route::NotFound,
        }
    }
}

/// The two web apps of the site. The recap pages load a small app; the viewer, with its worker
/// client, charts and canvases, loads only on its own page. Moving between them is a page load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    Recap,
    Viewer,
}

impl Route {
    /// The app that renders the route.
    pub fn app(&self) -> App {
        match self {
            Route::Viewer => App::Viewer,
            Route::Home | Route::Talk(_) | Route::NotFound => App::Recap,
        }
    }
}

/// Path of a bundled sample trace file (`name` is a file name from the samples list).
pub fn sample_path(name: &str) -> String {
    format!("{SAMPLES_DIR}/{name}")
}

pub fn talk_path(slug: &str) -> String {
    format!("/{TALKS_SEGMENT}/{slug}")
}

/// Slugs are lowercase ASCII letters, digits and single hyphens, so they are safe in paths and
/// file names without escaping.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Every path under which a static host serves the route's file (for per-path headers).
pub fn served_paths(route: &Route) -> Vec<String> {
    let file = format!("/{}", output_file(route));
    match route {
        Route::Home => vec!["/".to_string(), file],
        Route::NotFound => vec![file],
        other => {
            let path = other.path();
            vec![path.clone(), format!("{path}/"), file]
        }
    }
}

/// The file a static host serves for a route: `talks/x/index.html` answers both `/talks/x`
/// (hosts that map a path to a folder's index) and `/talks/x/`.
pub fn output_file(route: &Route) -> String {
    match route {
        Route::Home => "index.html".to_string(),
        Route::NotFound => "404.html".to_string(),
        other => format!("{}/index.html", other.path().trim_start_matches('/')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        for r in [
            Route::Home,
            Route::Viewer,
            Route::Talk("opentracing-and-go".into()),
        ] {
            assert_eq!(Route::parse(&r.path()), r);
        }
    }

    #[test]
    fn parse_ignores_trailing_slash_query_and_index() {
        assert_eq!(Route::parse("/talks/abc/"), Route::Talk("abc".into()));
        assert_eq!(Route::parse("/viewer?trace=1#x"), Route::Viewer);
        assert_eq!(Route::parse("/index.html"), Route::Home);
        assert_eq!(
            Route::parse("/talks/abc/index.html"),
            Route::Talk("abc".into())
        );
        assert_eq!(Route::parse(""), Route::Home);
    }

    #[test]
    fn unknown_paths_are_not_found() {
        for p in [
            "/nope",
            "/talks",
            "/talks/a/b",
            "/talks/Bad_Slug",
            "/viewer/x",
        ] {
            assert_eq!(Route::parse(p), Route::NotFound, "{p}");
        }
    }

    #[test]
    fn slug_rules() {
        assert!(is_valid_slug("a-b-1"));
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "a/b", "é"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
    }

    #[test]
    fn only_the_viewer_loads_the_viewer_app() {
        assert_eq!(Route::parse("/viewer/").app(), App::Viewer);
        assert_eq!(Route::parse("/viewer/index.html").app(), App::Viewer);
        for path in ["/", "/talks/a", "/nope", "/viewerx"] {
            assert_eq!(Route::parse(path).app(), App::Recap, "{path}");
        }
    }

    #[test]
    fn output_files_match_static_host_lookup() {
        assert_eq!(output_file(&Route::Home), "index.html");
        assert_eq!(output_file(&Route::Viewer), "viewer/index.html");
        assert_eq!(output_file(&Route::Talk("x".into())), "talks/x/index.html");
        assert_eq!(output_file(&Route::NotFound), "404.html");
    }

    #[test]
    fn served_paths_cover_every_way_to_ask_for_a_page() {
        assert_eq!(served_paths(&Route::Home), ["/", "/index.html"]);
        assert_eq!(
            served_paths(&Route::Viewer),
            ["/viewer", "/viewer/", "/viewer/index.html"]
        );
        assert_eq!(served_paths(&Route::NotFound), ["/404.html"]);
    }

    #[test]
    fn samples_are_served_under_one_folder() {
        assert_eq!(sample_path("shop.json"), "/samples/shop.json");
        assert_eq!(SAMPLES_INDEX, sample_path("index.json"));
    }
}
