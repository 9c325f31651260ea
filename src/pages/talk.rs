use leptos::either::Either;
use leptos::prelude::*;
use site::meta::page_meta;
use site::routes::{talk_path, Route, HOME};

use crate::browser::set_page_meta;
use crate::components::slides::SlidesEmbed;
use crate::components::video::VideoEmbed;
use crate::content::content;
use crate::pages::not_found::NotFound;

#[component]
pub fn TalkPage(slug: String) -> impl IntoView {
    let c = content();
    let Some(talk) = c.talk(&slug) else {
        return Either::Left(view! { <NotFound/> });
    };
    set_page_meta(&page_meta(&Route::Talk(slug.clone()), c));
    let (prev, next) = c.neighbours(&slug);
    Either::Right(view! {
        <article class="talk" data-testid="talk">
            <nav aria-label="Breadcrumb" class="breadcrumb"><a href=HOME>"All talks"</a></nav>
            <header>
                <p class="eyebrow">{c.event.byline()}</p>
                <h1>{talk.title.clone()}</h1>
                <p class="speaker">{talk.speaker_line()}</p>
            </header>
            <VideoEmbed video=&talk.video title=talk.title.clone() original_recap=c.event.original_recap.clone()/>
            {talk.embedded_slides().map(|slides| view! { <SlidesEmbed slides title=talk.title.clone()/> })}
            <div class="prose" inner_html=talk.body_html.clone()></div>
            <section aria-labelledby="sources-heading" class="sources">
                <h2 id="sources-heading">"Sources"</h2>
                <ul>
                    {c.sources_for(talk).into_iter().map(|s| view! { <li><a href=s.url>{s.title}</a></li> }).collect_view()}
                </ul>
            </section>
            <nav class="prev-next" aria-label="More talks">
                {prev.map(|p| view! { <a href=talk_path(&p.slug) rel="prev">"← " {p.title.clone()}</a> })}
                {next.map(|n| view! { <a href=talk_path(&n.slug) rel="next">{n.title.clone()} " →"</a> })}
            </nav>
        </article>
    })
}
