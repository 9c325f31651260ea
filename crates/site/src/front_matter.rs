//! Parses one talk file: TOML front matter between `+++` lines, then a Markdown body.
//! Every error names the file and, where there is one, the field, so a broken talk fails the
//! build with a message that says what to fix.

use crate::content::{Slides, Source, Speaker, Talk, Video};
use crate::routes::is_valid_slug;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    pub file: String,
    /// The front matter field at fault, when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ContentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}: field `{field}`: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ContentError {}

fn err(file: &str, field: Option<&str>, message: impl Into<String>) -> ContentError {
    ContentError {
        file: file.to_string(),
        field: field.map(str::to_string),
        message: message.into(),
    }
}

/// Splits `+++\n<toml>\n+++\n<body>`.
fn split(file: &str, text: &str) -> Result<(String, String), ContentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if first.trim_end() == "+++" => {}
        _ => {
            return Err(err(
                file,
                None,
                "the file must start with a `+++` line opening the TOML front matter",
            ))
        }
    }
    let mut front = String::new();
    for line in lines.by_ref() {
        if line.trim_end() == "+++" {
            let body: String = lines.collect();
            return Ok((front, body));
        }
        front.push_str(line);
    }
    Err(err(
        file,
        None,
        "the front matter is not closed by a `+++` line",
    ))
}

fn required_str(file: &str, table: &toml::Table, key: &str) -> Result<String, ContentError> {
    match table.get(key) {
        None => Err(err(file, Some(key), "missing")),
        Some(toml::Value::String(s)) if s.trim().is_empty() => {
            Err(err(file, Some(key), "must not be empty"))
        }
        Some(toml::Value::String(s)) => Ok(s.trim().to_string()),
        Some(other) => Err(err(
            file,
            Some(key),
            format!("must be a string, found {}", other.type_str()),
        )),
    }
}

fn optional_str(
    file: &str,
    table: &toml::Table,
    key: &str,
    field: &str,
) -> Result<Option<String>, ContentError> {
    match table.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Some(other) => Err(err(
            file,
            Some(field),
            format!("must be a string, found {}", other.type_str()),
        )),
    }
}

fn tables<'a>(
    file: &str,
    front: &'a toml::Table,
    key: &str,
) -> Result<Vec<&'a toml::Table>, ContentError> {
    match front.get(key) {
        None => Ok(vec![]),
        Some(toml::Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_table()
                    .ok_or_else(|| err(file, Some(&format!("{key}[{i}]")), "must be a table"))
            })
            .collect(),
        Some(other) => Err(err(
            file,
            Some(key),
            format!(
                "must be an array of tables (`[[{key}]]`), found {}",
                other.type_str()
            ),
        )),
    }
}

const KNOWN_KEYS: [&str; 9] = [
    "slug", "title", "order", "summary", "speakers", "video", "slides", "sources", "unlisted",
];

