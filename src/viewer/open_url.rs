//! "Open from URL…": fetch a trace file from any http(s) address that allows cross-origin
//! reads, or a trace by id from a Jaeger or Tempo server. Nothing is fetched until the person
//! asks; the fetch runs in the worker with the usual progress and cancel, and the address bar
//! then carries `#url=` so the view can be shared as a short link.

use leptos::prelude::*;
use viewer_session::remote::{is_fetchable, Backend};

use crate::viewer::controller::use_controller;

#[component]
pub fn OpenFromUrl() -> impl IntoView {
    // The forms are built the first time the panel opens: most visits never open it, and the
    // page's first task stays shorter without them.
    let opened = RwSignal::new(false);
    view! {
        <details class="open-url" data-testid="open-url" on:toggle=move |_| opened.set(true)>
            <summary>"Open from URL…"</summary>
            <Show when=move || opened.get()>
                <UrlForms/>
            </Show>
        </details>
    }
}

/// A trace file's address, or a Jaeger or Tempo server and a trace id.
#[component]
fn UrlForms() -> impl IntoView {
    let controller = use_controller();
    let url = RwSignal::new(String::new());
    let backend = RwSignal::new(Backend::Jaeger);
    let base = RwSignal::new(String::new());
    let trace_id = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let open = move |target: Result<String, String>| match target {
        Ok(u) if is_fetchable(&u) => {
            problem.set(None);
            controller.open_url(&u);
        }
        Ok(u) => problem.set(Some(format!("{u:?} is not an http:// or https:// address"))),
        Err(e) => problem.set(Some(e)),
    };
    let open_file = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        open(Ok(url.get_untracked().trim().to_string()));
    };
    let open_backend = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let b = backend.get_untracked();
        open(b.trace_url(&base.get_untracked(), &trace_id.get_untracked()));
    };
    view! {
        <div class="popover-panel">
            <form novalidate on:submit=open_file>
                <label>"Trace file URL "
                    <input type="url" data-testid="url-input" placeholder="https://example.com/trace.json"
                        prop:value=url on:input=move |ev| url.set(event_target_value(&ev))/>
                </label>
                " "
                <button type="submit" data-testid="url-open">"Open"</button>
            </form>
            <form novalidate on:submit=open_backend>
                <label>"or a trace from "
                    <select data-testid="backend-kind" on:change=move |ev| {
                        if let Some(b) = Backend::parse(&event_target_value(&ev)) {
                            backend.set(b);
                        }
                    }>
                        {Backend::ALL.into_iter().map(|b| view! {
                            <option value=b.as_str() selected=move || backend.get() == b>{b.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                " "
                <label>"at "
                    <input type="url" data-testid="backend-base" placeholder="http://localhost:16686"
                        prop:value=base on:input=move |ev| base.set(event_target_value(&ev))/>
                </label>
                " "
                <label>"trace id "
                    <input type="text" data-testid="backend-trace-id" spellcheck="false"
                        prop:value=trace_id on:input=move |ev| trace_id.set(event_target_value(&ev))/>
                </label>
                " "
                <button type="submit" data-testid="backend-open">"Open"</button>
            </form>
            <p class="muted">"The server must allow cross-origin reads. Nothing is sent anywhere else."</p>
            {move || problem.get().map(|p| view! { <p class="search-error" role="alert" data-testid="url-error">{p}</p> })}
        </div>
    }
}
