//! The Content-Security-Policy of every page and of the trace worker. Pages carry the policy in
//! a `<meta>` element, so it holds on any host; the `_headers` file (`host_headers`) adds what a
//! `<meta>` cannot say (`frame-ancestors`) and gives the worker its own policy (a worker takes
//! its policy from its script's response, not from the page).
//!
//! Choices:
//! - Scripts: our own files, WebAssembly compilation, and the two inline scripts (the theme
//!   applied before first paint, Trunk's bootstrap) by their SHA-256, computed from the built
//!   `index.html`. No `'unsafe-inline'`.
//! - Styles: our stylesheet only. The app sets styles through the CSSOM (Leptos `style:`
//!   bindings), which a policy does not govern; style attribute strings would be blocked.
//! - The page connects only to its own origin (samples). Trace URLs (`#url=` links, Open from
//!   URL) are fetched by the worker, whose policy allows any http(s) origin: a person can open a
//!   trace from any server, and only when they ask.
//! - Frames: only the players the talks embed (`Content::frame_hosts`: video or slide hosts),
//!   and those only after a click.

use base64::Engine;
use sha2::{Digest, Sha256};

/// `'sha256-…'` source expressions of every inline `<script>` of `html`, in order.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after_open = &rest[open..];
        let Some(tag_end) = after_open.find('>') else {
            break;
        };
        let tag = &after_open[..tag_end];
        let body_and_more = &after_open[tag_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body_and_more.as_bytes()[..close]);
            let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("'sha256-{b64}'"));
        }
        rest = &body_and_more[close + "</script>".len()..];
    }
    hashes
}

/// The pages' policy, allowing the inline scripts with these hashes.
pub fn page_policy(script_hashes: &[String], frame_hosts: &[&str]) -> String {
    let frames = if frame_hosts.is_empty() {
        "'none'".to_string()
    } else {
        frame_hosts.join(" ")
    };
    let scripts = std::iter::once("'self' 'wasm-unsafe-eval'".to_string())
        .chain(script_hashes.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    [
        "default-src 'none'".to_string(),
        format!("script-src {scripts}"),
        "style-src 'self'".into(),
        "img-src 'self' data:".into(),
        "font-src 'self'".into(),
        "connect-src 'self'".into(),
        "worker-src 'self'".into(),
        "manifest-src 'self'".into(),
        format!("frame-src {frames}"),
        "media-src 'self' https:".into(),
        "object-src 'none'".into(),
        "base-uri 'none'".into(),
        "form-action 'none'".into(),
    ]
    .join("; ")
}

/// The trace worker's policy: its own script and wasm, and fetching traces from its origin
/// (samples) or from any http(s) server the person names.
pub fn worker_policy() -> String {
    [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "connect-src 'self' https: http:",
        "base-uri 'none'",
    ]
    .join("; ")
}

/// The `<meta>` element that carries `policy`; it must come before any script in `<head>`.
pub fn meta_tag(policy: &str) -> String {
    format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">")
}

/// `html` with the policy's `<meta>` right after its `<meta charset>` (else after `<head>`), so
/// it precedes every script.
pub fn insert_meta(html: &str, policy: &str) -> String {
    let at = html
        .find("<meta charset")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
        .or_else(|| html.find("<head>").map(|i| i + "<head>".len()))
        .unwrap_or(0);
    format!("{}\n  {}{}", &html[..at], meta_tag(policy), &html[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = "<head><script>alert(1)</script><script src=\"/a.js\"></script>\
                    <script type=\"module\">\nimport x from '/b.js';\n</script></head>";
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 2);
        // `printf 'alert(1)' | openssl dgst -sha256 -binary | base64`
        assert_eq!(
            hashes[0],
            "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
        assert!(inline_script_hashes("<script>unclosed").is_empty());
    }

    #[test]
    fn the_meta_comes_before_any_script() {
        let html = "<html><head>\n<meta charset=\"utf-8\">\n<script>x</script></head></html>";
        let out = insert_meta(html, "default-src 'none'");
        let meta = out
            .find("http-equiv=\"Content-Security-Policy\"")
            .expect("meta");
        assert!(meta < out.find("<script>").expect("script"));
        assert!(out.find("<meta charset").expect("charset") < meta);
    }

    #[test]
    fn the_page_policy_allows_our_scripts_only_and_no_inline_styles() {
        let hosts = [
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ];
        let p = page_policy(&["'sha256-abc='".into()], &hosts);
        assert!(
            p.starts_with("default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-abc='")
        );
        assert!(p.contains("style-src 'self';"));
        assert!(!p.contains("unsafe-inline"));
        assert!(p.contains("frame-src https://www.youtube-nocookie.com https://player.vimeo.com"));
        assert!(p.contains("object-src 'none'; base-uri 'none'; form-action 'none'"));
        assert!(
            page_policy(&[], &[]).contains("frame-src 'none';"),
            "no embeds, no frames"
        );
    }
}
