//! Writes the per-route HTML files: Trunk's `index.html` with the page's own title, meta
//! description and Open Graph tags, and a body that reads without JavaScript: the recap app's
//! own HTML for the route, rendered at build time and hydrated by the app, or (the viewer) a
//! readable copy that the app replaces when it starts.

use crate::content::Content;
use crate::meta::{page_meta, PageMeta};
use crate::routes::{Route, HOME, OG_IMAGE, VIEWER};

/// The link-preview card (`public/og-card.png`, made from `public/og-card.html`), the same for
/// every page: the evening and its three talks.
const OG_IMAGE_WIDTH: u32 = 1200;
const OG_IMAGE_HEIGHT: u32 = 630;
const OG_IMAGE_ALT: &str = "GoSF at Heavybit, June 2016: the three talks of the evening";

/// Id of the element holding the no-JavaScript copy of the page; the app removes it on start.
pub const STATIC_PAGE_ID: &str = "static-page";

/// Name of the `<meta>` giving the path a page's HTML was rendered for: the app hydrates that
/// HTML only where it would render the same (see `crate::hydration`).
pub const RENDERED_PATH_META: &str = "rendered-path";

/// What a page's `<body>` holds before its app starts.
#[derive(Debug, Clone, Copy)]
pub enum PageBody<'a> {
    /// The app's HTML for the route, rendered at build time by the app's own components (the
    /// recap pages). It must start right after `<body>`: hydration walks the body's children.
    Rendered(&'a str),
    /// A readable copy of the page (`viewer_copy`), which the app replaces when it starts.
    Copy(&'a str),
}

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

/// Puts a page's head tags and body into Trunk's built `index.html`.
pub fn render_page(
    template: &str,
    route: &Route,
    content: &Content,
    site_url: Option<&str>,
    body: PageBody,
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
    if let PageBody::Rendered(_) = body {
        out.push_str(&format!(
            "<meta name=\"{RENDERED_PATH_META}\" content=\"{}\">\n",
            escape(&route.path())
        ));
    }
    out.push_str(&template[title_end..body_open]);
    match body {
        PageBody::Rendered(html) => out.push_str(html),
        PageBody::Copy(copy) => out.push_str(&format!(
            "\n<div id=\"{STATIC_PAGE_ID}\" class=\"static-page\">\n{copy}\n</div>\n"
        )),
    }
    out.push_str(&template[body_open..]);
    Ok(out)
}

/// The viewer page's text as plain HTML, readable without scripts or styles (the recap pages
/// are rendered by their app instead). Where styles load, it carries the app's classes, so its
/// text is laid out as the app lays it out (see `.static-page` in the stylesheet).
pub fn viewer_copy(content: &Content) -> String {
    let event = &content.event;
    let nav = format!(
        "<nav><a href=\"{HOME}\">{}</a> · <a href=\"{VIEWER}\">Trace viewer</a></nav>",
        escape(&event.name)
    );
    let main = "<h1>Trace viewer</h1><p>Open Jaeger, OpenTelemetry (OTLP), Zipkin or Chrome trace files as an interactive timeline. The viewer runs in your browser and needs JavaScript and WebAssembly; your files are never uploaded.</p>";
    // The app's footer, word for word (on short pages it is the largest text).
    let footer = format!(
        "<footer class=\"site-footer\"><p>Recaps written by us from the <a href=\"{}\">original Heavybit recap</a> and the speakers' public material. The trace viewer runs in your browser: files you open are never uploaded.</p></footer>",
        escape(&event.original_recap)
    );
    format!("{nav}<main>{main}</main>{footer}")
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
            PageBody::Rendered("<main><p>x</p></main>"),
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
        // The rendered HTML is the body's first child (hydration starts there), and the head
        // says which path it was rendered for.
        assert!(html.contains("<body class=\"x\"><main><p>x</p></main><script"));
        assert!(html.contains("<meta name=\"rendered-path\" content=\"/talks/a\">"));
        assert!(!html.contains(STATIC_PAGE_ID));
    }

    #[test]
    fn a_copy_is_wrapped_for_the_app_to_remove_and_claims_no_render() {
        let c = content(vec![]);
        let copy = viewer_copy(&c);
        let html = render_page(TEMPLATE, &Route::Viewer, &c, None, PageBody::Copy(&copy)).unwrap();
        let body = html.find("<body class=\"x\">").unwrap();
        let wrapper = html
            .find("<div id=\"static-page\" class=\"static-page\">")
            .unwrap();
        assert!(wrapper > body && wrapper < html.find("<script").unwrap());
        assert!(html.contains("<h1>Trace viewer</h1>"));
        assert!(!html.contains(RENDERED_PATH_META));
    }

    #[test]
    fn og_url_is_omitted_without_site_url() {
        let c = content(vec![]);
        let html = render_page(TEMPLATE, &Route::Home, &c, None, PageBody::Rendered("")).unwrap();
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
            render_page(
                "<html><body></body></html>",
                &Route::Home,
                &c,
                None,
                PageBody::Rendered("")
            ),
            Err(TemplateError("no <title> element"))
        );
        assert_eq!(
            render_page("<title>x", &Route::Home, &c, None, PageBody::Rendered("")),
            Err(TemplateError("<title> is not closed"))
        );
        assert_eq!(
            render_page(
                "<title>x</title>",
                &Route::Home,
                &c,
                None,
                PageBody::Rendered("")
            ),
            Err(TemplateError("no <body> element"))
        );
    }
}
