//! The viewer's state: one struct of signals provided as context. The open trace is shared
//! behind an `Arc` and read with `.with()`, never cloned per read.

use std::sync::Arc;
use viewer_core::palette::{colors_by_first_appearance, Rgb, PALETTE};
use viewer_session::trace_pages::TracePage;
use viewer_session::vocabulary::Vocabulary;
use viewer_session::wire::flag::ERROR;

use leptos::prelude::*;
use viewer_core::bitset::BitSet;
use viewer_core::rows::{visible_rows, visible_rows_filtered, Collapsed, TreeRows};
use viewer_core::share::{ViewState, ViewTab};
use viewer_session::compare::CompareView;
use viewer_session::flame::FlameData;
use viewer_session::library::{LibraryEntry, LibrarySettings};
use viewer_session::protocol::{
    DetailsView, FileSummary, Phase, ShareLinkView, ShareScope, StatsView,
};
use viewer_session::service_map::ServiceMapView;
use viewer_session::share_link::ShareChoice;
use viewer_session::span_table::{SortBy, TableColumn};
use viewer_session::wire::{MatchData, OrderData, ViewData};

/// What `data-app-state` says: tests and benchmarks wait on it, never on sleeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppState {
    Idle,
    Loading,
    Error,
}

impl AppState {
    pub fn as_str(self) -> &'static str {
        match self {
            AppState::Idle => "idle",
            AppState::Loading => "loading",
            AppState::Error => "error",
        }
    }
}

/// One trace ready to draw: the worker's columns and the tree rebuilt from its preorder.
#[derive(Debug)]
pub struct OpenTrace {
    /// Different for every view received (a new trace, or the same one with skew switched):
    /// what per-view caches and row keys are keyed by.
    pub view_id: u64,
    pub data: ViewData,
    pub tree: TreeRows,
    /// Colour per string id (only service ids matter), handed out in tree order.
    service_colors: Vec<Rgb>,
    /// Failed spans among the first `i` of the preorder, for `i` in `0..=spans`: a collapsed
    /// row says how many errors it hides in O(1).
    errors_before: Vec<u32>,
}

impl OpenTrace {
    pub fn new(mut data: ViewData) -> Self {
        // The tree takes the preorder columns over (no copy): nothing else reads them.
        let tree = TreeRows::from_preorder(
            std::mem::take(&mut data.order),
            std::mem::take(&mut data.depth),
            std::mem::take(&mut data.subtree_len),
        )
        // The worker sends trace-core's tree; were it ever inconsistent, show every span flat
        // rather than lose any.
        .unwrap_or_else(|| TreeRows::flat(data.start.len()));
        let service_colors = colors_by_first_appearance(
            tree.order()
                .iter()
                .filter_map(|&span| data.service.get(span as usize).copied()),
            data.strings.len(),
        );
        let errors_before = errors_before(&tree, &data.flags);
        static NEXT_VIEW: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        OpenTrace {
            view_id: NEXT_VIEW.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            data,
            tree,
            service_colors,
            errors_before,
        }
    }

    /// How many failed spans lie below the span at preorder position `pos` (not counting it).
    pub fn errors_below(&self, pos: u32) -> u32 {
        let pos = pos as usize;
        let len = self.tree.subtree_len().get(pos).copied().unwrap_or(1) as usize;
        let at = |i: usize| self.errors_before.get(i).copied().unwrap_or(0);
        at(pos + len).saturating_sub(at(pos + 1))
    }

    /// The colour of a span's service.
    pub fn color(&self, span: u32) -> Rgb {
        self.data
            .service
            .get(span as usize)
            .and_then(|&id| self.service_colors.get(id as usize))
            .copied()
            .unwrap_or(PALETTE[0])
    }

    /// The colour of a service by name (legend, charts): the one its spans are drawn in.
    pub fn service_color(&self, service: &str) -> Rgb {
        self.data
            .services
            .iter()
            .find(|&&id| {
                self.data
                    .strings
                    .get(id as usize)
                    .is_some_and(|s| s == service)
            })
            .and_then(|&id| self.service_colors.get(id as usize))
            .copied()
            .unwrap_or(PALETTE[0])
    }

    /// The span's kind ([`trace_core::SpanKind::code`]).
    pub fn kind(&self, span: u32) -> u8 {
        self.data.kind.get(span as usize).copied().unwrap_or(0)
    }

