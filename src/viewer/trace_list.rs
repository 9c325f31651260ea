//! The trace list, shown when the opened files hold several traces.

use leptos::prelude::*;
use viewer_core::time_scale::format_duration;
use viewer_core::trace_list::{sorted_order, SortKey, TraceRow};
use viewer_session::protocol::TraceSummary;

use crate::viewer::controller::use_controller;
use crate::viewer::heading::utc_time;
use crate::viewer::state::use_viewer;
use crate::viewer::url_state::push_history_entry;

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
                                    let current = move || viewer.open.with(|o| o.as_ref().is_some_and(|o| o.data.trace == index));
                                    view! {
                                        <tr data-testid="trace-row" class:current=current
                                            aria-current=move || current().then_some("true")>
                                            <th scope="row">
                                                <button type="button" class="linklike" on:click=move |_| if let Some(c) = controller {
                                                    // Back returns to what was shown before this trace.
                                                    push_history_entry();
                                                    c.select_trace(index)
                                                }>
                                                    {t.root_service.clone()} ": " {t.root_name.clone()}
                                                </button>
                                                <div class="muted mono">{t.trace_id.clone()}</div>
                                            </th>
                                            <td>{t.services.join(", ")}</td>
                                            <td>{t.spans}</td>
                                            <td>{format_duration(t.duration_ns)}</td>
                                            <td class:errors={t.errors > 0}>{t.errors}</td>
                                            <td>{utc_time(t.start_unix_ns)}</td>
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

/// The trace list as a drop-down in the header while one trace is open: the file's other
/// traces stay one click away without taking the timeline's room.
#[component]
pub fn TracePicker() -> impl IntoView {
    let viewer = use_viewer();
    let details = NodeRef::<leptos::html::Details>::new();
    let label = move || {
        let n = viewer.traces.with(|t| t.len());
        let at = viewer
            .open
            .with(|o| o.as_ref().map_or(0, |o| o.data.trace as usize + 1));
        format!("Trace {at} of {n}")
    };
    // Choosing a trace closes the list.
    Effect::new(move |_| {
        viewer.open.with(|o| o.as_ref().map(|o| o.data.trace));
        if let Some(d) = details.get_untracked() {
            d.set_open(false);
        }
    });
    view! {
        <details class="trace-picker" node_ref=details data-testid="trace-picker">
            <summary>{label}</summary>
            <div class="popover-panel">
                <TraceList/>
            </div>
        </details>
    }
}
