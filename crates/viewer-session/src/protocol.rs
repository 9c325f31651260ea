//! Messages between the page (main thread) and the parsing worker.
//!
//! Small messages travel as JSON text; the two large ones (a trace's drawing columns and a
//! search's match list) travel as bytes (see `wire`) so that the main thread never parses a
//! large JSON document. File bytes never go through the page: the worker reads the `File`
//! objects itself.

use serde::{Deserialize, Serialize};

/// The keys of the `postMessage` envelope, the one place both sides spell them. A message is a
/// plain object holding one of the payload keys below, plus the keys that go with it.
pub mod envelope {
    /// Page -> worker: the request as JSON text (a [`super::Request`]).
    pub const REQUEST: &str = "req";
    /// Page -> worker, with `OpenFiles`: the `File` objects.
    pub const FILES: &str = "files";
    /// Page -> worker, with `OpenPasted`: the pasted text as UTF-8 bytes.
    pub const BYTES: &str = "bytes";
    /// Worker -> page: the worker has started and takes requests.
    pub const READY: &str = "ready";
    /// Worker -> page: the worker panicked; the value is the panic message.
    pub const CRASHED: &str = "crashed";
    /// Worker -> page: a [`super::Response`] as JSON text.
    pub const JSON: &str = "json";
    /// Worker -> page: a trace's drawing columns (`wire::ViewData` bytes).
    pub const VIEW: &str = "view";
    /// Worker -> page: a search's matches (`wire::Matches` bytes).
    pub const MATCHES: &str = "matches";
    /// An `OrderData`: the spans in a span-table order.
    pub const ORDER: &str = "order";
    /// A `FlameData`: the open trace's merged flame graph.
    pub const FLAME: &str = "flame";
    /// Worker -> page: an exported file's bytes, with [`NAME`].
    pub const EXPORT: &str = "export";
    /// The exported file's name.
    pub const NAME: &str = "name";
    /// Worker -> page: a library copy's bytes, with [`ID`] and [`FILE`].
    pub const REMEMBER: &str = "remember";
    /// The library copy's content id.
    pub const ID: &str = "id";
    /// Helper -> importing worker, during `ScanSpans`: a batch of span records.
    pub const RECORDS: &str = "records";
    /// Which loaded file the library copy is of.
    pub const FILE: &str = "file";
}

