//! The timeline tab's two panes: the timeline and the span details beside it. The details
//! pane can be dragged wider or narrower and hidden; on a phone it is a sheet over the
//! timeline that opens when a span is chosen.

use leptos::prelude::*;

use crate::viewer::controller::use_controller;
use crate::viewer::details::DetailPanel;
use crate::viewer::splitter::Splitter;
use crate::viewer::timeline::Timeline;

const DEFAULT_DETAILS_PX: f64 = 400.0;
const MIN_DETAILS_PX: f64 = 240.0;
const MAX_DETAILS_PX: f64 = 960.0;

#[component]
pub fn Workspace() -> impl IntoView {
    let controller = use_controller();
    let width = RwSignal::new(DEFAULT_DETAILS_PX);
    let width_at_drag = StoredValue::new(DEFAULT_DETAILS_PX);
    let hidden = RwSignal::new(false);
    view! {
        <div class="workspace" data-view="timeline" role="tabpanel" class:details-hidden=hidden
            style=("--details-w", move || format!("{}px", width.get()))>
            <Timeline/>
            <Show when=move || !hidden.get() fallback=move || view! {
                <button type="button" class="details-show" data-testid="details-show"
                    aria-label="Show span details" on:click=move |_| hidden.set(false)>"◂"</button>
            }>
                <Splitter label="Resize the span details" testid="details-splitter"
                    value=width min=MIN_DETAILS_PX max=MAX_DETAILS_PX
                    on_start=move || width_at_drag.set_value(width.get_untracked())
                    // Dragging left widens the details: they sit right of the divider.
                    on_move=move |dx| width.set((width_at_drag.get_value() - dx).clamp(MIN_DETAILS_PX, MAX_DETAILS_PX))/>
                <div class="details-column">
                    <div class="details-bar">
                        <button type="button" class="desktop-only" data-testid="details-hide"
                            aria-label="Hide span details" title="Hide span details" on:click=move |_| hidden.set(true)>"▸"</button>
                        <button type="button" class="phone-only" data-testid="details-close"
                            aria-label="Close span details" on:click=move |_| controller.select_span(None)>"×"</button>
                    </div>
                    <DetailPanel/>
                </div>
            </Show>
        </div>
    }
}
