//! Sorting of the statistics table (per service, per operation) by any of its columns.

use crate::protocol::StatRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatColumn {
    Name,
    Count,
    Total,
    SelfTime,
    Mean,
    P95,
    Max,
    Errors,
}

impl StatColumn {
    /// Names sort ascending first; numbers largest first (what people look for).
    pub fn descending_by_default(self) -> bool {
        self != StatColumn::Name
    }
}

/// The rows in the order of `column`; ties keep their order (stable).
pub fn sorted(rows: &[StatRow], column: StatColumn, descending: bool) -> Vec<StatRow> {
    let mut v = rows.to_vec();
    v.sort_by(|a, b| {
        let o = match column {
            StatColumn::Name => (a.service.as_str(), a.operation.as_deref())
                .cmp(&(b.service.as_str(), b.operation.as_deref())),
            StatColumn::Count => a.count.cmp(&b.count),
            StatColumn::Total => a.total_ns.cmp(&b.total_ns),
            StatColumn::SelfTime => a.self_ns.cmp(&b.self_ns),
            StatColumn::Mean => a.mean_ns.cmp(&b.mean_ns),
            StatColumn::P95 => a.p95_ns.cmp(&b.p95_ns),
            StatColumn::Max => a.max_ns.cmp(&b.max_ns),
            StatColumn::Errors => a.errors.cmp(&b.errors),
        };
        if descending {
            o.reverse()
        } else {
            o
        }
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(service: &str, op: Option<&str>, count: u64, self_ns: u64, errors: u64) -> StatRow {
        StatRow {
            service: service.into(),
            operation: op.map(str::to_string),
            count,
            total_ns: self_ns * 2,
            self_ns,
            mean_ns: self_ns / count.max(1),
            p50_ns: 0,
            p95_ns: self_ns,
            max_ns: self_ns,
            errors,
        }
    }

    #[test]
    fn sorts_by_each_column() {
        let rows = vec![
            row("b", Some("x"), 3, 10, 0),
            row("a", Some("y"), 1, 30, 2),
            row("a", Some("x"), 2, 20, 1),
        ];
        let names = |v: Vec<StatRow>| {
            v.into_iter()
                .map(|r| format!("{}/{}", r.service, r.operation.unwrap_or_default()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(sorted(&rows, StatColumn::Name, false)),
            ["a/x", "a/y", "b/x"]
        );
        assert_eq!(
            names(sorted(&rows, StatColumn::SelfTime, true)),
            ["a/y", "a/x", "b/x"]
        );
        assert_eq!(
            names(sorted(&rows, StatColumn::Count, false)),
            ["a/y", "a/x", "b/x"]
        );
        assert_eq!(
            names(sorted(&rows, StatColumn::Errors, true)),
            ["a/y", "a/x", "b/x"]
        );
        assert_eq!(
            names(sorted(&rows, StatColumn::Total, true)),
            ["a/y", "a/x", "b/x"]
        );
        assert!(!StatColumn::Name.descending_by_default());
        assert!(StatColumn::P95.descending_by_default());
    }
}
