//! How the recap app starts on a page. The build renders each recap page with the app's own
//! components (`gosf-render`); the app hydrates that HTML (keeps its nodes, attaches to them)
//! only where it would render exactly the same page, and otherwise renders afresh in its place:
//! hydrating other markup would leave the page wrong or stop the app.

use crate::content::Content;
use crate::routes::Route;

/// The page the recap app shows at `path`: home, a talk, or (an unknown talk, the viewer's
/// address, anything else) the 404 page.
pub fn recap_route(path: &str, content: &Content) -> Route {
    match Route::parse(path) {
        Route::Home => Route::Home,
        Route::Talk(slug) if content.talk(&slug).is_some() => Route::Talk(slug),
        Route::Talk(_) | Route::Viewer | Route::NotFound => Route::NotFound,
    }
}

/// How the recap app starts.
#[derive(Debug, PartialEq, Eq)]
pub enum RecapStart {
    /// Attach to the page's HTML.
    Hydrate,
    /// Render the app afresh in place of the page's HTML.
    Mount,
}

/// `rendered_path` is the path the page's HTML was rendered for (its `rendered-path` meta), if
/// it says; `route` the page the app shows here (`recap_route`). The 404 HTML, rendered once,
/// serves every unknown address, and the recap app shows the same page at all of them.
pub fn recap_start(route: &Route, rendered_path: Option<&str>, content: &Content) -> RecapStart {
    match rendered_path {
        Some(rendered) if recap_route(rendered, content) == *route => RecapStart::Hydrate,
        _ => RecapStart::Mount,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::tests::{content, talk};

    fn start(location: &str, rendered: Option<&str>, c: &Content) -> RecapStart {
        recap_start(&recap_route(location, c), rendered, c)
    }

    #[test]
    fn a_page_is_hydrated_under_any_name_the_host_gives_it() {
        let c = content(vec![talk("a", 1, false)]);
        for (location, rendered) in [
            ("/", "/"),
            ("/index.html", "/"),
            ("/talks/a", "/talks/a"),
            ("/talks/a/", "/talks/a"),
            ("/talks/a/index.html", "/talks/a"),
        ] {
            assert_eq!(
                start(location, Some(rendered), &c),
                RecapStart::Hydrate,
                "{location}"
            );
        }
    }

    #[test]
    fn the_404_page_is_hydrated_at_every_unknown_address() {
        let c = content(vec![talk("a", 1, false)]);
        for location in ["/talks/zz", "/nothing/here", "/404", "/viewer/x"] {
            assert_eq!(recap_route(location, &c), Route::NotFound, "{location}");
            assert_eq!(
                start(location, Some("/404"), &c),
                RecapStart::Hydrate,
                "{location}"
            );
        }
    }

    #[test]
    fn html_rendered_for_another_page_is_replaced() {
        let c = content(vec![talk("a", 1, false), talk("b", 2, false)]);
        // A host that answers every address with the home page (a single-page-app fallback).
        assert_eq!(start("/talks/a", Some("/"), &c), RecapStart::Mount);
        assert_eq!(start("/talks/b", Some("/talks/a"), &c), RecapStart::Mount);
        assert_eq!(start("/nope", Some("/"), &c), RecapStart::Mount);
        // A page that does not say what it was rendered for.
        assert_eq!(start("/", None, &c), RecapStart::Mount);
    }
}
