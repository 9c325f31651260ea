//! A list that renders only the rows in view, so a list of a thousand warnings (or a
//! hundred thousand traces) costs the page as much as the twenty rows on screen. Rows have one
//! fixed height; a long text is cut with an ellipsis and shown whole on hover.

use leptos::html;
use leptos::prelude::*;
use viewer_core::rows::row_range;

use crate::viewer::resize::observe_size;

/// Rows kept rendered beyond each edge of the view, to hide pop-in while scrolling.
const OVERSCAN: usize = 8;

/// `count` rows of `row_h` px in a box at most `max_h` px tall; `row(i)` renders row `i`.
#[component]
pub fn VirtualList<F, V>(
    count: usize,
    row_h: f64,
    max_h: f64,
    row: F,
    #[prop(into)] label: String,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView
where
    F: Fn(usize) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let scroller = NodeRef::<html::Div>::new();
    let size = observe_size(scroller);
    let scroll_top = RwSignal::new(0.0f64);
    let total_h = count as f64 * row_h;
    let box_h = total_h.min(max_h);
    let visible = Memo::new(move |_| {
        // Before layout the box has no size yet: assume its full height.
        let h = match size.get().1 {
            h if h > 0.0 => h,
            _ => box_h,
        };
        row_range(scroll_top.get(), h, row_h, count, OVERSCAN)
    });
    view! {
        <div class="virtual-list" role="list" aria-label=label data-testid=testid data-count=count
            node_ref=scroller
            style:max-height=format!("{box_h}px")
            on:scroll=move |_| if let Some(el) = scroller.get_untracked() { scroll_top.set(el.scroll_top() as f64) }>
            <div class="virtual-spacer" style:height=format!("{total_h}px")>
                <For each=move || visible.get() key=|i| *i let:i>
                    <div class="virtual-row" role="listitem"
                        style:top=format!("{}px", i as f64 * row_h) style:height=format!("{row_h}px")>
                        {row.clone()(i)}
                    </div>
                </For>
            </div>
        </div>
    }
}
