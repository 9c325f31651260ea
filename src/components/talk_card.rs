use leptos::prelude::*;
use site::routes::talk_path;
use site::Talk;

use crate::content::content;

/// A talk at a glance: title, speaker, one line, and its own sources.
#[component]
pub fn TalkCard(talk: &'static Talk) -> impl IntoView {
    let sources = content().own_sources(talk);
    view! {
        <li class="card talk-card" data-testid="talk-card">
            <h3>
                <a href=talk_path(&talk.slug)>{talk.title.clone()}</a>
            </h3>
            <p class="speaker">{talk.speaker_line()}</p>
            <p class="summary">{talk.summary.clone()}</p>
            {(!sources.is_empty()).then(|| view! {
                <ul class="card-sources" aria-label=format!("Sources for {}", talk.title) data-testid="talk-sources">
                    {sources.into_iter().map(|s| view! { <li><a href=s.url.clone()>{s.title.clone()}</a></li> }).collect_view()}
                </ul>
            })}
        </li>
    }
}
