//! The span table tab: one row per span of the open trace, sortable by any column, kept to the
//! spans the search matches, downloadable as CSV. The worker sorts (a million spans take longer
//! than a frame); the page renders only the rows in view, from the columns it already holds.
//! Clicking a row selects the span everywhere.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use trace_core::time::format_duration;
use trace_core::SpanKind;
use viewer_core::rows::row_range;
use viewer_core::share::ViewTab;
use viewer_core::sort::{after_click, aria_sort};
use viewer_core::trace_list::group_thousands;
use viewer_session::span_table::{SortBy, TableColumn};
use viewer_session::wire::flag::ERROR;

use crate::viewer::controller::use_controller;
use crate::viewer::resize::observe_size;
use crate::viewer::state::{use_viewer, OpenTrace};

/// Row height in px. Browsers cap an element's height near 33.5 million px: 22 px rows keep a
/// 1.5-million-span table scrollable to its end.
const ROW_H: f64 = 22.0;
/// Rows kept rendered beyond each edge of the view, to hide pop-in while scrolling.
const OVERSCAN: usize = 10;
/// The fixed columns' widths; each attribute column added takes a share of what is left.
const BASE_COLUMNS: &str =
    "minmax(8rem, 1.2fr) minmax(10rem, 2.2fr) 6.5rem 6.5rem 6.5rem 4.2rem 5.5rem";

/// The rows in table order. Compared by identity: a new order or filter is a new list, and
/// comparing a million spans to find that out would cost more than redrawing.
#[derive(Clone)]
struct TableRows(Arc<Vec<u32>>);

impl PartialEq for TableRows {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

#[component]
pub fn SpanTable() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let rows = Memo::new(move |_| {
        viewer.table_order.with(|order| {
            let order = order.as_ref()?;
            let kept = viewer.matches.with(|m| match m {
                Some(m) if m.error.is_none() && !m.query.trim().is_empty() => order
                    .spans
                    .iter()
                    .copied()
                    .filter(|&s| m.set.contains(s))
                    .collect(),
                _ => order.spans.clone(),
            });
            Some(TableRows(Arc::new(kept)))
        })
    });
    let count = move || rows.with(|r| r.as_ref().map_or(0, |r| r.0.len()));
    let total = move || {
        viewer
            .open
            .with(|o| o.as_ref().map_or(0, |o| o.span_count()))
    };
    let summary = move || match (count() as u64, total() as u64) {
        (shown, all) if shown == all => format!("{} spans", group_thousands(all)),
        (shown, all) => format!(
            "{} of {} spans match the search",
            group_thousands(shown),
            group_thousands(all)
        ),
    };
    view! {
        <div class="span-table-bar">
            <span class="muted" data-testid="table-count" data-rows=count>{summary}</span>
            <AddColumn/>
            <button type="button" class="copy" data-testid="table-csv"
                title="The rows the search keeps, in this order"
                on:click=move |_| controller.export_table()>"Download CSV"</button>
        </div>
        <TableBody rows=rows/>
    }
}

#[component]
fn TableBody(rows: Memo<Option<TableRows>>) -> impl IntoView {
    let viewer = use_viewer();
    let scroller = NodeRef::<html::Div>::new();
    let size = observe_size(scroller);
    let scroll_top = RwSignal::new(0.0f64);
    let count = move || rows.with(|r| r.as_ref().map_or(0, |r| r.0.len()));
    // (row, span) pairs in view: keyed by both, so a new order re-renders the rows it moved.
    let visible = Memo::new(move |_| {
        rows.with(|r| {
            let Some(r) = r else { return Vec::new() };
            let height = size.get().1.max(ROW_H);
            row_range(scroll_top.get(), height, ROW_H, r.0.len(), OVERSCAN)
                .filter_map(|i| r.0.get(i).map(|&span| (i, span)))
                .collect::<Vec<_>>()
        })
    });
    // Back to the top when the order or the filter changes.
    Effect::new(move |_| {
        rows.track();
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        scroll_top.set(0.0);
    });
    // The attribute columns' values of the rows in view, asked for as they come into view.
    let controller = use_controller();
    Effect::new(move |_| {
        viewer.table_keys.track();
        let spans: Vec<u32> = visible.with(|v| v.iter().map(|&(_, span)| span).collect());
        controller.request_table_cells(&spans);
    });
    // Set through the CSSOM (a `style` attribute would be refused by the page's CSP).
    let added = move || viewer.table_keys.with(Vec::len);
    let columns = move || format!("{BASE_COLUMNS}{}", " minmax(8rem, 1fr)".repeat(added()));
    let min_width = move || format!("{}rem", 52 + 9 * added());
    let ready = move || rows.with(Option::is_some).then_some("");
    // Which order the rows are in ("duration-desc"), once the worker's answer arrived.
    let order = move || {
        viewer.table_order.with(|o| {
            o.as_ref()
                .map(|o| format!("{}{}", o.column, if o.descending { "-desc" } else { "" }))
        })
    };
    view! {
        <div class="span-table" role="table" aria-label="Spans" data-testid="span-table"
            aria-rowcount=move || count() + 1 aria-busy=move || rows.with(Option::is_none).to_string()
            data-ready=ready data-order=order node_ref=scroller style=("--st-cols", columns) style=("--st-min", min_width)
            on:scroll=move |_| if let Some(el) = scroller.get_untracked() { scroll_top.set(el.scroll_top() as f64) }>
            <HeaderRow/>
            <div class="st-body" role="rowgroup" style:height=move || format!("{}px", count() as f64 * ROW_H)>
                <For each=move || visible.get() key=|pair| *pair let:pair>
                    {move || viewer.open.with(|open| open.as_ref().map(|open| {
                        view! { <Row index=pair.0 span=pair.1 open=open.clone()/> }
                    }))}
                </For>
            </div>
            {move || rows.with(Option::is_none).then(|| view! {
                <p class="muted st-wait" data-testid="table-sorting">"Sorting the spans…"</p>
            })}
        </div>
    }
}

