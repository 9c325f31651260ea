//! The meetup site's content model, shared by the build script (which compiles `talks/` into
//! the app), the wasm app (which renders it) and the xtask (which writes one HTML file per route
//! so that link previews and crawlers see each page's own title and text without JavaScript).
//!
//! Pure Rust: no web crate, so all of it is tested natively.

pub mod content;
pub mod html;
pub mod hydration;
pub mod loader;
pub mod meta;
pub mod routes;
pub mod theme;

#[cfg(feature = "markdown")]
pub mod csp;
#[cfg(feature = "markdown")]
pub mod front_matter;
#[cfg(feature = "markdown")]
pub mod host_headers;
#[cfg(feature = "markdown")]
pub mod load;
#[cfg(feature = "markdown")]
pub mod seo;

pub use content::{Content, Event, Slides, Source, Speaker, Talk, Video};
