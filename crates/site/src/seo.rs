//! What search engines read besides the pages: `robots.txt`, `sitemap.xml`, and schema.org
//! JSON-LD describing the evening (an Event holding the talks, speakers as performers).
//!
//! A sitemap must list absolute URLs, so it is written only when the site's address is known
//! (`SITE_URL` at build time); `robots.txt` names it then. The JSON-LD says only what the
//! content says: name, date, venue, city, talks and speakers; nothing is filled in.

use serde_json::{json, Value};

use crate::content::{Content, Talk};
use crate::routes::{talk_path, Route, HOME};

/// `robots.txt`: every page may be crawled; the sitemap's address when there is one.
pub fn robots_txt(site_url: Option<&str>) -> String {
    let mut out = String::from("User-agent: *\nAllow: /\n");
    if let Some(url) = site_url {
        out.push_str(&format!("\nSitemap: {}/sitemap.xml\n", base(url)));
    }
    out
}

/// The pages worth finding: home, the listed talks, the viewer (not the 404 page, nor an
/// unlisted talk).
pub fn indexed_routes(content: &Content) -> Vec<Route> {
    let mut routes = vec![Route::Home];
    routes.extend(content.listed().map(|t| Route::Talk(t.slug.clone())));
    routes.push(Route::Viewer);
    routes
}

/// `sitemap.xml` (sitemaps.org 0.9) of `routes` at `site_url`.
pub fn sitemap_xml(site_url: &str, routes: &[Route]) -> String {
    let urls: String = routes
        .iter()
        .map(|r| {
            format!(
                "  <url><loc>{}</loc></url>\n",
                crate::html::escape(&absolute(site_url, &r.path()))
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{urls}</urlset>\n"
    )
}

/// The `<script type="application/ld+json">` of a page: the evening on the home page, a talk
/// (as part of the evening) on its page; none elsewhere.
pub fn json_ld_script(route: &Route, content: &Content, site_url: Option<&str>) -> Option<String> {
    let data = match route {
        Route::Home => event(content, site_url),
        Route::Talk(slug) => talk_event(content, content.talk(slug)?, site_url),
        Route::Viewer | Route::NotFound => return None,
    };
    // `<` never appears raw, so no text in the data can close the script element.
    let text = data.to_string().replace('<', "\\u003c");
    Some(format!(
        "<script type=\"application/ld+json\">{text}</script>\n"
    ))
}

/// `html` with the page's JSON-LD at the end of its head (unchanged when it has none).
pub fn insert_json_ld(
    html: &str,
    route: &Route,
    content: &Content,
    site_url: Option<&str>,
) -> String {
    match (
        json_ld_script(route, content, site_url),
        html.find("</head>"),
    ) {
        (Some(script), Some(at)) => format!("{}{script}{}", &html[..at], &html[at..]),
        _ => html.to_string(),
    }
}

/// The evening: an Event at the venue, with each listed talk as a sub-event and every speaker
/// as a performer.
pub fn event(content: &Content, site_url: Option<&str>) -> Value {
    let e = &content.event;
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": e.title,
        "description": strip_tags(&e.intro_html),
        "startDate": e.date,
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": place(content),
        "performer": content.listed().flat_map(performers).collect::<Vec<_>>(),
        "subEvent": content.listed().map(|t| talk_data(content, t, site_url)).collect::<Vec<_>>(),
    });
    if let Some(url) = site_url {
        data["url"] = json!(absolute(url, HOME));
    }
    data
}

/// A talk's own page: the talk as an Event, part of the evening.
fn talk_event(content: &Content, t: &Talk, site_url: Option<&str>) -> Value {
    let mut data = talk_data(content, t, site_url);
    data["@context"] = json!("https://schema.org");
    data["superEvent"] = json!({
        "@type": "Event",
        "name": content.event.title,
        "startDate": content.event.date,
        "location": place(content),
    });
    data
}

fn talk_data(content: &Content, t: &Talk, site_url: Option<&str>) -> Value {
    let mut data = json!({
        "@type": "Event",
        "name": t.title,
        "description": t.summary,
        "startDate": content.event.date,
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": place(content),
        "performer": performers(t),
    });
    if let Some(url) = site_url {
        data["url"] = json!(absolute(url, &talk_path(&t.slug)));
    }
    data
}

