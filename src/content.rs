//! The talk content compiled in by build.rs, decoded once.

use std::sync::OnceLock;

use site::Content;

/// Written by build.rs from `talks/`; checked there, so decoding cannot fail on good input.
const CONTENT_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/content.json"));

pub fn content() -> &'static Content {
    static CONTENT: OnceLock<Content> = OnceLock::new();
    CONTENT.get_or_init(|| {
        serde_json::from_str(CONTENT_JSON).unwrap_or_else(|e| {
            // Only reachable if build.rs and this crate disagree on the format: show an empty
            // site with a visible event name rather than kill the page.
            leptos::logging::error!("content.json does not decode: {e}");
            Content {
                event: site::Event {
                    name: "GoSF".into(),
                    title: "Content failed to load".into(),
                    date: String::new(),
                    venue: String::new(),
                    city: String::new(),
                    original_recap: String::new(),
                    intro_html: String::new(),
                },
                talks: Vec::new(),
            }
        })
    })
}
