//! Statistics per service and per (service, operation), like Jaeger UI's trace statistics table:
//! count, total, self, mean, p50, p95, max, errors. Percentiles use the nearest-rank method.

use crate::builder::FastMap;
use crate::model::Trace;
use crate::time::Nanos;
use crate::tree::{self_time, Tree};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    pub count: u64,
    pub total_ns: Nanos,
    pub self_ns: Nanos,
    pub mean_ns: Nanos,
    pub p50_ns: Nanos,
    pub p95_ns: Nanos,
    pub max_ns: Nanos,
    pub errors: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceStat {
    pub service: String,
    pub stat: Stat,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationStat {
    pub service: String,
    pub operation: String,
    pub stat: Stat,
}

/// Sorted by service, then operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub services: Vec<ServiceStat>,
    pub operations: Vec<OperationStat>,
}

/// Nearest rank: the smallest value with at least p% of the values at or below it.
pub fn percentile(sorted: &[Nanos], p: u32) -> Nanos {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (sorted.len() * p as usize).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or(0)
}

/// The nearest-rank percentile of values in any order, in O(n): the slice is reordered.
fn percentile_of_unsorted(values: &mut [Nanos], p: u32) -> Nanos {
    if values.is_empty() {
        return 0;
    }
    let rank = (values.len() * p as usize).div_ceil(100).max(1);
    *values.select_nth_unstable(rank - 1).1
}

#[derive(Default)]
struct Acc {
    durs: Vec<Nanos>,
    self_ns: Nanos,
    errors: u64,
}

impl Acc {
    fn add(&mut self, dur: Nanos, self_ns: Nanos, err: bool) {
        self.durs.push(dur);
        self.self_ns = self.self_ns.saturating_add(self_ns);
        self.errors += err as u64;
    }

    fn stat(mut self) -> Stat {
        let count = self.durs.len() as u64;
        let total: Nanos = self.durs.iter().fold(0, |a: Nanos, &d| a.saturating_add(d));
        Stat {
            count,
            total_ns: total,
            self_ns: self.self_ns,
            mean_ns: if count == 0 {
                0
            } else {
                total / count as Nanos
            },
            max_ns: self.durs.iter().copied().max().unwrap_or(0),
            // Selection, not a sort: a million durations cost O(n), not O(n log n).
            p50_ns: percentile_of_unsorted(&mut self.durs, 50),
            p95_ns: percentile_of_unsorted(&mut self.durs, 95),
            errors: self.errors,
        }
    }
}

pub fn compute(t: &Trace, tree: &Tree) -> Stats {
    compute_with_self_time(t, &self_time(t, tree))
}

/// [`compute`] with the self times already known (the worker keeps them for the open trace).
/// Spans are grouped by interned string ids, not by comparing their strings.
pub fn compute_with_self_time(t: &Trace, selfs: &[Nanos]) -> Stats {
    let mut by_svc: FastMap<u32, Acc> = FastMap::default();
    let mut by_op: FastMap<(u32, u32), Acc> = FastMap::default();
    for i in t.spans() {
        let (d, s, e) = (
            t.duration_ns(i),
            selfs.get(i as usize).copied().unwrap_or(0),
            t.is_error(i),
        );
        let service = t.service_id(i);
        by_svc.entry(service).or_default().add(d, s, e);
        by_op
            .entry((service, t.name_id(i)))
            .or_default()
            .add(d, s, e);
    }
    let mut services: Vec<ServiceStat> = by_svc
        .into_iter()
        .map(|(s, a)| ServiceStat {
            service: t.string(s).to_string(),
            stat: a.stat(),
        })
        .collect();
    services.sort_by(|a, b| a.service.cmp(&b.service));
    let mut operations: Vec<OperationStat> = by_op
        .into_iter()
        .map(|((s, o), a)| OperationStat {
            service: t.string(s).to_string(),
            operation: t.string(o).to_string(),
            stat: a.stat(),
        })
        .collect();
    operations.sort_by(|a, b| (&a.service, &a.operation).cmp(&(&b.service, &b.operation)));
    Stats {
        services,
        operations,
    }
}

#[cfg(test)]
mod tests {
    use super::{percentile, percentile_of_unsorted};

    #[test]
    fn nearest_rank() {
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(percentile(&v, 50), 5);
        assert_eq!(percentile(&v, 95), 10);
        assert_eq!(percentile(&[7], 95), 7);
        assert_eq!(percentile(&[], 50), 0);
    }

    #[test]
    fn selection_gives_the_same_ranks_as_sorting() {
        let mut v = [9, 2, 7, 4, 10, 1, 8, 3, 6, 5];
        assert_eq!(percentile_of_unsorted(&mut v, 50), 5);
        assert_eq!(percentile_of_unsorted(&mut v, 95), 10);
        assert_eq!(percentile_of_unsorted(&mut [7], 95), 7);
        assert_eq!(percentile_of_unsorted(&mut [], 50), 0);
        let mut shuffled: Vec<i64> = (0..1000).map(|i| (i * 7919) % 1000).collect();
        let sorted: Vec<i64> = (0..1000).collect();
        for p in [1, 50, 95, 99, 100] {
            assert_eq!(
                percentile_of_unsorted(&mut shuffled, p),
                percentile(&sorted, p)
            );
        }
    }
}
