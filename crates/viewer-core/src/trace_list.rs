//! The trace list's sorting and the viewer header's one-line summary.

use trace_core::time::format_duration;

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
    pub const ALL: [SortKey; 6] = [
        SortKey::Start,
        SortKey::Root,
        SortKey::Spans,
        SortKey::Duration,
        SortKey::Errors,
        SortKey::Services,
    ];

    /// A stable name, for messages between the page and the worker.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Start => "start",
            SortKey::Root => "root",
            SortKey::Spans => "spans",
            SortKey::Duration => "duration",
            SortKey::Errors => "errors",
            SortKey::Services => "services",
        }
    }

    pub fn parse(name: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == name)
    }

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

/// "1,234 spans · 5 services · depth 4 · 1.25 s" (depth counts levels: a lone root is 1).
pub fn header_line(spans: u64, services: usize, depth: u32, duration_ns: u64) -> String {
    format!(
        "{} {} · {} {} · depth {} · {}",
        group_thousands(spans),
        if spans == 1 { "span" } else { "spans" },
        services,
        if services == 1 { "service" } else { "services" },
        depth,
        format_duration(duration_ns)
    )
}

/// The first characters of a trace id, enough to tell traces apart at a glance (Jaeger and
/// git show seven).
pub fn short_trace_id(trace_id: &str) -> &str {
    let end = trace_id
        .char_indices()
        .nth(7)
        .map_or(trace_id.len(), |(i, _)| i);
    &trace_id[..end]
}

/// The page title while a trace is open: what it is first, whose page second.
pub fn trace_page_title(root_service: &str, root_name: &str, trace_id: &str) -> String {
    format!(
        "{root_service}: {root_name} ({}) · Trace viewer",
        short_trace_id(trace_id)
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
    fn sort_keys_round_trip_their_names() {
        for k in SortKey::ALL {
            assert_eq!(SortKey::parse(k.as_str()), Some(k));
        }
        assert_eq!(SortKey::parse("nope"), None);
    }

    #[test]
    fn header_line_reads_well() {
        assert_eq!(
            header_line(1234, 5, 4, 1_250_000_000),
            "1,234 spans · 5 services · depth 4 · 1.25 s"
        );
        assert_eq!(
            header_line(1, 1, 1, 850),
            "1 span · 1 service · depth 1 · 850 ns"
        );
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
        assert_eq!(group_thousands(999), "999");
    }

    #[test]
    fn short_ids_and_titles_name_the_trace() {
        assert_eq!(
            short_trace_id("4bf92f3577b34da6a3ce929d0e0e4736"),
            "4bf92f3"
        );
        assert_eq!(short_trace_id("abc"), "abc");
        assert_eq!(short_trace_id("ééééééééé"), "ééééééé");
        assert_eq!(
            trace_page_title("frontend", "GET /", "4bf92f3577b34da6"),
            "frontend: GET / (4bf92f3) · Trace viewer"
        );
    }
}