fn place(content: &Content) -> Value {
    json!({
        "@type": "Place",
        "name": content.event.venue,
        "address": { "@type": "PostalAddress", "addressLocality": content.event.city },
    })
}

fn performers(t: &Talk) -> Vec<Value> {
    t.speakers
        .iter()
        .map(|s| {
            let mut person = json!({ "@type": "Person", "name": s.name });
            if let Some(a) = &s.affiliation {
                person["affiliation"] = json!({ "@type": "Organization", "name": a });
            }
            person
        })
        .collect()
}

fn base(site_url: &str) -> &str {
    site_url.trim_end_matches('/')
}

fn absolute(site_url: &str, path: &str) -> String {
    format!("{}{path}", base(site_url))
}

/// The text of a little rendered Markdown (the event's introduction), for a description.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::tests::{content, talk};

    fn two_talks() -> Content {
        let mut c = content(vec![
            talk("a", 1, false),
            talk("b", 2, false),
            talk("h", 3, true),
        ]);
        c.talks[1].speakers[0].name = "Ben </script> <b>".into();
        c
    }

    #[test]
    fn robots_names_the_sitemap_only_when_the_address_is_known() {
        assert_eq!(robots_txt(None), "User-agent: *\nAllow: /\n");
        assert!(
            robots_txt(Some("https://s.org/")).ends_with("\nSitemap: https://s.org/sitemap.xml\n")
        );
    }

    #[test]
    fn the_sitemap_lists_absolute_urls_of_the_pages_worth_finding() {
        let c = two_talks();
        let xml = sitemap_xml("https://s.org/", &indexed_routes(&c));
        let locs: Vec<&str> = xml
            .split("<loc>")
            .skip(1)
            .map(|s| s.split("</loc>").next().unwrap())
            .collect();
        assert_eq!(
            locs,
            [
                "https://s.org/",
                "https://s.org/talks/a",
                "https://s.org/talks/b",
                "https://s.org/viewer"
            ]
        );
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    }

    #[test]
    fn the_evening_holds_its_listed_talks_with_speakers_as_performers() {
        let c = two_talks();
        let e = event(&c, Some("https://s.org"));
        assert_eq!(e["@type"], "Event");
        assert_eq!(e["startDate"], "2016-06-20");
        assert_eq!(e["location"]["name"], "Heavybit");
        assert_eq!(e["location"]["address"]["addressLocality"], "San Francisco");
        assert_eq!(e["description"], "intro");
        let talks = e["subEvent"].as_array().unwrap();
        assert_eq!(talks.len(), 2, "the unlisted talk is not part of it");
        assert_eq!(talks[0]["name"], "Title a");
        assert_eq!(talks[0]["url"], "https://s.org/talks/a");
        assert_eq!(talks[1]["performer"][0]["name"], "Ben </script> <b>");
        assert_eq!(e["performer"].as_array().unwrap().len(), 2);
        assert_eq!(e["url"], "https://s.org/");
    }

    #[test]
    fn the_script_cannot_be_closed_by_its_data_and_parses_back() {
        let c = two_talks();
        let script = json_ld_script(&Route::Talk("b".into()), &c, None).unwrap();
        let body = script
            .strip_prefix("<script type=\"application/ld+json\">")
            .and_then(|s| s.strip_suffix("</script>\n"))
            .unwrap();
        assert!(!body.contains('<'));
        let data: Value = serde_json::from_str(body).unwrap();
        assert_eq!(data["performer"][0]["name"], "Ben </script> <b>");
        assert_eq!(data["superEvent"]["name"], "GoSF at Heavybit");
        assert!(data.get("url").is_none(), "no address without SITE_URL");
        assert!(json_ld_script(&Route::Viewer, &c, None).is_none());
        let page = insert_json_ld(
            "<head><title>x</title></head><body>",
            &Route::Home,
            &c,
            None,
        );
        assert!(page.starts_with("<head><title>x</title><script type=\"application/ld+json\">{"));
        assert!(page.ends_with("</script>\n</head><body>"));
        assert!(json_ld_script(&Route::Talk("nope".into()), &c, None).is_none());
    }
}
