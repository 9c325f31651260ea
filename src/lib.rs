//! The site: meetup talk pages and the trace viewer, with Leptos. The recap pages are rendered
//! at build time by the same components (feature `ssr`, `bin/render_pages.rs`) and hydrated.
//! Two apps share this library: `main.rs` calls [`start_recap`] (the recap pages) and
//! `bin/viewer.rs` calls [`start_viewer`]; each wasm keeps only what its app reaches. The
//! modules live here so wasm-bindgen tests can mount them.

// The native render of the pages (`ssr`) resolves the viewer's deeply nested view types
// (async `into_any`), past the default limit of 128.
#![recursion_limit = "256"]

pub mod app;
pub mod browser;
pub mod components;
pub mod content;
pub mod js_wire;
pub mod library_db;
pub mod pages;
pub mod viewer;
pub mod worker_client;

/// Starts the recap app (home, talks, 404) on the page the build rendered with the same
/// components ([`render_recap_page`]): hydration keeps the page's nodes and attaches the app to
/// them, so nothing is painted twice. Where the app would render other HTML than the page's
/// (`site::hydration`), it renders afresh in the page's place.
#[cfg(feature = "hydrate")]
pub fn start_recap() {
    use leptos::prelude::*;
    use site::hydration::{recap_route, recap_start, RecapStart};
    console_error_panic_hook::set_once();
    let content = content::content();
    let route = recap_route(&browser::location_path(), content);
    let start = recap_start(&route, browser::rendered_path().as_deref(), content);
    let app = move || view! { <app::RecapApp route/> };
    match start {
        RecapStart::Hydrate => leptos::mount::hydrate_body(app),
        RecapStart::Mount => {
            browser::clear_body();
            leptos::mount::mount_to_body(app);
        }
    }
    browser::mark_app_started();
}

/// The recap app's HTML at `path` (e.g. `/talks/x`; an unknown path renders the 404 page), as
/// the build writes it into the page's `<body>` for [`start_recap`] to hydrate.
#[cfg(feature = "ssr")]
pub fn render_recap_page(path: &str) -> String {
    use leptos::prelude::*;
    let route = site::hydration::recap_route(path, content::content());
    Owner::new().with(|| view! { <app::RecapApp route/> }.to_html())
}

/// Mounts the trace viewer's app in place of the page's no-JavaScript copy.
pub fn start_viewer() {
    console_error_panic_hook::set_once();
    browser::remove_static_copy();
    leptos::mount::mount_to_body(app::ViewerApp);
    browser::mark_app_started();
}
