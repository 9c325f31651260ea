//! The viewer's keyboard shortcuts: one table drives both the key handler and the `?` help,
//! so the help cannot drift from what the keys do.

use crate::share::ViewTab;

/// What a shortcut does; the page carries it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SelectPrevious,
    SelectNext,
    /// A screenful of rows up or down.
    PageUp,
    PageDown,
    SelectFirst,
    SelectLast,
    Collapse,
    Expand,
    ZoomIn,
    ZoomOut,
    ResetZoom,
    PanLeft,
    PanRight,
    FocusSearch,
    ShowHelp,
    /// Close the help, else clear the selection.
    Dismiss,
    /// Show a view (its tab).
    ShowTab(ViewTab),
}

/// One line of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// `KeyboardEvent.key` values that trigger it.
    pub keys: &'static [&'static str],
    /// The keys as the help shows them.
    pub label: &'static str,
    pub help: &'static str,
    pub action: Action,
    /// Only with a trace open (the rest also work on the start page).
    pub needs_trace: bool,
}

const fn bind(
    keys: &'static [&'static str],
    label: &'static str,
    help: &'static str,
    action: Action,
) -> Binding {
    Binding {
        keys,
        label,
        help,
        action,
        needs_trace: true,
    }
}

pub const BINDINGS: [Binding; 23] = [
    bind(
        &["ArrowUp"],
        "↑",
        "select the previous span",
        Action::SelectPrevious,
    ),
    bind(
        &["ArrowDown"],
        "↓",
        "select the next span",
        Action::SelectNext,
    ),
    bind(
        &["PageUp"],
        "PageUp",
        "move the selection a screen up",
        Action::PageUp,
    ),
    bind(
        &["PageDown"],
        "PageDown",
        "move the selection a screen down",
        Action::PageDown,
    ),
    bind(
        &["Home"],
        "Home",
        "select the first span",
        Action::SelectFirst,
    ),
    bind(&["End"], "End", "select the last span", Action::SelectLast),
    bind(
        &["ArrowLeft"],
        "←",
        "collapse the selected span",
        Action::Collapse,
    ),
    bind(
        &["ArrowRight"],
        "→",
        "expand the selected span",
        Action::Expand,
    ),
    bind(
        &["+", "=", "w", "W"],
        "+ or W",
        "zoom in (timeline, flame graph)",
        Action::ZoomIn,
    ),
    bind(
        &["-", "_", "s", "S"],
        "− or S",
        "zoom out (timeline, flame graph)",
        Action::ZoomOut,
    ),
    bind(
        &["a", "A", "["],
        "A or [",
        "pan to earlier times (timeline, flame graph)",
        Action::PanLeft,
    ),
    bind(
        &["d", "D", "]"],
        "D or ]",
        "pan to later times (timeline, flame graph)",
        Action::PanRight,
    ),
    bind(&["0"], "0", "reset zoom", Action::ResetZoom),
    bind(
        &["1"],
        "1",
        "show the timeline",
        Action::ShowTab(ViewTab::Timeline),
    ),
    bind(
        &["2"],
        "2",
        "show the statistics",
        Action::ShowTab(ViewTab::Stats),
    ),
    bind(
        &["3"],
        "3",
        "show the data quality",
        Action::ShowTab(ViewTab::Quality),
    ),
    bind(
        &["4"],
        "4",
        "show the span table",
        Action::ShowTab(ViewTab::Table),
    ),
    bind(
        &["5"],
        "5",
        "show the flame graph",
        Action::ShowTab(ViewTab::Flame),
    ),
    bind(
        &["6"],
        "6",
        "show the service map",
        Action::ShowTab(ViewTab::Map),
    ),
    bind(
        &["7"],
        "7",
        "compare two traces",
        Action::ShowTab(ViewTab::Compare),
    ),
    bind(
        &["/"],
        "/",
        "search (Enter / Shift+Enter: next / previous match; Esc: clear)",
        Action::FocusSearch,
    ),
    Binding {
        keys: &["?"],
        label: "?",
        help: "show this list",
        action: Action::ShowHelp,
        needs_trace: false,
    },
    Binding {
        keys: &["Escape"],
        label: "Esc",
        help: "close this list, else clear the selection",
        action: Action::Dismiss,
        needs_trace: false,
    },
];

/// Mouse gestures, listed in the help after the keys.
pub const GESTURES: [(&str, &str); 3] = [
    ("Ctrl + wheel", "zoom at the pointer"),
    ("Shift + wheel", "pan"),
    ("drag on the ruler", "zoom into a time range"),
];

/// The action of a key, given whether a trace is open.
pub fn action_for(key: &str, has_trace: bool) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|b| b.keys.contains(&key))
        .filter(|b| has_trace || !b.needs_trace)
        .map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_one_action_and_every_action_a_key() {
        let mut seen: Vec<&str> = Vec::new();
        for b in &BINDINGS {
            for k in b.keys {
                assert!(!seen.contains(k), "{k} bound twice");
                seen.push(k);
                assert_eq!(action_for(k, true), Some(b.action));
            }
            assert!(!b.label.is_empty() && !b.help.is_empty());
        }
    }

    #[test]
    fn trace_keys_wait_for_a_trace() {
        assert_eq!(action_for("ArrowDown", false), None);
        assert_eq!(action_for("?", false), Some(Action::ShowHelp));
        assert_eq!(action_for("Escape", false), Some(Action::Dismiss));
        assert_eq!(action_for("PageDown", true), Some(Action::PageDown));
        assert_eq!(action_for("d", true), Some(Action::PanRight));
        assert_eq!(action_for("q", true), None);
        assert_eq!(action_for("4", false), None);
        assert_eq!(action_for("4", true), Some(Action::ShowTab(ViewTab::Table)));
    }

    #[test]
    fn every_view_has_a_number_key_in_tab_order() {
        for (n, tab) in ViewTab::ALL.into_iter().enumerate() {
            let key = (n + 1).to_string();
            assert_eq!(action_for(&key, true), Some(Action::ShowTab(tab)), "{key}");
        }
    }
}
