use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use site::meta::page_meta;
use site::routes::{talk_path, Route, HOME};

use crate::browser::set_page_meta;
use crate::components::slides::SlidesEmbed;
use crate::components::video::VideoEmbed;
use crate::content::content;
use crate::pages::not_found::NotFound;

#[component]
pub fn TalkPage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let slug = params.read().get("slug").unwrap_or_default();
        let c = content();
        let Some(talk) = c.talk(&slug) else {
            return view! { <NotFound/> }.into_any();
        };
        set_page_meta(&page_meta(&Route::Talk(slug.clone()), c));
        let (prev, next) = c.neighbours(&slug);
        view! {
            <article class="talk" data-testid="talk">
                <nav aria-label="Breadcrumb" class="breadcrumb"><A href=HOME>"All talks"</A></nav>
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
                    {prev.map(|p| view! { <A href=talk_path(&p.slug) attr:rel="prev">"← " {p.title.clone()}</A> })}
                    {next.map(|n| view! { <A href=talk_path(&n.slug) attr:rel="next">{n.title.clone()} " →"</A> })}
                </nav>
            </article>
        }
        .into_any()
    }
}
