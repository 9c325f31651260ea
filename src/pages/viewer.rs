use leptos::prelude::*;

use crate::viewer::TraceViewer;

/// The viewer's page; its title and description follow the open trace (`viewer::heading`).
#[component]
pub fn ViewerPage() -> impl IntoView {
    view! { <TraceViewer/> }
}