/// Parses a talk file. `file` is only used in error messages.
pub fn parse_talk(file: &str, text: &str) -> Result<Talk, ContentError> {
    let (front, body) = split(file, text)?;
    let front: toml::Table = front.parse().map_err(|e: toml::de::Error| {
        err(
            file,
            None,
            format!("front matter is not valid TOML: {}", e.message()),
        )
    })?;
    if let Some(unknown) = front.keys().find(|k| !KNOWN_KEYS.contains(&k.as_str())) {
        return Err(err(
            file,
            Some(unknown),
            format!("unknown field (known: {})", KNOWN_KEYS.join(", ")),
        ));
    }

    let slug = required_str(file, &front, "slug")?;
    if !is_valid_slug(&slug) {
        return Err(err(
            file,
            Some("slug"),
            format!(
                "`{slug}` is not a valid slug: use lowercase letters, digits and single hyphens"
            ),
        ));
    }
    let title = required_str(file, &front, "title")?;
    let summary = required_str(file, &front, "summary")?;
    let order = match front.get("order") {
        None => return Err(err(file, Some("order"), "missing")),
        Some(toml::Value::Integer(n)) => *n,
        Some(other) => {
            return Err(err(
                file,
                Some("order"),
                format!("must be an integer, found {}", other.type_str()),
            ))
        }
    };
    let unlisted = match front.get("unlisted") {
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(other) => {
            return Err(err(
                file,
                Some("unlisted"),
                format!("must be true or false, found {}", other.type_str()),
            ))
        }
    };

    let speakers = tables(file, &front, "speakers")?
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let field = format!("speakers[{i}].name");
            let name = required_str(file, t, "name").map_err(|mut e| {
                e.field = Some(field);
                e
            })?;
            let affiliation = optional_str(
                file,
                t,
                "affiliation",
                &format!("speakers[{i}].affiliation"),
            )?;
            Ok(Speaker { name, affiliation })
        })
        .collect::<Result<Vec<_>, ContentError>>()?;
    if speakers.is_empty() {
        return Err(err(
            file,
            Some("speakers"),
            "at least one `[[speakers]]` entry with a `name` is required",
        ));
    }

    let sources = tables(file, &front, "sources")?
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let rename = |key: &str| {
                let field = format!("sources[{i}].{key}");
                move |mut e: ContentError| {
                    e.field = Some(field);
                    e
                }
            };
            let title = required_str(file, t, "title").map_err(rename("title"))?;
            let url = required_str(file, t, "url").map_err(rename("url"))?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(err(
                    file,
                    Some(&format!("sources[{i}].url")),
                    "must be an http(s) URL",
                ));
            }
            Ok(Source { title, url })
        })
        .collect::<Result<Vec<_>, ContentError>>()?;

    let video = parse_video(file, front.get("video"))?;
    let slides = parse_slides(file, front.get("slides"))?;
    let body_html = markdown_to_html(&body);
    Ok(Talk {
        slug,
        title,
        order,
        summary,
        speakers,
        video,
        slides,
        sources,
        unlisted,
        body_html,
    })
}

/// The front matter's table `field` (`[video]`, `[slides]`).
fn as_table<'a>(
    file: &str,
    field: &str,
    value: &'a toml::Value,
) -> Result<&'a toml::value::Table, ContentError> {
    match value {
        toml::Value::Table(t) => Ok(t),
        other => Err(err(
            file,
            Some(field),
            format!("must be a table, found {}", other.type_str()),
        )),
    }
}

/// `[slides] provider = "speakerdeck"` with the deck's player id (32 hex digits, as in
/// `speakerdeck.com/player/<id>`); the table is optional.
fn parse_slides(file: &str, value: Option<&toml::Value>) -> Result<Option<Slides>, ContentError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let table = as_table(file, "slides", value)?;
    let with_field = |k: &'static str| {
        move |mut e: ContentError| {
            e.field = Some(format!("slides.{k}"));
            e
        }
    };
    let provider = required_str(file, table, "provider").map_err(with_field("provider"))?;
    if provider != "speakerdeck" {
        return Err(err(
            file,
            Some("slides.provider"),
            format!("unknown provider `{provider}` (use speakerdeck)"),
        ));
    }
    let id = required_str(file, table, "id").map_err(with_field("id"))?;
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(err(
            file,
            Some("slides.id"),
            format!("`{id}` is not a Speaker Deck player id (32 hex digits)"),
        ));
    }
    Ok(Some(Slides::SpeakerDeck { id }))
}

