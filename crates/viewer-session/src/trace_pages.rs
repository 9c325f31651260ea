//! The trace list, one page at a time. A file can hold hundreds of thousands of traces; the
//! page shows twenty, so the worker keeps the list, sorts it, and answers for the rows in view.
//! `Loaded` carries only the first page in the default order and the count.

use serde::{Deserialize, Serialize};
use viewer_core::trace_list::{sorted_order, SortKey, TraceRow};

use crate::protocol::TraceSummary;

/// Rows per answer, at most (the first page, and every page asked for).
pub const PAGE_ROWS: u32 = 200;

/// Rows `offset..offset + rows.len()` of the list sorted by `sort`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracePage {
    /// `SortKey::as_str` of the order.
    pub sort: String,
    pub descending: bool,
    pub offset: u32,
    /// Traces in the whole list.
    pub total: u32,
    pub rows: Vec<TraceSummary>,
}

impl TraceRow for TraceSummary {
    fn start_unix_ns(&self) -> i64 {
        self.start_unix_ns
    }
    fn root_name(&self) -> &str {
        &self.root_name
    }
    fn spans(&self) -> u32 {
        self.spans
    }
    fn duration_ns(&self) -> u64 {
        self.duration_ns
    }
    fn errors(&self) -> u32 {
        self.errors
    }
    fn service_count(&self) -> usize {
        self.services.len()
    }
}

/// The loaded traces' summaries, with the last order asked for kept (sorting 300,000 rows
/// once per click, not once per scroll).
#[derive(Debug, Default)]
pub struct TraceList {
    summaries: Vec<TraceSummary>,
    order: Option<(SortKey, bool, Vec<usize>)>,
}

impl TraceList {
    pub fn new(summaries: Vec<TraceSummary>) -> Self {
        TraceList {
            summaries,
            order: None,
        }
    }

    pub fn len(&self) -> usize {
        self.summaries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.summaries.is_empty()
    }

    /// List index of the trace with this id (case-insensitive), if loaded.
    pub fn index_of(&self, trace_id: &str) -> Option<u32> {
        self.summaries
            .iter()
            .find(|t| t.trace_id.eq_ignore_ascii_case(trace_id))
            .map(|t| t.index)
    }

    /// Up to `limit` (at most `PAGE_ROWS`) rows from `offset` in the given order.
    pub fn page(&mut self, key: SortKey, descending: bool, offset: u32, limit: u32) -> TracePage {
        let reuse = matches!(&self.order, Some((k, d, _)) if *k == key && *d == descending);
        if !reuse {
            let order = sorted_order(&self.summaries, key, descending);
            self.order = Some((key, descending, order));
        }
        let order = self
            .order
            .as_ref()
            .map_or(&[][..], |(_, _, o)| o.as_slice());
        let start = (offset as usize).min(order.len());
        let end = start
            .saturating_add(limit.min(PAGE_ROWS) as usize)
            .min(order.len());
        let rows = order[start..end]
            .iter()
            .filter_map(|&i| self.summaries.get(i).cloned())
            .collect();
        TracePage {
            sort: key.as_str().to_string(),
            descending,
            offset: start as u32,
            total: self.summaries.len() as u32,
            rows,
        }
    }
}
