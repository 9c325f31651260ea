//! Presentation logic of the trace viewer, kept free of web crates so it builds and tests
//! natively (and for wasm32): the UI adapts trace-core's columns to the plain inputs here.
//!
//! - [`time_scale`]: the one time <-> pixel scale, and `format_duration`.
//! - [`ticks`]: adaptive ruler ticks.
//! - [`rows`]: the timeline tree as preorder rows, collapse state, visible rows, filter mode.
//! - [`lod`]: level of detail: merge sub-pixel spans per pixel bucket; minimap density.
//! - [`filter`]: the search/filter language (parser, AST, matching, match navigation).
//! - [`share`]: the URL view-state codec, parsed key by key.
//! - [`palette`]: stable service colours and readable label colours.
//! - [`charts`]: plotters charts generic over any `DrawingBackend`.

pub mod bitset;
pub mod charts;
pub mod filter;
pub mod lod;
pub mod palette;
pub mod rows;
pub mod share;
pub mod ticks;
pub mod time_scale;
