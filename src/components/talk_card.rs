use leptos::prelude::*;
use leptos_router::components::A;
use site::routes::talk_path;
use site::Talk;

#[component]
pub fn TalkCard(talk: &'static Talk) -> impl IntoView {
    view! {
        <li class="card talk-card" data-testid="talk-card">
            <h3>
                <A href=talk_path(&talk.slug)>{talk.title.clone()}</A>
            </h3>
            <p class="speaker">{talk.speaker_line()}</p>
            <p class="summary">{talk.summary.clone()}</p>
        </li>
    }
}
