use leptos::prelude::*;
use site::meta::page_meta;
use site::routes::Route;

use crate::browser::set_page_meta;
use crate::content::content;
use crate::viewer::TraceViewer;

#[component]
pub fn ViewerPage() -> impl IntoView {
    set_page_meta(&page_meta(&Route::Viewer, content()));
    view! { <TraceViewer/> }
}
