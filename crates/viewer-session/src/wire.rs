//! The open trace's drawing columns, sent from the worker to the page as one byte buffer
//! (little-endian, versioned) instead of JSON: a million spans decode in milliseconds and the
//! page never holds a JSON document of the trace.

/// Bits of `ViewData::flags`.
pub mod flag {
    pub const ERROR: u8 = 1;
    /// The span's parent is not in the file: shown as a root.
    pub const ORPHAN: u8 = 2;
    /// Moved by clock-skew correction.
    pub const SKEW_ADJUSTED: u8 = 4;
    /// On the critical path.
    pub const CRITICAL: u8 = 8;
    /// The span has warnings of its own.
    pub const WARNED: u8 = 16;
}

pub const NO_PARENT: u32 = u32::MAX;

/// What the page needs to draw one trace: one entry per span in every column, indexed by span
/// index, plus the tree in preorder (children by start time).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViewData {
    /// Index of this trace in the trace list.
    pub trace: u32,
    pub trace_id: String,
    /// Interned names and services.
    pub strings: Vec<String>,
    /// Start relative to the trace start, ns.
    pub start: Vec<u64>,
    pub dur: Vec<u64>,
    pub self_time: Vec<u64>,
    /// Parent span index or `NO_PARENT`.
    pub parent: Vec<u32>,
    /// Into `strings`.
    pub name: Vec<u32>,
    /// Into `strings`.
    pub service: Vec<u32>,
    /// trace-core `SpanKind` as a small number: 0 unspecified, 1 internal, 2 server, 3 client,
    /// 4 producer, 5 consumer.
    pub kind: Vec<u8>,
    /// `flag::*` bits.
    pub flags: Vec<u8>,
    /// The tree in preorder: span indices, their depth, and the size of their subtree
    /// (including themselves), as `viewer_core::rows::TreeRows` holds them.
    pub order: Vec<u32>,
    pub depth: Vec<u16>,
    pub subtree_len: Vec<u32>,
    /// Service string ids sorted by service name.
    pub services: Vec<u32>,
    pub duration_ns: u64,
    pub start_unix_ns: i64,
    /// The trace's warnings (data-quality panel).
    pub warnings: Vec<crate::protocol::WarningView>,
    /// Whether skew correction is applied in this view.
    pub skew_corrected: bool,
}