/// Page -> worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Import files. The `File` objects travel next to this message; the worker reads them.
    /// Several files are merged into one trace list.
    OpenFiles {
        names: Vec<String>,
        /// How many workers parse a big file (the importing one and its helpers); `None`:
        /// as many as the machine has cores but one, and at least two.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parsers: Option<u32>,
    },
    /// Importing worker -> helper worker: parse the span objects of the `File` sent along that
    /// start in `start..end` (`trace_core::SpanScan`); records come back as `RECORDS` batches,
    /// then `Response::Scanned`.
    ScanSpans { start: u64, end: u64 },
    /// Import text the user pasted (sent as UTF-8 bytes next to this message).
    OpenPasted,
    /// Import a bundled sample: the worker fetches it from the site's samples folder
    /// (`site::routes::sample`).
    OpenSample { name: String },
    /// Show one trace of the trace list: answered with `Response::View` (binary).
    SelectTrace { trace: u32 },
    /// Show the trace with this id (a link names traces by id): answered like `SelectTrace`,
    /// or with `Response::Error` when no loaded trace has it.
    SelectTraceById { trace_id: String },
    /// Rows of the trace list in an order: answered with `Response::TracePage`. `sort` is a
    /// `viewer_core::trace_list::SortKey` name; at most `trace_pages::PAGE_ROWS` rows come back.
    TracePage {
        sort: String,
        descending: bool,
        offset: u32,
        limit: u32,
    },
    /// Decode one span of the open trace: answered with `Response::Details`.
    Details { span: u32 },
    /// Find a span of the open trace by its id (a shared link names spans by id): answered
    /// with `Response::Details` of that span, or `Response::Error` when it is not there.
    FindSpan { span_id: String },
    /// Match the filter against the open trace: answered with `Response::Matches` (binary).
    Filter { query: String },
    /// Statistics of the open trace: answered with `Response::Stats`.
    Stats,
    /// Switch clock-skew correction of the open trace: answered with a new `Response::View`.
    SetSkew { on: bool },
    /// Import the trace a share link carries (the fragment's `data=` value): answered like a
    /// load, with `Response::Loaded` or `Response::Failed`.
    OpenLink { data: String },
    /// Fetch a trace file from an http(s) URL and import it. The worker shell fetches (it needs
    /// the browser) and hands the bytes to `Session::import_remote`.
    OpenUrl { url: String },
    /// Pack the open trace, or part of it, into link text: answered with
    /// `Response::ShareLink`. `collapsed` are the spans folded in the view, to be renumbered
    /// for the link.
    ShareLink {
        scope: ShareScope,
        collapsed: Vec<u32>,
    },
    /// Prepare file `file` of the list for the library: answered with its content id and its
    /// bytes in stored form (see `Outgoing::Remember`). `kind` says where it came from.
    Remember {
        file: u32,
        kind: crate::library::SourceKind,
    },
    /// Write the open trace, or part of it, as a file in `format` ("otlp", "jaeger" or
    /// "zipkin"): answered with the file's bytes (see `Outgoing::Export`).
    Export { scope: ShareScope, format: String },
    /// Attribute keys of the open trace, for search suggestions: answered with
    /// `Response::Vocabulary`.
    Vocabulary,
    /// The open trace's spans in the order of a span-table column: answered with an
    /// `OrderData` (binary).
    SortSpans {
        by: crate::span_table::SortBy,
        descending: bool,
    },
    /// The open trace folded into a merged flame graph: answered with a `FlameData` (binary).
    Flame,
    /// The open trace's services and the calls between them: answered with
    /// `Response::ServiceMap`.
    ServiceMap,
    /// Traces `a` and `b` of the list aligned into one tree: answered with `Response::Compare`.
    Compare { a: u32, b: u32 },
    /// One span of trace `trace` of the list (a compared one): answered with
    /// `Response::CompareDetails`.
    CompareDetails { trace: u32, span: u32 },
    /// The span table as CSV, in this order, restricted to the spans `query` matches (all when
    /// empty): answered with the file's bytes (see `Outgoing::Export`).
    ExportTable {
        by: crate::span_table::SortBy,
        descending: bool,
        query: String,
        /// Attribute columns added to the table, written after the fixed ones.
        #[serde(default)]
        keys: Vec<String>,
    },
    /// The values of attribute columns `keys` for `spans` (the table's rows in view): answered
    /// with `Response::TableCells`.
    TableCells { spans: Vec<u32>, keys: Vec<String> },
}

/// Which spans a share link carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareScope {
    /// The whole trace.
    Whole,
    /// A span and everything below it.
    Subtree { span: u32 },
    /// The spans the filter matches, with their ancestors.
    Matches { query: String },
}

/// A share link's trace data, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLinkView {
    pub scope: ShareScope,
    /// Spans the scope selects.
    pub spans: u32,
    /// The `data=` value (base64url) when it fits the limit.
    pub data: Option<String>,
    /// Why there is no data (too big, nothing selected, a bad filter).
    pub problem: Option<String>,
    /// The collapsed spans, numbered as in the link's trace.
    pub fold: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Reading,
    Parsing,
    Indexing,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Reading => "Reading",
            Phase::Parsing => "Parsing",
            Phase::Indexing => "Indexing",
        }
    }
}

