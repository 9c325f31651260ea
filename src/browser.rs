//! The few direct browser calls the site makes (document head, storage, media queries),
//! kept in one place so pages stay declarative. Every call tolerates a missing API.

use site::meta::PageMeta;
use site::theme::{Theme, STORAGE_KEY};
use wasm_bindgen::JsCast;

/// The browser's window: none in the build's native render of the recap pages (feature `ssr`),
/// where every call below is then a no-op (calling into JavaScript there would abort).
fn window() -> Option<web_sys::Window> {
    if cfg!(feature = "ssr") {
        None
    } else {
        web_sys::window()
    }
}

fn document() -> Option<web_sys::Document> {
    window()?.document()
}

/// The build writes a plain copy of each page for visitors without JavaScript; once the app
/// runs it renders the page itself.
pub fn remove_static_copy() {
    if let Some(el) = document().and_then(|d| d.get_element_by_id(site::html::STATIC_PAGE_ID)) {
        el.remove();
    }
}

/// The address's path (`location.pathname`).
pub fn location_path() -> String {
    window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// The path the page's HTML was rendered for by the build (`site::html::RENDERED_PATH_META`).
pub fn rendered_path() -> Option<String> {
    let selector = format!("meta[name='{}']", site::html::RENDERED_PATH_META);
    document()?
        .query_selector(&selector)
        .ok()??
        .get_attribute("content")
}

/// Marks `<html>` with `data-app-started` once an app is attached to the page: a hydrated page
/// looks the same before and after, so this is how a test (or a script) knows it is live.
pub fn mark_app_started() {
    if let Some(root) = document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-app-started", "");
    }
}

/// Empties `<body>`, for an app that renders afresh in place of the page's HTML.
pub fn clear_body() {
    if let Some(body) = document().and_then(|d| d.body()) {
        body.set_text_content(None);
    }
}

/// Sets the document's title and description: a page rendered where the build wrote another
/// page's HTML, and the viewer once a trace closes. Only what differs is written: the build
/// wrote each page's own, and a title write during the page's first task is not free.
pub fn set_page_meta(meta: &PageMeta) {
    let Some(doc) = document() else { return };
    if doc.title() != meta.title {
        doc.set_title(&meta.title);
    }
    for (selector, value) in [
        ("meta[name=description]", &meta.description),
        ("meta[property='og:title']", &meta.title),
        ("meta[property='og:description']", &meta.description),
    ] {
        if let Ok(Some(el)) = doc.query_selector(selector) {
            if el.get_attribute("content").as_ref() != Some(value) {
                let _ = el.set_attribute("content", value);
            }
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

/// localStorage key of the trace library's settings (JSON).
const LIBRARY_SETTINGS_KEY: &str = "trace-library-settings";

/// The trace library's settings as last chosen, or the defaults.
pub fn stored_library_settings() -> viewer_session::library::LibrarySettings {
    storage()
        .and_then(|s| s.get_item(LIBRARY_SETTINGS_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

pub fn store_library_settings(settings: &viewer_session::library::LibrarySettings) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(settings)) {
        let _ = s.set_item(LIBRARY_SETTINGS_KEY, &text);
    }
}

/// localStorage key that fixes how many workers parse a big file (a number; benchmarks set it
/// to compare one worker with two). Unset: the worker decides from the machine's cores.
const PARSERS_KEY: &str = "trace-parsers";

pub fn stored_parsers() -> Option<u32> {
    storage()
        .and_then(|s| s.get_item(PARSERS_KEY).ok().flatten())
        .and_then(|text| text.trim().parse().ok())
}

/// The page's wasm memory in bytes: the most it has held, since wasm memory never shrinks
/// (what the viewer's bytes-per-span figure is measured from).
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

pub fn stored_theme() -> Option<Theme> {
    let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    Theme::parse(stored.as_deref())
}

pub fn system_prefers_dark() -> bool {
    window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Applies a theme to `<html data-theme>` and remembers it.
pub fn apply_theme(theme: Theme, remember: bool) {
    if let Some(root) = document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme.as_str());
    }
    if remember {
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, theme.as_str());
        }
    }
}

/// Calls `f(prefers_dark)` whenever the system's colour scheme changes. The listener lives as
/// long as the page (the app installs it once).
pub fn on_system_theme_change(f: impl Fn(bool) + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(query) =
        window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
    else {
        return;
    };
    let callback = Closure::<dyn Fn(web_sys::MediaQueryListEvent)>::new(
        move |e: web_sys::MediaQueryListEvent| f(e.matches()),
    );
    if query
        .add_event_listener_with_callback("change", callback.as_ref().unchecked_ref())
        .is_ok()
    {
        callback.forget();
    }
}

/// Offers `bytes` as a download named `name`: a Blob URL clicked through a temporary anchor,
/// revoked once the browser has taken it. Nothing leaves the browser.
pub fn download(name: &str, bytes: &js_sys::Uint8Array) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let fail = |what: &str| format!("could not offer the download: {what}");
    let doc = document().ok_or_else(|| fail("no document"))?;
    let parts = js_sys::Array::of1(bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| fail("no Blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("no URL"))?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| fail("no anchor"))?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoking at once can cancel the download in some browsers; a minute is plenty.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

/// Runs `f` once the page is idle (browsers without `requestIdleCallback` wait 200 ms).
pub fn when_idle(f: impl FnOnce() + 'static) {
    let Some(window) = window() else {
        return;
    };
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    let callback: &js_sys::Function = callback.unchecked_ref();
    if window.request_idle_callback(callback).is_err() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(callback, 200);
    }
}

/// Runs `f` in a task of its own after the current one (and its microtasks). Start-up work
/// split this way keeps each task short: the browser can paint and answer input in between,
/// where one long task would block it (Lighthouse's Total Blocking Time counts every task's
/// time past 50 ms).
pub fn in_next_task(f: impl FnOnce() + 'static) {
    after_ms(0, f);
}

/// Runs `f` once, `ms` milliseconds from now.
pub fn after_ms(ms: i32, f: impl FnOnce() + 'static) {
    if let Some(window) = window() {
        let callback = wasm_bindgen::closure::Closure::once_into_js(f);
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms);
    }
}

/// Milliseconds on the page's monotonic clock (`performance.now()`), for timing a draw.
pub fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
