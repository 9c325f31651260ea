//! Search and filter box: the query runs in the worker (it needs attribute values); the page
//! highlights matches, counts them and moves between them.

use leptos::html;
use leptos::prelude::*;
use viewer_core::filter::{match_ordinal, next_match, prev_match};
use viewer_core::rows::row_of_span;

use crate::viewer::controller::use_controller;
use crate::viewer::state::use_viewer;

/// Rows of the visible matches, ascending.
fn match_rows(viewer: crate::viewer::state::Viewer) -> Vec<usize> {
    viewer.open.with_untracked(|o| {
        let Some(o) = o else { return Vec::new() };
        viewer.matches.with_untracked(|m| {
            let Some(m) = m else { return Vec::new() };
            viewer.rows.with_untracked(|rows| {
                let mut out: Vec<usize> = m
                    .spans
                    .iter()
                    .filter_map(|&s| row_of_span(&o.tree, rows, s))
                    .collect();
                out.sort_unstable();
                out
            })
        })
    })
}

/// Selects the next (or previous) match after the selected row.
pub fn step_match(forward: bool) {
    let viewer = use_viewer();
    let Some(controller) = use_controller() else {
        return;
    };
    let rows = match_rows(viewer);
    let current = viewer.selected.get_untracked().and_then(|s| {
        viewer.open.with_untracked(|o| {
            o.as_ref()
                .and_then(|o| viewer.rows.with_untracked(|r| row_of_span(&o.tree, r, s)))
        })
    });
    let target = if forward {
        next_match(&rows, current)
    } else {
        prev_match(&rows, current)
    };
    if let Some(row) = target {
        let span = viewer.open.with_untracked(|o| {
            o.as_ref().and_then(|o| {
                viewer.rows.with_untracked(|r| {
                    r.get(row)
                        .and_then(|&p| o.tree.order().get(p as usize).copied())
                })
            })
        });
        if let Some(span) = span {
            controller.select_span(Some(span));
            viewer.scroll_request.set(Some(row));
        }
    }
}

#[component]
pub fn SearchBox(input_ref: NodeRef<html::Input>) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let summary = move || {
        viewer.matches.with(|m| match m {
            None => String::new(),
            Some(m) if m.error.is_some() => String::new(),
            Some(m) => {
                let rows = match_rows(viewer);
                let current = viewer.selected.get().and_then(|s| {
                    viewer.open.with(|o| {
                        o.as_ref()
                            .and_then(|o| viewer.rows.with(|r| row_of_span(&o.tree, r, s)))
                    })
                });
                match current.and_then(|c| match_ordinal(&rows, c)) {
                    Some((i, n)) => format!("{i} of {n}"),
                    None => format!(
                        "{} {}",
                        m.spans.len(),
                        if m.spans.len() == 1 {
                            "match"
                        } else {
                            "matches"
                        }
                    ),
                }
            }
        })
    };
    let error = move || {
        viewer
            .matches
            .with(|m| m.as_ref().and_then(|m| m.error.clone()))
    };
    view! {
        <div class="search" role="search">
            <label class="visually-hidden" for="span-search">"Search spans"</label>
            <input
                id="span-search"
                type="search"
                node_ref=input_ref
                data-testid="search"
                placeholder="Search: text, service=api, http.status_code=500, duration>10ms, status=error"
                aria-describedby="search-status"
                prop:value=move || viewer.query.get()
                on:input=move |ev| if let Some(c) = controller { c.filter(event_target_value(&ev)) }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        step_match(!ev.shift_key());
                    }
                }
            />
            <button type="button" aria-label="Previous match" on:click=move |_| step_match(false)>"↑"</button>
            <button type="button" aria-label="Next match" on:click=move |_| step_match(true)>"↓"</button>
            <label class="check">
                <input type="checkbox" data-testid="only-matches"
                    prop:checked=move || viewer.only_matches.get()
                    on:change=move |ev| { viewer.only_matches.set(event_target_checked(&ev)); viewer.recompute_rows(); }/>
                " Only matches"
            </label>
            <span id="search-status" class="search-status" data-testid="match-count" aria-live="polite">{summary}</span>
            {move || error().map(|e| view! { <span class="search-error" data-testid="search-error" role="alert">{e}</span> })}
        </div>
    }
}
