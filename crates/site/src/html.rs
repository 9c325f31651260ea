//! Writes the per-route HTML files: Trunk's `index.html` with the page's own title, meta
//! description and Open Graph tags, plus a readable copy of the page's text for visitors and
//! crawlers without JavaScript. The app replaces that copy when it starts.

use crate::content::{Content, Talk};
use crate::meta::{page_meta, PageMeta};
use crate::routes::{talk_path, Route, OG_IMAGE, VIEWER};

/// The link-preview card (`public/og-card.png`, made from `public/og-card.html`), the same for
/// every page: the evening and its three talks.
const OG_IMAGE_WIDTH: u32 = 1200;
const OG_IMAGE_HEIGHT: u32 = 630;
const OG_IMAGE_ALT: &str = "GoSF at Heavybit, June 2016: the three talks of the evening";

/// Id of the element holding the no-JavaScript copy of the page; the app removes it on start.
pub const STATIC_PAGE_ID: &str = "static-page";

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, PartialEq, Eq)]
pub struct TemplateError(pub &'static str);

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "index.html template: {}", self.0)
    }
}

impl std::error::Error for TemplateError {}

/// The head tags of a page. `site_url` (e.g. `https://gosf.example.org`) makes `og:url`, the
/// canonical link and the card image absolute; without it they are left out rather than
/// written wrong (link previews need absolute URLs).
pub fn head_tags(meta: &PageMeta, site_name: &str, site_url: Option<&str>) -> String {
    let mut tags = format!(
        "<title>{title}</title>\n\
         <meta name=\"description\" content=\"{desc}\">\n\
         <meta property=\"og:title\" content=\"{title}\">\n\
         <meta property=\"og:description\" content=\"{desc}\">\n\
         <meta property=\"og:type\" content=\"{og_type}\">\n\
         <meta property=\"og:site_name\" content=\"{site}\">\n",
        title = escape(&meta.title),
        desc = escape(&meta.description),
        og_type = meta.og_type,
        site = escape(site_name),
    );
    match site_url {
        Some(site) => {
            let site = site.trim_end_matches('/');
            tags.push_str(&format!(
                "<meta property=\"og:url\" content=\"{u}\">\n<link rel=\"canonical\" href=\"{u}\">\n\
                 <meta property=\"og:image\" content=\"{image}\">\n\
                 <meta property=\"og:image:width\" content=\"{OG_IMAGE_WIDTH}\">\n\
                 <meta property=\"og:image:height\" content=\"{OG_IMAGE_HEIGHT}\">\n\
                 <meta property=\"og:image:alt\" content=\"{alt}\">\n\
                 <meta name=\"twitter:card\" content=\"summary_large_image\">\n",
                u = escape(&format!("{site}{}", meta.path)),
                image = escape(&format!("{site}{OG_IMAGE}")),
                alt = escape(OG_IMAGE_ALT),
            ));
        }
        None => tags.push_str("<meta name=\"twitter:card\" content=\"summary\">\n"),
    }
    tags
}

/// Puts a page's head tags and static copy into Trunk's built `index.html`.
pub fn render_page(
    template: &str,
    route: &Route,
    content: &Content,
    site_url: Option<&str>,
) -> Result<String, TemplateError> {
    let meta = page_meta(route, content);
    let title_start = template
        .find("<title>")
        .ok_or(TemplateError("no <title> element"))?;
    let title_end = template[title_start..]
        .find("</title>")
        .map(|i| title_start + i + "</title>".len())
        .ok_or(TemplateError("<title> is not closed"))?;
    let body_open = template
        .find("<body")
        .and_then(|i| template[i..].find('>').map(|j| i + j + 1))
        .ok_or(TemplateError("no <body> element"))?;
    if body_open < title_end {
        return Err(TemplateError("<body> comes before <title>"));
    }
    let mut out = String::with_capacity(template.len() + 4096);
    out.push_str(&template[..title_start]);
    out.push_str(&head_tags(&meta, &content.event.name, site_url));
    out.push_str(&template[title_end..body_open]);
    out.push_str(&format!(
        "\n<div id=\"{STATIC_PAGE_ID}\" class=\"static-page\">\n{}\n</div>\n",
        static_copy(route, content)
    ));
    out.push_str(&template[body_open..]);
    Ok(out)
}

