//! Keyboard shortcuts of the viewer and the `?` help dialog.

use leptos::html;
use leptos::prelude::*;
use viewer_core::keymap::{action_for, Action, BINDINGS, GESTURES};
use viewer_core::rows::row_of_span;
use viewer_core::share::ViewTab;
use wasm_bindgen::JsCast;

use crate::viewer::controller::Controller;
use crate::viewer::state::{use_viewer, Viewer};
use crate::viewer::timeline::{pan, zoom, ROW_H};

/// One pan key moves the window by this fraction of its width.
const PAN_FRACTION: f64 = 0.2;

/// Selects the row `choose(current row, row count)` returns and scrolls it into view.
fn select_row(
    viewer: Viewer,
    controller: Controller,
    choose: impl Fn(Option<usize>, usize) -> usize,
) {
    let target = viewer.open.with_untracked(|o| {
        let o = o.as_ref()?;
        viewer.rows.with_untracked(|rows| {
            if rows.is_empty() {
                return None;
            }
            let current = viewer
                .selected
                .get_untracked()
                .and_then(|s| row_of_span(&o.tree, rows, s));
            let next = choose(current, rows.len()).min(rows.len() - 1);
            let span = *o.tree.order().get(*rows.get(next)? as usize)?;
            Some((next, span))
        })
    });
    if let Some((row, span)) = target {
        controller.select_span(Some(span));
        viewer.request_scroll(Some(row));
    }
}

/// Moves the selection `delta` rows, clamped to the visible rows; with nothing selected,
/// selects the first row.
fn move_selection(viewer: Viewer, controller: Controller, delta: i64) {
    select_row(viewer, controller, |current, count| match current {
        Some(r) => (r as i64 + delta).clamp(0, count as i64 - 1) as usize,
        None => 0,
    });
}

/// Rows that fit in the timeline's scroll box: one PageUp/PageDown.
fn rows_per_screen() -> i64 {
    let height = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("[data-testid=timeline-rows]")
                .ok()
                .flatten()
        })
        .map_or(480, |el| el.client_height());
    ((height as f64 / ROW_H).floor() as i64 - 1).max(1)
}

/// Carries out one shortcut.
fn perform(viewer: Viewer, controller: Controller, search: NodeRef<html::Input>, action: Action) {
    match action {
        Action::SelectPrevious => move_selection(viewer, controller, -1),
        Action::SelectNext => move_selection(viewer, controller, 1),
        Action::PageUp => move_selection(viewer, controller, -rows_per_screen()),
        Action::PageDown => move_selection(viewer, controller, rows_per_screen()),
        Action::SelectFirst => select_row(viewer, controller, |_, _| 0),
        Action::SelectLast => select_row(viewer, controller, |_, count| count - 1),
        Action::Collapse | Action::Expand => {
            if let Some(span) = viewer.selected.get_untracked() {
                viewer.set_collapsed(span, action == Action::Collapse);
            }
        }
        Action::ZoomIn
        | Action::ZoomOut
        | Action::PanLeft
        | Action::PanRight
        | Action::ResetZoom
            if viewer.tab.get_untracked() == ViewTab::Flame =>
        {
            crate::viewer::flame::on_key(viewer, action)
        }
        Action::ZoomIn => zoom(viewer, 1.5, 0.5),
        Action::ZoomOut => zoom(viewer, 1.0 / 1.5, 0.5),
        Action::PanLeft => pan(viewer, -PAN_FRACTION),
        Action::PanRight => pan(viewer, PAN_FRACTION),
        Action::ResetZoom => {
            viewer.reset_zoom();
        }
        Action::FocusSearch => {
            if let Some(el) = search.get_untracked() {
                let _ = el.focus();
            }
        }
        Action::ShowHelp => viewer.set_help_open(true),
        Action::ShowTab(tab) => controller.show_tab(tab),
        Action::Dismiss => {
            if viewer.help_open.get_untracked() {
                viewer.set_help_open(false);
            } else {
                controller.select_span(None);
            }
        }
    }
}

pub fn install(viewer: Viewer, controller: Controller, search: NodeRef<html::Input>) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        // Keys typed into a field belong to the field (the search box handles its own Escape).
        let in_field = ev.target().is_some_and(|t| {
            t.dyn_ref::<web_sys::HtmlInputElement>().is_some()
                || t.dyn_ref::<web_sys::HtmlSelectElement>().is_some()
                || t.dyn_ref::<web_sys::HtmlTextAreaElement>().is_some()
        });
        if in_field || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let has_trace = viewer.open.with_untracked(Option::is_some);
        if let Some(action) = action_for(&ev.key(), has_trace) {
            ev.prevent_default();
            perform(viewer, controller, search, action);
        }
    });
    on_cleanup(move || handle.remove());
}

#[component]
pub fn HelpDialog() -> impl IntoView {
    let viewer = use_viewer();
    move || {
        viewer.help_open.get().then(|| view! {
        <div class="modal-backdrop" on:click=move |_| viewer.set_help_open(false)>
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help" on:click=|ev| ev.stop_propagation()>
                <h2 id="help-title">"Keyboard shortcuts"</h2>
                <dl class="shortcuts" data-testid="shortcuts">
                    {BINDINGS.iter().map(|b| view! { <div class="kv"><dt><kbd>{b.label}</kbd></dt><dd>{b.help}</dd></div> }).collect_view()}
                    {GESTURES.iter().map(|(k, v)| view! { <div class="kv"><dt><kbd>{*k}</kbd></dt><dd>{*v}</dd></div> }).collect_view()}
                </dl>
                <button type="button" on:click=move |_| viewer.set_help_open(false)>"Close"</button>
            </div>
        </div>
    })
    }
}
