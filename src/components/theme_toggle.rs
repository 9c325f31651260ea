//! Dark/light switch. The page follows the system until the visitor clicks; the choice is
//! then stored and re-applied before first paint by the inline script in index.html.

use leptos::prelude::*;
use site::theme::Theme;

use crate::browser;

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let current = RwSignal::new(Theme::effective(
        browser::stored_theme(),
        browser::system_prefers_dark(),
    ));
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
            aria-pressed=move || (current.get() == Theme::Dark).to_string()
            on:click=toggle
        >
            <span aria-hidden="true">{move || if current.get() == Theme::Dark { "☾" } else { "☀" }}</span>
            " Dark mode"
        </button>
    }
}
