//! Dark/light switch. The page follows the system until the visitor clicks; the choice is
//! then stored and re-applied before first paint by the inline script in index.html.

use leptos::prelude::*;
use site::theme::Theme;

use crate::browser;

/// The theme in effect, shared as context so canvases and charts redraw when it changes.
#[derive(Clone, Copy)]
pub struct CurrentTheme(pub RwSignal<Theme>);

impl CurrentTheme {
    /// Starts from the stored choice or the system, and follows the system while the visitor
    /// has not chosen.
    pub fn new() -> Self {
        let theme = RwSignal::new(Theme::effective(
            browser::stored_theme(),
            browser::system_prefers_dark(),
        ));
        browser::on_system_theme_change(move |dark| {
            if browser::stored_theme().is_none() {
                theme.set(Theme::effective(None, dark));
            }
        });
        CurrentTheme(theme)
    }
}

impl Default for CurrentTheme {
    fn default() -> Self {
        Self::new()
    }
}

/// The shared theme signal (a fresh one outside the app, e.g. in component tests).
pub fn use_theme() -> RwSignal<Theme> {
    use_context::<CurrentTheme>().unwrap_or_default().0
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let current = use_theme();
    // The build renders the page knowing no visitor's theme: the button first shows what it
    // rendered (light), so hydration finds the same markup, then the visitor's once mounted.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let dark = move || mounted.get() && current.get() == Theme::Dark;
    let toggle = move |_| {
        let next = current.get_untracked().toggled();
        browser::apply_theme(next, true);
        current.set(next);
    };
    view! {
        <button
            type="button"
            class="theme-toggle"
            data-testid="theme-toggle"
            title="Dark mode"
            aria-pressed=move || dark().to_string()
            on:click=toggle
        >
            <span aria-hidden="true">{move || if dark() { "☾" } else { "☀" }}</span>
            <span class="theme-toggle-label">" Dark mode"</span>
        </button>
    }
}