    pub fn span_count(&self) -> usize {
        self.data.start.len()
    }

    pub fn name(&self, span: u32) -> &str {
        self.string(self.data.name.get(span as usize).copied())
    }

    pub fn service(&self, span: u32) -> &str {
        self.string(self.data.service.get(span as usize).copied())
    }

    fn string(&self, id: Option<u32>) -> &str {
        id.and_then(|i| self.data.strings.get(i as usize))
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn flags(&self, span: u32) -> u8 {
        self.data.flags.get(span as usize).copied().unwrap_or(0)
    }

    pub fn start(&self, span: u32) -> u64 {
        self.data.start.get(span as usize).copied().unwrap_or(0)
    }

    pub fn dur(&self, span: u32) -> u64 {
        self.data.dur.get(span as usize).copied().unwrap_or(0)
    }

    pub fn self_time(&self, span: u32) -> u64 {
        self.data.self_time.get(span as usize).copied().unwrap_or(0)
    }

    /// Time extent of the trace relative to its start.
    pub fn extent(&self) -> (u64, u64) {
        (0, self.data.duration_ns.max(1))
    }
}

/// The visible rows (positions in preorder) of the open trace under its folds and, when only
/// matches are shown, its filter.
fn visible_rows_of(
    open: RwSignal<Option<Arc<OpenTrace>>>,
    collapsed: RwSignal<Collapsed>,
    only_matches: bool,
    matches: RwSignal<Option<Arc<Matches>>>,
) -> Vec<u32> {
    open.with(|open| {
        let Some(open) = open else {
            return Vec::new();
        };
        // Grown as needed: collapsed, a million-span trace shows a handful of rows.
        let mut out = Vec::new();
        collapsed.with(|collapsed| {
            matches.with(|m| match m {
                Some(m) if only_matches && m.error.is_none() && !m.query.trim().is_empty() => {
                    visible_rows_filtered(&open.tree, collapsed, &m.set, &mut out)
                }
                _ => visible_rows(&open.tree, collapsed, &mut out),
            })
        });
        out
    })
}

/// Running count of failed spans along the preorder (see `OpenTrace::errors_below`).
fn errors_before(tree: &TreeRows, flags: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(tree.order().len() + 1);
    let mut count = 0u32;
    out.push(0);
    for &span in tree.order() {
        if flags.get(span as usize).is_some_and(|f| f & ERROR != 0) {
            count += 1;
        }
        out.push(count);
    }
    out
}

/// A trace origin that a link can carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkedOrigin {
    /// A share link's packed trace (`data=`).
    Data(String),
    /// An http(s) URL (`url=`).
    Url(String),
}

