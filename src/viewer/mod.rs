//! The trace viewer page: input, progress and errors, trace list, and the open trace's
//! timeline, details, statistics and data quality. State lives in `state`, talk to the worker
//! in `controller`; the panes only present.

pub mod canvas;
pub mod compare;
pub mod controller;
pub mod details;
pub mod export;
pub mod flame;
pub mod heading;
pub mod input;
pub mod keyboard;
pub mod library;
pub mod open_url;
pub mod quality;
pub mod resize;
pub mod search;
pub mod service_map;
pub mod share;
pub mod span_table;
pub mod splitter;
pub mod state;
pub mod stats;
pub mod timeline;
pub mod trace_list;
pub mod url_state;
pub mod virtual_list;
pub mod workspace;

use leptos::html;
use leptos::prelude::*;
use viewer_core::share::ViewTab;
use wasm_bindgen::JsCast;

use controller::Controller;
use state::{use_viewer, Viewer};

#[component]
pub fn TraceViewer() -> impl IntoView {
    let viewer = Viewer::new();
    provide_context(viewer);
    let controller = Controller::new(viewer);
    provide_context(controller);
    canvas::provide_theme_colours();
    let search_ref = NodeRef::<html::Input>::new();
    keyboard::install(viewer, controller, search_ref);
    url_state::restore_on_mount(viewer, controller);
    url_state::keep_in_sync(viewer);
    url_state::follow_hash_changes(viewer, controller);

    let has_trace = move || viewer.open.with(Option::is_some);
    // What the page's memory came to once a load settled (benchmarks divide it by the spans).
    let wasm_bytes = move || {
        viewer.state.track();
        viewer.open.track();
        crate::browser::wasm_memory_bytes()
    };
    let many = move || viewer.trace_count.get() > 1;
    // With a trace open the viewer is an application: it fills the window below the site
    // header, and only the rows (or the open tab's panel) scroll.
    view! {
        <div class="viewer" class:app=has_trace data-testid="viewer" data-app-state=move || viewer.state.get().as_str()
            data-library-size=move || viewer.library.with(Vec::len) data-wasm-bytes=wasm_bytes>
            <input::DropTarget/>
            <header class="viewer-header">
                <h1>"Trace viewer"</h1>
                <heading::TraceHeading/>
                <div class="intake-row" aria-label="Open a trace" role="group">
                    <input::FilePicker/>
                    <span class="muted intake-hint">"or drop files anywhere, or paste JSON (Ctrl/Cmd+V)."</span>
                    <open_url::OpenFromUrl/>
                    <button type="button" class="linklike" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)"
                        on:click=move |_| viewer.set_help_open(true)><span class="wide-only">"Keyboard shortcuts "</span>"(?)"</button>
                </div>
            </header>
            <section class="intake" aria-label="Loading">
                <input::Progress/>
                {move || viewer.error.get().map(|e| view! {
                    <div class="error-box" role="alert" data-testid="load-error">
                        <strong>"Could not open the file. "</strong>
                        <span>{e}</span>
                        <button type="button" aria-label="Dismiss" on:click=move |_| viewer.dismiss_error()>"×"</button>
                    </div>
                })}
            </section>
            <Show when=has_trace>
                <ViewerActions/>
            </Show>
            <Show when=move || !has_trace() && !many()>
                <EmptyState/>
            </Show>
            <Show when=move || many() && !has_trace()>
                <trace_list::TraceList/>
            </Show>
            <Show when=has_trace>
                <div class="view-bar">
                    <Tabs/>
                    <search::SearchBox input_ref=search_ref/>
                </div>
                // Each panel names its view (`data-view`) for tests and styles.
                {move || match viewer.tab.get() {
                    ViewTab::Timeline => view! { <workspace::Workspace/> }.into_any(),
                    ViewTab::Stats => view! { <div class="tab-panel" data-view="stats" role="tabpanel"><stats::StatsView/></div> }.into_any(),
                    ViewTab::Quality => view! { <div class="tab-panel" data-view="quality" role="tabpanel"><quality::QualityView/></div> }.into_any(),
                    ViewTab::Table => view! { <div class="tab-panel table-panel" data-view="table" role="tabpanel"
                        data-ready=move || viewer.table_order.with(Option::is_some).then_some("")><span_table::SpanTable/></div> }.into_any(),
                    // The flame graph's panel is its own root: it knows when it has drawn.
                    ViewTab::Flame => view! { <flame::FlameGraph/> }.into_any(),
                    ViewTab::Compare => view! { <div class="tab-panel" data-view="compare" role="tabpanel"
                        data-ready=move || viewer.compare.with(Option::is_some).then_some("")><compare::CompareTraces/></div> }.into_any(),
                    ViewTab::Map => view! { <div class="tab-panel" data-view="map" role="tabpanel"
                        data-ready=move || viewer.service_map.with(Option::is_some).then_some("")><service_map::ServiceMap/></div> }.into_any(),
                }}
            </Show>
            <keyboard::HelpDialog/>
        </div>
    }
}

