//! The site: meetup talk pages and the trace viewer, rendered client-side with Leptos.
//! `main.rs` only calls [`start`]; the modules live here so wasm-bindgen tests can mount them.

pub mod app;
pub mod browser;
pub mod components;
pub mod content;
pub mod js_wire;
pub mod library_db;
pub mod pages;
pub mod viewer;
pub mod worker_client;

/// Mounts the app in place of the page's no-JavaScript copy.
pub fn start() {
    console_error_panic_hook::set_once();
    browser::remove_static_copy();
    leptos::mount::mount_to_body(app::App);
}
