use leptos::prelude::*;
use site::meta::page_meta;
use site::routes::{talk_path, Route, HOME, VIEWER};

use crate::browser::set_page_meta;
use crate::content::content;

#[component]
pub fn NotFound() -> impl IntoView {
    let c = content();
    set_page_meta(&page_meta(&Route::NotFound, c));
    view! {
        <section class="not-found" data-testid="not-found">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
            <p>"You might be looking for:"</p>
            <ul>
                <li><a href=HOME>"The home page"</a></li>
                {c.listed().map(|t| view! { <li><a href=talk_path(&t.slug)>{t.title.clone()}</a></li> }).collect_view()}
                <li><a href=VIEWER>"The trace viewer"</a></li>
            </ul>
        </section>
    }
}