#[component]
fn HeaderRow() -> impl IntoView {
    let viewer = use_viewer();
    let header = move |column: TableColumn| {
        view! {
            <div role="columnheader" class=format!("st-cell st-{}", column.as_str())
                aria-sort=move || viewer.table_sort.with(|s| aria_sort(s, &SortBy::Column(column)))>
                <SortButton by=SortBy::Column(column) label=column.label().to_string()
                    testid=format!("table-sort-{}", column.as_str())/>
            </div>
        }
    };
    let added = move || {
        viewer
            .table_keys
            .get()
            .into_iter()
            .map(|key| view! { <AttributeHeader key/> })
            .collect_view()
    };
    view! {
        <div class="st-row st-head" role="row" aria-rowindex="1">
            {TableColumn::ALL.into_iter().map(header).collect_view()}
            {added}
        </div>
    }
}

/// A column's name, as a button that sorts the table by it (again: the other direction).
#[component]
fn SortButton(by: SortBy, label: String, testid: String) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let click = move |_| {
        let first = by.descending_first();
        let (by, descending) = after_click(viewer.table_sort.get_untracked(), by.clone(), first);
        controller.sort_table(by, descending);
    };
    let title = label.clone();
    view! {
        <button type="button" class="th-sort" data-testid=testid title=title
            on:click=click>{label}</button>
    }
}

/// The header of an added attribute column: sorts by the attribute, and removes the column.
#[component]
fn AttributeHeader(key: String) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let by = SortBy::Attribute(key.clone());
    let sorted_by = by.clone();
    let aria = move || viewer.table_sort.with(|s| aria_sort(s, &sorted_by));
    let remove = key.clone();
    view! {
        <div role="columnheader" class="st-cell st-attr" data-testid="table-attr-header"
            aria-sort=aria>
            <SortButton by label=key.clone() testid="table-sort-attr".to_string()/>
            <button type="button" class="linklike st-remove" aria-label=format!("Remove the column {key}")
                on:click=move |_| controller.remove_table_key(&remove)>"×"</button>
        </div>
    }
}

/// A column of an attribute key, chosen from the keys the trace's spans carry.
#[component]
fn AddColumn() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let keys = move || {
        viewer.vocabulary.with(|v| {
            v.as_ref().map_or_else(Vec::new, |v| {
                v.keys.iter().map(|k| k.key.clone()).collect::<Vec<_>>()
            })
        })
    };
    view! {
        <label class="st-add">"Add column "
            <select data-testid="table-add-column"
                on:focus=move |_| controller.request_vocabulary()
                on:pointerdown=move |_| controller.request_vocabulary()
                on:change=move |ev| {
                    controller.add_table_key(event_target_value(&ev));
                    if let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok()) {
                        el.set_value("");
                    }
                }>
                <option value="" selected>"attribute…"</option>
                {move || keys().into_iter().map(|k| view! { <option value=k.clone()>{k.clone()}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// One span's row; its cells come from the page's copy of the trace's columns.
#[component]
fn Row(index: usize, span: u32, open: Arc<OpenTrace>) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let failed = open.flags(span) & ERROR != 0;
    let selected = move || viewer.selected.get() == Some(span);
    let color = crate::viewer::canvas::rgb(open.color(span));
    view! {
        <div class="st-row" role="row" data-testid="table-row" data-span=span
            aria-rowindex=index + 2 aria-selected=move || selected().to_string()
            class:selected=selected class:failed=failed
            style:top=format!("{}px", index as f64 * ROW_H)
            title="Click: select the span. Double-click: show it on the timeline."
            on:click=move |_| controller.select_span(Some(span))
            on:dblclick=move |_| {
                viewer.reveal(span);
                controller.show_tab(ViewTab::Timeline);
            }>
            <div role="cell" class="st-cell st-service">
                <span class="st-swatch" style:background=color></span>{open.service(span).to_string()}
            </div>
            <div role="cell" class="st-cell st-operation" title=open.name(span).to_string()>{open.name(span).to_string()}</div>
            <div role="cell" class="st-cell st-start st-num">{format_duration(open.start(span))}</div>
            <div role="cell" class="st-cell st-duration st-num">{format_duration(open.dur(span))}</div>
            <div role="cell" class="st-cell st-self_time st-num">{format_duration(open.self_time(span))}</div>
            <div role="cell" class="st-cell st-status">{if failed { "error" } else { "" }}</div>
            <div role="cell" class="st-cell st-kind">{SpanKind::from_code(open.kind(span)).as_str()}</div>
            {move || (0..viewer.table_keys.with(Vec::len)).map(|k| {
                let text = move || viewer.table_cells.with(|c| c.get(span, k).map(str::to_string)).unwrap_or_default();
                view! { <div role="cell" class="st-cell st-attr" data-testid="table-attr-cell" title=text>{text}</div> }
            }).collect_view()}
        </div>
    }
}
