//! The trace list, shown when the opened files hold several traces.

use leptos::prelude::*;
use viewer_core::time_scale::format_duration;
use viewer_core::trace_list::{sorted_order, SortKey, TraceRow};
use viewer_session::protocol::TraceSummary;

use crate::viewer::controller::use_controller;
use crate::viewer::state::use_viewer;

struct Row<'a>(&'a TraceSummary);

impl TraceRow for Row<'_> {
    fn start_unix_ns(&self) -> i64 {
        self.0.start_unix_ns
    }
    fn root_name(&self) -> &str {
        &self.0.root_name
    }
    fn spans(&self) -> u32 {
        self.0.spans
    }
    fn duration_ns(&self) -> u64 {
        self.0.duration_ns
    }
    fn errors(&self) -> u32 {
        self.0.errors
    }
    fn service_count(&self) -> usize {
        self.0.services.len()
    }
}

/// ISO-like UTC time from Unix nanoseconds, or "—" when the format has no wall clock.
fn start_time(ns: i64) -> String {
    if ns <= 0 {
        return "—".into();
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((ns / 1_000_000) as f64));
    date.to_iso_string()
        .as_string()
        .unwrap_or_default()
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string()
}

#[component]
pub fn TraceList() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let sort = RwSignal::new((SortKey::Start, false));
    let header = move |label: &'static str, key: SortKey| {
        let aria = move || match sort.get() {
            (k, d) if k == key => {
                if d {
                    "descending"
                } else {
                    "ascending"
                }
            }
            _ => "none",
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button type="button" class="th-sort" on:click=move |_| sort.update(|(k, d)| {
                    if *k == key { *d = !*d } else { *k = key; *d = key.descending_by_default() }
                })>{label}</button>
            </th>
        }
    };
    view! {
        <section class="trace-list" aria-labelledby="trace-list-heading">
            <h2 id="trace-list-heading">{move || format!("{} traces", viewer.traces.with(|t| t.len()))}</h2>
            <div class="table-wrap">
                <table data-testid="trace-list">
                    <thead><tr>
                        {header("Root span", SortKey::Root)}
                        {header("Services", SortKey::Services)}
                        {header("Spans", SortKey::Spans)}
                        {header("Duration", SortKey::Duration)}
                        {header("Errors", SortKey::Errors)}
                        {header("Start (UTC)", SortKey::Start)}
                    </tr></thead>
                    <tbody>
                        {move || {
                            let (key, desc) = sort.get();
                            viewer.traces.with(|traces| {
                                let rows: Vec<Row> = traces.iter().map(Row).collect();
                                sorted_order(&rows, key, desc).into_iter().filter_map(|i| traces.get(i)).map(|t| {
                                    let index = t.index;
                                    view! {
                                        <tr data-testid="trace-row">
                                            <th scope="row">
                                                <button type="button" class="linklike" on:click=move |_| if let Some(c) = controller { c.select_trace(index) }>
                                                    {t.root_service.clone()} ": " {t.root_name.clone()}
                                                </button>
                                                <div class="muted mono">{t.trace_id.clone()}</div>
                                            </th>
                                            <td>{t.services.join(", ")}</td>
                                            <td>{t.spans}</td>
                                            <td>{format_duration(t.duration_ns)}</td>
                                            <td class:errors={t.errors > 0}>{t.errors}</td>
                                            <td>{start_time(t.start_unix_ns)}</td>
                                        </tr>
                                    }
                                }).collect_view()
                            })
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
