//! The content of the site once loaded: the event and its talks, in home-page order.

use serde::{Deserialize, Serialize};

/// Everything the site shows, compiled into the app at build time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    pub event: Event,
    /// All talks, listed and unlisted, sorted by `order` then `slug`.
    pub talks: Vec<Talk>,
}

/// The meetup itself (`talks/event.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub name: String,
    pub title: String,
    /// ISO date, `YYYY-MM-DD`.
    pub date: String,
    pub venue: String,
    pub city: String,
    pub original_recap: String,
    /// The introduction, already rendered from Markdown.
    pub intro_html: String,
}

/// One talk (`talks/NN-name.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Talk {
    pub slug: String,
    pub title: String,
    pub order: i64,
    pub summary: String,
    pub speakers: Vec<Speaker>,
    pub video: Video,
    /// The speaker's deck, embedded where no video is.
    #[serde(default)]
    pub slides: Option<Slides>,
    pub sources: Vec<Source>,
    /// Reachable by its URL but absent from the home page and from previous/next links.
    pub unlisted: bool,
    /// The recap, already rendered from Markdown (our own content, trusted).
    pub body_html: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    pub name: String,
    pub affiliation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// Where a talk's recording lives. Ids are never guessed: `None` when unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Video {
    None { note: Option<String> },
    YouTube { id: String },
    Vimeo { id: String },
    File { src: String, poster: Option<String> },
}

impl Video {
    /// The embed URL, contacted only after the visitor asks for the video.
    /// YouTube goes through its no-cookie domain; Vimeo with `dnt=1` (do not track).
    pub fn embed_url(&self) -> Option<String> {
        match self {
            Video::None { .. } => None,
            Video::YouTube { id } => Some(format!(
                "https://www.youtube-nocookie.com/embed/{id}?autoplay=1&rel=0"
            )),
            Video::Vimeo { id } => Some(format!(
                "https://player.vimeo.com/video/{id}?autoplay=1&dnt=1"
            )),
            Video::File { src, .. } => Some(src.clone()),
        }
    }

    /// The name of the host shown on the click-to-load button.
    pub fn provider_label(&self) -> &'static str {
        match self {
            Video::None { .. } => "none",
            Video::YouTube { .. } => "YouTube (privacy-enhanced mode)",
            Video::Vimeo { .. } => "Vimeo",
            Video::File { .. } => "this site",
        }
    }
}

impl Video {
    /// The origin the embedded player is framed from (what the pages' `frame-src` allows).
    pub fn frame_host(&self) -> Option<&'static str> {
        match self {
            Video::YouTube { .. } => Some("https://www.youtube-nocookie.com"),
            Video::Vimeo { .. } => Some("https://player.vimeo.com"),
            Video::None { .. } | Video::File { .. } => None,
        }
    }
}

/// Where a talk's slide deck lives. Ids are copied from the deck's public page, never guessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Slides {
    SpeakerDeck { id: String },
}

impl Slides {
    /// The player, contacted only after the visitor asks for the slides.
    pub fn embed_url(&self) -> String {
        match self {
            Slides::SpeakerDeck { id } => format!("https://speakerdeck.com/player/{id}"),
        }
    }

    pub fn provider_label(&self) -> &'static str {
        match self {
            Slides::SpeakerDeck { .. } => "Speaker Deck",
        }
    }

    pub fn frame_host(&self) -> &'static str {
        match self {
            Slides::SpeakerDeck { .. } => "https://speakerdeck.com",
        }
    }
}

impl Talk {
    /// The slides to embed: only where there is no video to show.
    pub fn embedded_slides(&self) -> Option<&Slides> {
        match self.video {
            Video::None { .. } => self.slides.as_ref(),
            _ => None,
        }
    }

