//! Element sizes as signals, from a `ResizeObserver`. Canvases draw from these: a window
//! resize, a panel dragged wider or a header that wraps all change a box's size without any
//! event on the window, and a drawing made before layout settled must be redone at the new size.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{ResizeObserver, ResizeObserverEntry};

/// The CSS size (width, height) of an element's box, updated whenever layout changes it.
/// (0, 0) until the element is mounted and laid out.
pub fn observe_size<E>(node: NodeRef<E>) -> ReadSignal<(f64, f64)>
where
    E: leptos::html::ElementType,
    E::Output: JsCast + Clone + 'static,
{
    let size = RwSignal::new((0.0f64, 0.0f64));
    let on_resize = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
        for entry in entries.iter() {
            let Ok(entry) = entry.dyn_into::<ResizeObserverEntry>() else {
                continue;
            };
            let rect = entry.content_rect();
            let next = (rect.width(), rect.height());
            if size.get_untracked() == next {
                continue;
            }
            if size.get_untracked() == (0.0, 0.0) {
                // A box's first size arrives in the frame that first laid it out: what draws
                // at that size runs in a task of its own, so a view's first show is several
                // short tasks (layout and paint of the frame, then each canvas) rather than
                // one long one. Later sizes draw at once, so a canvas never shows stretched
                // while resized.
                set_timeout(
                    move || {
                        // The box may be gone by then.
                        let _ = size.try_set(next);
                    },
                    std::time::Duration::ZERO,
                );
            } else {
                size.set(next);
            }
        }
    });
    let Ok(observer) = ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else {
        return size.read_only();
    };
    // The callback lives as long as the observer, which lives as long as the owner.
    let observer = StoredValue::new_local((observer, on_resize));
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let el: web_sys::Element = el.unchecked_into();
            observer.try_with_value(|(o, _)| o.observe(&el));
        }
    });
    on_cleanup(move || {
        observer.try_with_value(|(o, _)| o.disconnect());
    });
    size.read_only()
}