/// The page's text as plain HTML, readable without scripts or styles. Where styles load, it
/// carries the app's classes so its text is laid out as the app lays it out (the app's first
/// render then paints nothing larger: see `.static-page` in the stylesheet).
pub fn static_copy(route: &Route, content: &Content) -> String {
    let event = &content.event;
    let nav = format!(
        "<nav><a href=\"/\">{}</a> · <a href=\"{VIEWER}\">Trace viewer</a></nav>",
        escape(&event.name)
    );
    let main = match route {
        Route::Home => {
            let cards: String = content
                .listed()
                .map(|t| {
                    format!(
                        "<li><a href=\"{}\">{}</a> — {}<br>{}</li>",
                        talk_path(&t.slug),
                        escape(&t.title),
                        escape(&t.speaker_line()),
                        escape(&t.summary)
                    )
                })
                .collect();
            format!(
                "<section class=\"hero\"><p class=\"eyebrow\">{}</p><h1>{}</h1><div class=\"intro\">{}</div></section><h2>Talks</h2><ul>{cards}</ul>",
                escape(&event.byline()),
                escape(&event.title),
                event.intro_html
            )
        }
        Route::Talk(slug) => match content.talk(slug) {
            Some(t) => talk_copy(t, content),
            None => not_found_copy(),
        },
        Route::Viewer => "<h1>Trace viewer</h1><p>Open Jaeger, OpenTelemetry (OTLP), Zipkin or Chrome trace files as an interactive timeline. The viewer runs in your browser and needs JavaScript and WebAssembly; your files are never uploaded.</p>".to_string(),
        Route::NotFound => not_found_copy(),
    };
    // The app's footer, word for word (on short pages it is the largest text).
    let footer = format!(
        "<footer class=\"site-footer\"><p>Recaps written by us from the <a href=\"{}\">original Heavybit recap</a> and the speakers' public material. The trace viewer runs in your browser: files you open are never uploaded.</p></footer>",
        escape(&event.original_recap)
    );
    format!("{nav}<main>{main}</main>{footer}")
}

fn talk_copy(t: &Talk, content: &Content) -> String {
    let sources: String = content
        .sources_for(t)
        .iter()
        .map(|s| {
            format!(
                "<li><a href=\"{}\">{}</a></li>",
                escape(&s.url),
                escape(&s.title)
            )
        })
        .collect();
    format!(
        "<article class=\"talk\"><header><p class=\"eyebrow\">{}</p><h1>{}</h1><p class=\"speaker\">{}</p></header><div class=\"prose\">{}</div><h2>Sources</h2><ul>{sources}</ul></article>",
        escape(&content.event.byline()),
        escape(&t.title),
        escape(&t.speaker_line()),
        t.body_html,
    )
}

fn not_found_copy() -> String {
    format!(
        "<h1>Page not found</h1><p>There is no page at this address. Try the <a href=\"{}\">home page</a> or the <a href=\"{}\">trace viewer</a>.</p>",
        crate::routes::HOME,
        crate::routes::VIEWER
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::tests::{content, talk};

    const TEMPLATE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>App</title><link rel=\"stylesheet\" href=\"/a.css\"></head><body class=\"x\"><script src=\"/app.js\"></script></body></html>";

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn talk_page_has_its_own_title_og_tags_and_text() {
        let mut t = talk("a", 1, false);
        t.title = "Tom & <Jerry>".into();
        let c = content(vec![t]);
        let html = render_page(
            TEMPLATE,
            &Route::Talk("a".into()),
            &c,
            Some("https://s.org/"),
        )
        .unwrap();
        assert!(
            html.contains("<title>Tom &amp; &lt;Jerry&gt; — A · GoSF 20 June 2016</title>"),
            "{html}"
        );
        assert!(!html.contains("<title>App</title>"));
        assert!(html.contains("<meta property=\"og:title\" content=\"Tom &amp; &lt;Jerry&gt;"));
        assert!(html.contains("<meta property=\"og:type\" content=\"article\">"));
        assert!(html.contains("<meta property=\"og:url\" content=\"https://s.org/talks/a\">"));
        assert!(html.contains("<meta property=\"og:image\" content=\"https://s.org/og-card.png\">"));
        assert!(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
        assert!(html.contains("<meta name=\"description\" content=\"Summary a\">"));
        // The static copy sits inside the body, before the app's script, and carries the recap.
        let body = html.find("<body class=\"x\">").unwrap();
        let copy = html.find("id=\"static-page\"").unwrap();
        assert!(copy > body && copy < html.find("<script").unwrap());
        assert!(html.contains("<p>x</p>"));
    }

    #[test]
    fn og_url_is_omitted_without_site_url() {
        let c = content(vec![]);
        let html = render_page(TEMPLATE, &Route::Home, &c, None).unwrap();
        assert!(!html.contains("og:url"));
        assert!(
            !html.contains("og:image"),
            "a relative image is no use to a preview"
        );
        assert!(html.contains("<meta name=\"twitter:card\" content=\"summary\">"));
        assert!(html.contains("og:description"));
    }

    #[test]
    fn broken_templates_are_errors() {
        let c = content(vec![]);
        assert_eq!(
            render_page("<html><body></body></html>", &Route::Home, &c, None),
            Err(TemplateError("no <title> element"))
        );
        assert_eq!(
            render_page("<title>x", &Route::Home, &c, None),
            Err(TemplateError("<title> is not closed"))
        );
        assert_eq!(
            render_page("<title>x</title>", &Route::Home, &c, None),
            Err(TemplateError("no <body> element"))
        );
    }

    #[test]
    fn home_copy_links_every_listed_talk() {
        let c = content(vec![
            talk("a", 1, false),
            talk("b", 2, false),
            talk("h", 3, true),
        ]);
        let copy = static_copy(&Route::Home, &c);
        assert!(copy.contains("href=\"/talks/a\""));
        assert!(copy.contains("href=\"/talks/b\""));
        assert!(!copy.contains("href=\"/talks/h\""));
    }
}
