//! Click-to-load slides, where a talk has no video: until the visitor asks, nothing is requested
//! from the slide host (the same rule as videos).

use leptos::prelude::*;
use site::Slides;

#[component]
pub fn SlidesEmbed(slides: &'static Slides, title: String) -> impl IntoView {
    let loaded = RwSignal::new(false);
    let provider = slides.provider_label();
    let src = slides.embed_url();
    let frame_title = format!("Slides: {title}");
    view! {
        <section class="video slides" data-testid="slides" aria-label="Slides">
            <Show
                when=move || loaded.get()
                fallback=move || view! {
                    <button type="button" class="video-poster" data-testid="slides-load"
                        on:click=move |_| loaded.set(true)>
                        <span class="play" aria-hidden="true">"▤"</span>
                        <span>"Show the slides"</span>
                        <small>"Loads the deck from " {provider} " only when you click."</small>
                    </button>
                }
            >
                <iframe
                    src=src.clone()
                    title=frame_title.clone()
                    allow="fullscreen"
                    // The player needs its scripts and its own origin; popups let it open the
                    // deck's page. No top navigation, no forms.
                    sandbox="allow-scripts allow-same-origin allow-popups allow-presentation"
                    referrerpolicy="strict-origin-when-cross-origin"
                    allowfullscreen=true
                ></iframe>
            </Show>
        </section>
    }
}
