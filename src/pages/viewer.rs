use leptos::prelude::*;
use site::meta::page_meta;
use site::routes::Route;

use crate::browser::set_page_meta;
use crate::content::content;

#[component]
pub fn ViewerPage() -> impl IntoView {
    set_page_meta(&page_meta(&Route::Viewer, content()));
    view! {
        <section class="viewer" data-testid="viewer" data-app-state="idle">
            <h1>"Trace viewer"</h1>
            <p>"Open a Jaeger, OpenTelemetry (OTLP), Zipkin or Chrome trace file. It is read in your browser and never uploaded."</p>
        </section>
    }
}