#[derive(Clone, Copy)]
pub struct Viewer {
    pub state: RwSignal<AppState>,
    pub progress: RwSignal<Option<(Phase, u64, u64)>>,
    /// The last load's error, shown next to the drop target.
    pub error: RwSignal<Option<String>>,
    pub files: RwSignal<Vec<FileSummary>>,
    /// How many traces the loaded files hold (the list itself stays in the worker).
    pub trace_count: RwSignal<u32>,
    /// The trace list's rows last received: one page of the list in one order.
    pub trace_page: RwSignal<Option<Arc<TracePage>>>,
    pub open: RwSignal<Option<Arc<OpenTrace>>>,
    pub collapsed: RwSignal<Collapsed>,
    /// Visible rows: positions in the tree's preorder, derived from the open trace, the folds
    /// and the filter (never set by hand, so never stale).
    pub rows: Memo<Arc<Vec<u32>>>,
    pub selected: RwSignal<Option<u32>>,
    pub hovered: RwSignal<Option<u32>>,
    pub details: RwSignal<Option<DetailsView>>,
    pub query: RwSignal<String>,
    pub matches: RwSignal<Option<Arc<Matches>>>,
    pub only_matches: RwSignal<bool>,
    /// Visible time window, ns relative to the trace start.
    pub window: RwSignal<(u64, u64)>,
    pub tab: RwSignal<ViewTab>,
    pub stats: RwSignal<Option<Arc<StatsView>>>,
    /// The span table's order: the column and whether it runs largest first.
    pub table_sort: RwSignal<(SortBy, bool)>,
    /// The open trace's spans in that order, from the worker (None until asked for).
    pub table_order: RwSignal<Option<Arc<OrderData>>>,
    /// Attribute columns added to the span table, and their values for the rows seen so far.
    pub table_keys: RwSignal<Vec<String>>,
    pub table_cells: RwSignal<Arc<TableCells>>,
    /// The open trace's merged flame graph, from the worker (None until asked for).
    pub flame: RwSignal<Option<Arc<FlameData>>>,
    /// What the flame graph shows: fractions of its width, left and right.
    pub flame_window: RwSignal<(f64, f64)>,
    /// The open trace's service map, from the worker (None until asked for).
    pub service_map: RwSignal<Option<Arc<ServiceMapView>>>,
    /// The two traces compared (places in the trace list, A then B).
    pub compare_pair: RwSignal<Option<(u32, u32)>>,
    /// Their alignment, from the worker.
    pub compare: RwSignal<Option<Arc<CompareView>>>,
    /// The row of the comparison chosen, and the details of its span on each side.
    pub compare_row: RwSignal<Option<usize>>,
    pub compare_details: RwSignal<[Option<DetailsView>; 2]>,
    /// The open trace's attribute keys, for search suggestions (asked for on first use).
    pub vocabulary: RwSignal<Option<Arc<Vocabulary>>>,
    pub skew: RwSignal<bool>,
    pub critical: RwSignal<bool>,
    pub help_open: RwSignal<bool>,
    /// A row the timeline should scroll into view.
    pub scroll_request: RwSignal<Option<usize>>,
    /// A shared link's view waiting for its trace to be opened (see `url_state`).
    pub link: RwSignal<Option<ViewState>>,
    /// A span id from a link, looked up in the worker.
    pub pending_span: RwSignal<Option<String>>,
    /// The bundled sample that is open, so links to it reopen it.
    pub sample: RwSignal<Option<String>>,
    /// Where the open trace came from when a link can name it again (a share link's data, or
    /// the URL it was fetched from): kept in the address bar so a reload reopens it.
    pub origin: RwSignal<Option<LinkedOrigin>>,
    /// Which part of the trace "Copy link with the trace" carries.
    pub share_choice: RwSignal<ShareChoice>,
    /// The worker's latest answer for that link.
    pub share_link: RwSignal<Option<ShareLinkView>>,
    /// The traces kept in this browser, newest first.
    pub library: RwSignal<Vec<LibraryEntry>>,
    pub library_settings: RwSignal<LibrarySettings>,
    /// The library's first failure, shown once.
    pub library_problem: RwSignal<Option<String>>,
    /// The library id (content hash) of the open file, which links to it carry.
    pub library_id: RwSignal<Option<String>>,
}

/// Values of the span table's attribute columns (`keys`), by span, as the worker sent them.
#[derive(Debug, Default)]
pub struct TableCells {
    pub keys: Vec<String>,
    pub by_span: std::collections::HashMap<u32, Vec<Option<String>>>,
}

impl TableCells {
    /// The value of column `k` for `span`; None when not received yet or absent.
    pub fn get(&self, span: u32, k: usize) -> Option<&str> {
        self.by_span.get(&span)?.get(k)?.as_deref()
    }
}

/// A search result: the matching spans as a list (for navigation) and a set (for drawing).
#[derive(Debug)]
pub struct Matches {
    pub query: String,
    pub spans: Vec<u32>,
    pub set: BitSet,
    pub error: Option<String>,
}

impl Matches {
    pub fn new(m: MatchData, n_spans: usize) -> Self {
        let mut set = BitSet::new(n_spans);
        for &s in &m.spans {
            if (s as usize) < n_spans {
                set.set(s, true);
            }
        }
        Matches {
            query: m.query,
            spans: m.spans,
            set,
            error: m.error,
        }
    }
}

