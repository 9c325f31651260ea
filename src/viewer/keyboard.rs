//! Keyboard shortcuts of the viewer and the `?` help dialog.

use leptos::html;
use leptos::prelude::*;
use viewer_core::rows::row_of_span;
use wasm_bindgen::JsCast;

use crate::viewer::controller::Controller;
use crate::viewer::state::{use_viewer, Viewer};
use crate::viewer::timeline::zoom;

pub const SHORTCUTS: [(&str, &str); 9] = [
    ("↑ / ↓", "select the previous / next span"),
    ("← / →", "collapse / expand the selected span"),
    ("+ / −", "zoom in / out"),
    ("0", "reset zoom"),
    ("/", "search"),
    (
        "Enter / Shift+Enter",
        "next / previous match (in the search box)",
    ),
    ("Ctrl + wheel", "zoom at the pointer; Shift + wheel pans"),
    ("Esc", "clear the selection, close this list"),
    ("?", "show this list"),
];

/// Moves the selection `delta` rows, clamped to the visible rows.
fn move_selection(viewer: Viewer, controller: Controller, delta: i64) {
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
            let next = match current {
                Some(r) => (r as i64 + delta).clamp(0, rows.len() as i64 - 1) as usize,
                None => 0,
            };
            let span = *o.tree.order().get(*rows.get(next)? as usize)?;
            Some((next, span))
        })
    });
    if let Some((row, span)) = target {
        controller.select_span(Some(span));
        viewer.scroll_request.set(Some(row));
    }
}

pub fn install(viewer: Viewer, controller: Controller, search: NodeRef<html::Input>) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        // Keys typed into a field belong to the field (Escape leaves it).
        let in_field = ev.target().is_some_and(|t| {
            t.dyn_ref::<web_sys::HtmlInputElement>().is_some()
                || t.dyn_ref::<web_sys::HtmlSelectElement>().is_some()
                || t.dyn_ref::<web_sys::HtmlTextAreaElement>().is_some()
        });
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let key = ev.key();
        if in_field {
            if key == "Escape" {
                if let Some(el) = search.get_untracked() {
                    let _ = el.blur();
                }
            }
            return;
        }
        let has_trace = viewer.open.with_untracked(Option::is_some);
        let handled = match key.as_str() {
            "?" => {
                viewer.help_open.set(true);
                true
            }
            "Escape" => {
                if viewer.help_open.get_untracked() {
                    viewer.help_open.set(false);
                } else {
                    controller.select_span(None);
                }
                true
            }
            "/" if has_trace => {
                if let Some(el) = search.get_untracked() {
                    let _ = el.focus();
                }
                true
            }
            "ArrowDown" if has_trace => {
                move_selection(viewer, controller, 1);
                true
            }
            "ArrowUp" if has_trace => {
                move_selection(viewer, controller, -1);
                true
            }
            "ArrowLeft" | "ArrowRight" if has_trace => {
                if let Some(span) = viewer.selected.get_untracked() {
                    viewer.set_collapsed(span, key == "ArrowLeft");
                }
                true
            }
            "+" | "=" if has_trace => {
                zoom(viewer, 1.5, 0.5);
                true
            }
            "-" | "_" if has_trace => {
                zoom(viewer, 1.0 / 1.5, 0.5);
                true
            }
            "0" if has_trace => {
                if let Some(e) = viewer
                    .open
                    .with_untracked(|o| o.as_ref().map(|o| o.extent()))
                {
                    viewer.window.set(e);
                }
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}

#[component]
pub fn HelpDialog() -> impl IntoView {
    let viewer = use_viewer();
    move || {
        viewer.help_open.get().then(|| view! {
        <div class="modal-backdrop" on:click=move |_| viewer.help_open.set(false)>
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help" on:click=|ev| ev.stop_propagation()>
                <h2 id="help-title">"Keyboard shortcuts"</h2>
                <dl class="shortcuts">
                    {SHORTCUTS.iter().map(|(k, v)| view! { <div class="kv"><dt><kbd>{*k}</kbd></dt><dd>{*v}</dd></div> }).collect_view()}
                </dl>
                <button type="button" on:click=move |_| viewer.help_open.set(false)>"Close"</button>
            </div>
        </div>
    })
    }
}
