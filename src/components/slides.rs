//! Click-to-load slides, where a talk has no video: until the visitor asks, nothing is requested
//! from the slide host (the same rule as videos).

use leptos::prelude::*;
use site::Slides;

use crate::components::load_button::LoadButton;

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
                    <LoadButton testid="slides-load" icon="▤" label="Show the slides" provider loaded/>
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
