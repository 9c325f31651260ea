//! The span table: one row per span of the shown trace, in the order of a column. Sorting runs
//! in the worker (a million spans take longer than a frame), and the page renders only the rows
//! in view from the columns it already holds. The table can be downloaded as CSV.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use trace_core::time::Nanos;
use trace_core::{SpanDetails, StatusCode, Trace, Value};

use crate::search_index::SearchIndex;

/// A column of the span table that rows can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableColumn {
    Service,
    Operation,
    /// Start, as an offset from the trace's start.
    Start,
    Duration,
    SelfTime,
    Status,
    Kind,
}

impl TableColumn {
    /// In the order the table shows them.
    pub const ALL: [TableColumn; 7] = [
        TableColumn::Service,
        TableColumn::Operation,
        TableColumn::Start,
        TableColumn::Duration,
        TableColumn::SelfTime,
        TableColumn::Status,
        TableColumn::Kind,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TableColumn::Service => "service",
            TableColumn::Operation => "operation",
            TableColumn::Start => "start",
            TableColumn::Duration => "duration",
            TableColumn::SelfTime => "self_time",
            TableColumn::Status => "status",
            TableColumn::Kind => "kind",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TableColumn::Service => "Service",
            TableColumn::Operation => "Operation",
            TableColumn::Start => "Start",
            TableColumn::Duration => "Duration",
            TableColumn::SelfTime => "Self time",
            TableColumn::Status => "Status",
            TableColumn::Kind => "Kind",
        }
    }

    /// Numbers read best largest first; names and start times from the top.
    pub fn descending_first(self) -> bool {
        matches!(self, TableColumn::Duration | TableColumn::SelfTime)
    }
}

/// What the table's rows are ordered by: a fixed column, or an attribute column the person added.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    Column(TableColumn),
    Attribute(String),
}

impl SortBy {
    /// How the table names its order (`data-order`): the column's name, or `attr:` and the key.
    pub fn name(&self) -> String {
        match self {
            SortBy::Column(c) => c.as_str().to_string(),
            SortBy::Attribute(key) => format!("attr:{key}"),
        }
    }

    pub fn descending_first(&self) -> bool {
        match self {
            SortBy::Column(c) => c.descending_first(),
            SortBy::Attribute(_) => false,
        }
    }
}

/// The spans `rows` (in the tree's preorder) ordered by `column`; equal keys keep the preorder,
/// so a table sorted by service lists each service's spans top to bottom.
pub fn order(
    t: &Trace,
    self_time: &[Nanos],
    rows: &[u32],
    column: TableColumn,
    descending: bool,
) -> Vec<u32> {
    let mut out = rows.to_vec();
    match column {
        TableColumn::Service => sort_by_rank(
            &mut out,
            &ranks(t, |i| t.service_id(i)),
            |i| t.service_id(i),
            descending,
        ),
        TableColumn::Operation => sort_by_rank(
            &mut out,
            &ranks(t, |i| t.name_id(i)),
            |i| t.name_id(i),
            descending,
        ),
        TableColumn::Start => sort_by(&mut out, |i| t.start_ns(i), descending),
        TableColumn::Duration => sort_by(&mut out, |i| t.duration_ns(i), descending),
        TableColumn::SelfTime => sort_by(
            &mut out,
            |i| self_time.get(i as usize).copied().unwrap_or(0),
            descending,
        ),
        TableColumn::Status => sort_by(&mut out, |i| status_rank(t.status(i)), descending),
        TableColumn::Kind => sort_by(&mut out, |i| t.kind(i).as_str(), descending),
    }
    out
}

fn sort_by<K: Ord>(rows: &mut [u32], key: impl Fn(u32) -> K, descending: bool) {
    if descending {
        rows.sort_by_key(|&i| std::cmp::Reverse(key(i)));
    } else {
        rows.sort_by_key(|&i| key(i));
    }
}

/// Sorting by name compares interned ids through their place in alphabetical order, so a million
/// spans need one string comparison per distinct name, not per comparison.
fn sort_by_rank(rows: &mut [u32], rank: &[u32], id: impl Fn(u32) -> u32, descending: bool) {
    let key = |i: u32| rank.get(id(i) as usize).copied().unwrap_or(u32::MAX);
    sort_by(rows, key, descending);
}

/// For each interned string id used by `id`, its place in alphabetical order.
fn ranks(t: &Trace, id: impl Fn(u32) -> u32) -> Vec<u32> {
    let mut ids: Vec<u32> = t.spans().map(&id).collect();
    ids.sort_unstable();
    ids.dedup();
    let len = ids.last().map_or(0, |&largest| largest as usize + 1);
    ids.sort_by(|&a, &b| t.string(a).cmp(t.string(b)));
    let mut rank = vec![u32::MAX; len];
    for (place, &id) in ids.iter().enumerate() {
        if let Some(slot) = rank.get_mut(id as usize) {
            *slot = place as u32;
        }
    }
    rank
}