fn parse_video(file: &str, value: Option<&toml::Value>) -> Result<Video, ContentError> {
    let Some(value) = value else {
        return Err(err(
            file,
            Some("video"),
            "missing (use `[video] provider = \"none\"` when no recording is known)",
        ));
    };
    let table = as_table(file, "video", value)?;
    let field = |k: &str| format!("video.{k}");
    let with_field = |k: &str| {
        let f = field(k);
        move |mut e: ContentError| {
            e.field = Some(f);
            e
        }
    };
    let provider = required_str(file, table, "provider").map_err(with_field("provider"))?;
    match provider.as_str() {
        "none" => Ok(Video::None {
            note: optional_str(file, table, "note", &field("note"))?,
        }),
        "youtube" | "vimeo" => {
            let id = required_str(file, table, "id").map_err(with_field("id"))?;
            let valid = id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !valid {
                return Err(err(
                    file,
                    Some(&field("id")),
                    format!("`{id}` is not a valid {provider} video id"),
                ));
            }
            Ok(if provider == "youtube" {
                Video::YouTube { id }
            } else {
                Video::Vimeo { id }
            })
        }
        "file" => Ok(Video::File {
            src: required_str(file, table, "src").map_err(with_field("src"))?,
            poster: optional_str(file, table, "poster", &field("poster"))?,
        }),
        other => Err(err(
            file,
            Some("video.provider"),
            format!("unknown provider `{other}` (use youtube, vimeo, file or none)"),
        )),
    }
}

/// Renders our own Markdown (trusted content) to HTML.
pub fn markdown_to_html(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_SMART_PUNCTUATION,
    );
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = r#"+++
slug = "a-talk"
title = "A talk"
order = 2
summary = "What it was about."

[[speakers]]
name = "Ann"
affiliation = "Acme"

[[speakers]]
name = "Bob"

[video]
provider = "youtube"
id = "abc_DEF-1"

[[sources]]
title = "Recap"
url = "https://example.com/r"
+++
## Heading

