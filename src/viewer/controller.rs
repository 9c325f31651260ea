//! Connects the viewer state to the parsing worker: user intents become requests, worker
//! events become state. The only place that talks to `WorkerClient`.

use std::sync::Arc;

use leptos::prelude::*;
use viewer_core::share::ViewTab;
use viewer_core::trace_list::SortKey;
use viewer_session::compare::CompareView;
use viewer_session::flame::FlameData;
use viewer_session::library::{LibraryEntry, SourceKind};
use viewer_session::protocol::{DetailsView, FileSummary, Request, Response, ShareScope};
use viewer_session::span_table::{SortBy, TableColumn};
use viewer_session::wire::{OrderData, ViewData};

use crate::viewer::library;
use crate::viewer::state::{AppState, LinkedOrigin, Matches, OpenTrace, TableCells, Viewer};
use crate::worker_client::{WorkerClient, WorkerEvent};

/// How long typing must pause before a search is sent to the worker.
const SEARCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(150);

#[derive(Clone, Copy)]
pub struct Controller {
    viewer: Viewer,
    client: StoredValue<Option<WorkerClient>, LocalStorage>,
    /// Where the load under way comes from, when a link can name it: it becomes
    /// `Viewer::origin` only once the load works, so a bad link leaves the open trace's address
    /// alone.
    loading_origin: StoredValue<Option<LinkedOrigin>>,
    /// What the library records of the load under way (None: not kept, e.g. a sample).
    loading_kind: StoredValue<Option<SourceKind>>,
    /// Library entries of the last load, waiting for the worker's bytes.
    pending: StoredValue<library::Pending>,
    /// The next view comes from a new load: it starts afresh even when it shows the trace
    /// already open (the same file dropped again).
    next_view_is_new: StoredValue<bool>,
}

impl Controller {
    pub fn new(viewer: Viewer) -> Self {
        let controller = Controller {
            viewer,
            client: StoredValue::new_local(None),
            loading_origin: StoredValue::new(None),
            loading_kind: StoredValue::new(None),
            pending: StoredValue::new(Default::default()),
            next_view_is_new: StoredValue::new(false),
        };
        let client = WorkerClient::new(site::routes::WORKER_SCRIPT, move |event| {
            controller.handle(event)
        });
        // The first drop finds a worker whose wasm is already compiled.
        client.prewarm_when_idle();
        controller.client.set_value(Some(client));
        controller
    }

    fn with_client(&self, f: impl FnOnce(&WorkerClient)) {
        self.client.with_value(|c| {
            if let Some(c) = c {
                f(c)
            }
        });
    }

    fn start_loading(&self) {
        self.viewer.state.set(AppState::Loading);
        self.viewer.progress.set(None);
        self.loading_origin.set_value(None);
        self.loading_kind.set_value(None);
    }

    pub fn open_files(&self, files: Vec<web_sys::File>) {
        if files.is_empty() {
            return;
        }
        self.viewer.sample.set(None);
        self.start_loading();
        self.loading_kind.set_value(Some(SourceKind::File));
        self.with_client(|c| c.open_files(files));
    }

    /// Reopens a file from the library, keeping where it first came from.
    pub fn open_remembered(&self, file: web_sys::File, kind: SourceKind, url: Option<String>) {
        self.viewer.sample.set(None);
        self.start_loading();
        self.loading_kind.set_value(Some(kind));
        self.loading_origin.set_value(url.map(LinkedOrigin::Url));
        self.with_client(|c| c.open_files(vec![file]));
    }

    pub fn open_pasted(&self, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.viewer.sample.set(None);
        self.start_loading();
        self.loading_kind.set_value(Some(SourceKind::Paste));
        self.with_client(|c| c.open_pasted(text));
    }

    pub fn open_sample(&self, name: &str) {
        self.viewer.sample.set(Some(name.to_string()));
        self.start_loading();
        self.with_client(|c| c.open_sample(name));
    }

    /// Opens the trace a share link carries.
    pub fn open_link(&self, data: &str) {
        self.viewer.sample.set(None);
        self.start_loading();
        self.loading_origin
            .set_value(Some(LinkedOrigin::Data(data.to_string())));
        self.loading_kind.set_value(Some(SourceKind::Link));
        self.with_client(|c| c.open_link(data));
    }

