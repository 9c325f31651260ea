//! Packed traces: the compact, versioned binary form that self-contained share links carry.
//!
//! A link holds the trace model, not the original file: the viewer's own model is smaller than
//! any wire format, and a link opens the same way whatever format the trace came from.
//!
//! # Specification, version 1
//!
//! ```text
//! link text  = base64url without padding ( version byte ‖ payload )
//! version    = 1: payload is raw DEFLATE (RFC 1951) of `body`
//! ```
//! Readers must refuse versions they do not know (never guess). A new version may change the
//! compression or the body; version 1 links must keep opening, so this reader stays.
//!
//! Primitives: `uv` = unsigned LEB128 (at most 10 bytes); `sv` = zigzag then `uv`;
//! `bytes` = `uv` length then the bytes; `text` = `bytes` holding UTF-8;
//! `str` = a string-table reference: `uv` 0 then `text` defines the next table entry (entries
//! are numbered from 0 in order of definition), `uv` k > 0 means entry k − 1, which must have
//! been defined earlier in the body.
//!
//! ```text
//! body      = format:u8  trace_id:str  trace_start:sv  n:uv
//!             parent[n] start[n] duration[n] name[n] service[n] flags[n] span_id[n]
//!             odd_ids  record[n]  warnings
//! format    : the file the trace came from: 0 Jaeger, 1 OTLP, 2 Zipkin, 3 Chrome
//! trace_start : ns (Unix epoch, except Chrome's own clock)
//! parent    : uv; 0 = root, else zigzag(i − parent index) for span i (never i itself)
//! start     : uv ns after trace_start
//! duration  : uv ns
//! name, service : str
//! flags     : u8; bits 0-2 kind (0 unspecified, 1 internal, 2 server, 3 client, 4 producer,
//!             5 consumer), bits 3-4 status (0 unset, 1 ok, 2 error), bit 5 follows-from
//!             (the parent does not wait), bit 6 shared (Zipkin server half); bit 7 zero
//! span_id   : 8 bytes big-endian: the id when it is at most 16 hex digits, else 0
//! odd_ids   : uv count, then per entry: uv span-index delta from the previous entry
//!             (first from 0), str id — for ids that are not at most 16 hex digits
//! record    : context attrs events links status_message reported
//! context   : uv; 0 then kvs (resource) and scope defines the next context, k > 0 means
//!             context k − 1 (resource = OTLP resource, Jaeger process, Zipkin endpoint)
//! scope     : u8 0 none | 1 str name | 2 str name str version
//! attrs     : kvs
//! events    : uv count, then per event: sv ns from the span's start, str name, kvs
//! links     : uv count, then per link: u8 kind (0 child_of, 1 follows_from, 2 link, 3 flow),
//!             str trace id, str span id, kvs
//! status_message : u8 0 none | 1 then str
//! reported  : uv count, then per warning: u8 kind, text message — warnings the file itself
//!             wrote on the span (Jaeger `warnings`) and those met decoding its details
//!             (`bad_value`: a value nested too deep to decode)
//! kvs       : uv count, then per pair: str key, value
//! value     : u8 tag then: 0 null | 1 str | 2 false | 3 true | 4 sv int | 5 f64 8 bytes
//!             little-endian | 6 bytes | 7 uv count, values | 8 kvs; nesting at most 32 deep
//! warnings  : uv count, then per warning: u8 kind (`WarningKind::code`), uv span (0 = the
//!             trace, k = span k − 1), text message
//! ```
//! Spans keep their relative order from the trace they were packed from, so span indexes in a
//! link's view state (`fold=`) mean the same span after decoding.
//!
//! Decoding is total and bounded: any input gives a `Trace` or a [`LinkError`]; counts are
//! checked against the bytes left, the body may not decompress past [`MAX_BODY_BYTES`], and
//! every allocation is charged against [`DECODE_BUDGET_BYTES`].

mod bytes;
mod read;
mod values;
mod write;

pub use read::decode;
pub(crate) use read::details;
pub use write::{encode, Packed};

use std::fmt;

/// The version this build writes.
pub const VERSION: u8 = 1;
/// Longest link text accepted for decoding: Chromium and Firefox take URLs of about 2 MB.
pub const MAX_LINK_CHARS: usize = 2_500_000;
/// The most a link body may decompress to.
pub const MAX_BODY_BYTES: usize = 24 << 20;
/// The most decoding a link may allocate, all structures together.
pub const DECODE_BUDGET_BYTES: usize = 64 << 20;
/// Deepest nesting of attribute arrays and maps.
pub(crate) const MAX_VALUE_DEPTH: usize = 32;

/// Why a link could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The scope selects no span.
    Empty,
    /// The link text would exceed `limit` characters; `spans` were in the scope.
    TooBig { limit: usize, spans: u32 },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Empty => f.write_str("no span to put in the link"),
            EncodeError::TooBig { limit, spans } => write!(
                f,
                "{spans} spans make a link longer than {} KB",
                limit / 1000
            ),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Why a link's trace could not be read. Messages say what is wrong and, where it helps, what
/// the person can do.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkError {
    /// No trace data at all.
    Empty,
    /// A character that base64url does not have, at this character position (0-based).
    NotBase64 { position: usize },
    /// Longer than any browser keeps.
    TooLong { chars: usize },
    /// Written by a newer (or unknown) version of the viewer.
    Version { found: u8 },
    /// The compressed data is damaged.
    Decompress { message: String },
    /// The body decompresses past `MAX_BODY_BYTES` (a decompression bomb, or a broken link).
    TooLarge,
    /// The data ends in the middle of `what`.
    Truncated { what: &'static str },
    /// `what` holds a value that cannot be right.
    Corrupt {
        what: &'static str,
        detail: &'static str,
    },
    /// Bytes left after the last field.
    Trailing,
    /// Decoding would allocate more than `DECODE_BUDGET_BYTES`.
    OverBudget,
}

impl LinkError {
    pub(crate) fn corrupt(what: &'static str, detail: &'static str) -> LinkError {
        LinkError::Corrupt { what, detail }
    }
}

const DAMAGED: &str = "the link is damaged; it may have been cut off when it was copied";

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Empty => f.write_str("the link holds no trace data"),
            LinkError::NotBase64 { position } => write!(
                f,
                "the link's trace data has a character that does not belong at position {position}; {DAMAGED}"
            ),
            LinkError::TooLong { chars } => write!(
                f,
                "the link's trace data is {chars} characters long, more than the {MAX_LINK_CHARS} a browser keeps"
            ),
            LinkError::Version { found } => write!(
                f,
                "the link was made by a newer version of this viewer (trace format {found}; this one reads {VERSION}): reload the page to update it"
            ),
            LinkError::Decompress { message } => {
                write!(f, "the link's trace data cannot be decompressed ({message}); {DAMAGED}")
            }
            LinkError::TooLarge => write!(
                f,
                "the link's trace data decompresses to more than {} MB, more than a link can carry; it was refused",
                MAX_BODY_BYTES >> 20
            ),
            LinkError::Truncated { what } => write!(f, "the link's trace data ends inside {what}; {DAMAGED}"),
            LinkError::Corrupt { what, detail } => {
                write!(f, "the link's trace data is invalid: {what}: {detail}; {DAMAGED}")
            }
            LinkError::Trailing => write!(f, "the link's trace data has bytes after its end; {DAMAGED}"),
            LinkError::OverBudget => write!(
                f,
                "the link's trace would need more than {} MB of memory; it was refused",
                DECODE_BUDGET_BYTES >> 20
            ),
        }
    }
}

impl std::error::Error for LinkError {}
