//! The worker's state: the imported traces, the open one (with its tree and derived columns),
//! and the answers to the page's requests. Pure Rust so every answer is tested natively; the
//! worker binary only moves bytes in and messages out.

use crate::flame::{self, FlameData};
use crate::library::{self, SourceKind};
use crate::protocol::{
    AttrView, DetailsView, EventView, FileSummary, HistogramBucket, LinkView, Request, Response,
    ShareScope, StatRow, StatsView, TraceSummary, ValueView, WarningView,
};
use crate::remote;
use crate::search_index::{IndexState, Search};
use crate::share_link::{self, CachedLink};
use crate::span_table::{self, SortBy};
use crate::trace_pages::{TraceList, PAGE_ROWS};
use crate::warning_groups::{WarningGroup, WarningGroups};
use crate::wire::{flag, MatchData, OrderData, ViewData, NO_PARENT};
use std::cell::RefCell;
use std::sync::Arc;
use trace_core::export::ExportFormat;
use trace_core::skew::SkewAdjustment;
use trace_core::source::Source;
use trace_core::stats::Stat;
use trace_core::time::Nanos;
use trace_core::{
    Format, Import, ImportError, KeyValue, LinkKind, Trace, Tree, Value, Warning, WarningKind,
    Warnings,
};
use viewer_core::filter::Filter;
use viewer_core::trace_list::SortKey;

/// The largest trace whose search index is built before anybody searches.
pub const BACKGROUND_INDEX_MAX_SPANS: u32 = 2_000_000;

/// How many log-scale buckets the duration histogram gets: enough to show the shape of a
/// latency distribution, few enough to label.
pub const HISTOGRAM_BUCKETS: usize = 24;

/// What the worker sends back for one request: small answers as JSON, the two large ones as
/// bytes (see `wire`).
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    Json(Response),
    /// Boxed: the view is a few hundred bytes of column headers, the others are small.
    View(Box<ViewData>),
    Matches(MatchData),
    /// The spans in a span-table order (`Request::SortSpans`).
    Order(OrderData),
    /// The open trace's merged flame graph (`Request::Flame`); boxed, like the view.
    Flame(Box<FlameData>),
    /// A file written by `Request::Export`: its name and bytes.
    Export {
        name: String,
        bytes: Vec<u8>,
    },
    /// A file of the list prepared for the library: its content id and stored bytes.
    Remember {
        file: u32,
        id: String,
        bytes: Vec<u8>,
    },
}

/// One file's import, ready for [`Session::open_files`].
pub struct FileImport {
    pub name: String,
    /// Its size in bytes, as the user sees it.
    pub size: u64,
    pub result: Result<Import, ImportError>,
    /// Where its details can be read back from (the file itself) instead of kept.
    pub read_back: Option<Arc<dyn Source>>,
}

impl FileImport {
    /// Imports `bytes` whole.
    pub fn whole(name: String, bytes: Vec<u8>, read_back: Option<Arc<dyn Source>>) -> Self {
        let size = bytes.len() as u64;
        let result = trace_core::import_owned(bytes, Some(&name));
        FileImport {
            name,
            size,
            result,
            read_back,
        }
    }
}

/// The worker's state. A failed import leaves it untouched.
#[derive(Default)]
pub struct Session {
    files: Vec<FileSummary>,
    traces: Vec<Trace>,
    /// The traces' summaries, paged out to the list.
    list: TraceList,
    open: Option<Open>,
    /// The last share link made, reused while only the folded spans change.
    link: Option<CachedLink>,
    /// For each trace of the list, the file it came from.
    trace_file: Vec<u32>,
    /// The link text the list was opened from, if it was a share link (the library keeps it).
    opened_link: Option<String>,
}

/// The open trace and everything derived from it once, so details, filters and stats do not
/// rebuild the tree per request.
struct Open {
    index: u32,
    /// The skew-corrected copy, when correction is on.
    skewed: Option<Skewed>,
    /// Tree of the shown trace (the skewed copy when on: child order follows start times).
    tree: Tree,
    self_time: Vec<Nanos>,
    /// Skew found in the trace as imported, while correction is off (shown, not applied).
    detected_skew: Vec<SkewAdjustment>,
    /// What attribute and free-text searches read: built between requests once the trace is
    /// open ([`Session::index_step`]), or by the first search that needs it.
    search: RefCell<IndexState>,
}

struct Skewed {
    trace: Trace,
    adjustments: Vec<SkewAdjustment>,
    /// Per span: moved by the correction (the adjusted span and its whole subtree).
    moved: Vec<bool>,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// The imported traces, in list order.
    pub fn traces(&self) -> &[Trace] {
        &self.traces
    }

    /// Imports `files` (name, bytes) into one trace list. Any file that fails fails the whole
    /// load with a message naming the file; the session then keeps what it had.
    pub fn import(&mut self, files: Vec<(String, Vec<u8>)>) -> Response {
        self.import_reading_back(files, Vec::new())
    }

