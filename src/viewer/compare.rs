//! The compare tab: two traces of the loaded files (A and B, from one file or several), aligned
//! by path into one tree (`viewer_session::compare`). A summary on top (spans added and removed,
//! the total duration change, the largest slow-downs), then every row with both durations and
//! the change, coloured; choosing a row shows the details of its span on both sides.

use std::sync::Arc;

use leptos::prelude::*;
use trace_core::time::format_duration;
use viewer_core::trace_list::{group_thousands, short_trace_id};
use viewer_session::compare::{CompareRow, CompareView};
use viewer_session::protocol::DetailsView;

use crate::viewer::controller::use_controller;
use crate::viewer::state::use_viewer;
use crate::viewer::virtual_list::VirtualList;

const ROW_H: f64 = 24.0;
const LIST_MAX_PX: f64 = 560.0;
/// Attributes shown per side of a chosen row.
const SHOWN_ATTRIBUTES: usize = 40;

/// "+12.5 ms (+25%)", "−3 ms (−10%)", "no change".
fn change(a_ns: u64, b_ns: u64) -> String {
    let delta = b_ns as i128 - a_ns as i128;
    if delta == 0 {
        return "no change".to_string();
    }
    let sign = if delta > 0 { "+" } else { "−" };
    let abs = format_duration(delta.unsigned_abs() as u64);
    if a_ns == 0 {
        return format!("{sign}{abs}");
    }
    format!(
        "{sign}{abs} ({sign}{:.0}%)",
        (delta.unsigned_abs() as f64 / a_ns as f64) * 100.0
    )
}

/// How a row reads: only in A, only in B, slower, faster or unchanged.
fn row_class(r: &CompareRow) -> &'static str {
    match (r.a, r.b) {
        (Some(_), None) => "cmp-removed",
        (None, Some(_)) => "cmp-added",
        _ if r.b_ns > r.a_ns => "cmp-slower",
        _ if r.b_ns < r.a_ns => "cmp-faster",
        _ => "cmp-same",
    }
}

#[component]
pub fn CompareTraces() -> impl IntoView {
    let viewer = use_viewer();
    move || {
        if viewer.trace_count.get() < 2 {
            return view! {
                <p class="notice card" data-testid="compare-needs-two">
                    "Comparing needs two traces: open a file that holds several, or several files at once (the same trace from two files compares too)."
                </p>
            }
            .into_any();
        }
        view! {
            <div class="compare" data-testid="compare">
                <Chooser/>
                {move || match viewer.compare.get() {
                    None => view! { <p class="muted" data-testid="compare-loading">"Aligning the traces…"</p> }.into_any(),
                    Some(c) => view! { <Comparison c=c/> }.into_any(),
                }}
            </div>
        }
        .into_any()
    }
}

