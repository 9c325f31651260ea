//! The two apps' shell: skip link, header with navigation and theme toggle, the routed page,
//! footer. The recap app routes the home, talk and 404 pages; the viewer app routes /viewer.
//! A link to the other app's page is a page load (`rel="external"`: the router leaves it to the
//! browser), and a navigation the router still makes there (a link in a talk's Markdown, Back)
//! loads that page from the server.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_location;
use leptos_router::{ParamSegment, StaticSegment};
use site::routes::{App, HOME, TALKS_SEGMENT, VIEWER, VIEWER_SEGMENT};

use crate::components::theme_toggle::{CurrentTheme, ThemeToggle};
use crate::components::update_notice::UpdateNotice;
use crate::content::content;
use crate::pages::{home::Home, not_found::NotFound, talk::TalkPage, viewer::ViewerPage};

/// Home, talks and the 404 page.
#[component]
pub fn RecapApp() -> impl IntoView {
    view! {
        <Shell app=App::Recap>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=StaticSegment("") view=Home/>
                <Route path=(StaticSegment(TALKS_SEGMENT), ParamSegment("slug")) view=TalkPage/>
                <Route path=StaticSegment(VIEWER_SEGMENT) view=OtherApp/>
            </Routes>
        </Shell>
    }
}

/// The trace viewer.
#[component]
pub fn ViewerApp() -> impl IntoView {
    view! {
        <Shell app=App::Viewer>
            <Routes fallback=|| view! { <ViewerOrOtherApp/> }>
                <Route path=StaticSegment(VIEWER_SEGMENT) view=ViewerPage/>
            </Routes>
        </Shell>
    }
}

#[component]
fn Shell(app: App, children: Children) -> impl IntoView {
    let event = &content().event;
    provide_context(CurrentTheme::new());
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="site-header">
                <SiteNav app/>
                <ThemeToggle/>
            </header>
            <UpdateNotice/>
            <main id="main" tabindex="-1">{children()}</main>
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

/// The site's links: within the app through the router, to the other app as a page load.
#[component]
fn SiteNav(app: App) -> impl IntoView {
    let event = &content().event;
    let brand = format!("{} · {}", event.name, event.date_human());
    let links = match app {
        App::Recap => view! {
            <A href=HOME attr:class="brand">{brand}</A>
            <a href=VIEWER rel="external">"Trace viewer"</a>
        }
        .into_any(),
        App::Viewer => view! {
            <a href=HOME class="brand" rel="external">{brand}</a>
            <A href=VIEWER>"Trace viewer"</A>
        }
        .into_any(),
    };
    view! { <nav class="site-nav" aria-label="Site">{links}</nav> }
}

/// The viewer at any address the host serves it at (`/viewer/`, `/viewer/index.html`); any
/// other page belongs to the recap app.
#[component]
fn ViewerOrOtherApp() -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    match site::routes::Route::parse(&path).app() {
        App::Viewer => view! { <ViewerPage/> }.into_any(),
        App::Recap => view! { <OtherApp/> }.into_any(),
    }
}

/// A page the other app renders: loaded from the server. The router may not have written the
/// address yet when this runs, so the page is asked for by the router's own location.
#[component]
fn OtherApp() -> impl IntoView {
    let location = use_location();
    Effect::new(move |_| {
        let target = format!(
            "{}{}{}",
            location.pathname.get_untracked(),
            location.search.get_untracked(),
            location.hash.get_untracked()
        );
        crate::browser::load_page(&target);
    });
    view! { <p class="muted" data-testid="loading-page">"Loading the page…"</p> }
}
