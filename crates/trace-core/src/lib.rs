//! trace-core: one model for every common trace format, the importers that fill it, and the
//! analyses the viewer shows (tree, self time, critical path, statistics, clock skew).
//! No web dependency: builds natively and for wasm32. See README.md for the design.

pub mod builder;
pub mod critical_path;
pub mod dump;
pub mod export;
pub mod import;
pub mod model;
pub mod packed;
pub mod scope;
pub mod skew;
pub mod source;
pub mod stats;
pub mod time;
pub mod tree;
pub mod warnings;

pub use critical_path::{critical_path, on_critical_path, CriticalSegment};
pub use import::{
    appdash_permalink_payload, expected_speed_up, guess_span_start, helper_targets, import,
    import_as, import_owned, own_share, ErrorKind, Format, Import, ImportError, ReadPlan, ReadStep,
    ReadWhole, ScanEnd, ScannedSpans, SpanScan, StreamImport, SPLICE_COST,
};
pub use model::*;
pub use tree::{self_time, PreorderColumns, Tree};
pub use warnings::Warnings;
