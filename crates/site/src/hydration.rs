//! How the recap app starts on a page. The build renders each recap page with the app's own
//! components (`gosf-render`); the app hydrates that HTML (keeps its nodes, attaches to them)
//! only where it would render exactly the same HTML, and otherwise renders afresh in its place.
//! Hydrating different markup would leave the page wrong or stop the app.

use crate::content::Content;
use crate::routes::Route;

/// How the recap app starts.
#[derive(Debug, PartialEq, Eq)]
pub enum RecapStart {
    /// Hydrate the page's HTML once the address reads `path`, the route's own path: the app's
    /// router would send `/index.html` or `/talks/x/` to its not-found page.
    Hydrate { path: String },
    /// Render the app afresh in place of the page's HTML.
    Mount,
}

/// `location_path` is the address's path; `rendered_path` the path the page's HTML was rendered
/// for (its `rendered-path` meta), if it says.
pub fn recap_start(
    location_path: &str,
    rendered_path: Option<&str>,
    content: &Content,
) -> RecapStart {
    let route = match Route::parse(location_path) {
        Route::Talk(slug) if content.talk(&slug).is_none() => Route::NotFound,
        route => route,
    };
    // The 404 page's HTML serves every unknown address, but the app reaches its not-found page
    // by two ways (an unknown talk; any other address) that differ in markup.
    if route == Route::NotFound {
        return RecapStart::Mount;
    }
    let path = route.path();
    if rendered_path == Some(path.as_str()) {
        RecapStart::Hydrate { path }
    } else {
        RecapStart::Mount
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::tests::{content, talk};

    fn hydrate(path: &str) -> RecapStart {
        RecapStart::Hydrate { path: path.into() }
    }

    #[test]
    fn a_page_is_hydrated_at_its_own_path_under_any_name_the_host_gives_it() {
        let c = content(vec![talk("a", 1, false)]);
        assert_eq!(recap_start("/", Some("/"), &c), hydrate("/"));
        assert_eq!(recap_start("/index.html", Some("/"), &c), hydrate("/"));
        assert_eq!(
            recap_start("/talks/a", Some("/talks/a"), &c),
            hydrate("/talks/a")
        );
        assert_eq!(
            recap_start("/talks/a/", Some("/talks/a"), &c),
            hydrate("/talks/a")
        );
        assert_eq!(
            recap_start("/talks/a/index.html", Some("/talks/a"), &c),
            hydrate("/talks/a")
        );
    }

    #[test]
    fn html_rendered_for_another_page_is_replaced() {
        let c = content(vec![talk("a", 1, false), talk("b", 2, false)]);
        // A host that answers every address with the home page (a single-page-app fallback).
        assert_eq!(recap_start("/talks/a", Some("/"), &c), RecapStart::Mount);
        assert_eq!(
            recap_start("/talks/b", Some("/talks/a"), &c),
            RecapStart::Mount
        );
        // A page that does not say what it was rendered for.
        assert_eq!(recap_start("/", None, &c), RecapStart::Mount);
    }

    #[test]
    fn not_found_pages_are_rendered_afresh() {
        let c = content(vec![talk("a", 1, false)]);
        assert_eq!(
            recap_start("/talks/zz", Some("/404"), &c),
            RecapStart::Mount
        );
        assert_eq!(
            recap_start("/nothing/here", Some("/404"), &c),
            RecapStart::Mount
        );
        assert_eq!(recap_start("/404", Some("/404"), &c), RecapStart::Mount);
    }
}