    /// Fetches a trace from an http(s) URL (in the worker, with progress and cancel).
    pub fn open_url(&self, url: &str) {
        self.viewer.sample.set(None);
        self.start_loading();
        self.loading_origin
            .set_value(Some(LinkedOrigin::Url(url.to_string())));
        self.loading_kind.set_value(Some(SourceKind::Url));
        self.with_client(|c| c.open_url(url));
    }

    /// Asks the worker for the open trace's link data (answered with `Response::ShareLink`).
    pub fn share_link(&self, scope: ShareScope, collapsed: Vec<u32>) {
        self.with_client(|c| c.send(Request::ShareLink { scope, collapsed }));
    }

    /// Asks the worker to write the open trace (or part of it) as a file to download.
    pub fn export(&self, scope: ShareScope, format: &str) {
        let format = format.to_string();
        self.with_client(|c| c.send(Request::Export { scope, format }));
    }

    pub fn cancel(&self) {
        self.with_client(|c| c.cancel());
        self.viewer.progress.set(None);
        self.viewer.state.set(AppState::Idle);
    }

    pub fn select_trace(&self, trace: u32) {
        self.viewer.state.set(AppState::Loading);
        self.viewer.skew.set(false);
        self.with_client(|c| c.send(Request::SelectTrace { trace }));
    }

    /// Shows the loaded trace with this id; the worker says so when no loaded trace has it.
    pub fn select_trace_by_id(&self, trace_id: String) {
        self.viewer.state.set(AppState::Loading);
        self.viewer.skew.set(false);
        self.with_client(|c| c.send(Request::SelectTraceById { trace_id }));
    }

    /// Asks for rows of the trace list in an order (answered with a `TracePage`).
    pub fn trace_page(&self, sort: SortKey, descending: bool, offset: u32, limit: u32) {
        self.with_client(|c| {
            c.send(Request::TracePage {
                sort: sort.as_str().to_string(),
                descending,
                offset,
                limit,
            })
        });
    }

    pub fn select_span(&self, span: Option<u32>) {
        self.viewer.selected.set(span);
        match span {
            Some(span) => self.with_client(|c| c.send(Request::Details { span })),
            None => self.viewer.details.set(None),
        }
    }

    /// Selects the span with this id once the worker has found it (links name spans by id).
    pub fn find_span(&self, span_id: String) {
        self.viewer.pending_span.set(Some(span_id.clone()));
        self.with_client(|c| c.send(Request::FindSpan { span_id }));
    }

    pub fn filter(&self, query: String) {
        self.viewer.query.set(query.clone());
        if query.trim().is_empty() {
            self.viewer.matches.set(None);
            return;
        }
        // Sent once typing pauses: a search over a million spans takes seconds in the worker,
        // and every keystroke would otherwise queue one.
        let controller = *self;
        set_timeout(
            move || {
                if controller.viewer.query.get_untracked() == query {
                    controller.with_client(|c| c.send(Request::Filter { query }));
                }
            },
            SEARCH_PAUSE,
        );
    }

    /// Asks for the open trace's attribute keys (search suggestions), once per trace.
    pub fn request_vocabulary(&self) {
        let missing = self.viewer.vocabulary.with_untracked(Option::is_none);
        let open = self.viewer.open.with_untracked(Option::is_some);
        if missing && open {
            self.with_client(|c| c.send(Request::Vocabulary));
        }
    }

    pub fn show_tab(&self, tab: ViewTab) {
        self.viewer.tab.set(tab);
        self.request_what_the_tab_shows();
    }

    /// Statistics and the span table's order are computed by the worker when first shown.
    fn request_what_the_tab_shows(&self) {
        let viewer = self.viewer;
        if viewer.open.with_untracked(Option::is_none) {
            return;
        }
        match viewer.tab.get_untracked() {
            ViewTab::Stats if viewer.stats.with_untracked(Option::is_none) => {
                self.with_client(|c| c.send(Request::Stats));
            }
            ViewTab::Table if viewer.table_order.with_untracked(Option::is_none) => {
                self.request_table_order();
            }
            ViewTab::Flame if viewer.flame.with_untracked(Option::is_none) => {
                self.with_client(|c| c.send(Request::Flame));
            }
            ViewTab::Map if viewer.service_map.with_untracked(Option::is_none) => {
                self.with_client(|c| c.send(Request::ServiceMap));
            }
            // A file of two or more traces opens on the first two.
            ViewTab::Compare
                if viewer.compare.with_untracked(Option::is_none)
                    && viewer.trace_count.get_untracked() >= 2 =>
            {
                let (a, b) = viewer.compare_pair.get_untracked().unwrap_or((0, 1));
                self.compare(a, b);
            }
            _ => {}
        }
    }

