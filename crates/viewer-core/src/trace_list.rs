//! The trace list's sorting and the viewer header's one-line summary.

use crate::time_scale::format_duration;

/// Columns the trace list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Start,
    Root,
    Spans,
    Duration,
    Errors,
    Services,
}

impl SortKey {
    /// Names and start times sort ascending first; counts and durations largest first.
    pub fn descending_by_default(self) -> bool {
        !matches!(self, SortKey::Root | SortKey::Start)
    }
}

/// The fields of a trace-list row that sorting looks at.
pub trait TraceRow {
    fn start_unix_ns(&self) -> i64;
    fn root_name(&self) -> &str;
    fn spans(&self) -> u32;
    fn duration_ns(&self) -> u64;
    fn errors(&self) -> u32;
    fn service_count(&self) -> usize;
}

/// Row order for a sort key and direction; ties keep file order (stable), so the list never
/// jumps around between equal rows.
pub fn sorted_order<T: TraceRow>(rows: &[T], key: SortKey, descending: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&rows[a], &rows[b]);
        let ord = match key {
            SortKey::Start => x.start_unix_ns().cmp(&y.start_unix_ns()),
            SortKey::Root => x
                .root_name()
                .to_lowercase()
                .cmp(&y.root_name().to_lowercase()),
            SortKey::Spans => x.spans().cmp(&y.spans()),
            SortKey::Duration => x.duration_ns().cmp(&y.duration_ns()),
            SortKey::Errors => x.errors().cmp(&y.errors()),
            SortKey::Services => x.service_count().cmp(&y.service_count()),
        };
        if descending {
            ord.reverse()
        } else {
            ord
        }
    });
    order
}

/// "1,234 spans · 5 services · 1.25 s"
pub fn header_line(spans: u64, services: usize, duration_ns: u64) -> String {
    format!(
        "{} {} · {} {} · {}",
        group_thousands(spans),
        if spans == 1 { "span" } else { "spans" },
        services,
        if services == 1 { "service" } else { "services" },
        format_duration(duration_ns)
    )
}

/// 1234567 -> "1,234,567"
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row(i64, &'static str, u32, u64, u32, usize);
    impl TraceRow for Row {
        fn start_unix_ns(&self) -> i64 {
            self.0
        }
        fn root_name(&self) -> &str {
            self.1
        }
        fn spans(&self) -> u32 {
            self.2
        }
        fn duration_ns(&self) -> u64 {
            self.3
        }
        fn errors(&self) -> u32 {
            self.4
        }
        fn service_count(&self) -> usize {
            self.5
        }
    }

    #[test]
    fn sorts_by_each_key_stably() {
        let rows = [
            Row(30, "b", 5, 100, 0, 2),
            Row(10, "A", 9, 300, 2, 1),
            Row(20, "c", 5, 200, 1, 3),
        ];
        assert_eq!(sorted_order(&rows, SortKey::Start, false), [1, 2, 0]);
        assert_eq!(sorted_order(&rows, SortKey::Root, false), [1, 0, 2]);
        assert_eq!(sorted_order(&rows, SortKey::Duration, true), [1, 2, 0]);
        assert_eq!(sorted_order(&rows, SortKey::Errors, true), [1, 2, 0]);
        assert_eq!(sorted_order(&rows, SortKey::Services, false), [1, 0, 2]);
        assert!(SortKey::Duration.descending_by_default());
        assert!(!SortKey::Root.descending_by_default());
        // Equal span counts keep file order.
        assert_eq!(sorted_order(&rows, SortKey::Spans, false), [0, 2, 1]);
    }

    #[test]
    fn header_line_reads_well() {
        assert_eq!(
            header_line(1234, 5, 1_250_000_000),
            "1,234 spans · 5 services · 1.25 s"
        );
        assert_eq!(header_line(1, 1, 850), "1 span · 1 service · 850 ns");
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
        assert_eq!(group_thousands(999), "999");
    }
}
