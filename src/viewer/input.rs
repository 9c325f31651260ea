//! Ways in: drop anywhere on the page, the file picker, paste, and the bundled samples.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::viewer::controller::use_controller;
use crate::viewer::state::{use_viewer, AppState};

pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Page-wide drag and drop and paste. The overlay shows while something is dragged over.
#[component]
pub fn DropTarget() -> impl IntoView {
    let controller = use_controller();
    let dragging = RwSignal::new(false);
    let over = window_event_listener(leptos::ev::dragover, move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(true);
    });
    let leave = window_event_listener(leptos::ev::dragleave, move |ev: web_sys::DragEvent| {
        // Leaving the window (no related target) ends the drag display.
        if ev.related_target().is_none() {
            dragging.set(false);
        }
    });
    let drop = window_event_listener(leptos::ev::drop, move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let files = files_of(ev.data_transfer().and_then(|d| d.files()));
        controller.open_files(files);
    });
    let paste = window_event_listener(leptos::ev::paste, move |ev: web_sys::ClipboardEvent| {
        // Typing in a text field is not a trace.
        let in_field = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some();
        if in_field {
            return;
        }
        let Some(data) = ev.clipboard_data() else {
            return;
        };
        let files = files_of(data.files());
        if !files.is_empty() {
            ev.prevent_default();
            controller.open_files(files);
        } else if let Ok(text) = data.get_data("text") {
            if !text.trim().is_empty() {
                ev.prevent_default();
                controller.open_pasted(&text);
            }
        }
    });
    on_cleanup(move || {
        over.remove();
        leave.remove();
        drop.remove();
        paste.remove();
    });
    move || {
        dragging.get().then(|| {
            view! {
                <div class="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
                    <div>"Drop trace files to open them"</div>
                </div>
            }
        })
    }
}

#[component]
pub fn FilePicker() -> impl IntoView {
    let controller = use_controller();
    let input = NodeRef::<html::Input>::new();
    view! {
        <label class="button file-button">
            "Open trace files…"
            <input
                type="file"
                multiple=true
                class="visually-hidden"
                node_ref=input
                data-testid="file-input"
                accept=".json,.jsonl,.ndjson,.gz,.txt,application/json,application/gzip"
                on:change=move |_| {
                    if let Some(el) = input.get_untracked() {
                        let files = files_of(el.files());
                        controller.open_files(files);
                        // Picking the same file again must fire `change` again.
                        el.set_value("");
                    }
                }
            />
        </label>
    }
}

/// Bundled samples, listed in public/samples/index.json.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Sample {
    pub file: String,
    pub label: String,
    pub format: String,
    #[serde(default)]
    pub spans: u64,
}

#[component]
pub fn Samples() -> impl IntoView {
    let controller = use_controller();
    let samples = LocalResource::new(|| async {
        let text = gloo::net::http::Request::get(site::routes::SAMPLES_INDEX)
            .send()
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        serde_json::from_str::<Vec<Sample>>(&text).ok()
    });
    view! {
        <div class="samples">
            <h3>"Or try a sample"</h3>
            <Suspense fallback=|| view! { <p class="muted">"Loading samples…"</p> }>
                {move || samples.get().map(|list| match list {
                    Some(list) => view! {
                        <ul class="sample-list" data-testid="samples">
                            {list.into_iter().map(|s| {
                                let file = s.file.clone();
                                view! {
                                    <li><button type="button" class="linklike" data-testid="sample" on:click=move |_| controller.open_sample(&file)>
                                        {s.label.clone()}
                                    </button> <span class="muted">{format!(" {} · {} spans", s.format, s.spans)}</span></li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    None => view! { <p class="muted">"Samples could not be loaded."</p> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

#[component]
pub fn Progress() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    move || {
        (viewer.state.get() == AppState::Loading).then(|| {
        let (label, value, max) = match viewer.progress.get() {
            Some((phase, done, total)) if total > 0 => (
                format!("{} {:.1} of {:.1} MB", phase.label(), done as f64 / 1e6, total as f64 / 1e6),
                Some(done as f64),
                total as f64,
            ),
            Some((phase, _, _)) => (format!("{}…", phase.label()), None, 1.0),
            None => ("Working…".to_string(), None, 1.0),
        };
        view! {
            <div class="progress" data-testid="progress" role="status">
                <progress max=max value=value></progress>
                <span>{label}</span>
                <button type="button" data-testid="cancel" on:click=move |_| controller.cancel()>"Cancel"</button>
            </div>
        }
    })
    }
}
