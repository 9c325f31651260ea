//! Presentation logic of the trace viewer, kept free of web crates so it builds and tests
//! natively (and for wasm32): the UI adapts trace-core's columns to the plain inputs here.
//! (plotters itself pulls wasm-bindgen/web-sys on wasm32 only; this crate calls neither.)
//!
//! - [`time_scale`]: the one time <-> pixel scale (durations are written by
//!   `trace_core::time::format_duration`, the one formatter).
//! - [`ticks`]: adaptive ruler ticks.
//! - [`rows`]: the timeline tree as preorder rows, collapse state, visible rows, filter mode.
//! - [`lod`]: level of detail: merge sub-pixel spans per pixel bucket; minimap density.
//! - [`filter`]: the search/filter language (parser, AST, matching, match navigation).
//! - [`share`]: the URL view-state codec, parsed key by key.
//! - [`palette`]: stable service colours and readable label colours.
//! - [`charts`]: plotters charts generic over any `DrawingBackend`.
//! - [`bitset`]: the compact span-index set behind collapse state and filter matches.
//!
//! # How the UI uses it
//! Once per trace: take [`rows::TreeRows`] from the preorder columns the worker sends (the one span
//! tree is `trace_core::Tree`) and build a
//! [`lod::RowIndex`] per layout row. On collapse/filter change (not per frame): recompute the
//! visible rows into a reused `Vec`. Per frame: [`rows::row_range`] picks the rows in the
//! scroll viewport and, for each, [`lod::lod_row_range`] yields at most ~width rects.
//!
//! ```
//! use viewer_core::{filter::Filter, lod, rows, time_scale::TimeScale};
//!
//! // Three spans: 0 is the root of 1 and 2.
//! let parent = [None, Some(0), Some(0)];
//! let start = [0u64, 10, 500];
//! let dur = [1_000u64, 400, 300];
//! // The worker builds the one span tree (trace-core) and sends its preorder columns.
//! let cols = trace_core::Tree::from_parents(&parent, &start.map(|s| s as i64)).preorder_columns();
//! let tree = rows::TreeRows::from_preorder(cols.order, cols.depth, cols.subtree_len).unwrap();
//! let mut collapsed = rows::Collapsed::new(tree.len());
//! let mut visible = Vec::new();
//! rows::visible_rows(&tree, &collapsed, &mut visible);
//! assert_eq!(visible.len(), 3);
//! collapsed.toggle(0);
//! rows::visible_rows(&tree, &collapsed, &mut visible);
//! assert_eq!(visible.len(), 1);
//!
//! // Per frame: rows in the viewport, then draw rects for each row.
//! let scale = TimeScale::new((0, 1_000), 800.0);
//! let in_view = rows::row_range(0.0, 600.0, 20.0, visible.len(), 2);
//! for &pos in &visible[in_view] {
//!     let span = tree.order()[pos as usize] as usize;
//!     let row_spans = [(start[span], dur[span])];
//!     let mut rects = Vec::new();
//!     lod::lod_row(&row_spans, &scale, &mut rects);
//!     assert_eq!(rects.len(), 1);
//! }
//!
//! // Filters parse once per keystroke and report errors with a column.
//! let err = Filter::parse("duration>10xs").unwrap_err();
//! assert_eq!(err.column, 10);
//! ```

pub mod bitset;
pub mod charts;
pub mod detail_text;
pub mod filter;
pub mod flame_layout;
pub mod hidden;
pub mod keymap;
pub mod layered;
pub mod lod;
pub mod minimap;
pub mod navigation;
pub mod palette;
pub mod rows;
pub mod share;
pub mod sort;
pub mod suggest;
pub mod ticks;
pub mod time_scale;
pub mod trace_list;
