//! The two apps' shell: skip link, header with navigation and theme toggle, the page, footer.
//! The recap app shows one page per load (home, a talk, 404): its pages are rendered at build
//! time and links between them are page loads, so it carries no router. The viewer app routes
//! /viewer; a link from it to a recap page is a page load (`rel="external"`: the router leaves
//! it to the browser), and a navigation its router still makes there (Back) loads that page.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::components::{Route as RouterRoute, Router, Routes, A};
use leptos_router::hooks::use_location;
use leptos_router::StaticSegment;
use site::routes::{App, Route, HOME, VIEWER, VIEWER_SEGMENT};

use crate::components::theme_toggle::{CurrentTheme, ThemeToggle};
use crate::components::update_notice::UpdateNotice;
use crate::content::content;
use crate::pages::{home::Home, not_found::NotFound, talk::TalkPage, viewer::ViewerPage};

/// Home, a talk, or the 404 page: the page of `route` (see `site::hydration::recap_route`).
#[component]
pub fn RecapApp(route: Route) -> impl IntoView {
    let nav = if route == Route::Home {
        NavAt::RecapHome
    } else {
        NavAt::RecapPage
    };
    let page = match route {
        Route::Home => EitherOf3::A(view! { <Home/> }),
        Route::Talk(slug) => EitherOf3::B(view! { <TalkPage slug/> }),
        Route::Viewer | Route::NotFound => EitherOf3::C(view! { <NotFound/> }),
    };
    view! { <Shell nav>{page}</Shell> }
}

/// The trace viewer.
#[component]
pub fn ViewerApp() -> impl IntoView {
    view! {
        <Router>
            <Shell nav=NavAt::Viewer>
                <Routes fallback=|| view! { <ViewerOrOtherApp/> }>
                    <RouterRoute path=StaticSegment(VIEWER_SEGMENT) view=ViewerPage/>
                </Routes>
            </Shell>
        </Router>
    }
}

/// Where the site's links are shown from: they mark the page they lead to as current, and
/// only the viewer's own link goes through its router.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NavAt {
    RecapHome,
    RecapPage,
    Viewer,
}

#[component]
fn Shell(nav: NavAt, children: Children) -> impl IntoView {
    let event = &content().event;
    provide_context(CurrentTheme::new());
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <SiteNav at=nav/>
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
    }
}

/// The site's links: page loads, but the viewer's own link in the viewer (through its router,
/// which leaves `rel="external"` links to the browser).
#[component]
fn SiteNav(at: NavAt) -> impl IntoView {
    let event = &content().event;
    let brand = format!("{} · {}", event.name, event.date_human());
    let in_viewer = at == NavAt::Viewer;
    let viewer_link = if in_viewer {
        Either::Left(view! { <A href=VIEWER>"Trace viewer"</A> })
    } else {
        Either::Right(view! { <a href=VIEWER>"Trace viewer"</a> })
    };
    view! {
        <nav class="site-nav" aria-label="Site">
            <a
                href=HOME
                class="brand"
                rel=in_viewer.then_some("external")
                aria-current=(at == NavAt::RecapHome).then_some("page")
            >
                {brand}
            </a>
            {viewer_link}
        </nav>
    }
}

/// The viewer at any address the host serves it at (`/viewer/`, `/viewer/index.html`); any
/// other page belongs to the recap app.
#[component]
fn ViewerOrOtherApp() -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    match Route::parse(&path).app() {
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