impl Viewer {
    pub fn new() -> Self {
        let open = RwSignal::new(None::<Arc<OpenTrace>>);
        let collapsed = RwSignal::new(Collapsed::new(0));
        let matches = RwSignal::new(None::<Arc<Matches>>);
        let only_matches = RwSignal::new(false);
        let rows = Memo::new(move |_| {
            Arc::new(visible_rows_of(
                open,
                collapsed,
                only_matches.get(),
                matches,
            ))
        });
        Viewer {
            state: RwSignal::new(AppState::Idle),
            progress: RwSignal::new(None),
            error: RwSignal::new(None),
            files: RwSignal::new(Vec::new()),
            trace_count: RwSignal::new(0),
            trace_page: RwSignal::new(None),
            open,
            collapsed,
            rows,
            selected: RwSignal::new(None),
            hovered: RwSignal::new(None),
            details: RwSignal::new(None),
            query: RwSignal::new(String::new()),
            matches,
            only_matches,
            window: RwSignal::new((0, 1)),
            tab: RwSignal::new(ViewTab::Timeline),
            stats: RwSignal::new(None),
            table_sort: RwSignal::new((SortBy::Column(TableColumn::Start), false)),
            table_order: RwSignal::new(None),
            table_keys: RwSignal::new(Vec::new()),
            table_cells: RwSignal::new(Arc::new(TableCells::default())),
            flame: RwSignal::new(None),
            flame_window: RwSignal::new((0.0, 1.0)),
            service_map: RwSignal::new(None),
            compare_pair: RwSignal::new(None),
            compare: RwSignal::new(None),
            compare_row: RwSignal::new(None),
            compare_details: RwSignal::new([None, None]),
            vocabulary: RwSignal::new(None),
            skew: RwSignal::new(false),
            critical: RwSignal::new(false),
            help_open: RwSignal::new(false),
            scroll_request: RwSignal::new(None),
            link: RwSignal::new(None),
            pending_span: RwSignal::new(None),
            sample: RwSignal::new(None),
            origin: RwSignal::new(None),
            share_choice: RwSignal::new(ShareChoice::Whole),
            share_link: RwSignal::new(None),
            library: RwSignal::new(Vec::new()),
            library_settings: RwSignal::new(crate::browser::stored_library_settings()),
            library_problem: RwSignal::new(None),
            library_id: RwSignal::new(None),
        }
    }

    // What the person and the page do to the view. With `Controller` (which talks to the
    // worker) these methods are the only writers of the signals above (`cargo xtask tidy`
    // checks it); components read the signals and call these.

    /// Shows the time window `window` (ns from the trace start).
    pub fn set_window(&self, window: (u64, u64)) {
        self.window.set(window);
    }

    /// Shows the whole trace.
    pub fn reset_zoom(&self) {
        if let Some(extent) = self.open.with_untracked(|o| o.as_ref().map(|o| o.extent())) {
            self.window.set(extent);
        }
    }

    pub fn hover(&self, span: Option<u32>) {
        self.hovered.set(span);
    }

    /// A new load: the traces compared before are gone.
    pub fn forget_comparison(&self) {
        self.compare_pair.set(None);
        self.compare.set(None);
        self.compare_row.set(None);
        self.compare_details.set([None, None]);
    }

    /// What the flame graph shows (fractions of its width).
    pub fn set_flame_window(&self, window: (f64, f64)) {
        self.flame_window.set(window);
    }

    pub fn set_help_open(&self, open: bool) {
        self.help_open.set(open);
    }

    /// Asks the timeline to bring `row` into view; it answers with `None` once done.
    pub fn request_scroll(&self, row: Option<usize>) {
        self.scroll_request.set(row);
    }

    pub fn set_only_matches(&self, on: bool) {
        self.only_matches.set(on);
    }

    pub fn set_critical(&self, on: bool) {
        self.critical.set(on);
    }

    pub fn set_share_choice(&self, choice: ShareChoice) {
        self.share_choice.set(choice);
    }

    /// The page is busy before the worker reports progress (reading the library).
    pub fn start_loading(&self) {
        self.state.set(AppState::Loading);
    }

    /// A failure shown next to the drop target; whatever trace is open stays.
    pub fn show_error(&self, message: String) {
        self.error.set(Some(message));
        self.state.set(AppState::Error);
    }

    /// A message that is not a failure: the view waits for the person.
    pub fn show_notice(&self, message: String) {
        self.error.set(Some(message));
        self.state.set(AppState::Idle);
    }

    pub fn dismiss_error(&self) {
        self.error.set(None);
        if self.state.get_untracked() == AppState::Error {
            self.state.set(AppState::Idle);
        }
    }

    /// A shared link's view that waits for its trace (see `url_state`); None once applied.
    pub fn await_link(&self, link: Option<ViewState>) {
        self.link.set(link);
    }

    pub fn set_library(&self, entries: Vec<LibraryEntry>) {
        self.library.set(entries);
    }

    pub fn set_library_settings(&self, settings: LibrarySettings) {
        self.library_settings.set(settings);
    }