    /// Orders the span table by a column; the rows shown keep their order until the worker's
    /// answer arrives.
    pub fn sort_table(&self, by: SortBy, descending: bool) {
        self.viewer.table_sort.set((by, descending));
        self.request_table_order();
    }

    fn request_table_order(&self) {
        let (by, descending) = self.viewer.table_sort.get_untracked();
        self.with_client(|c| c.send(Request::SortSpans { by, descending }));
    }

    /// Compares traces `a` and `b` of the list.
    pub fn compare(&self, a: u32, b: u32) {
        self.viewer.forget_comparison();
        self.viewer.compare_pair.set(Some((a, b)));
        self.with_client(|c| c.send(Request::Compare { a, b }));
    }

    /// Chooses a row of the comparison: its span's details on each side are asked for.
    pub fn choose_compared_row(&self, row: usize) {
        let viewer = self.viewer;
        viewer.compare_row.set(Some(row));
        viewer.compare_details.set([None, None]);
        let spans = viewer.compare.with_untracked(|c| {
            c.as_ref()
                .and_then(|c| c.rows.get(row).map(|r| [(c.a, r.a), (c.b, r.b)]))
        });
        for (trace, span) in spans.into_iter().flatten() {
            if let Some(span) = span {
                self.with_client(|c| c.send(Request::CompareDetails { trace, span }));
            }
        }
    }

    /// Adds an attribute column to the span table (once).
    pub fn add_table_key(&self, key: String) {
        let viewer = self.viewer;
        if key.is_empty() || viewer.table_keys.with_untracked(|k| k.contains(&key)) {
            return;
        }
        viewer.table_keys.update(|k| k.push(key));
        viewer.table_cells.set(Arc::new(TableCells::default()));
    }

    /// Removes an attribute column; a table sorted by it goes back to the start order.
    pub fn remove_table_key(&self, key: &str) {
        self.viewer.table_keys.update(|k| k.retain(|x| x != key));
        self.viewer.table_cells.set(Arc::new(TableCells::default()));
        let sorted_by_it = self
            .viewer
            .table_sort
            .with_untracked(|(by, _)| matches!(by, SortBy::Attribute(k) if k == key));
        if sorted_by_it {
            self.sort_table(SortBy::Column(TableColumn::Start), false);
        }
    }

    /// Asks for the attribute columns' values of these rows, for those not received yet.
    pub fn request_table_cells(&self, spans: &[u32]) {
        let keys = self.viewer.table_keys.get_untracked();
        if keys.is_empty() {
            return;
        }
        let missing: Vec<u32> = self.viewer.table_cells.with_untracked(|c| {
            spans
                .iter()
                .copied()
                .filter(|s| c.keys != keys || !c.by_span.contains_key(s))
                .collect()
        });
        if !missing.is_empty() {
            self.with_client(|c| {
                c.send(Request::TableCells {
                    spans: missing,
                    keys,
                })
            });
        }
    }

    /// Downloads the span table as CSV: the rows the filter keeps, in the table's order.
    pub fn export_table(&self) {
        let (by, descending) = self.viewer.table_sort.get_untracked();
        let query = self.viewer.query.get_untracked();
        let keys = self.viewer.table_keys.get_untracked();
        self.with_client(|c| {
            c.send(Request::ExportTable {
                by,
                descending,
                query,
                keys,
            })
        });
    }

    pub fn set_skew(&self, on: bool) {
        self.viewer.skew.set(on);
        self.viewer.state.set(AppState::Loading);
        self.with_client(|c| c.send(Request::SetSkew { on }));
    }
}

impl Controller {
    /// Asks the worker for each file of a successful load in the library's stored form.
    fn remember(&self, files: &[FileSummary]) {
        let Some(kind) = self.loading_kind.get_value() else {
            return;
        };
        if !self.viewer.library_settings.get_untracked().enabled {
            return;
        }
        let url = match self.loading_origin.get_value() {
            Some(LinkedOrigin::Url(u)) => Some(u),
            _ => None,
        };
        let pending = library::pending_entries(kind, url, files);
        let wanted: Vec<u32> = pending.keys().copied().collect();
        self.pending.set_value(pending);
        for file in wanted {
            self.with_client(|c| c.send(Request::Remember { file, kind }));
        }
    }

