//! Component tests in headless Chromium (wasm-bindgen-test): behaviour that needs a real DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

fn mount_in_fresh_div<F, N>(f: F) -> web_sys::HtmlElement
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    let div: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&div).unwrap();
    let handle = leptos::mount::mount_to(div.clone(), f);
    handle.forget();
    div
}

/// Lets Leptos run the effects a signal change scheduled.
async fn next_tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[wasm_bindgen_test]
async fn video_iframe_appears_only_after_the_click() {
    static VIDEO: std::sync::OnceLock<site::Video> = std::sync::OnceLock::new();
    let video = VIDEO.get_or_init(|| site::Video::YouTube {
        id: "abc123".into(),
    });
    let root = mount_in_fresh_div(move || {
        view! { <gosf_site::components::video::VideoEmbed video=video title="T".to_string() original_recap="https://x".to_string()/> }
    });
    assert!(
        root.query_selector("iframe").unwrap().is_none(),
        "no iframe before the click"
    );
    let button: web_sys::HtmlElement = root
        .query_selector("[data-testid=video-load]")
        .unwrap()
        .expect("a load button")
        .unchecked_into();
    button.click();
    next_tick().await;
    let iframe = root
        .query_selector("iframe")
        .unwrap()
        .expect("an iframe after the click");
    let src = iframe.get_attribute("src").unwrap_or_default();
    assert!(
        src.starts_with("https://www.youtube-nocookie.com/embed/abc123"),
        "{src}"
    );
}

#[wasm_bindgen_test]
fn unknown_video_says_so_and_links_the_recap() {
    static VIDEO: std::sync::OnceLock<site::Video> = std::sync::OnceLock::new();
    let video = VIDEO.get_or_init(|| site::Video::None { note: None });
    let root = mount_in_fresh_div(move || {
        view! { <gosf_site::components::video::VideoEmbed video=video title="T".to_string() original_recap="https://recap.example".to_string()/> }
    });
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("No video"), "{text}");
    let link = root
        .query_selector("a")
        .unwrap()
        .expect("a link to the recap");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://recap.example")
    );
}

#[wasm_bindgen_test]
async fn theme_toggle_flips_and_remembers() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item("theme").unwrap();
    let root = mount_in_fresh_div(|| view! { <gosf_site::components::theme_toggle::ThemeToggle/> });
    let button: web_sys::HtmlElement = root
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let before = document()
        .document_element()
        .unwrap()
        .get_attribute("data-theme");
    button.click();
    next_tick().await;
    let after = document()
        .document_element()
        .unwrap()
        .get_attribute("data-theme");
    assert_ne!(before, after);
    assert_eq!(storage.get_item("theme").unwrap(), after);
    button.click();
    next_tick().await;
    let again = document()
        .document_element()
        .unwrap()
        .get_attribute("data-theme");
    assert_ne!(after, again);
    assert_eq!(storage.get_item("theme").unwrap(), again);
}
