//! Data-quality panel: the trace's and the files' warnings, grouped by kind with counts. A
//! group lists its examples only once opened, in a virtualised list, so a trace with a
//! hundred thousand warnings opens this tab as fast as one with three.

use leptos::prelude::*;
use viewer_core::share::ViewTab;
use viewer_core::trace_list::group_thousands;
use viewer_session::protocol::WarningView;
use viewer_session::warning_groups::{total, WarningGroup};

use crate::viewer::controller::use_controller;
use crate::viewer::state::use_viewer;
use crate::viewer::virtual_list::VirtualList;

const ROW_H: f64 = 30.0;
const LIST_MAX_H: f64 = 420.0;
/// With this few warnings in all, every group starts open.
const OPEN_ALL_UP_TO: u64 = 50;

#[component]
pub fn QualityView() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let trace_groups = Memo::new(move |_| {
        viewer.open.with(|o| {
            o.as_ref()
                .map(|o| o.data.warnings.clone())
                .unwrap_or_default()
        })
    });
    let file_groups = Memo::new(move |_| {
        viewer.files.with(|f| {
            f.iter()
                .filter(|f| !f.warnings.is_empty())
                .map(|f| (f.display_name(), f.warnings.clone()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div class="quality" data-testid="quality">
            <p>
                "Problems found while reading the file and how they were repaired. Clock skew is detected always; correcting it is up to you: "
                <label class="check">
                    <input type="checkbox" prop:checked=move || viewer.skew.get()
                        on:change=move |ev| controller.set_skew(event_target_checked(&ev))/>
                    " correct clock skew"
                </label>
            </p>
            {move || {
                let groups = trace_groups.get();
                if groups.is_empty() {
                    view! { <p data-testid="no-warnings">"No warnings for this trace."</p> }.into_any()
                } else {
                    let all = total(&groups);
                    view! {
                        <h3 data-testid="warning-total" data-total=all>
                            {format!("{} {} in this trace", group_thousands(all), if all == 1 { "warning" } else { "warnings" })}
                        </h3>
                        {groups.into_iter().map(|g| view! { <Group group=g open=all <= OPEN_ALL_UP_TO linked=true/> }).collect_view()}
                    }.into_any()
                }
            }}
            {move || {
                let files = file_groups.get();
                (!files.is_empty()).then(|| view! {
                    <h3>"File warnings"</h3>
                    {files.into_iter().map(|(file, groups)| {
                        let all = total(&groups);
                        view! {
                            <h4 class="muted">{file}</h4>
                            {groups.into_iter().map(|g| view! { <Group group=g open=all <= OPEN_ALL_UP_TO linked=false/> }).collect_view()}
                        }
                    }).collect_view()}
                })
            }}
        </div>
    }
}

/// One kind of warning: a header with the count that opens the list of examples.
#[component]
fn Group(group: WarningGroup, open: bool, linked: bool) -> impl IntoView {
    let open = RwSignal::new(open);
    let WarningGroup {
        kind,
        total,
        examples,
    } = group;
    let shown = examples.len();
    let examples = StoredValue::new(examples);
    let heading = format!(
        "{} {}",
        group_thousands(total),
        if total == 1 { "warning" } else { "warnings" }
    );
    let kind_attr = kind.clone();
    view! {
        <section class="warning-group" data-testid="warning-group" data-kind=kind_attr data-total=total>
            <button type="button" class="warning-group-head" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                <span aria-hidden="true">{move || if open.get() { "▾ " } else { "▸ " }}</span>
                <span class="badge badge-warn">{kind}</span> " " {heading}
            </button>
            <Show when=move || open.get()>
                {((shown as u64) < total).then(|| view! {
                    <p class="muted">{format!("The first {} of {} are listed.", group_thousands(shown as u64), group_thousands(total))}</p>
                })}
                <VirtualList count=shown row_h=ROW_H max_h=LIST_MAX_H label="Warnings" testid="warning-list"
                    row=move |i| examples.with_value(|e| e.get(i).cloned()).map(|w| view! { <WarningRow w=w linked=linked/> })/>
            </Show>
        </section>
    }
}

#[component]
fn WarningRow(w: WarningView, linked: bool) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let span = w.span.filter(|_| linked);
    view! {
        <span class="warning-message" title=w.message.clone()>{w.message.clone()}</span>
        {span.map(|s| view! {
            <button type="button" class="linklike" on:click=move |_| {
                controller.show_tab(ViewTab::Timeline);
                viewer.reveal(s);
                controller.select_span(Some(s))
            }>"Show span"</button>
        })}
    }
}
