//! Small helpers for drawing on a 2D canvas at the device's pixel ratio, with the page's theme
//! colours (read from CSS custom properties so light and dark mode need no extra code).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Sizes the canvas backing store to its CSS size (`size`, as a `ResizeObserver` reported it)
/// times the pixel ratio and returns a context whose units are CSS pixels, plus that size. None
/// when the canvas is not laid out yet. Taking the size rather than reading `clientWidth` keeps
/// a draw from forcing a synchronous layout.
pub fn prepare(
    canvas: &HtmlCanvasElement,
    size: (f64, f64),
) -> Option<(CanvasRenderingContext2d, f64, f64)> {
    let (w, h) = size;
    if w <= 0.0 || h <= 0.0 {
        return None;
    }
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let (bw, bh) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != bw {
        canvas.set_width(bw);
    }
    if canvas.height() != bh {
        canvas.set_height(bh);
    }
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w, h);
    Some((ctx, w, h))
}

/// The theme's colours as canvases paint them.
#[derive(Clone, Debug, PartialEq)]
pub struct ThemeColours {
    pub text: String,
    pub muted: String,
    pub border: String,
    pub highlight: String,
    pub error: String,
    pub accent: String,
    pub warn: String,
}

impl ThemeColours {
    fn from_css() -> Self {
        ThemeColours {
            text: css_var("--text", "#1a1f24"),
            muted: css_var("--muted", "#4a5560"),
            border: css_var("--border", "#d0d7de"),
            highlight: css_var("--match", "rgba(255, 200, 0, 0.35)"),
            error: css_var("--error", "#b3261e"),
            accent: css_var("--accent", "#005f86"),
            warn: css_var("--warn", "#8a5a00"),
        }
    }
}

#[derive(Clone, Copy)]
struct SharedThemeColours(Memo<ThemeColours>);

/// Reads the theme's colours once per theme, for every canvas of the viewer. Reading computed
/// style right after the DOM changed forces the browser to recompute style there and then: per
/// draw, that cost more than drawing on a trace's first show and during every pan. The first
/// read happens while the page is idle, before any trace is dropped.
pub fn provide_theme_colours() {
    let colours = colours_memo();
    provide_context(SharedThemeColours(colours));
    crate::browser::when_idle(move || {
        let _ = colours.try_with_untracked(|_| ());
    });
}

/// The viewer's theme colours (a fresh memo outside the viewer, e.g. in component tests).
pub fn use_theme_colours() -> Memo<ThemeColours> {
    match use_context::<SharedThemeColours>() {
        Some(shared) => shared.0,
        None => colours_memo(),
    }
}

fn colours_memo() -> Memo<ThemeColours> {
    let theme = crate::components::theme_toggle::use_theme();
    Memo::new(move |_| {
        theme.track();
        ThemeColours::from_css()
    })
}

/// A theme colour from a CSS custom property (`--text` ...), with a fallback.
fn css_var(name: &str, fallback: &str) -> String {
    web_sys::window()
        .and_then(|w| {
            let root = w.document()?.document_element()?;
            let style = w.get_computed_style(&root).ok()??;
            style.get_property_value(name).ok()
        })
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| fallback.to_string())
}

pub fn rgb(c: [u8; 3]) -> String {
    format!("rgb({},{},{})", c[0], c[1], c[2])
}
