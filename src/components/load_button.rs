//! The poster of a click-to-load embed (videos, slides): until it is clicked, nothing is
//! requested from the embed's host.

use leptos::prelude::*;

#[component]
pub fn LoadButton(
    /// `data-testid` of the button.
    testid: &'static str,
    icon: &'static str,
    label: &'static str,
    /// The host named in the promise ("Loads the player from … only when you click").
    provider: &'static str,
    loaded: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <button type="button" class="video-poster" data-testid=testid on:click=move |_| loaded.set(true)>
            <span class="play" aria-hidden="true">{icon}</span>
            <span>{label}</span>
            <small>"Loads the player from " {provider} " only when you click."</small>
        </button>
    }
}
