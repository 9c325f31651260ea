//! Each page's title and description: used by the app when it navigates and by the build step
//! that writes one HTML file per route for link previews and crawlers.

use crate::content::{Content, Event};
use crate::routes::Route;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    /// Open Graph type: `article` for a talk, `website` otherwise.
    pub og_type: &'static str,
    pub path: String,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Event {
    /// `2016-06-20` -> `20 June 2016`; anything else is shown as written.
    pub fn date_human(&self) -> String {
        let parts: Vec<&str> = self.date.split('-').collect();
        if let [y, m, d] = parts.as_slice() {
            if let (Ok(m), Ok(d)) = (m.parse::<usize>(), d.parse::<u32>()) {
                if let Some(month) = m.checked_sub(1).and_then(|i| MONTHS.get(i)) {
                    return format!("{d} {month} {y}");
                }
            }
        }
        self.date.clone()
    }

    /// "GoSF · Heavybit, San Francisco · 20 June 2016"
    pub fn byline(&self) -> String {
        format!(
            "{} · {}, {} · {}",
            self.name,
            self.venue,
            self.city,
            self.date_human()
        )
    }
}

pub fn page_meta(route: &Route, content: &Content) -> PageMeta {
    let event = &content.event;
    let path = route.path();
    match route {
        Route::Home => PageMeta {
            title: format!("{} — {}", event.title, event.date_human()),
            description: format!(
                "Recaps of the talks given at {} at {}, {}, on {}: {}. Plus a trace viewer that opens your trace files in the browser.",
                event.name,
                event.venue,
                event.city,
                event.date_human(),
                content
                    .listed()
                    .map(|t| t.title.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            og_type: "website",
            path,
        },
        Route::Talk(slug) => match content.talk(slug) {
            Some(talk) => PageMeta {
                title: format!(
                    "{} — {} · {} {}",
                    talk.title,
                    talk.speakers
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    event.name,
                    event.date_human()
                ),
                description: talk.summary.clone(),
                og_type: "article",
                path,
            },
            None => page_meta(&Route::NotFound, content),
        },
        Route::Viewer => PageMeta {
            title: "Trace viewer — Jaeger, OTLP, Zipkin and Chrome traces in your browser"
                .to_string(),
            description: "Drop a Jaeger, OpenTelemetry (OTLP), Zipkin or Chrome trace file and explore it as an interactive timeline. Parsed in your browser: nothing is uploaded.".to_string(),
            og_type: "website",
            path,
        },
        Route::NotFound => PageMeta {
            title: format!("Page not found — {}", event.name),
            description: "This page does not exist. The talks of the evening and the trace viewer are one click away.".to_string(),
            og_type: "website",
            path,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::tests::{content, talk};

    #[test]
    fn human_date() {
        let c = content(vec![]);
        assert_eq!(c.event.date_human(), "20 June 2016");
        let mut e = c.event.clone();
        e.date = "someday".into();
        assert_eq!(e.date_human(), "someday");
        e.date = "2016-13-01".into();
        assert_eq!(e.date_human(), "2016-13-01");
    }

    #[test]
    fn talk_meta_uses_title_speakers_and_summary() {
        let c = content(vec![talk("a", 1, false)]);
        let m = page_meta(&Route::Talk("a".into()), &c);
        assert!(m.title.starts_with("Title a — A · GoSF"), "{}", m.title);
        assert_eq!(m.description, "Summary a");
        assert_eq!(m.og_type, "article");
        assert_eq!(m.path, "/talks/a");
    }

    #[test]
    fn unknown_talk_gets_not_found_meta() {
        let c = content(vec![]);
        let m = page_meta(&Route::Talk("zzz".into()), &c);
        assert!(m.title.starts_with("Page not found"));
    }

    #[test]
    fn home_description_lists_listed_talks_only() {
        let c = content(vec![talk("a", 1, false), talk("h", 2, true)]);
        let m = page_meta(&Route::Home, &c);
        assert!(m.description.contains("Title a"));
        assert!(!m.description.contains("Title h"));
    }
}
