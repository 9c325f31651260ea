//! A draggable divider between two panes (the name column and the bars, the timeline and the
//! span details). It reports how far the pointer moved since the drag began; the owner turns
//! that into a width and clamps it. Arrow keys move it too, so it works without a mouse.

use leptos::prelude::*;
use web_sys::PointerEvent;

/// Pixels one arrow-key press moves a divider.
const KEY_STEP_PX: f64 = 16.0;

/// `on_move(delta_px)` is called with the pointer's offset from where the drag started
/// (positive: rightwards); `on_start` lets the owner remember the width at that moment.
#[component]
pub fn Splitter(
    label: &'static str,
    testid: &'static str,
    on_start: impl Fn() + Copy + 'static,
    on_move: impl Fn(f64) + Copy + 'static,
    /// The width the divider sets, in px, and its bounds (a focusable separator must say).
    #[prop(into)]
    value: Signal<f64>,
    min: f64,
    max: f64,
) -> impl IntoView {
    let origin = RwSignal::new(None::<f64>);
    let down = move |ev: PointerEvent| {
        ev.prevent_default();
        if let Some(target) = ev.target() {
            let el: web_sys::Element = wasm_bindgen::JsCast::unchecked_into(target);
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        on_start();
        origin.set(Some(ev.client_x() as f64));
    };
    let moved = move |ev: PointerEvent| {
        if let Some(x0) = origin.get_untracked() {
            on_move(ev.client_x() as f64 - x0);
        }
    };
    let key = move |ev: leptos::ev::KeyboardEvent| {
        let step = match ev.key().as_str() {
            "ArrowLeft" => -KEY_STEP_PX,
            "ArrowRight" => KEY_STEP_PX,
            _ => return,
        };
        ev.prevent_default();
        ev.stop_propagation();
        on_start();
        on_move(step);
    };
    view! {
        <div class="splitter" role="separator" aria-orientation="vertical" aria-label=label tabindex="0"
            data-testid=testid
            aria-valuenow=move || value.get().round().to_string()
            aria-valuemin=min.round().to_string()
            aria-valuemax=max.round().to_string()
            on:pointerdown=down
            on:pointermove=moved
            on:pointerup=move |_| origin.set(None)
            on:pointercancel=move |_| origin.set(None)
            on:keydown=key
        ></div>
    }
}
