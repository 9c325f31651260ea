//! The two apps' shell: skip link, header with navigation and theme toggle, the page, footer.
//! Neither app has a router: each shows the one page of its address. The recap pages are
//! rendered at build time and links between them are page loads; the viewer is one page whose
//! state lives in the URL fragment (`viewer::url_state`). A router would cost the viewer code
//! to download and compile, and work before its first paint, for no navigation it needs.

use leptos::either::EitherOf3;
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use site::routes::{Route, HOME, VIEWER};

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

/// The trace viewer, at whichever address its page is served from.
#[component]
pub fn ViewerApp() -> impl IntoView {
    view! {
        <Shell nav=NavAt::Viewer>
            <ViewerPage/>
        </Shell>
    }
}

/// Where the site's links are shown from: they mark the page they lead to as current.
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

/// The site's links: page loads, but the viewer's own link in the viewer.
#[component]
fn SiteNav(at: NavAt) -> impl IntoView {
    let event = &content().event;
    let brand = format!("{} · {}", event.name, event.date_human());
    let in_viewer = at == NavAt::Viewer;
    view! {
        <nav class="site-nav" aria-label="Site">
            <a href=HOME class="brand" aria-current=(at == NavAt::RecapHome).then_some("page")>
                {brand}
            </a>
            <a href=VIEWER aria-current=in_viewer.then_some("page") on:click=move |click| {
                if in_viewer {
                    stay_on_page(click)
                }
            }>
                "Trace viewer"
            </a>
        </nav>
    }
}

/// The viewer's link to itself: reloading the page would close the trace the person has open,
/// so a plain click stays; a click asking for a new tab or window still gets one.
fn stay_on_page(click: MouseEvent) {
    let new_tab_or_window =
        click.ctrl_key() || click.meta_key() || click.shift_key() || click.button() != 0;
    if !new_tab_or_window {
        click.prevent_default();
    }
}
