//! Shareable links: the view (trace, span, time window, filter, pane, skew, sample) lives in
//! the URL fragment, encoded by `viewer_core::share`. The fragment never leaves the browser,
//! and a link to a user's own file restores the view once that file is opened again.

use leptos::prelude::*;
use viewer_core::navigation::{apply_step, navigate, LinkStep, Navigation, OpenSource};
use viewer_core::share::{self, ShareWarning, ViewState, ViewTab};

use crate::viewer::controller::Controller;
use crate::viewer::library;
use crate::viewer::state::{LinkedOrigin, Viewer};

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Reads the link the page was opened with; opens its sample, if it names one.
pub fn restore_on_mount(viewer: Viewer, controller: Controller) {
    restore_from(&location_hash(), viewer, controller);
}

/// Reads the link in the address bar; opens its sample, if it names one.
fn restore(viewer: Viewer, controller: Controller) {
    restore_from(&location_hash(), viewer, controller);
}

fn restore_from(hash: &str, viewer: Viewer, controller: Controller) {
    let fragment = hash.trim_start_matches('#');
    if fragment.is_empty() {
        return;
    }
    let (state, warnings) = share::decode(fragment);
    for w in &warnings {
        leptos::logging::warn!("link: {w}");
    }
    // Other bad keys only lose a detail of the view; bad trace data loses the trace: say so.
    let bad_data = warnings
        .iter()
        .find(|w| matches!(w, ShareWarning::InvalidValue { key, .. } if key == "data"));
    if let Some(w) = bad_data {
        viewer.show_error(format!("Shared link: {w}"));
    }
    // A link that carries its trace needs nothing else; one that names a sample fetches it.
    if let Some(data) = &state.data {
        controller.open_link(data);
    } else if let Some(url) = &state.url {
        controller.open_url(url);
    } else if let Some(sample) = &state.sample {
        controller.open_sample(sample);
    } else if let Some(id) = &state.lib {
        library::open_by_id(viewer, controller, id.clone());
    }
    viewer.await_link(Some(state));
}

/// The fragment changes without a page load on Back and Forward (choosing a trace from the
/// list pushes an entry) and when a link is pasted into the address bar. Our own address-bar
/// updates use `replaceState`, which fires no `hashchange`.
pub fn follow_hash_changes(viewer: Viewer, controller: Controller) {
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        follow(viewer, controller);
    });
    on_cleanup(move || handle.remove());
}

/// Does what the new fragment asks: see `viewer_core::navigation`.
fn follow(viewer: Viewer, controller: Controller) {
    let hash = location_hash();
    let (link, _) = share::decode(hash.trim_start_matches('#'));
    let sample = viewer.sample.get_untracked();
    let origin = viewer.origin.get_untracked();
    let lib = viewer.library_id.get_untracked();
    let trace_count = viewer.trace_count.get_untracked() as usize;
    let open_id = viewer
        .open
        .with_untracked(|o| o.as_ref().map(|o| o.data.trace_id.clone()));
    let now = OpenSource {
        loaded: trace_count > 0,
        sample: sample.as_deref(),
        data: match &origin {
            Some(LinkedOrigin::Data(d)) => Some(d.as_str()),
            _ => None,
        },
        url: match &origin {
            Some(LinkedOrigin::Url(u)) => Some(u.as_str()),
            _ => None,
        },
        lib: lib.as_deref(),
        trace_count,
        open_trace: open_id.as_deref(),
    };
    match navigate(&link, &now) {
        Navigation::OpenSource => restore(viewer, controller),
        Navigation::ShowList => viewer.close_trace(),
        Navigation::ShowTrace(id) => {
            viewer.await_link(Some(link));
            controller.select_trace_by_id(id);
        }
        Navigation::ApplyView => {
            viewer.await_link(Some(link));
            apply_link(viewer, controller);
        }
    }
}

/// Makes a history entry for what is shown now, before showing another trace of the list:
/// Back then returns here.
pub fn push_history_entry() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (Ok(history), Ok(href)) = (window.history(), window.location().href()) else {
        return;
    };
    let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
}

/// Applies a waiting link to the trace that was just shown (once).
pub fn apply_link(viewer: Viewer, controller: Controller) {
    let Some(link) = viewer.link.get_untracked() else {
        return;
    };
    let Some((shown_id, extent_end)) = viewer
        .open
        .with_untracked(|o| o.as_ref().map(|o| (o.data.trace_id.clone(), o.extent().1)))
    else {
        return;
    };
    match apply_step(&link, &shown_id, extent_end, viewer.skew.get_untracked()) {
        LinkStep::Wait => {}
        LinkStep::CorrectSkewFirst { rest } => {
            viewer.await_link(Some(rest));
            controller.set_skew(true);
        }
        LinkStep::Apply(parts) => {
            viewer.await_link(None);
            if let Some(level) = parts.collapsed_depth {
                viewer.collapse_to_depth(level);
            }
            if !parts.fold.is_empty() {
                viewer.fold(&parts.fold);
            }
            if let Some(window) = parts.window {
                viewer.set_window(window);
            }
            if let Some(q) = parts.filter {
                controller.filter(q);
            }
            if let Some(span) = parts.span {
                controller.find_span(span);
            }
            if let Some(tab) = parts.view {
                controller.show_tab(tab);
            }
        }
    }
}

/// The link for the current view, or None when no trace is open.
pub fn current(viewer: Viewer) -> Option<String> {
    current_state(viewer).map(|s| share::encode(&s))
}

/// The current view as link state (tracked: use it inside effects and memos).
pub fn current_state(viewer: Viewer) -> Option<ViewState> {
    viewer.open.with(|o| {
        let o = o.as_ref()?;
        let window = viewer.window.get();
        let full = o.extent();
        let query = viewer.query.get();
        let folds = viewer.collapsed.with(|c| c.in_link());
        let state = ViewState {
            trace: Some(o.data.trace_id.clone()),
            span: viewer
                .details
                .with(|d| d.as_ref().map(|d| d.span_id.clone())),
            window: (window != full).then_some(window),
            filter: (!query.trim().is_empty()).then_some(query),
            view: match viewer.tab.get() {
                ViewTab::Timeline => None,
                tab => Some(tab),
            },
            skew: viewer.skew.get(),
            sample: viewer.sample.get(),
            collapsed_depth: folds.depth,
            fold: folds.fold,
            data: viewer.origin.with(|o| match o {
                Some(LinkedOrigin::Data(d)) => Some(d.clone()),
                _ => None,
            }),
            url: viewer.origin.with(|o| match o {
                Some(LinkedOrigin::Url(u)) => Some(u.clone()),
                _ => None,
            }),
            // A file kept in the library: the link reopens it in this browser.
            lib: match viewer.origin.get() {
                None => viewer.library_id.get(),
                Some(_) => None,
            },
            ..ViewState::default()
        };
        Some(state)
    })
}

/// Keeps the address bar in step with the view (replaceState: no history entry per change).
pub fn keep_in_sync(viewer: Viewer) {
    Effect::new(move |_| {
        // A link still being applied must not be overwritten by the default view.
        if viewer.link.with(Option::is_some) {
            return;
        }
        let Some(fragment) = current(viewer) else {
            return;
        };
        if location_hash().trim_start_matches('#') == fragment {
            return;
        }
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("#{fragment}")),
            );
        }
    });
}