    /// The library's first failure, shown once: the trace itself is open regardless.
    pub fn report_library_problem(&self, message: String) {
        if self.library_problem.with_untracked(Option::is_none) {
            self.library_problem.set(Some(message));
        }
    }

    /// Shows a freshly received trace view; keeps the window and collapse state when it is the
    /// same trace again (skew switched), resets them for a new one or a new load.
    pub fn show_view(&self, open: OpenTrace, new_load: bool) {
        let same_trace = !new_load
            && self.open.with_untracked(|o| {
                o.as_ref().is_some_and(|o| {
                    o.data.trace_id == open.data.trace_id && o.span_count() == open.span_count()
                })
            });
        let open = Arc::new(open);
        if !same_trace {
            self.share_link.set(None);
            self.collapsed.set(Collapsed::new(open.span_count()));
            self.selected.set(None);
            self.details.set(None);
            self.matches.set(None);
            self.stats.set(None);
            self.vocabulary.set(None);
            self.window.set(open.extent());
        } else {
            self.stats.set(None);
        }
        // Skew correction moves start times: the order and the folds are asked for again.
        self.table_order.set(None);
        self.table_cells.set(Arc::new(TableCells::default()));
        self.flame.set(None);
        self.flame_window.set((0.0, 1.0));
        self.service_map.set(None);
        self.open.set(Some(open));
    }

    /// Closes the open trace and shows the list of the loaded files' traces (Back from a
    /// trace chosen in the list). The files stay loaded.
    pub fn close_trace(&self) {
        self.open.set(None);
        self.selected.set(None);
        self.details.set(None);
        self.matches.set(None);
        self.stats.set(None);
        self.table_order.set(None);
        self.flame.set(None);
        self.service_map.set(None);
        self.vocabulary.set(None);
        self.share_link.set(None);
        self.skew.set(false);
        self.state.set(AppState::Idle);
    }

    pub fn toggle_collapse(&self, span: u32) {
        self.collapsed.update(|c| {
            c.toggle(span);
        });
    }

    pub fn set_collapsed(&self, span: u32, collapsed: bool) {
        let changed = self
            .collapsed
            .with_untracked(|c| c.is_collapsed(span) != collapsed);
        if changed {
            self.collapsed.update(|c| c.set(span, collapsed));
        }
    }

    pub fn collapse_all(&self) {
        self.open.with_untracked(|o| {
            if let Some(o) = o {
                self.collapsed.update(|c| c.collapse_all(&o.tree));
            }
        });
    }

    pub fn expand_all(&self) {
        self.collapsed.update(|c| c.expand_all());
    }

    pub fn collapse_to_depth(&self, level: u16) {
        self.open.with_untracked(|o| {
            if let Some(o) = o {
                self.collapsed.update(|c| {
                    c.expand_all();
                    c.collapse_to_depth(&o.tree, level)
                });
            }
        });
    }

    /// The part of the trace chosen for sharing and exporting, or what to do first (tracked).
    /// The filtered part follows the matches the worker last answered, not every keystroke:
    /// the search already waits for typing to pause.
    pub fn chosen_share_scope(&self) -> Result<ShareScope, &'static str> {
        let choice = self.share_choice.get();
        let query = match choice {
            ShareChoice::Filtered => self.matches.with(|m| {
                m.as_ref()
                    .filter(|m| m.error.is_none())
                    .map(|m| m.query.clone())
                    .unwrap_or_default()
            }),
            _ => String::new(),
        };
        choice.scope(self.selected.get(), &query)
    }

    /// Collapses these spans (a link's `fold`), on top of what is collapsed.
    pub fn fold(&self, spans: &[u32]) {
        self.collapsed
            .update(|c| spans.iter().for_each(|&s| c.set(s, true)));
    }

    /// Makes a span visible (expanding its ancestors) and asks the timeline to scroll to it.
    pub fn reveal(&self, span: u32) {
        self.open.with_untracked(|o| {
            if let Some(o) = o {
                self.collapsed.update(|c| c.reveal(&o.tree, span));
            }
        });
        let row = self.open.with_untracked(|o| {
            o.as_ref().and_then(|o| {
                self.rows
                    .with_untracked(|rows| viewer_core::rows::row_of_span(&o.tree, rows, span))
            })
        });
        self.scroll_request.set(row);
    }
}

impl Default for Viewer {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_viewer() -> Viewer {
    expect_context::<Viewer>()
}
