//! The open trace's heading, as Jaeger's trace page gives it: the root span's "service:
//! operation", counts, depth, duration, start time and the short trace id. The page title
//! names the trace too, so browser tabs and history tell traces apart.

use leptos::prelude::*;
use site::meta::page_meta;
use site::routes::Route;
use viewer_core::trace_list::{header_line, short_trace_id, trace_page_title};

use crate::browser::set_page_meta;
use crate::content::content;
use crate::viewer::state::{use_viewer, OpenTrace};

/// ISO-like UTC time from Unix nanoseconds, or "—" when the format has no wall clock.
pub fn utc_time(ns: i64) -> String {
    if ns <= 0 {
        return "—".into();
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        trace_core::time::ns_to_ms_f64(ns),
    ));
    date.to_iso_string()
        .as_string()
        .unwrap_or_default()
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string()
}

/// What the heading shows of one trace.
#[derive(Clone, PartialEq)]
struct Heading {
    root_service: String,
    root_name: String,
    spans: usize,
    services: usize,
    duration_ns: u64,
    counts: String,
    started: String,
    trace_id: String,
}

impl Heading {
    fn of(open: &OpenTrace) -> Self {
        let root = open.tree.order().first().copied();
        let depth = open.tree.max_depth() as u32 + u32::from(root.is_some());
        let spans = open.span_count();
        let services = open.data.services.len();
        Heading {
            root_service: root.map_or_else(String::new, |r| open.service(r).to_string()),
            root_name: root.map_or_else(String::new, |r| open.name(r).to_string()),
            spans,
            services,
            duration_ns: open.data.duration_ns,
            counts: header_line(spans as u64, services, depth, open.data.duration_ns),
            started: utc_time(open.data.start_unix_ns),
            trace_id: open.data.trace_id.clone(),
        }
    }
}

#[component]
pub fn TraceHeading() -> impl IntoView {
    let viewer = use_viewer();
    let heading = Memo::new(move |_| viewer.open.with(|o| o.as_deref().map(Heading::of)));
    Effect::new(move |_| match heading.get() {
        Some(h) => {
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                doc.set_title(&trace_page_title(
                    &h.root_service,
                    &h.root_name,
                    &h.trace_id,
                ));
            }
        }
        None => set_page_meta(&page_meta(&Route::Viewer, content())),
    });
    move || {
        heading.get().map(|h| {
            let short = short_trace_id(&h.trace_id).to_string();
            view! {
                <p class="trace-heading" data-testid="trace-heading">
                    <strong class="trace-root" data-testid="trace-root">
                        <span class="muted">{h.root_service.clone()} ": "</span>{h.root_name.clone()}
                    </strong>
                    <span data-testid="header-summary" data-spans=h.spans data-services=h.services
                        data-duration-ns=h.duration_ns>{h.counts.clone()}</span>
                    <span class="muted" title="Start of the trace (UTC)">{h.started.clone()}</span>
                    <code class="muted" title=format!("Trace id {}", h.trace_id) data-testid="heading-trace-id">{short}</code>
                </p>
            }
        })
    }
}
