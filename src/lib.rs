//! The site: meetup talk pages and the trace viewer, rendered client-side with Leptos.
//! Two apps share this library: `main.rs` calls [`start_recap`] (the recap pages) and
//! `bin/viewer.rs` calls [`start_viewer`]; each wasm keeps only what its app reaches. The
//! modules live here so wasm-bindgen tests can mount them.

pub mod app;
pub mod browser;
pub mod components;
pub mod content;
pub mod js_wire;
pub mod library_db;
pub mod pages;
pub mod viewer;
pub mod worker_client;

/// Mounts the recap app (home, talks, 404) in place of the page's no-JavaScript copy.
pub fn start_recap() {
    console_error_panic_hook::set_once();
    browser::remove_static_copy();
    leptos::mount::mount_to_body(app::RecapApp);
}

/// Mounts the trace viewer's app in place of the page's no-JavaScript copy.
pub fn start_viewer() {
    console_error_panic_hook::set_once();
    browser::remove_static_copy();
    leptos::mount::mount_to_body(app::ViewerApp);
}