/// The spans `rows` ordered by their value of attribute `key` (as its cells show it, from the
/// search index: span attributes, then resource). Values that all read as numbers compare as
/// numbers (so 9 comes before 10), others as text; spans without the attribute come last in
/// either direction, and equal values keep the preorder.
pub fn order_by_attribute(
    index: &SearchIndex,
    rows: &[u32],
    key: &str,
    descending: bool,
) -> Vec<u32> {
    let mut out = rows.to_vec();
    let Some(key) = index.key_id(key) else {
        return out;
    };
    let value_of = |i: u32| index.attribute(i, key);
    let rank = value_ranks(index, rows.iter().filter_map(|&i| value_of(i)));
    let place = |i: u32| value_of(i).and_then(|v| rank.get(&v).copied());
    if descending {
        out.sort_by_key(|&i| place(i).map_or((1, 0), |p| (0, u32::MAX - p)));
    } else {
        out.sort_by_key(|&i| place(i).map_or((1, 0), |p| (0, p)));
    }
    out
}

/// For each distinct value text id, its place in the values' order.
fn value_ranks(
    index: &SearchIndex,
    values: impl Iterator<Item = u32>,
) -> std::collections::HashMap<u32, u32> {
    let mut ids: Vec<u32> = values.collect();
    ids.sort_unstable();
    ids.dedup();
    let numbers: Option<Vec<f64>> = ids.iter().map(|&v| number(index.text(v))).collect();
    match numbers {
        Some(numbers) => {
            let mut by_number: Vec<(f64, u32)> = numbers.into_iter().zip(ids).collect();
            by_number.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));
            ids = by_number.into_iter().map(|(_, id)| id).collect();
        }
        None => ids.sort_by(|&a, &b| index.text(a).cmp(index.text(b))),
    }
    ids.into_iter()
        .enumerate()
        .map(|(place, id)| (id, place as u32))
        .collect()
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Errors first when sorted ascending: they are what a person sorts by status for.
fn status_rank(s: StatusCode) -> u8 {
    match s {
        StatusCode::Error => 0,
        StatusCode::Ok => 1,
        StatusCode::Unset => 2,
    }
}

/// Attribute `key` of a span as a cell shows it (span attributes first, then the resource, as
/// searches read them); None when the span has no such attribute.
pub fn attribute_text(d: &SpanDetails, key: &str) -> Option<String> {
    d.attributes
        .iter()
        .chain(&d.resource)
        .find(|kv| kv.key == key)
        .map(|kv| match &kv.value {
            Value::Str(s) => s.clone(),
            other => other.to_string(),
        })
}

/// The cells of the attribute columns `keys` for `spans`: one details decode per span, so only
/// for the rows in view (or a download).
pub fn attribute_cells(t: &Trace, spans: &[u32], keys: &[String]) -> Vec<Vec<Option<String>>> {
    spans.iter().map(|&i| attribute_row(t, i, keys)).collect()
}

fn attribute_row(t: &Trace, i: u32, keys: &[String]) -> Vec<Option<String>> {
    if keys.is_empty() {
        return Vec::new();
    }
    let d = t.span_details(i);
    keys.iter().map(|k| attribute_text(&d, k)).collect()
}

/// The table's rows as CSV (RFC 4180, through the `csv` crate): ids, names, and times in
/// nanoseconds from the trace's start, so a spreadsheet gets exact numbers; then the attribute
/// columns the person added.
pub fn csv(
    t: &Trace,
    self_time: &[Nanos],
    rows: &[u32],
    keys: &[String],
) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let origin = t.trace_start_ns();
    let fail = |e: csv::Error| format!("could not write the table: {e}");
    let header = [
        "span_id",
        "parent_span_id",
        "service",
        "operation",
        "start_offset_ns",
        "duration_ns",
        "self_time_ns",
        "status",
        "kind",
    ];
    w.write_record(
        header
            .iter()
            .copied()
            .chain(keys.iter().map(String::as_str)),
    )
    .map_err(fail)?;
    for &i in rows {
        let parent = t.parent(i).map(|p| t.span_id(p)).unwrap_or_default();
        let self_ns = self_time.get(i as usize).copied().unwrap_or(0);
        let fixed = [
            t.span_id(i),
            parent,
            t.service(i).to_string(),
            t.name(i).to_string(),
            t.start_ns(i).saturating_sub(origin).to_string(),
            t.duration_ns(i).to_string(),
            self_ns.to_string(),
            t.status(i).as_str().to_string(),
            t.kind(i).as_str().to_string(),
        ];
        let extra = attribute_row(t, i, keys)
            .into_iter()
            .map(Option::unwrap_or_default);
        w.write_record(fixed.into_iter().chain(extra))
            .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| format!("could not write the table: {e}"))
}
