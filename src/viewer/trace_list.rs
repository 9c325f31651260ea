//! The trace list, shown when the opened files hold several traces. The worker keeps the list
//! and sorts it (`viewer_session::trace_pages`); this pane renders only the rows in view and
//! asks for the page around them, so 300,000 traces cost the page what twenty do.

use leptos::html;
use leptos::prelude::*;
use std::ops::Range;
use trace_core::time::format_duration;
use viewer_core::rows::row_range;
use viewer_core::sort::{after_click, aria_sort};
use viewer_core::trace_list::{group_thousands, SortKey};
use viewer_session::protocol::TraceSummary;
use viewer_session::trace_pages::{TracePage, PAGE_ROWS};

use crate::viewer::controller::use_controller;
use crate::viewer::heading::utc_time;
use crate::viewer::resize::observe_size;
use crate::viewer::state::use_viewer;
use crate::viewer::url_state::push_history_entry;

const ROW_H: f64 = 46.0;
/// Rows kept rendered beyond each edge of the view.
const OVERSCAN: usize = 10;
/// The list's box is at most this tall; the page's other content stays in reach.
const MAX_LIST_H: f64 = 620.0;

/// Whether `page` holds rows `range` of the list in this order.
fn covers(page: &TracePage, sort: SortKey, descending: bool, range: &Range<usize>) -> bool {
    let start = page.offset as usize;
    let end = (start + page.rows.len()).max(start);
    let wanted_end = range.end.min(page.total as usize);
    page.sort == sort.as_str()
        && page.descending == descending
        && start <= range.start
        && (end >= wanted_end || range.start >= wanted_end)
}

#[component]
pub fn TraceList() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let sort = RwSignal::new((SortKey::Start, false));
    let scroller = NodeRef::<html::Div>::new();
    let size = observe_size(scroller);
    let scroll_top = RwSignal::new(0.0f64);
    let total = move || viewer.trace_count.get() as usize;
    let visible = Memo::new(move |_| {
        let h = match size.get().1 {
            h if h > 0.0 => h,
            _ => MAX_LIST_H,
        };
        row_range(scroll_top.get(), h, ROW_H, total(), OVERSCAN)
    });
    // Ask for the page around the rows in view when the one held does not cover them.
    let asked = StoredValue::new(None::<(SortKey, bool, u32)>);
    Effect::new(move |_| {
        let (key, descending) = sort.get();
        let range = visible.get();
        let covered = viewer.trace_page.with(|p| {
            p.as_ref()
                .is_some_and(|p| covers(p, key, descending, &range))
        });
        if covered {
            return;
        }
        let offset = range.start.saturating_sub(PAGE_ROWS as usize / 4) as u32;
        if asked.get_value() == Some((key, descending, offset)) {
            return;
        }
        asked.set_value(Some((key, descending, offset)));
        controller.trace_page(key, descending, offset, PAGE_ROWS);
    });
    let row_at = move |i: usize| -> Option<TraceSummary> {
        let (key, descending) = sort.get_untracked();
        viewer.trace_page.with(|p| {
            let p = p.as_ref()?;
            if p.sort != key.as_str() || p.descending != descending {
                return None;
            }
            p.rows.get(i.checked_sub(p.offset as usize)?).cloned()
        })
    };
    let header = move |label: &'static str, key: SortKey| {
        let aria = move || sort.with(|s| aria_sort(s, &key));
        view! {
            <div role="columnheader" aria-sort=aria>
                <button type="button" class="th-sort"
                    on:click=move |_| sort.update(|s| *s = after_click(*s, key, key.descending_by_default()))>{label}</button>
            </div>
        }
    };
    view! {
        <section class="trace-list" aria-labelledby="trace-list-heading">
            <h2 id="trace-list-heading">{move || format!("{} traces", group_thousands(total() as u64))}</h2>
            <div class="trace-grid" role="table" data-testid="trace-list" aria-rowcount=move || total() + 1
                node_ref=scroller
                style:max-height=move || format!("{}px", (total() as f64 * ROW_H + ROW_H).min(MAX_LIST_H))
                on:scroll=move |_| if let Some(el) = scroller.get_untracked() { scroll_top.set(el.scroll_top() as f64) }>
                <div class="trace-grid-head" role="row">
                    {header("Root span", SortKey::Root)}
                    {header("Services", SortKey::Services)}
                    {header("Spans", SortKey::Spans)}
                    {header("Duration", SortKey::Duration)}
                    {header("Errors", SortKey::Errors)}
                    {header("Start (UTC)", SortKey::Start)}
                </div>
                <div class="trace-grid-body" style:height=move || format!("{}px", total() as f64 * ROW_H)>
                    <For each=move || visible.get() key=|i| *i let:i>
                        <TraceRowView index=i row=Signal::derive(move || row_at(i))/>
                    </For>
                </div>
            </div>
        </section>
    }
}

/// One row of the list, or a placeholder while its page is on its way.
#[component]
fn TraceRowView(index: usize, row: Signal<Option<TraceSummary>>) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let top = format!("{}px", index as f64 * ROW_H);
    let height = format!("{ROW_H}px");
    move || {
        match row.get() {
        None => view! {
            <div class="trace-grid-row pending" role="row" aria-rowindex=index + 2 style:top=top.clone() style:height=height.clone() data-testid="trace-row-pending">
                <div role="cell" class="muted">"…"</div>
            </div>
        }
        .into_any(),
        Some(t) => {
            let trace = t.index;
            let current = move || viewer.open.with(|o| o.as_ref().is_some_and(|o| o.data.trace == trace));
            view! {
                <div class="trace-grid-row" role="row" aria-rowindex=index + 2 style:top=top.clone() style:height=height.clone() data-testid="trace-row"
                    class:current=current aria-current=move || current().then_some("true")>
                    <div role="rowheader" class="trace-root-cell">
                        <button type="button" class="linklike" on:click=move |_| {
                            // Back returns to what was shown before this trace.
                            push_history_entry();
                            controller.select_trace(trace)
                        }>
                            {t.root_service.clone()} ": " {t.root_name.clone()}
                        </button>
                        <div class="muted mono">{t.trace_id.clone()}</div>
                    </div>
                    <div role="cell" class="services" title=t.services.join(", ")>{t.services.join(", ")}</div>
                    <div role="cell" class="num">{t.spans}</div>
                    <div role="cell" class="num">{format_duration(t.duration_ns)}</div>
                    <div role="cell" class="num" class:errors={t.errors > 0}>{t.errors}</div>
                    <div role="cell">{utc_time(t.start_unix_ns)}</div>
                </div>
            }
            .into_any()
        }
    }
    }
}

/// The trace list as a drop-down in the header while one trace is open: the file's other
/// traces stay one click away without taking the timeline's room.
#[component]
pub fn TracePicker() -> impl IntoView {
    let viewer = use_viewer();
    let details = NodeRef::<leptos::html::Details>::new();
    let label = move || {
        let n = viewer.trace_count.get();
        let at = viewer
            .open
            .with(|o| o.as_ref().map_or(0, |o| o.data.trace as usize + 1));
        format!("Trace {at} of {}", group_thousands(u64::from(n)))
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