/// The open trace's file, the other traces of the file, and the ways to pass the trace on.
#[component]
fn ViewerActions() -> impl IntoView {
    let viewer = use_viewer();
    let many = move || viewer.trace_count.get() > 1;
    let file_names = move || {
        viewer.files.with(|f| {
            f.iter()
                .map(|f| f.display_name())
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let format = move || {
        viewer.files.with(|f| {
            let mut labels: Vec<String> = f.iter().map(|f| f.format_label.clone()).collect();
            labels.dedup();
            labels.join(", ")
        })
    };
    // How many workers parsed each file: what the parallel-parsing tests look at.
    let parsed_by = move || {
        viewer.files.with(|f| {
            f.iter()
                .map(|f| f.parsed_by.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
    };
    view! {
        <div class="viewer-actions" role="group" aria-label="This trace">
            <span class="muted file-label" data-testid="header-file" data-parsed-by=parsed_by>
                {file_names} " (" {format} ")"
            </span>
            <Show when=many>
                <trace_list::TracePicker/>
            </Show>
            <CopyLink/>
            <share::ShareTrace/>
            <export::ExportTrace/>
        </div>
    }
}

#[component]
fn Tabs() -> impl IntoView {
    let viewer = use_viewer();
    let controller = controller::use_controller();
    let tab = move |t: ViewTab, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                data-testid=format!("tab-{}", t.as_str())
                aria-selected=move || (viewer.tab.get() == t).to_string()
                on:click=move |_| controller.show_tab(t)
            >{label}</button>
        }
    };
    view! {
        <div class="tabs" role="tablist" aria-label="Views">
            {ViewTab::ALL.into_iter().map(|t| tab(t, t.label())).collect_view()}
        </div>
    }
}

/// A link to a view of someone's own file carries no trace: say so, and offer to open the file.
#[component]
fn LinkNeedsFile() -> impl IntoView {
    let viewer = use_viewer();
    let wanted = move || {
        viewer.link.with(|l| {
            l.as_ref()
                .filter(|l| {
                    l.data.is_none() && l.url.is_none() && l.sample.is_none() && l.lib.is_none()
                })
                .and_then(|l| l.trace.clone())
        })
    };
    let open_picker = move |_| {
        let input = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[data-testid=file-input]").ok().flatten());
        if let Some(input) = input.and_then(|i| i.dyn_into::<web_sys::HtmlElement>().ok()) {
            input.click();
        }
    };
    move || {
        wanted().map(|trace| {
            let short = viewer_core::trace_list::short_trace_id(&trace).to_string();
            view! {
                <div class="notice card" role="status" data-testid="link-needs-file">
                    <p>
                        <strong>"This link shows trace " <code>{short}</code> " of a file on the sender's computer."</strong>
                        " Links to a file hold the view, not the trace: open the same file and the view comes back."
                    </p>
                    <button type="button" class="button" data-testid="link-open-file" on:click=open_picker>"Open the file…"</button>
                </div>
            }
        })
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    view! {
        <LinkNeedsFile/>
        <section class="empty-state card" data-testid="empty-state">
            <h2>"Open a trace file"</h2>
            <p>"The viewer reads these formats, detected from the content, also when gzip-compressed:"</p>
            <ul>
                <li><strong>"Jaeger JSON"</strong>" — the Jaeger UI's download or the query API's response"</li>
                <li><strong>"OpenTelemetry OTLP JSON"</strong>" — including the Collector's file exporter (JSON Lines) and Tempo downloads"</li>
                <li><strong>"Zipkin"</strong>" — v2 span lists and v1"</li>
                <li><strong>"Chrome Trace Event Format"</strong>" — chrome://tracing, Perfetto JSON, DevTools recordings"</li>
                <li><strong>"Appdash JSON"</strong>" — the export of Appdash's web UI (the Go tracer of the OpenTracing talk's demo)"</li>
            </ul>
            <p><strong>"Nothing is uploaded:"</strong>" files are read and parsed inside your browser."</p>
            <input::Samples/>
        </section>
        <library::Library/>
    }
}

/// Copies the address of the current view. The fragment names the trace, span, window and
/// filter; the file itself is never part of a link.
#[component]
fn CopyLink() -> impl IntoView {
    // None: not tried yet; Some(true): copied; Some(false): the browser refused.
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let Some(w) = web_sys::window() else { return };
        let Ok(href) = w.location().href() else {
            return;
        };
        let promise = w.navigator().clipboard().write_text(&href);
        wasm_bindgen_futures::spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            copied.set(Some(ok));
        });
    };
    view! {
        <button type="button" class="copy" data-testid="copy-link" on:click=copy
            title="The link reopens a sample directly, or this view once the same file is opened">
            {move || match copied.get() {
                None => "Copy link to this view",
                Some(true) => "Link copied",
                Some(false) => "Copy failed: use the address bar",
            }}
        </button>
    }
}
