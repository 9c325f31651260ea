//! "Download as": the open trace, or the part chosen for sharing (subtree, filtered spans),
//! written by the worker as OTLP, Jaeger or Zipkin JSON and saved as a file. The file is made
//! in the browser; nothing is uploaded.

use leptos::prelude::*;
use trace_core::export::ExportFormat;

use crate::viewer::controller::use_controller;
use crate::viewer::state::use_viewer;

fn label(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Otlp => "OTLP JSON",
        ExportFormat::Jaeger => "Jaeger JSON",
        ExportFormat::Zipkin => "Zipkin v2 JSON",
    }
}

#[component]
pub fn ExportTrace() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let format = RwSignal::new(ExportFormat::Otlp);
    let download = move |_| {
        // The same part of the trace as the share link; a choice that needs a span or a filter
        // first falls back to the whole trace rather than doing nothing.
        let scope = viewer
            .chosen_share_scope()
            .unwrap_or(viewer_session::protocol::ShareScope::Whole);
        controller.export(scope, format.get_untracked().as_str());
    };
    view! {
        <span class="export-trace">
            <label>
                <span class="visually-hidden">"Download format"</span>
                <select data-testid="export-format" aria-label="Format to download the trace in"
                    on:change=move |ev| {
                        if let Some(f) = ExportFormat::parse(&event_target_value(&ev)) {
                            format.set(f);
                        }
                    }>
                    {ExportFormat::ALL.into_iter().map(|f| view! {
                        <option value=f.as_str() selected=move || format.get() == f>{label(f)}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="button" class="copy" data-testid="export-download" on:click=download
                title="Saves the trace (or the part chosen for the link) as a file; nothing is uploaded">
                "Download"
            </button>
        </span>
    }
}