Some *text*.
"#;

    #[test]
    fn parses_a_valid_talk() {
        let t = parse_talk("talks/a.md", VALID).unwrap();
        assert_eq!(t.slug, "a-talk");
        assert_eq!(t.order, 2);
        assert!(!t.unlisted);
        assert_eq!(t.speakers.len(), 2);
        assert_eq!(t.speakers[0].affiliation.as_deref(), Some("Acme"));
        assert_eq!(t.speakers[1].affiliation, None);
        assert_eq!(
            t.video,
            Video::YouTube {
                id: "abc_DEF-1".into()
            }
        );
        assert_eq!(t.sources[0].url, "https://example.com/r");
        assert!(t.body_html.contains("<h2>Heading</h2>"));
        assert!(t.body_html.contains("<em>text</em>"));
    }

    #[test]
    fn accepts_crlf_and_bom() {
        let text = format!("\u{feff}{}", VALID.replace('\n', "\r\n"));
        assert_eq!(parse_talk("a.md", &text).unwrap().slug, "a-talk");
    }

    /// VALID's front matter with its closing `+++` and the body cut off, to append tables to.
    fn front_of_valid() -> String {
        VALID
            .split("+++")
            .nth(1)
            .map(|f| format!("+++{f}"))
            .unwrap()
    }

    #[test]
    fn slides_are_optional_and_read_from_a_speakerdeck_table() {
        assert_eq!(parse_talk("a.md", VALID).unwrap().slides, None);
        let text = format!(
            "{}\n[slides]\nprovider = \"speakerdeck\"\nid = \"b3833dbadc644be0b3df3e0d6b0b5e56\"\n+++\nBody\n",
            front_of_valid()
        );
        assert_eq!(
            parse_talk("a.md", &text).unwrap().slides,
            Some(Slides::SpeakerDeck {
                id: "b3833dbadc644be0b3df3e0d6b0b5e56".into()
            })
        );
    }

    #[test]
    fn video_providers() {
        let with = |video: &str| VALID.replace("provider = \"youtube\"\nid = \"abc_DEF-1\"", video);
        assert_eq!(
            parse_talk("a.md", &with("provider = \"none\""))
                .unwrap()
                .video,
            Video::None { note: None }
        );
        assert_eq!(
            parse_talk("a.md", &with("provider = \"vimeo\"\nid = \"123\""))
                .unwrap()
                .video,
            Video::Vimeo { id: "123".into() }
        );
        assert_eq!(
            parse_talk("a.md", &with("provider = \"file\"\nsrc = \"/v.mp4\""))
                .unwrap()
                .video,
            Video::File {
                src: "/v.mp4".into(),
                poster: None
            }
        );
    }

    /// Each kind of broken front matter names the file and the field.
    #[test]
    fn invalid_front_matter_names_file_and_field() {
        let cases: Vec<(String, Option<&str>, &str)> = vec![
            (VALID.replace("slug = \"a-talk\"\n", ""), Some("slug"), "missing"),
            (VALID.replace("\"a-talk\"", "\"A Talk\""), Some("slug"), "not a valid slug"),
            (VALID.replace("title = \"A talk\"", "title = 3"), Some("title"), "must be a string, found integer"),
            (VALID.replace("title = \"A talk\"", "title = \" \""), Some("title"), "must not be empty"),
            (VALID.replace("order = 2", "order = \"2\""), Some("order"), "must be an integer"),
            (VALID.replace("order = 2\n", ""), Some("order"), "missing"),
            (VALID.replace("summary = \"What it was about.\"\n", ""), Some("summary"), "missing"),
            (VALID.replace("name = \"Bob\"", "nom = \"Bob\""), Some("speakers[1].name"), "missing"),
            (VALID.replace("provider = \"youtube\"", "provider = \"dailymotion\""), Some("video.provider"), "unknown provider"),
            (VALID.replace("id = \"abc_DEF-1\"\n", ""), Some("video.id"), "missing"),
            (VALID.replace("abc_DEF-1", "a\\\"><script>"), Some("video.id"), "not a valid youtube video id"),
            (VALID.replace("https://example.com/r", "javascript:alert(1)"), Some("sources[0].url"), "http(s)"),
            (VALID.replace("order = 2", "order = 2\ncolour = \"red\""), Some("colour"), "unknown field"),
            (VALID.replace("order = 2", "order = 2\nunlisted = \"yes\""), Some("unlisted"), "true or false"),
            (
                VALID.replace("[[speakers]]\nname = \"Ann\"\naffiliation = \"Acme\"\n\n[[speakers]]\nname = \"Bob\"\n", ""),
                Some("speakers"),
                "at least one",
            ),
            (VALID.replace("[video]\nprovider = \"youtube\"\nid = \"abc_DEF-1\"\n", ""), Some("video"), "missing"),
            (VALID.replace("order = 2", "order = 2\nslides = 1"), Some("slides"), "must be a table"),
            (format!("{}\n[slides]\nprovider = \"slideshare\"\nid = \"x\"\n+++\nBody\n", front_of_valid()), Some("slides.provider"), "unknown provider"),
            (format!("{}\n[slides]\nprovider = \"speakerdeck\"\n+++\nBody\n", front_of_valid()), Some("slides.id"), "missing"),
            (format!("{}\n[slides]\nprovider = \"speakerdeck\"\nid = \"b3833dba\"\n+++\nBody\n", front_of_valid()), Some("slides.id"), "32 hex digits"),
        ];
        for (text, field, message) in cases {
            let e = parse_talk("talks/x.md", &text).expect_err(message);
            assert_eq!(e.file, "talks/x.md");
            assert_eq!(e.field.as_deref(), field, "{e}");
            assert!(e.message.contains(message), "{e} should mention {message}");
            assert!(e.to_string().starts_with("talks/x.md: field `"), "{e}");
        }
    }

    #[test]
    fn structural_errors_name_the_file() {
        for (text, message) in [
            ("no front matter", "must start with a `+++`"),
            ("+++\nslug = \"a\"\n", "not closed"),
            ("+++\nslug = \n+++\n", "not valid TOML"),
        ] {
            let e = parse_talk("talks/y.md", text).unwrap_err();
            assert_eq!(e.field, None);
            assert!(e.to_string().starts_with("talks/y.md: "), "{e}");
            assert!(e.message.contains(message), "{e}");
        }
    }
}