    /// [`Session::import`], then file k's traces read their details back from `read_back[k]`
    /// (the same file, read by range) when import parsed its bytes as they are: the session
    /// lets go of the bytes, and a big file does not occupy the worker's memory twice (its
    /// bytes and what was built from them) for as long as it is open.
    pub fn import_reading_back(
        &mut self,
        files: Vec<(String, Vec<u8>)>,
        read_back: Vec<Option<Arc<dyn Source>>>,
    ) -> Response {
        let mut read_back = read_back.into_iter();
        let files = files
            .into_iter()
            .map(|(name, bytes)| FileImport::whole(name, bytes, read_back.next().flatten()))
            .collect();
        self.open_files(files)
    }

    /// Makes the traces of `files` (imported whole or streamed) one trace list. Any file that
    /// failed fails the whole load with a message naming the file; the session then keeps what
    /// it had.
    pub fn open_files(&mut self, files: Vec<FileImport>) -> Response {
        let mut summaries = Vec::with_capacity(files.len());
        let mut traces: Vec<Trace> = Vec::new();
        let mut trace_file: Vec<u32> = Vec::new();
        let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
        for (k, file) in files.into_iter().enumerate() {
            let imp = match file.result {
                Ok(imp) => imp,
                Err(e) => {
                    return Response::Failed {
                        message: format!("{}: {e}", display_name(&file.name)),
                    }
                }
            };
            summaries.push(FileSummary {
                name: file.name,
                format: imp.format.as_str().to_string(),
                format_label: imp.format.label().to_string(),
                bytes: file.size,
                warnings: group_views(&imp.warnings),
                source: None,
                // Counted once the traces are known (install).
                traces: 0,
                spans: 0,
                parsed_by: imp.parsed_by,
            });
            let file_source = file.read_back.filter(|_| imp.parsed_the_input_as_is);
            // A trace without spans has nothing to draw: leave it out of the list.
            for mut t in imp.traces.into_iter().filter(|t| !t.is_empty()) {
                if let Some(src) = &file_source {
                    t.set_source(Arc::clone(src));
                }
                traces.push(t);
                trace_file.push(k as u32);
            }
        }
        if traces.is_empty() {
            let what = if names.is_empty() {
                "no file given".to_string()
            } else {
                format!(
                    "{}: the file holds no spans",
                    names
                        .iter()
                        .map(|n| display_name(n))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Response::Failed { message: what };
        }
        self.install(summaries, traces, &trace_file)
    }

    /// Makes `traces` (from the files `files`, trace k from file `trace_file[k]`) the list.
    fn install(
        &mut self,
        files: Vec<FileSummary>,
        traces: Vec<Trace>,
        trace_file: &[u32],
    ) -> Response {
        let summaries: Vec<TraceSummary> = traces
            .iter()
            .zip(trace_file)
            .enumerate()
            .map(|(i, (t, &f))| trace_summary(t, i as u32, f))
            .collect();
        let mut files = files;
        for (k, f) in files.iter_mut().enumerate() {
            let of_file = || summaries.iter().filter(|t| t.file == k as u32);
            f.traces = of_file().count() as u32;
            f.spans = of_file().map(|t| u64::from(t.spans)).sum();
        }
        self.files = files.clone();
        self.traces = traces;
        self.list = TraceList::new(summaries);
        self.trace_file = trace_file.to_vec();
        self.open = None;
        self.link = None;
        self.opened_link = None;
        Response::Loaded {
            files,
            list: self.list.page(SortKey::Start, false, 0, PAGE_ROWS),
        }
    }

    /// Opens the trace a share link carries, as a list of one; a bad link fails like a bad
    /// file, leaving the session as it was.
    pub fn open_link(&mut self, data: &str) -> Response {
        let t = match share_link::open(data) {
            Ok(t) => t,
            Err(message) => return Response::Failed { message },
        };
        let file = FileSummary {
            name: "shared link".to_string(),
            format: t.format().as_str().to_string(),
            format_label: format!("{} (from a shared link)", t.format().label()),
            bytes: data.len() as u64,
            warnings: Vec::new(),
            source: None,
            traces: 0,
            spans: 0,
            parsed_by: 1,
        };
        let answer = self.install(vec![file], vec![t], &[0]);
        self.opened_link = Some(data.to_string());
        answer
    }

    /// File `file` of the list in the form the library stores, with its content id. A link is
    /// kept as its text (already compressed); a file as gzip of what was read.
    pub fn remember(&self, file: u32, kind: SourceKind) -> Result<(String, Vec<u8>), String> {
        let source = self.remembered_source(file, kind)?;
        let bytes = source
            .read_verbatim(0, source.len() as usize)
            .ok_or_else(|| format!("file {file} could not be read back"))?;
        Ok((
            library::content_id(&bytes),
            library::stored_form(&bytes, kind),
        ))
    }

    /// The bytes a library copy of `file` is made of: the file as loaded, or the link's text.
    /// The worker shell compresses them in chunks itself (see `trace_worker.rs`), so a big
    /// file's copy does not hold up the requests behind it.
    pub fn remembered_source(
        &self,
        file: u32,
        kind: SourceKind,
    ) -> Result<Arc<dyn Source>, String> {
        match (&self.opened_link, kind) {
            (Some(text), SourceKind::Link) => Ok(Arc::new(text.as_bytes().to_vec())),
            _ => self
                .trace_file
                .iter()
                .position(|&f| f == file)
                .and_then(|t| self.traces.get(t))
                .map(|t| Arc::clone(t.source()))
                .ok_or_else(|| format!("file {file} has no trace to remember")),
        }
    }

    /// Opens a file fetched from `url` (imported whole or streamed, its details read back from
    /// the body kept as a `Blob`): errors name the URL, the list names the file and the host it
    /// came from.
    pub fn import_remote(&mut self, url: &str, file: FileImport) -> Response {
        let mut answer = self.open_files(vec![FileImport {
            name: url.to_string(),
            ..file
        }]);
        if let Response::Loaded { files, .. } = &mut answer {
            for f in files.iter_mut() {
                f.name = remote::file_name(url);
                f.source = remote::host(url).map(str::to_string);
            }
            self.files = files.clone();
        }
        answer
    }

    /// Link text for the open trace (as imported, never skew-corrected: the receiver can switch
    /// correction on) or for the part `scope` selects.
    pub fn share_link(&mut self, scope: ShareScope, collapsed: &[u32]) -> Response {
        let Some(index) = self.open.as_ref().map(|o| o.index) else {
            return Response::Error {
                message: "no trace is open".to_string(),
            };
        };
        let cached = self
            .link
            .as_ref()
            .is_some_and(|l| l.trace == index && l.scope == scope);
        if !cached {
            let core_scope = self.core_scope(&scope);
            let Some(t) = self.traces.get(index as usize) else {
                return Response::Error {
                    message: "the open trace is gone".to_string(),
                };
            };
            self.link = Some(CachedLink::pack(t, index, scope, core_scope));
        }
        match &self.link {
            Some(l) => Response::ShareLink(Box::new(l.view(collapsed))),
            None => Response::Error {
                message: "no link".to_string(),
            },
        }
    }

    /// Opens trace `trace` of the list (skew correction off) and returns its drawing columns.
    pub fn select(&mut self, trace: u32) -> Result<ViewData, String> {
        let t = self
            .traces
            .get(trace as usize)
            .ok_or_else(|| format!("no trace {trace}: {} loaded", self.traces.len()))?;
        let open = Open::build(trace, t, None);
        let view = view_data(t, &open);
        self.open = Some(open);
        Ok(view)
    }

    /// Switches clock-skew correction of the open trace and returns the new view.
    pub fn set_skew(&mut self, on: bool) -> Result<ViewData, String> {
        let index = self.open.as_ref().ok_or("no trace is open")?.index;
        let original = self
            .traces
            .get(index as usize)
            .ok_or("the open trace is gone")?;
        let skewed = on.then(|| {
            let mut copy = original.clone();
            let tree = Tree::build(&copy);
            let adjustments = trace_core::skew::correct(&mut copy, &tree);
            let mut moved = vec![false; copy.len() as usize];
            for a in &adjustments {
                for s in std::iter::once(a.span).chain(tree.descendants(a.span)) {
                    if let Some(m) = moved.get_mut(s as usize) {
                        *m = true;
                    }
                }
            }
            Skewed {
                trace: copy,
                adjustments,
                moved,
            }
        });
        let open = Open::build(index, original, skewed);
        let shown = open.skewed.as_ref().map_or(original, |s| &s.trace);
        let view = view_data(shown, &open);
        self.open = Some(open);
        Ok(view)
    }

    /// The open trace as shown (skew-corrected when on) and its derived state.
    fn shown(&self) -> Result<(&Trace, &Open), String> {
        let open = self.open.as_ref().ok_or("no trace is open")?;
        let t = match &open.skewed {
            Some(s) => &s.trace,
            None => self
                .traces
                .get(open.index as usize)
                .ok_or("the open trace is gone")?,
        };
        Ok((t, open))
    }

    /// Everything the detail panel shows for span `span` of the open trace.
    pub fn details(&self, span: u32) -> Response {
        match self.details_view(span) {
            Ok(d) => Response::Details(Box::new(d)),
            Err(message) => Response::Error { message },
        }
    }

    /// The details of the span with id `span_id` in the open trace.
    pub fn find_span(&self, span_id: &str) -> Response {
        let found = self
            .shown()
            .ok()
            .and_then(|(t, _)| t.find_span(span_id.trim()));
        match found {
            Some(i) => self.details(i),
            None => Response::Error {
                message: format!("span {span_id} is not in the open trace"),
            },
        }
    }

    fn details_view(&self, i: u32) -> Result<DetailsView, String> {
        let (t, open) = self.shown()?;
        if i >= t.len() {
            return Err(format!("no span {i}: the trace has {} spans", t.len()));
        }
        let self_ns = nonneg(open.self_time.get(i as usize).copied().unwrap_or(0));
        let mut view = span_details_view(t, i, Some(self_ns));
        if let Some(s) = &open.skewed {
            let original = self.traces.get(open.index as usize);
            view.skew_shift_ns =
                Some(original.map_or(0, |o| t.start_ns(i).saturating_sub(o.start_ns(i))));
            view.warnings.extend(
                s.adjustments
                    .iter()
                    .filter(|a| a.span == i)
                    .map(skew_warning),
            );
        }
        Ok(view)
    }

    /// What `scope` selects of the open trace; None for a filter that does not parse.
    fn core_scope(&self, scope: &ShareScope) -> Option<trace_core::scope::Scope> {
        let matches = match scope {
            ShareScope::Matches { query } => {
                let m = self.filter(query);
                m.error.is_none().then_some(m.spans)
            }
            _ => None,
        };
        share_link::core_scope(scope, matches)
    }

    /// The open trace (as imported, not skew-corrected), or the part `scope` selects, written
    /// as a file in `format`: (file name, bytes).
    pub fn export(&self, scope: &ShareScope, format: &str) -> Result<(String, Vec<u8>), String> {
        let to = ExportFormat::parse(format)
            .ok_or_else(|| format!("{format:?} is not a format to export to"))?;
        let index = self.open.as_ref().ok_or("no trace is open")?.index;
        let t = self
            .traces
            .get(index as usize)
            .ok_or("the open trace is gone")?;
        let selected = self
            .core_scope(scope)
            .ok_or("the filter is not valid: nothing to export")?;
        let id = file_safe_id(t.trace_id());
        let part = match scope {
            ShareScope::Whole => "",
            ShareScope::Subtree { .. } => "-subtree",
            ShareScope::Matches { .. } => "-filtered",
        };
        let name = format!("trace-{id}{part}.{}", to.file_extension());
        Ok((
            name,
            trace_core::export::export(t, &selected, to).into_bytes(),
        ))
    }

    /// Matches `query` against the open trace. Matches come in preorder (as drawn).
    /// The shown trace's spans in a span-table order.
    pub fn span_order(&self, by: &SortBy, descending: bool) -> Result<Vec<u32>, String> {
        let (_, open) = self.shown()?;
        self.ordered(open.tree.preorder(), by, descending)
    }

    /// `rows` of the shown trace in the table's order. An attribute column reads the search
    /// index (built now if it is not yet).
    fn ordered(&self, rows: &[u32], by: &SortBy, descending: bool) -> Result<Vec<u32>, String> {
        let (t, open) = self.shown()?;
        Ok(match by {
            SortBy::Column(column) => {
                span_table::order(t, &open.self_time, rows, *column, descending)
            }
            SortBy::Attribute(key) => {
                let index = open.search.borrow_mut().ready(t);
                span_table::order_by_attribute(&index, rows, key, descending)
            }
        })
    }

    /// The span table as CSV: the spans `query` matches (all when empty), in a column's order.
    fn table_csv(
        &self,
        by: &SortBy,
        descending: bool,
        query: &str,
        keys: &[String],
    ) -> Result<(String, Vec<u8>), String> {
        let matches = self.filter(query);
        if let Some(e) = matches.error {
            return Err(format!("the table's filter: {e}"));
        }
        let (t, open) = self.shown()?;
        let rows = self.ordered(&matches.spans, by, descending)?;
        let bytes = span_table::csv(t, &open.self_time, &rows, keys)?;
        Ok((
            format!("trace-{}-spans.csv", file_safe_id(t.trace_id())),
            bytes,
        ))
    }

    pub fn filter(&self, query: &str) -> MatchData {
        let mut out = MatchData {
            query: query.to_string(),
            spans: Vec::new(),
            error: None,
        };
        let f = match Filter::parse(query) {
            Ok(f) => f,
            Err(e) => {
                out.error = Some(e.to_string());
                return out;
            }
        };
        let (t, open) = match self.shown() {
            Ok(x) => x,
            Err(e) => {
                out.error = Some(e);
                return out;
            }
        };
        if f.is_empty() {
            out.spans = open.tree.preorder().to_vec();
            return out;
        }
        let search = Search::new(t, &open.search);
        out.spans = open
            .tree
            .preorder()
            .iter()
            .copied()
            .filter(|&i| f.matches(&search.span(i)))
            .collect();
        out
    }

    /// Indexes up to `spans` more spans of the shown trace for attribute and free-text
    /// search; true while work is left. Traces over [`BACKGROUND_INDEX_MAX_SPANS`] are indexed
    /// only when a search asks (the index of millions of spans is hundreds of megabytes).
    pub fn index_step(&self, spans: u32) -> bool {
        let Ok((t, open)) = self.shown() else {
            return false;
        };
        if t.len() > BACKGROUND_INDEX_MAX_SPANS {
            return false;
        }
        open.search.borrow_mut().step(t, spans)
    }

    /// Per-service and per-operation statistics of the open trace and its duration histogram.
    pub fn stats(&self) -> Response {
        let (t, open) = match self.shown() {
            Ok(x) => x,
            Err(message) => return Response::Error { message },
        };
        let s = trace_core::stats::compute_with_self_time(t, &open.self_time);
        let durations: Vec<u64> = t.spans().map(|i| nonneg(t.duration_ns(i))).collect();
        let histogram = viewer_core::charts::histogram_buckets(&durations, HISTOGRAM_BUCKETS)
            .into_iter()
            .map(|b| HistogramBucket {
                lo_ns: b.lo,
                hi_ns: b.hi,
                count: b.count,
            })
            .collect();
        Response::Stats(Box::new(StatsView {
            services: s
                .services
                .iter()
                .map(|x| stat_row(&x.service, None, &x.stat))
                .collect(),
            operations: s
                .operations
                .iter()
                .map(|x| stat_row(&x.service, Some(&x.operation), &x.stat))
                .collect(),
            histogram,
        }))
    }

    /// Answers one request. Loads (`OpenFiles`, `OpenPasted`, `OpenSample`) need the bytes,
    /// which only the worker shell can get: it calls [`Session::import`] itself.
    pub fn handle(&mut self, req: Request) -> Outgoing {
        let view = |r: Result<ViewData, String>| match r {
            Ok(v) => Outgoing::View(Box::new(v)),
            Err(message) => Outgoing::Json(Response::Error { message }),
        };
        match req {
            Request::OpenFiles { .. }
            | Request::OpenPasted
            | Request::OpenSample { .. }
            | Request::OpenUrl { .. }
            | Request::ScanSpans { .. } => Outgoing::Json(Response::Error {
                message: "a load request needs its bytes: the worker reads them first".to_string(),
            }),
            Request::SelectTrace { trace } => view(self.select(trace)),
            Request::SelectTraceById { trace_id } => match self.list.index_of(&trace_id) {
                Some(trace) => view(self.select(trace)),
                None => Outgoing::Json(Response::Error {
                    message: format!("no loaded trace has the id {trace_id}"),
                }),
            },
            Request::TracePage {
                sort,
                descending,
                offset,
                limit,
            } => Outgoing::Json(match SortKey::parse(&sort) {
                Some(key) => {
                    Response::TracePage(Box::new(self.list.page(key, descending, offset, limit)))
                }
                None => Response::Error {
                    message: format!("no trace list order {sort:?}"),
                },
            }),
            Request::Details { span } => Outgoing::Json(self.details(span)),
            Request::FindSpan { span_id } => Outgoing::Json(self.find_span(&span_id)),
            Request::Filter { query } => Outgoing::Matches(self.filter(&query)),
            Request::Stats => Outgoing::Json(self.stats()),
            Request::Vocabulary => Outgoing::Json(match self.shown() {
                Ok((t, _)) => Response::Vocabulary(Box::new(crate::vocabulary::vocabulary(t))),
                Err(message) => Response::Error { message },
            }),
            Request::SetSkew { on } => view(self.set_skew(on)),
            Request::OpenLink { data } => Outgoing::Json(self.open_link(&data)),
            Request::ShareLink { scope, collapsed } => {
                Outgoing::Json(self.share_link(scope, &collapsed))
            }
            Request::Remember { file, kind } => match self.remember(file, kind) {
                Ok((id, bytes)) => Outgoing::Remember { file, id, bytes },
                Err(message) => Outgoing::Json(Response::Error { message }),
            },
            Request::Export { scope, format } => match self.export(&scope, &format) {
                Ok((name, bytes)) => Outgoing::Export { name, bytes },
                Err(message) => Outgoing::Json(Response::Error { message }),
            },
            // The views beyond the timeline: table, flame graph, service map, comparison.
            other => self.handle_view_request(other),
        }
    }
}

impl Session {
    /// The requests of the views beyond the timeline.
    fn handle_view_request(&mut self, req: Request) -> Outgoing {
        match req {
            Request::SortSpans { by, descending } => match self.span_order(&by, descending) {
                Ok(spans) => Outgoing::Order(OrderData {
                    column: by.name(),
                    descending,
                    spans,
                }),
                Err(message) => Outgoing::Json(Response::Error { message }),
            },
            Request::Compare { a, b } => Outgoing::Json(
                match (self.traces.get(a as usize), self.traces.get(b as usize)) {
                    (Some(ta), Some(tb)) => {
                        Response::Compare(Box::new(crate::compare::compare(ta, tb, a, b)))
                    }
                    _ => Response::Error {
                        message: format!(
                            "no traces {a} and {b} to compare: {} are loaded",
                            self.traces.len()
                        ),
                    },
                },
            ),
            Request::CompareDetails { trace, span } => {
                Outgoing::Json(match self.traces.get(trace as usize) {
                    Some(t) if span < t.len() => Response::CompareDetails {
                        trace,
                        details: Box::new(span_details_view(t, span, None)),
                    },
                    _ => Response::Error {
                        message: format!("no span {span} in trace {trace}"),
                    },
                })
            }
            Request::ServiceMap => Outgoing::Json(match self.shown() {
                Ok((t, open)) => Response::ServiceMap(Box::new(crate::service_map::service_map(
                    t,
                    &open.self_time,
                ))),
                Err(message) => Response::Error { message },
            }),
            Request::Flame => match self.shown() {
                Ok((t, open)) => Outgoing::Flame(Box::new(flame::fold(
                    t,
                    &open.tree,
                    &open.self_time,
                    open.index,
                ))),
                Err(message) => Outgoing::Json(Response::Error { message }),
            },
            Request::TableCells { spans, keys } => Outgoing::Json(match self.shown() {
                Ok((t, _)) => {
                    let spans: Vec<u32> = spans.into_iter().filter(|&i| i < t.len()).collect();
                    let values = span_table::attribute_cells(t, &spans, &keys);
                    Response::TableCells {
                        keys,
                        spans,
                        values,
                    }
                }
                Err(message) => Response::Error { message },
            }),
            Request::ExportTable {
                by,
                descending,
                query,
                keys,
            } => match self.table_csv(&by, descending, &query, &keys) {
                Ok((name, bytes)) => Outgoing::Export { name, bytes },
                Err(message) => Outgoing::Json(Response::Error { message }),
            },
            other => Outgoing::Json(Response::Error {
                message: format!("not a request for a view: {other:?}"),
            }),
        }
    }
}

impl Open {
    fn build(index: u32, original: &Trace, skewed: Option<Skewed>) -> Open {
        let t = skewed.as_ref().map_or(original, |s| &s.trace);
        let tree = Tree::build(t);
        let self_time = trace_core::self_time(t, &tree);
        let detected_skew = match skewed {
            Some(_) => Vec::new(),
            None => trace_core::skew::detect(t, &tree),
        };
        Open {
            index,
            skewed,
            tree,
            self_time,
            detected_skew,
            search: RefCell::default(),
        }
    }
}

/// The drawing columns of `t` (the shown trace) with the derived state in `open`.
fn view_data(t: &Trace, open: &Open) -> ViewData {
    let n = t.len() as usize;
    let preorder = open.tree.preorder_columns();
    // Re-intern names and services densely: trace-core's string table also holds keys and
    // ids the page never needs. A flat remap table (not a hash map) keeps this O(n).
    let max_id = t
        .spans()
        .map(|i| t.name_id(i).max(t.service_id(i)))
        .max()
        .unwrap_or(0) as usize;
    let mut remap: Vec<Option<u32>> = vec![None; max_id + 1];
    let mut strings: Vec<String> = Vec::new();
    let mut intern = |id: u32| -> u32 {
        match remap.get_mut(id as usize) {
            Some(Some(dense)) => *dense,
            Some(slot) => {
                let dense = strings.len() as u32;
                strings.push(t.string(id).to_string());
                *slot = Some(dense);
                dense
            }
            None => 0,
        }
    };
    let mut name = Vec::with_capacity(n);
    let mut service = Vec::with_capacity(n);
    for i in t.spans() {
        name.push(intern(t.name_id(i)));
        service.push(intern(t.service_id(i)));
    }
    let mut services: Vec<u32> = service.clone();
    services.sort_unstable();
    services.dedup();
    services.sort_by(|a, b| {
        let s = |x: &u32| strings.get(*x as usize).map_or("", String::as_str);
        s(a).cmp(s(b))
    });

    let critical = trace_core::on_critical_path(t, &open.tree);
    let mut flags = vec![0u8; n];
    for i in t.spans() {
        let f = &mut flags[i as usize];
        if t.is_error(i) {
            *f |= flag::ERROR;
        }
        if critical.get(i as usize).copied().unwrap_or(false) {
            *f |= flag::CRITICAL;
        }
    }
    for w in t.warnings() {
        if let Some(f) = w.span.and_then(|s| flags.get_mut(s as usize)) {
            *f |= flag::WARNED;
            if w.kind == WarningKind::Orphan {
                *f |= flag::ORPHAN;
            }
        }
    }
    let mut warnings = WarningGroups::new();
    add_warnings(&mut warnings, t.warnings(), t.warning_counts());
    if let Some(s) = &open.skewed {
        for (f, &m) in flags.iter_mut().zip(&s.moved) {
            if m {
                *f |= flag::SKEW_ADJUSTED;
            }
        }
        for a in &s.adjustments {
            warnings.add_view(skew_warning(a));
        }
    }
    for a in &open.detected_skew {
        if let Some(f) = flags.get_mut(a.span as usize) {
            *f |= flag::SKEW_DETECTED;
        }
        warnings.add_view(detected_skew_warning(a));
    }
    let warnings = warnings.finish();

    let mut view = ViewData {
        trace: open.index,
        trace_id: t.trace_id().to_string(),
        strings,
        start: t
            .spans()
            .map(|i| rel(t.start_ns(i), t.trace_start_ns()))
            .collect(),
        dur: t.spans().map(|i| nonneg(t.duration_ns(i))).collect(),
        self_time: open.self_time.iter().map(|&s| nonneg(s)).collect(),
        parent: t
            .spans()
            .map(|i| t.parent(i).unwrap_or(NO_PARENT))
            .collect(),
        name,
        service,
        kind: t.spans().map(|i| t.kind(i).code()).collect(),
        flags,
        order: preorder.order,
        depth: preorder.depth,
        subtree_len: preorder.subtree_len,
        services,
        duration_ns: nonneg(t.trace_duration_ns()),
        start_unix_ns: start_unix(t),
        warnings,
        skew_corrected: open.skewed.is_some(),
        minimap: Vec::new(),
    };
    // The density of the columns just made, over the extent the page draws.
    view.minimap = viewer_core::minimap::bins(
        view.start.iter().copied().zip(view.dur.iter().copied()),
        (0, view.duration_ns.max(1)),
    );
    view
}

fn attrs(kvs: &[KeyValue]) -> Vec<AttrView> {
    kvs.iter()
        .map(|kv| AttrView {
            key: kv.key.clone(),
            value: value_view(&kv.value),
        })
        .collect()
}

fn value_view(v: &Value) -> ValueView {
    match v {
        Value::Null => ValueView::Null,
        Value::Str(s) => ValueView::Str(s.clone()),
        Value::Bool(b) => ValueView::Bool(*b),
        Value::Int(i) => ValueView::Int(*i),
        Value::Float(x) => ValueView::Float(*x),
        Value::Bytes(b) => ValueView::Bytes(b.iter().map(|x| format!("{x:02x}")).collect()),
        Value::Array(a) => ValueView::Array(a.iter().map(value_view).collect()),
        Value::Map(m) => ValueView::Map(attrs(m)),
    }
}

/// trace-core's kind names are snake_case; the page's contract is kebab-case.
fn kind_name(w: &Warning) -> String {
    w.kind.as_str().replace('_', "-")
}

fn warning_view(w: &Warning) -> WarningView {
    WarningView {
        kind: kind_name(w),
        message: w.message.clone(),
        span: w.span,
    }
}

/// A file's warnings, grouped by kind and bounded for the page.
fn group_views(all: &Warnings) -> Vec<WarningGroup> {
    let mut groups = WarningGroups::new();
    add_warnings(&mut groups, all, all.counts());
    groups.finish()
}

/// Adds trace-core's warnings to `groups`: the kept ones as examples, then the count of those
/// whose text was not kept.
fn add_warnings(groups: &mut WarningGroups, kept: &[Warning], counts: &[(WarningKind, u64)]) {
    for w in kept {
        groups.add(&kind_name(w), || warning_view(w));
    }
    for &(kind, total) in counts {
        let shown = kept.iter().filter(|w| w.kind == kind).count() as u64;
        groups.count_more(
            &kind.as_str().replace('_', "-"),
            total.saturating_sub(shown),
        );
    }
}

fn detected_skew_warning(a: &SkewAdjustment) -> WarningView {
    WarningView {
        kind: "clock-skew".to_string(),
        message: format!("{} (turn on clock-skew correction to apply it)", a.reason),
        span: Some(a.span),
    }
}

fn skew_warning(a: &SkewAdjustment) -> WarningView {
    WarningView {
        kind: "skew-adjusted".to_string(),
        message: a.reason.clone(),
        span: Some(a.span),
    }
}

fn stat_row(service: &str, operation: Option<&str>, s: &Stat) -> StatRow {
    StatRow {
        service: service.to_string(),
        operation: operation.map(str::to_string),
        count: s.count,
        total_ns: nonneg(s.total_ns),
        self_ns: nonneg(s.self_ns),
        mean_ns: nonneg(s.mean_ns),
        p50_ns: nonneg(s.p50_ns),
        p95_ns: nonneg(s.p95_ns),
        max_ns: nonneg(s.max_ns),
        errors: s.errors,
    }
}

fn trace_summary(t: &Trace, index: u32, file: u32) -> TraceSummary {
    // The earliest root (ties: lowest index), as the tree would order roots.
    let root = t
        .spans()
        .filter(|&i| t.parent(i).is_none())
        .min_by_key(|&i| (t.start_ns(i), i))
        .or_else(|| t.spans().min_by_key(|&i| (t.start_ns(i), i)));
    let mut services: Vec<String> = t.services().into_iter().map(str::to_string).collect();
    services.sort();
    services.dedup();
    TraceSummary {
        index,
        trace_id: t.trace_id().to_string(),
        root_name: root.map_or_else(String::new, |r| t.name(r).to_string()),
        root_service: root.map_or_else(String::new, |r| t.service(r).to_string()),
        services,
        spans: t.len(),
        duration_ns: nonneg(t.trace_duration_ns()),
        errors: t.error_count() as u32,
        warnings: u32::try_from(t.warning_total()).unwrap_or(u32::MAX),
        start_unix_ns: start_unix(t),
        file,
    }
}

/// Chrome timestamps count from an arbitrary origin (process start), not the Unix epoch.
fn start_unix(t: &Trace) -> i64 {
    match t.format() {
        Format::Chrome => 0,
        _ => t.trace_start_ns(),
    }
}

pub(crate) fn nonneg(x: Nanos) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

fn rel(x: Nanos, origin: Nanos) -> u64 {
    nonneg(x.saturating_sub(origin))
}

/// Everything the detail panel shows of span `i` of `t` (`self_ns` when known), without skew
/// correction.
fn span_details_view(t: &Trace, i: u32, self_ns: Option<u64>) -> DetailsView {
    let d = t.span_details(i);
    let parent_span_id = match t.parent(i) {
        Some(p) => Some(t.span_id(p)),
        // An orphan still names its parent through its reference, which the viewer shows
        // so the user can look for it in another file.
        None => d
            .links
            .iter()
            .find(|l| l.kind == LinkKind::ChildOf)
            .map(|l| l.span_id.clone()),
    };
    let warnings: Vec<WarningView> = d.warnings.iter().map(warning_view).collect();
    DetailsView {
        span: i,
        name: t.name(i).to_string(),
        service: t.service(i).to_string(),
        kind: t.kind(i).as_str().to_string(),
        status: t.status(i),
        status_message: d.status_message.clone(),
        start_offset_ns: rel(t.start_ns(i), t.trace_start_ns()),
        duration_ns: nonneg(t.duration_ns(i)),
        self_ns: self_ns.unwrap_or(0),
        trace_id: t.trace_id().to_string(),
        span_id: t.span_id(i),
        parent_span_id,
        attributes: attrs(&d.attributes),
        events: d
            .events
            .iter()
            .map(|e| EventView {
                offset_ns: e.offset_ns,
                name: e.name.clone(),
                attributes: attrs(&e.attributes),
            })
            .collect(),
        links: d
            .links
            .iter()
            .map(|l| LinkView {
                kind: l.kind.as_str().to_string(),
                trace_id: l.trace_id.clone(),
                span_id: l.span_id.clone(),
                target: l.target,
                attributes: attrs(&l.attributes),
            })
            .collect(),
        resource: attrs(&d.resource),
        scope: d
            .scope
            .as_ref()
            .map(|s| (s.name.clone(), s.version.clone())),
        warnings,
        skew_shift_ns: None,
    }
}

/// A trace id as part of a file name: its first 16 letters and digits.
fn file_safe_id(trace_id: &str) -> String {
    trace_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect()
}

/// File names come from the user's disk: keep messages readable when one is empty.
fn display_name(name: &str) -> &str {
    if name.is_empty() {
        "(unnamed file)"
    } else {
        name
    }
}

/// What the page says when a file cannot even be read into the worker's memory.
pub fn too_large_to_open(name: &str, bytes: u64) -> String {
    let size = if bytes >= 1_000_000_000 {
        format!("{:.1} GB", bytes as f64 / 1e9)
    } else {
        format!("{} MB", bytes / 1_000_000)
    };
    format!(
        "{}: {size} is more than this browser tab can hold: its WebAssembly memory stops at 4 GB, \
         and the trace built from a file needs about half as much again (files up to about 2 GB \
         open). Split the file, or export fewer traces into it",
        display_name(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_too_large_is_named_with_its_size_and_what_to_do() {
        let m = too_large_to_open("big.json", 4_103_170_445);
        assert!(m.starts_with("big.json: 4.1 GB is more than"), "{m}");
        assert!(m.contains("Split the file"), "{m}");
        assert!(too_large_to_open("", 900_000_000).starts_with("(unnamed file): 900 MB"));
    }
}
