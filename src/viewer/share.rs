//! "Copy link with the trace": a link whose fragment carries the open trace (or the part the
//! person chose) and the view, so it opens anywhere with no file, server or upload. The worker
//! packs the trace; this pane asks for it when the choice, selection, filter or folds change
//! and shows the link's size, or why there is no link.

use leptos::prelude::*;
use viewer_core::share;
use viewer_session::protocol::ShareScope;
use viewer_session::share_link::{folds_to_send, trace_link_state, ShareChoice};

use crate::viewer::controller::use_controller;
use crate::viewer::state::use_viewer;
use crate::viewer::url_state::current_state;

/// The page's address without its fragment.
fn page_address() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default()
}

/// "127 KB" for a link of that many characters.
fn size_label(chars: usize) -> String {
    if chars < 10_000 {
        format!("{:.1} KB", chars as f64 / 1000.0)
    } else {
        format!("{} KB", chars / 1000)
    }
}

#[component]
pub fn ShareTrace() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    // The request's scope, or what the person must do first.
    let scope = Memo::new(move |_| viewer.chosen_share_scope());
    let folds = Memo::new(move |_| {
        let scope = scope.get().unwrap_or(ShareScope::Whole);
        viewer.collapsed.with(|c| folds_to_send(&scope, c))
    });
    let trace_key = Memo::new(move |_| {
        viewer
            .open
            .with(|o| o.as_ref().map(|o| (o.data.trace, o.data.trace_id.clone())))
    });
    Effect::new(move |_| {
        let (Some(_), Ok(scope)) = (trace_key.get(), scope.get()) else {
            return;
        };
        controller.share_link(scope, folds.get());
    });
    // The link for the current answer, while it answers the current choice.
    let href = Memo::new(move |_| {
        let link = viewer.share_link.get()?;
        if scope.get().ok()? != link.scope {
            return None;
        }
        let state = trace_link_state(current_state(viewer)?, &link)?;
        Some(format!("{}#{}", page_address(), share::encode(&state)))
    });
    let problem = move || match scope.get() {
        Err(todo_first) => Some(todo_first.to_string()),
        Ok(_) => viewer.share_link.with(|l| l.as_ref()?.problem.clone()),
    };
    let copied = RwSignal::new(None::<bool>);
    Effect::new(move |_| {
        href.track();
        copied.set(None);
    });
    let copy = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let (Some(w), Some(text)) = (web_sys::window(), href.get_untracked()) else {
            return;
        };
        let promise = w.navigator().clipboard().write_text(&text);
        wasm_bindgen_futures::spawn_local(async move {
            copied.set(Some(
                wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
            ));
        });
    };
    view! {
        <span class="share-trace" data-testid="share-trace">
            <label>
                <span class="visually-hidden">"Share"</span>
                <select data-testid="share-scope" aria-label="What the link with the trace carries"
                    on:change=move |ev| {
                        if let Some(c) = ShareChoice::parse(&event_target_value(&ev)) {
                            viewer.set_share_choice(c);
                        }
                    }>
                    {ShareChoice::ALL.into_iter().map(|c| view! {
                        <option value=c.as_str() selected=move || viewer.share_choice.get() == c>{c.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            {move || match href.get() {
                Some(h) => {
                    let size = size_label(h.len());
                    view! {
                        <a data-share="trace" class="button copy" href=h on:click=copy
                            title="The link holds the trace itself: it opens in any browser, with no file and no upload">
                            {move || match copied.get() {
                                None => "Copy link with the trace",
                                Some(true) => "Link with the trace copied",
                                Some(false) => "Copy failed: right-click to copy the link",
                            }}
                        </a>
                        <span class="muted" data-testid="share-size">" " {size}</span>
                    }.into_any()
                }
                None => match problem() {
                    Some(p) => view! { <span class="muted" data-testid="share-problem" role="status">{p}</span> }.into_any(),
                    None => view! { <span class="muted" data-testid="share-pending">"Packing the trace…"</span> }.into_any(),
                },
            }}
        </span>
    }
}
