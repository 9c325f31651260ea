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

/// A small trace for the viewer state: 0 -> {1 -> {3}, 2}, 4 is a second root.
fn small_view() -> viewer_session::wire::ViewData {
    use viewer_session::wire::{ViewData, NO_PARENT};
    let parent = vec![NO_PARENT, 0, 0, 1, NO_PARENT];
    let start = vec![0u64, 10, 20, 12, 50];
    let opt: Vec<Option<u32>> = parent
        .iter()
        .map(|&p| (p != NO_PARENT).then_some(p))
        .collect();
    let start_ns: Vec<i64> = start.iter().map(|&s| s as i64).collect();
    let tree = trace_core::Tree::from_parents(&opt, &start_ns).preorder_columns();
    ViewData {
        trace_id: "t1".into(),
        strings: vec!["svc".into(), "op".into()],
        start,
        dur: vec![100, 30, 5, 2, 10],
        self_time: vec![65, 28, 5, 2, 10],
        parent,
        name: vec![1; 5],
        service: vec![0; 5],
        kind: vec![0; 5],
        flags: vec![0; 5],
        order: tree.order,
        depth: tree.depth,
        subtree_len: tree.subtree_len,
        services: vec![0],
        duration_ns: 100,
        minimap: viewer_core::minimap::bins(
            start_ns.iter().map(|&s| s as u64).zip([100, 30, 5, 2, 10]),
            (0, 100),
        ),
        ..ViewData::default()
    }
}

#[wasm_bindgen_test]
fn viewer_state_collapses_expands_and_reveals() {
    let owner = Owner::new();
    owner.set();
    let viewer = gosf_site::viewer::state::Viewer::new();
    viewer.show_view(gosf_site::viewer::state::OpenTrace::new(small_view()), true);
    let rows = || viewer.rows.get_untracked().len();
    assert_eq!(rows(), 5);
    assert_eq!(viewer.window.get_untracked(), (0, 100));

    viewer.toggle_collapse(0);
    assert_eq!(rows(), 2, "the root's three descendants are hidden");
    viewer.expand_all();
    assert_eq!(rows(), 5);
    viewer.collapse_all();
    assert_eq!(rows(), 2, "two roots");
    viewer.reveal(3);
    assert_eq!(
        rows(),
        5,
        "span 3's ancestors 0 and 1 open, which shows everything here"
    );
    assert!(viewer.scroll_request.get_untracked().is_some());
    viewer.collapse_to_depth(1);
    assert_eq!(
        rows(),
        4,
        "levels 0 and 1: span 1 is collapsed, hiding span 3"
    );

    // The same trace again (skew switched) keeps the collapse state; a new load or a new trace
    // resets it.
    viewer.show_view(
        gosf_site::viewer::state::OpenTrace::new(small_view()),
        false,
    );
    assert_eq!(rows(), 4);
    // The same file loaded again starts afresh.
    viewer.show_view(gosf_site::viewer::state::OpenTrace::new(small_view()), true);
    assert_eq!(rows(), 5);
    viewer.collapse_to_depth(1);
    let mut other = small_view();
    other.trace_id = "t2".into();
    viewer.show_view(gosf_site::viewer::state::OpenTrace::new(other), true);
    assert_eq!(rows(), 5);
}

/// A view made by the worker decodes the same from a JS buffer as from wasm memory: at the
/// buffer's start (typed-array copies) and at an odd offset inside a larger buffer (the
/// byte-by-byte fallback).
#[wasm_bindgen_test]
fn views_decode_from_the_transferred_buffer() {
    use gosf_site::js_wire::JsBytes;
    use viewer_session::wire::{MatchData, ViewData};
    let view = ViewData {
        trace_id: "abc".into(),
        strings: vec!["GET /".into(), "frontend".into()],
        start: vec![0, 7, 1 << 40],
        dur: vec![9, 2, u64::MAX],
        self_time: vec![1, 2, 3],
        parent: vec![u32::MAX, 0, 1],
        name: vec![0, 0, 0],
        service: vec![1, 1, 1],
        kind: vec![2, 3, 0],
        flags: vec![1, 0, 8],
        order: vec![0, 1, 2],
        depth: vec![0, 1, 2],
        subtree_len: vec![3, 2, 1],
        services: vec![1],
        duration_ns: 9,
        ..ViewData::default()
    };
    let bytes = view.encode();
    let aligned = js_sys::Uint8Array::from(bytes.as_slice());
    assert_eq!(ViewData::decode_from(&JsBytes(aligned)), Ok(view.clone()));
    let shifted = js_sys::Uint8Array::new_with_length(bytes.len() as u32 + 1);
    shifted
        .subarray(1, bytes.len() as u32 + 1)
        .copy_from(&bytes);
    let odd = shifted.subarray(1, bytes.len() as u32 + 1);
    assert_eq!(ViewData::decode_from(&JsBytes(odd)), Ok(view));
    let matches = MatchData {
        query: "x".into(),
        spans: vec![2, 0],
        error: None,
    };
    let js = js_sys::Uint8Array::from(matches.encode().as_slice());
    assert_eq!(MatchData::decode_from(&JsBytes(js)), Ok(matches));
}