    fn handle(&self, event: WorkerEvent) {
        let viewer = self.viewer;
        match event {
            WorkerEvent::Response(Response::Progress { phase, done, total }) => {
                viewer.progress.set(Some((phase, done, total)));
            }
            WorkerEvent::Response(Response::Loaded { files, list }) => {
                viewer.forget_comparison();
                viewer.error.set(None);
                viewer.progress.set(None);
                let count = list.total;
                // A shared link names its trace (the worker finds it); otherwise a lone trace
                // opens by itself.
                let linked = viewer
                    .link
                    .with_untracked(|l| l.as_ref().and_then(|l| l.trace.clone()));
                viewer.origin.set(self.loading_origin.get_value());
                viewer.library_id.set(None);
                viewer.files.set(files);
                viewer.trace_count.set(count);
                viewer.trace_page.set(Some(Arc::new(list)));
                viewer.details.set(None);
                viewer.selected.set(None);
                // A lone trace replaces the open one when its view arrives: closing it now
                // would show the empty page in between and rebuild the whole viewer twice.
                if count != 1 {
                    viewer.open.set(None);
                }
                self.next_view_is_new.set_value(true);
                match linked {
                    Some(id) if count > 1 => self.select_trace_by_id(id),
                    _ if count == 1 => self.select_trace(0),
                    _ => viewer.state.set(AppState::Idle),
                }
                // After the trace is asked for: the worker answers in order, and the library
                // copy's content id (a hash of the whole file) must not delay the first view.
                viewer.files.with_untracked(|files| self.remember(files));
            }
            WorkerEvent::Response(Response::TracePage(page)) => {
                viewer.trace_page.set(Some(Arc::new(*page)));
            }
            WorkerEvent::Response(Response::Failed { message }) => {
                viewer.progress.set(None);
                viewer.error.set(Some(message));
                viewer.state.set(AppState::Error);
            }
            WorkerEvent::Response(Response::Details(d)) => {
                let linked = viewer
                    .pending_span
                    .with_untracked(|p| p.as_deref() == Some(d.span_id.as_str()));
                if linked {
                    viewer.pending_span.set(None);
                    viewer.selected.set(Some(d.span));
                    viewer.reveal(d.span);
                }
                if viewer.selected.get_untracked() == Some(d.span) {
                    viewer.details.set(Some(*d));
                }
            }
            WorkerEvent::Response(Response::Stats(s)) => viewer.stats.set(Some(Arc::new(*s))),
            WorkerEvent::Response(
                r @ (Response::ServiceMap(_)
                | Response::Compare(_)
                | Response::CompareDetails { .. }
                | Response::TableCells { .. }),
            ) => self.handle_view_answer(r),
            WorkerEvent::Response(Response::Vocabulary(v)) => {
                viewer.vocabulary.set(Some(Arc::new(*v)));
            }
            WorkerEvent::Response(Response::ShareLink(link)) => {
                viewer.share_link.set(Some(*link));
            }
            // Only a helper worker says this, to the worker that started it.
            WorkerEvent::Response(Response::Scanned(_)) => {}
            WorkerEvent::Response(Response::Error { message }) => {
                leptos::logging::warn!("worker: {message}");
                viewer.pending_span.set(None);
                if viewer.state.get_untracked() == AppState::Loading {
                    viewer.error.set(Some(message));
                    viewer.state.set(AppState::Error);
                }
            }
            WorkerEvent::View(data) => self.show_view_soon(*data),
            WorkerEvent::Order(order) => self.show_table_order(order),
            WorkerEvent::Flame(flame) => self.show_flame(*flame),
            WorkerEvent::Matches(m) => {
                // Ignore answers to a query the user has since changed.
                if m.query == viewer.query.get_untracked() {
                    let n = viewer
                        .open
                        .with_untracked(|o| o.as_ref().map_or(0, |o| o.span_count()));
                    viewer.matches.set(Some(Arc::new(Matches::new(m, n))));
                }
            }
            WorkerEvent::Remember { file, id, bytes } => {
                let entry = self.pending.try_update_value(|p| p.remove(&file)).flatten();
                if let Some(entry) = entry {
                    if self.pending.with_value(|p| p.is_empty()) && file == 0 {
                        viewer.library_id.set(Some(id.clone()));
                    }
                    library::store(viewer, LibraryEntry { id, ..entry }, bytes);
                }
            }
            WorkerEvent::Export { name, bytes } => {
                if let Err(e) = crate::browser::download(&name, &bytes) {
                    viewer.error.set(Some(e));
                }
            }
            WorkerEvent::Crashed(message) => {
                viewer.progress.set(None);
                viewer
                    .error
                    .set(Some(format!("The parser stopped unexpectedly: {message}")));
                viewer.state.set(AppState::Error);
            }
        }
    }
}