/// Worker -> page (JSON). `View` and `Matches` travel as bytes instead (see `wire`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    Progress {
        phase: Phase,
        done: u64,
        total: u64,
    },
    /// The import worked: the files read, and the first page of the trace list (sorted by
    /// start) with the number of traces. More rows come with `Request::TracePage`.
    Loaded {
        files: Vec<FileSummary>,
        list: crate::trace_pages::TracePage,
    },
    /// Nothing could be imported. `message` names the file, the format tried and, where known,
    /// the line and column.
    Failed {
        message: String,
    },
    Details(Box<DetailsView>),
    Stats(Box<StatsView>),
    ServiceMap(Box<crate::service_map::ServiceMapView>),
    Compare(Box<crate::compare::CompareView>),
    TableCells {
        keys: Vec<String>,
        spans: Vec<u32>,
        /// Per span, per key: the value, or None when the span has no such attribute.
        values: Vec<Vec<Option<String>>>,
    },
    CompareDetails {
        trace: u32,
        details: Box<DetailsView>,
    },
    ShareLink(Box<ShareLinkView>),
    Vocabulary(Box<crate::vocabulary::Vocabulary>),
    TracePage(Box<crate::trace_pages::TracePage>),
    /// A helper's scan ended (its records were all sent before).
    Scanned(trace_core::ScanEnd),
    /// A request could not be answered (bad span index, no trace open, ...).
    Error {
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSummary {
    pub name: String,
    /// "jaeger" | "otlp" | "zipkin" | "chrome".
    pub format: String,
    /// Human label, e.g. "Jaeger JSON".
    pub format_label: String,
    pub bytes: u64,
    /// The file's own warnings (not a trace's), by kind and bounded.
    pub warnings: Vec<crate::warning_groups::WarningGroup>,
    /// Traces the file holds (those with spans), and their spans.
    #[serde(default)]
    pub traces: u32,
    #[serde(default)]
    pub spans: u64,
    /// The host it was fetched from, for a file opened from a URL.
    #[serde(default)]
    pub source: Option<String>,
    /// How many workers parsed it (`trace_core::Import::parsed_by`).
    #[serde(default = "one")]
    pub parsed_by: u32,
}

fn one() -> u32 {
    1
}

impl FileSummary {
    /// The name as the header shows it: "trace.json from traces.example" for a fetched file.
    pub fn display_name(&self) -> String {
        match &self.source {
            Some(host) => format!("{} from {host}", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceSummary {
    pub index: u32,
    pub trace_id: String,
    /// Name of the earliest root span.
    pub root_name: String,
    pub root_service: String,
    /// Sorted by name.
    pub services: Vec<String>,
    pub spans: u32,
    pub duration_ns: u64,
    pub errors: u32,
    pub warnings: u32,
    /// Start as Unix epoch nanoseconds (0 when the format has no wall clock, e.g. Chrome).
    pub start_unix_ns: i64,
    /// Index into `Loaded::files`.
    pub file: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarningView {
    /// Stable kind name, e.g. "orphan", "duplicate-id".
    pub kind: String,
    pub message: String,
    pub span: Option<u32>,
}

/// A typed attribute value, as the detail panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ValueView {
    Null,
    Str(String),
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Bytes shown as hex.
    Bytes(String),
    Array(Vec<ValueView>),
    Map(Vec<AttrView>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttrView {
    pub key: String,
    pub value: ValueView,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    /// Offset from the span's start.
    pub offset_ns: i64,
    pub name: String,
    pub attributes: Vec<AttrView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkView {
    /// "child_of" | "follows_from" | "link" | "flow" ...
    pub kind: String,
    pub trace_id: String,
    pub span_id: String,
    /// Index of the target span in the open trace, when it is in the file.
    pub target: Option<u32>,
    pub attributes: Vec<AttrView>,
}

/// Everything the detail panel shows for one span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetailsView {
    pub span: u32,
    pub name: String,
    pub service: String,
    pub kind: String,
    pub status: trace_core::StatusCode,
    pub status_message: Option<String>,
    pub start_offset_ns: u64,
    pub duration_ns: u64,
    pub self_ns: u64,
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub attributes: Vec<AttrView>,
    pub events: Vec<EventView>,
    pub links: Vec<LinkView>,
    pub resource: Vec<AttrView>,
    /// Instrumentation scope: (name, version).
    pub scope: Option<(String, Option<String>)>,
    pub warnings: Vec<WarningView>,
    /// Skew correction applied to this span, in ns, when it is on.
    pub skew_shift_ns: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatRow {
    pub service: String,
    /// None for a per-service row.
    pub operation: Option<String>,
    pub count: u64,
    pub total_ns: u64,
    pub self_ns: u64,
    pub mean_ns: u64,
    pub p50_ns: u64,
    pub p95_ns: u64,
    pub max_ns: u64,
    pub errors: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsView {
    pub services: Vec<StatRow>,
    pub operations: Vec<StatRow>,
    /// Span-duration histogram (log-scale buckets), computed in the worker so the page never
    /// receives one number per span.
    pub histogram: Vec<HistogramBucket>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistogramBucket {
    pub lo_ns: u64,
    pub hi_ns: u64,
    pub count: u64,
}
