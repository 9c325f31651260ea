//! Registers the service worker (`/sw.js`, written by the build: offline use after one visit)
//! and says so when a new version of the site has taken over, with a button to reload.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Where the build writes the service worker (xtask/src/offline.rs).
const WORKER_URL: &str = "/sw.js";

#[component]
pub fn UpdateNotice() -> impl IntoView {
    let updated = RwSignal::new(false);
    // Not part of showing the page: after its first task.
    crate::browser::in_next_task(move || register(updated));
    view! {
        <Show when=move || updated.get()>
            <div class="update-notice" role="status" data-testid="update-notice">
                <span>"A new version of this site is ready."</span>
                <button type="button" class="button" on:click=move |_| reload()>"Reload"</button>
            </div>
        </Show>
    }
}

/// Registers the worker; a change of controller while a page was already controlled is a new
/// version taking over (the first visit's takeover is not news).
fn register(updated: RwSignal<bool>) {
    let Some(container) = web_sys::window().map(|w| w.navigator().service_worker()) else {
        return;
    };
    let had_controller = container.controller().is_some();
    let _ = container.register(WORKER_URL);
    if !had_controller {
        return;
    }
    let on_change = Closure::<dyn FnMut()>::new(move || updated.set(true));
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    // The page lives as long as the document: the handler is never dropped.
    on_change.forget();
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