impl Controller {
    /// The span table's order, when it answers the latest click.
    fn show_table_order(&self, order: OrderData) {
        let (by, descending) = self.viewer.table_sort.get_untracked();
        if order.column == by.name() && order.descending == descending {
            self.viewer.table_order.set(Some(Arc::new(order)));
        }
    }

    /// The answers of the views beyond the timeline.
    fn handle_view_answer(&self, response: Response) {
        match response {
            Response::ServiceMap(m) => self.viewer.service_map.set(Some(Arc::new(*m))),
            Response::Compare(c) => self.show_comparison(*c),
            Response::CompareDetails { trace, details } => {
                self.show_compared_details(trace, *details)
            }
            Response::TableCells {
                keys,
                spans,
                values,
            } => self.show_table_cells(keys, spans, values),
            _ => {}
        }
    }

    /// Attribute cells, when they are of the columns still shown.
    fn show_table_cells(
        &self,
        keys: Vec<String>,
        spans: Vec<u32>,
        values: Vec<Vec<Option<String>>>,
    ) {
        if self.viewer.table_keys.with_untracked(|k| *k != keys) {
            return;
        }
        let old = self.viewer.table_cells.get_untracked();
        let mut by_span = if old.keys == keys {
            old.by_span.clone()
        } else {
            Default::default()
        };
        by_span.extend(spans.into_iter().zip(values));
        self.viewer
            .table_cells
            .set(Arc::new(TableCells { keys, by_span }));
    }

    /// A comparison, when it is of the pair still chosen.
    fn show_comparison(&self, c: CompareView) {
        if self.viewer.compare_pair.get_untracked() == Some((c.a, c.b)) {
            self.viewer.compare.set(Some(Arc::new(c)));
        }
    }

    /// A compared span's details, into the side (A, B or both) whose span of the chosen row it is.
    fn show_compared_details(&self, trace: u32, details: DetailsView) {
        let viewer = self.viewer;
        let sides = viewer.compare.with_untracked(|c| {
            let c = c.as_ref()?;
            let row = c.rows.get(viewer.compare_row.get_untracked()?)?;
            Some([
                c.a == trace && row.a == Some(details.span),
                c.b == trace && row.b == Some(details.span),
            ])
        });
        let Some(sides) = sides else { return };
        viewer.compare_details.update(|d| {
            for (slot, is_it) in d.iter_mut().zip(sides) {
                if is_it {
                    *slot = Some(details.clone());
                }
            }
        });
    }

    /// The flame graph, when it folds the trace still open.
    fn show_flame(&self, flame: FlameData) {
        let open = self
            .viewer
            .open
            .with_untracked(|o| o.as_ref().map(|o| o.data.trace));
        if open == Some(flame.trace) {
            self.viewer.flame.set(Some(Arc::new(flame)));
        }
    }

    /// Receiving and decoding the columns was one task; indexing them is another, and showing
    /// them a third, so none blocks the page for long on a million spans (~45, ~45 and ~60 ms
    /// here).
    fn show_view_soon(&self, data: ViewData) {
        let viewer = self.viewer;
        let controller = *self;
        set_timeout(
            move || {
                let open = OpenTrace::new(data);
                let is_new = controller.next_view_is_new.get_value();
                controller.next_view_is_new.set_value(false);
                set_timeout(
                    move || {
                        viewer.show_view(open, is_new);
                        viewer.state.set(AppState::Idle);
                        controller.request_what_the_tab_shows();
                        crate::viewer::url_state::apply_link(viewer, controller);
                    },
                    std::time::Duration::ZERO,
                );
            },
            std::time::Duration::ZERO,
        );
    }
}

pub fn use_controller() -> Controller {
    expect_context::<Controller>()
}
