//! Loads the content folder: `event.toml` and every `*.md` talk, checked as a whole
//! (unique slugs and orders) and sorted for the home page.

use std::path::Path;

use crate::content::{Content, Event, Talk};
use crate::front_matter::{markdown_to_html, parse_talk, ContentError};

/// Reads `dir/event.toml` and `dir/*.md`, plus `*.md` from each of `extra_dirs` (test fixtures).
pub fn load_dirs(dir: &Path, extra_dirs: &[&Path]) -> Result<Content, ContentError> {
    let event_path = dir.join("event.toml");
    let event_file = event_path.display().to_string();
    let event_text = std::fs::read_to_string(&event_path)
        .map_err(|e| error(&event_file, None, format!("cannot read: {e}")))?;
    let event = parse_event(&event_file, &event_text)?;

    let mut talks = Vec::new();
    for d in std::iter::once(dir).chain(extra_dirs.iter().copied()) {
        for path in markdown_files(d)? {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| error(&file, None, format!("cannot read: {e}")))?;
            talks.push((file.clone(), parse_talk(&file, &text)?));
        }
    }
    check_and_sort(event, talks)
}

/// Talks sorted by order then slug; slugs and orders must be unique.
pub fn check_and_sort(
    event: Event,
    mut talks: Vec<(String, Talk)>,
) -> Result<Content, ContentError> {
    talks.sort_by(|(_, a), (_, b)| a.order.cmp(&b.order).then_with(|| a.slug.cmp(&b.slug)));
    for pair in talks.windows(2) {
        let ((_, a), (file, b)) = (&pair[0], &pair[1]);
        if a.order == b.order {
            return Err(error(
                file,
                Some("order"),
                format!("{} is already used by `{}`", b.order, a.slug),
            ));
        }
    }
    for (i, (file, t)) in talks.iter().enumerate() {
        if let Some((_, other)) = talks[..i].iter().find(|(_, o)| o.slug == t.slug) {
            return Err(error(
                file,
                Some("slug"),
                format!(
                    "`{}` is already used by another talk ({})",
                    t.slug, other.title
                ),
            ));
        }
    }
    Ok(Content {
        event,
        talks: talks.into_iter().map(|(_, t)| t).collect(),
    })
}

fn markdown_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, ContentError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        error(
            &dir.display().to_string(),
            None,
            format!("cannot list: {e}"),
        )
    })?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    Ok(files)
}

fn error(file: &str, field: Option<&str>, message: String) -> ContentError {
    ContentError {
        file: file.to_string(),
        field: field.map(str::to_string),
        message,
    }
}

pub fn parse_event(file: &str, text: &str) -> Result<Event, ContentError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        name: String,
        title: String,
        date: String,
        venue: String,
        city: String,
        original_recap: String,
        intro: String,
    }
    let raw: Raw = toml::from_str(text).map_err(|e| {
        // toml names the missing or unknown key in its message.
        error(file, None, format!("invalid event file: {}", e.message()))
    })?;
    let date_ok = raw.date.len() == 10
        && raw.date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !date_ok {
        return Err(error(
            file,
            Some("date"),
            format!("`{}` is not a YYYY-MM-DD date", raw.date),
        ));
    }
    Ok(Event {
        name: raw.name,
        title: raw.title,
        date: raw.date,
        venue: raw.venue,
        city: raw.city,
        original_recap: raw.original_recap,
        intro_html: markdown_to_html(&raw.intro),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::tests::{content, talk};

    #[test]
    fn talks_are_sorted_by_order_then_slug() {
        let event = content(vec![]).event;
        let c = check_and_sort(
            event,
            vec![
                ("c.md".into(), talk("c", 3, false)),
                ("a.md".into(), talk("a", 1, false)),
                ("b.md".into(), talk("b", 2, false)),
            ],
        )
        .unwrap();
        let slugs: Vec<_> = c.talks.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, ["a", "b", "c"]);
    }

    #[test]
    fn duplicate_order_or_slug_is_an_error() {
        let event = content(vec![]).event;
        let e = check_and_sort(
            event.clone(),
            vec![
                ("a.md".into(), talk("a", 1, false)),
                ("b.md".into(), talk("b", 1, false)),
            ],
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("order"));
        assert_eq!(e.file, "b.md");
        let e = check_and_sort(
            event,
            vec![
                ("a.md".into(), talk("a", 1, false)),
                ("b.md".into(), talk("a", 2, false)),
            ],
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("slug"));
    }

    #[test]
    fn event_file_errors() {
        let good = "name = \"GoSF\"\ntitle = \"t\"\ndate = \"2016-06-20\"\nvenue = \"v\"\ncity = \"c\"\noriginal_recap = \"https://x\"\nintro = \"Hello *there*\"\n";
        let e = parse_event("event.toml", good).unwrap();
        assert!(e.intro_html.contains("<em>there</em>"));
        let bad_date = good.replace("2016-06-20", "20/06/2016");
        assert_eq!(
            parse_event("event.toml", &bad_date)
                .unwrap_err()
                .field
                .as_deref(),
            Some("date")
        );
        let missing = good.replace("venue = \"v\"\n", "");
        let e = parse_event("event.toml", &missing).unwrap_err();
        assert!(e.to_string().contains("venue"), "{e}");
    }

    /// The real content folder loads: the site cannot be built otherwise.
    #[test]
    fn project_talks_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../talks");
        let c = load_dirs(&root, &[]).unwrap();
        assert_eq!(
            c.listed().count(),
            c.talks.len(),
            "talks/ holds no unlisted talk"
        );
        assert!(c.talks.len() >= 3);
        let orders: Vec<i64> = c.talks.iter().map(|t| t.order).collect();
        assert!(orders.windows(2).all(|w| w[0] < w[1]));
    }
}
