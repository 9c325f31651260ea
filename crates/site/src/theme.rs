//! Light and dark theme: follows the system until the visitor picks one, and the pick is
//! remembered (the app stores `Theme::as_str` in localStorage under `STORAGE_KEY`).

pub const STORAGE_KEY: &str = "theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// A stored choice; anything else (absent, garbage) means "follow the system".
    pub fn parse(stored: Option<&str>) -> Option<Theme> {
        match stored.map(str::trim) {
            Some("light") => Some(Theme::Light),
            Some("dark") => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The theme in effect: the stored choice wins over the system preference.
    pub fn effective(stored: Option<Theme>, system_prefers_dark: bool) -> Theme {
        stored.unwrap_or(if system_prefers_dark {
            Theme::Dark
        } else {
            Theme::Light
        })
    }

    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_choice_wins_over_system() {
        assert_eq!(Theme::effective(Some(Theme::Light), true), Theme::Light);
        assert_eq!(Theme::effective(Some(Theme::Dark), false), Theme::Dark);
        assert_eq!(Theme::effective(None, true), Theme::Dark);
        assert_eq!(Theme::effective(None, false), Theme::Light);
    }

    #[test]
    fn garbage_in_storage_follows_system() {
        assert_eq!(Theme::parse(Some("purple")), None);
        assert_eq!(Theme::parse(None), None);
        assert_eq!(Theme::parse(Some("dark")), Some(Theme::Dark));
        assert_eq!(
            Theme::parse(Some(Theme::Light.as_str())),
            Some(Theme::Light)
        );
    }

    #[test]
    fn toggle_flips() {
        assert_eq!(Theme::Light.toggled(), Theme::Dark);
        assert_eq!(Theme::Dark.toggled().toggled(), Theme::Dark);
    }
}