/// The two traces, chosen from the trace list.
#[component]
fn Chooser() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let choices = move || {
        viewer.trace_page.with(|p| {
            p.as_ref().map_or_else(Vec::new, |p| {
                p.rows
                    .iter()
                    .map(|r| {
                        let file = viewer.files.with(|f| {
                            (f.len() > 1)
                                .then(|| {
                                    f.get(r.file as usize)
                                        .map(|f| format!(" — {}", f.display_name()))
                                })
                                .flatten()
                                .unwrap_or_default()
                        });
                        let label = format!(
                            "#{} {}: {} · {}{file}",
                            r.index + 1,
                            r.root_service,
                            r.root_name,
                            short_trace_id(&r.trace_id)
                        );
                        (r.index, label)
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let pair = move || viewer.compare_pair.get().unwrap_or((0, 1));
    let select = move |side: usize| {
        let testid = if side == 0 { "compare-a" } else { "compare-b" };
        let label = if side == 0 { "A (before)" } else { "B (after)" };
        view! {
            <label class="compare-choice">{label} " "
                <select data-testid=testid on:change=move |ev| {
                    if let Ok(index) = event_target_value(&ev).parse::<u32>() {
                        let (a, b) = pair();
                        let (a, b) = if side == 0 { (index, b) } else { (a, index) };
                        controller.compare(a, b);
                    }
                }>
                    {move || choices().into_iter().map(|(index, text)| {
                        let chosen = move || if side == 0 { pair().0 == index } else { pair().1 == index };
                        view! { <option value=index.to_string() selected=chosen>{text}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    view! { <div class="compare-chooser" role="group" aria-label="Traces compared">{select(0)}{select(1)}</div> }
}

#[component]
fn Comparison(c: Arc<CompareView>) -> impl IntoView {
    let controller = use_controller();
    let viewer = use_viewer();
    let summary = format!(
        "A {} → B {}: {} · {} spans in both · {} only in A (removed) · {} only in B (added)",
        format_duration(c.a_duration_ns),
        format_duration(c.b_duration_ns),
        change(c.a_duration_ns, c.b_duration_ns),
        group_thousands(u64::from(c.matched)),
        group_thousands(u64::from(c.removed)),
        group_thousands(u64::from(c.added)),
    );
    let regressions = c
        .regressions
        .iter()
        .filter_map(|&k| c.rows.get(k as usize).map(|r| (k as usize, r)))
        .map(|(k, r)| {
            let text = format!(
                "{} ({}) {}",
                c.string(r.name),
                c.string(r.service),
                change(r.a_ns, r.b_ns)
            );
            view! { <li><button type="button" class="linklike" data-testid="compare-regression"
            on:click=move |_| controller.choose_compared_row(k)>{text}</button></li> }
        })
        .collect_view();
    let rows = Arc::clone(&c);
    let row = move |k: usize| {
        let Some(r) = rows.rows.get(k) else {
            return ().into_any();
        };
        let (a, b) = (
            r.a.map(|_| format_duration(r.a_ns)),
            r.b.map(|_| format_duration(r.b_ns)),
        );
        let delta = match (r.a, r.b) {
            (Some(_), Some(_)) => change(r.a_ns, r.b_ns),
            (Some(_), None) => "only in A".to_string(),
            _ => "only in B".to_string(),
        };
        let chosen = move || viewer.compare_row.get() == Some(k);
        view! {
            <button type="button" class=format!("cmp-row {}", row_class(r)) class:selected=chosen data-testid="compare-row"
                data-row=k aria-pressed=move || chosen().to_string() on:click=move |_| controller.choose_compared_row(k)>
                <span class="cmp-name" style:padding-left=format!("{}rem", r.depth as f64 * 0.9)>
                    {rows.string(r.name).to_string()} <span class="muted">" " {rows.string(r.service).to_string()}</span>
                </span>
                <span class="cmp-num">{a.unwrap_or_else(|| "—".into())}</span>
                <span class="cmp-num">{b.unwrap_or_else(|| "—".into())}</span>
                <span class="cmp-num cmp-delta">{delta}</span>
            </button>
        }
        .into_any()
    };
    view! {
        <section class="compare-summary" data-testid="compare-summary" data-added=c.added data-removed=c.removed data-matched=c.matched>
            <p><strong>{summary}</strong></p>
            {(!c.regressions.is_empty()).then(|| view! { <p class="muted">"Largest slow-downs:"</p><ol class="compare-regressions">{regressions}</ol> })}
        </section>
        <div class="cmp-head" aria-hidden="true"><span>"Span"</span><span>"A"</span><span>"B"</span><span>"Change"</span></div>
        <VirtualList count=c.rows.len() row_h=ROW_H max_h=LIST_MAX_PX row=row label="Compared spans" testid="compare-rows"/>
        <BothDetails/>
    }
}

/// The chosen row's span on each side, side by side.
#[component]
fn BothDetails() -> impl IntoView {
    let viewer = use_viewer();
    move || {
        viewer.compare_row.get().map(|_| {
            let [a, b] = viewer.compare_details.get();
            view! {
                <div class="compare-details" data-testid="compare-details">
                    <SideDetails side="A" details=a/>
                    <SideDetails side="B" details=b/>
                </div>
            }
        })
    }
}

#[component]
fn SideDetails(side: &'static str, details: Option<DetailsView>) -> impl IntoView {
    let testid = format!("compare-details-{}", side.to_ascii_lowercase());
    match details {
        None => view! { <section class="card" data-testid=testid><h3>{side}</h3><p class="muted">"Not in this trace (or still loading)."</p></section> }.into_any(),
        Some(d) => {
            let attrs = d
                .attributes
                .iter()
                .take(SHOWN_ATTRIBUTES)
                .map(|a| view! { <dt>{a.key.clone()}</dt><dd>{crate::viewer::details::value_text(&a.value)}</dd> })
                .collect_view();
            view! {
                <section class="card" data-testid=testid data-span-id=d.span_id.clone()>
                    <h3>{side} ": " {d.name.clone()} <span class="muted">" (" {d.service.clone()} ")"</span></h3>
                    <p class="muted">{format!("{} · starts at {} · {} · span {}", format_duration(d.duration_ns), format_duration(d.start_offset_ns), d.status.as_str(), d.span_id)}</p>
                    <dl class="kv">{attrs}</dl>
                </section>
            }
            .into_any()
        }
    }
}