    /// The origins this talk's page frames (its video's player, else its slides').
    pub fn frame_hosts(&self) -> Vec<&'static str> {
        let slides = self.embedded_slides().map(Slides::frame_host);
        self.video.frame_host().into_iter().chain(slides).collect()
    }

    /// "Name (Affiliation), Name" as shown under a title.
    pub fn speaker_line(&self) -> String {
        self.speakers
            .iter()
            .map(|s| match &s.affiliation {
                Some(a) => format!("{} ({a})", s.name),
                None => s.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Content {
    /// Talks shown on the home page, in order.
    pub fn listed(&self) -> impl Iterator<Item = &Talk> {
        self.talks.iter().filter(|t| !t.unlisted)
    }

    /// Every origin a page of the site frames, once each: the pages' `frame-src` allows these
    /// and nothing else.
    pub fn frame_hosts(&self) -> Vec<&'static str> {
        let mut hosts: Vec<&'static str> = self.talks.iter().flat_map(Talk::frame_hosts).collect();
        hosts.sort_unstable();
        hosts.dedup();
        hosts
    }

    pub fn talk(&self, slug: &str) -> Option<&Talk> {
        self.talks.iter().find(|t| t.slug == slug)
    }

    /// A talk's sources, ending with the original recap of the evening unless the talk
    /// already lists it.
    pub fn sources_for(&self, talk: &Talk) -> Vec<Source> {
        let mut sources = talk.sources.clone();
        let recap = &self.event.original_recap;
        if !recap.is_empty() && !sources.iter().any(|s| &s.url == recap) {
            sources.push(Source {
                title: "Original recap of the evening (Heavybit)".to_string(),
                url: recap.clone(),
            });
        }
        sources
    }

    /// A talk's own sources (slides, write-ups, code), without the evening's recap that every
    /// talk shares: what the home page lists under each talk.
    pub fn own_sources<'a>(&self, talk: &'a Talk) -> Vec<&'a Source> {
        talk.sources
            .iter()
            .filter(|s| s.url != self.event.original_recap)
            .collect()
    }

    /// Previous and next listed talk around `slug`. An unlisted talk has neighbours of its own
    /// only if it is listed, so it gets none.
    pub fn neighbours(&self, slug: &str) -> (Option<&Talk>, Option<&Talk>) {
        let listed: Vec<&Talk> = self.listed().collect();
        match listed.iter().position(|t| t.slug == slug) {
            Some(i) => (
                i.checked_sub(1).and_then(|p| listed.get(p).copied()),
                listed.get(i + 1).copied(),
            ),
            None => (None, None),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn talk(slug: &str, order: i64, unlisted: bool) -> Talk {
        Talk {
            slug: slug.into(),
            title: format!("Title {slug}"),
            order,
            summary: format!("Summary {slug}"),
            speakers: vec![Speaker {
                name: "A".into(),
                affiliation: Some("B".into()),
            }],
            video: Video::None { note: None },
            slides: None,
            sources: vec![],
            unlisted,
            body_html: "<p>x</p>".into(),
        }
    }

    pub fn content(talks: Vec<Talk>) -> Content {
        Content {
            event: Event {
                name: "GoSF".into(),
                title: "GoSF at Heavybit".into(),
                date: "2016-06-20".into(),
                venue: "Heavybit".into(),
                city: "San Francisco".into(),
                original_recap: "https://example.com/recap".into(),
                intro_html: "<p>intro</p>".into(),
            },
            talks,
        }
    }

    #[test]
    fn neighbours_skip_unlisted_talks() {
        let c = content(vec![
            talk("a", 1, false),
            talk("hidden", 2, true),
            talk("b", 3, false),
        ]);
        let (p, n) = c.neighbours("a");
        assert!(p.is_none());
        assert_eq!(n.map(|t| t.slug.as_str()), Some("b"));
        let (p, n) = c.neighbours("b");
        assert_eq!(p.map(|t| t.slug.as_str()), Some("a"));
        assert!(n.is_none());
        assert_eq!(c.neighbours("hidden"), (None, None));
        assert_eq!(c.listed().count(), 2);
    }

    #[test]
    fn embed_urls_use_privacy_friendly_hosts() {
        let yt = Video::YouTube { id: "abc".into() };
        assert!(yt
            .embed_url()
            .is_some_and(|u| u.starts_with("https://www.youtube-nocookie.com/embed/abc")));
        let vimeo = Video::Vimeo { id: "42".into() };
        assert!(vimeo.embed_url().is_some_and(|u| u.contains("dnt=1")));
        assert_eq!(Video::None { note: None }.embed_url(), None);
    }

    #[test]
    fn speaker_line_joins_names_and_affiliations() {
        let mut t = talk("a", 1, false);
        t.speakers.push(Speaker {
            name: "C".into(),
            affiliation: None,
        });
        assert_eq!(t.speaker_line(), "A (B), C");
    }

    #[test]
    fn sources_end_with_the_recap_once() {
        let mut t = talk("a", 1, false);
        let c = content(vec![t.clone()]);
        let s = c.sources_for(&t);
        assert_eq!(
            s.last().map(|s| s.url.as_str()),
            Some("https://example.com/recap")
        );
        t.sources.push(Source {
            title: "Recap".into(),
            url: "https://example.com/recap".into(),
        });
        assert_eq!(c.sources_for(&t).len(), 1);
        t.sources.push(Source {
            title: "Slides".into(),
            url: "https://example.com/slides".into(),
        });
        let own: Vec<&str> = c.own_sources(&t).iter().map(|s| s.title.as_str()).collect();
        assert_eq!(own, ["Slides"], "the evening's recap is not the talk's own");
    }

    #[test]
    fn pages_frame_only_the_players_they_embed() {
        let deck = Slides::SpeakerDeck {
            id: "b3833dbadc644be0b3df3e0d6b0b5e56".into(),
        };
        let mut no_video = talk("a", 1, false);
        no_video.slides = Some(deck.clone());
        let mut with_video = talk("b", 2, true);
        with_video.video = Video::YouTube { id: "x".into() };
        with_video.slides = Some(deck.clone());
        assert_eq!(no_video.embedded_slides(), Some(&deck));
        assert_eq!(
            with_video.embedded_slides(),
            None,
            "the video is shown instead"
        );
        assert_eq!(
            deck.embed_url(),
            "https://speakerdeck.com/player/b3833dbadc644be0b3df3e0d6b0b5e56"
        );
        let c = content(vec![no_video.clone(), with_video, no_video]);
        assert_eq!(
            c.frame_hosts(),
            [
                "https://speakerdeck.com",
                "https://www.youtube-nocookie.com"
            ]
        );
        assert!(content(vec![talk("c", 1, false)]).frame_hosts().is_empty());
    }
}
