//! Data-quality panel: the trace's warnings, each linked to its span.

use leptos::prelude::*;
use viewer_core::share::ViewTab;

use crate::viewer::controller::use_controller;
use crate::viewer::state::use_viewer;

#[component]
pub fn QualityView() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let warnings = move || {
        viewer.open.with(|o| {
            o.as_ref()
                .map(|o| o.data.warnings.clone())
                .unwrap_or_default()
        })
    };
    let file_warnings = move || {
        viewer.files.with(|f| {
            f.iter()
                .flat_map(|f| f.warnings.iter().map(move |w| (f.name.clone(), w.clone())))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="quality" data-testid="quality">
            <p>
                "Problems found while reading the file and how they were repaired. Clock-skew correction is off by default: "
                <label class="check">
                    <input type="checkbox" prop:checked=move || viewer.skew.get()
                        on:change=move |ev| if let Some(c) = controller { c.set_skew(event_target_checked(&ev)) }/>
                    " correct clock skew"
                </label>
            </p>
            {move || {
                let w = warnings();
                if w.is_empty() {
                    view! { <p data-testid="no-warnings">"No warnings for this trace."</p> }.into_any()
                } else {
                    view! {
                        <ul class="warning-list" data-testid="warning-list">
                            {w.into_iter().map(|w| {
                                let span = w.span;
                                view! {
                                    <li>
                                        <span class="badge badge-warn">{w.kind.clone()}</span> " "
                                        {w.message.clone()}
                                        {span.map(|s| view! {
                                            " "
                                            <button type="button" class="linklike" on:click=move |_| {
                                                viewer.tab.set(ViewTab::Timeline);
                                                viewer.reveal(s);
                                                if let Some(c) = controller { c.select_span(Some(s)); }
                                            }>"Show span"</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            {move || {
                let fw = file_warnings();
                (!fw.is_empty()).then(|| view! {
                    <h3>"File warnings"</h3>
                    <ul class="warning-list">
                        {fw.into_iter().map(|(file, w)| view! { <li><span class="badge badge-warn">{w.kind}</span> " " {file} ": " {w.message}</li> }).collect_view()}
                    </ul>
                })
            }}
        </div>
    }
}
