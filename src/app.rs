//! The shell: skip link, header with navigation and theme toggle, the routed page, footer.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{ParamSegment, StaticSegment};
use site::routes::{HOME, TALKS_SEGMENT, VIEWER, VIEWER_SEGMENT};

use crate::components::theme_toggle::{CurrentTheme, ThemeToggle};
use crate::content::content;
use crate::pages::{home::Home, not_found::NotFound, talk::TalkPage, viewer::ViewerPage};

#[component]
pub fn App() -> impl IntoView {
    let event = &content().event;
    provide_context(CurrentTheme::new());
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="site-header">
                <nav class="site-nav" aria-label="Site">
                    <A href=HOME attr:class="brand">
                        {event.name.clone()} " · " {event.date_human()}
                    </A>
                    <A href=VIEWER>"Trace viewer"</A>
                </nav>
                <ThemeToggle/>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=StaticSegment("") view=Home/>
                    <Route path=(StaticSegment(TALKS_SEGMENT), ParamSegment("slug")) view=TalkPage/>
                    <Route path=StaticSegment(VIEWER_SEGMENT) view=ViewerPage/>
                </Routes>
            </main>
            <footer class="site-footer">
                <p>
                    "Recaps written by us from the "
                    <a href=event.original_recap.clone()>"original Heavybit recap"</a>
                    " and the speakers' public material. The trace viewer runs in your browser: files you open are never uploaded."
                </p>
            </footer>
        </Router>
    }
}
