use leptos::prelude::*;
use site::meta::page_meta;
use site::routes::{Route, DEMO_SAMPLE, VIEWER};
use viewer_core::share::{encode, ViewState};

use crate::browser::set_page_meta;
use crate::components::talk_card::TalkCard;
use crate::content::content;

#[component]
pub fn Home() -> impl IntoView {
    let c = content();
    set_page_meta(&page_meta(&Route::Home, c));
    view! {
        <section class="hero">
            <p class="eyebrow">{c.event.byline()}</p>
            <h1>{c.event.title.clone()}</h1>
            <div class="intro" inner_html=c.event.intro_html.clone()></div>
        </section>
        <section aria-labelledby="talks-heading">
            <h2 id="talks-heading">"The talks"</h2>
            <ul class="cards" data-testid="talk-list">
                {c.listed().map(|talk| view! { <TalkCard talk=talk/> }).collect_view()}
            </ul>
        </section>
        <section class="card viewer-entry" aria-labelledby="viewer-heading">
            <h2 id="viewer-heading">"Open your own traces"</h2>
            <p>
                "Ben Sigelman's talk was about tracing requests across services. Our trace viewer opens Jaeger, OpenTelemetry (OTLP), Zipkin and Chrome trace files right in your browser; nothing is uploaded."
            </p>
            <p class="entry-links">
                <a href=VIEWER class="button" data-testid="viewer-entry">"Open the trace viewer"</a>
                <a href=demo_link() data-testid="demo-trace">"Open a trace like the one in the OpenTracing demo"</a>
            </p>
        </section>
    }
}

/// The viewer opening the bundled Appdash sample.
fn demo_link() -> String {
    let state = ViewState {
        sample: Some(DEMO_SAMPLE.to_string()),
        ..ViewState::default()
    };
    format!("{VIEWER}#{}", encode(&state))
}
