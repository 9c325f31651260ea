//! Statistics per service and per (service, operation), like Jaeger UI's trace statistics table:
//! count, total, self, mean, p50, p95, max, errors. Percentiles use the nearest-rank method.

use crate::model::Trace;
use crate::time::Nanos;
use crate::tree::{self_time, Tree};
use std::collections::BTreeMap;

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
        self.durs.sort_unstable();
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
            p50_ns: percentile(&self.durs, 50),
            p95_ns: percentile(&self.durs, 95),
            max_ns: self.durs.last().copied().unwrap_or(0),
            errors: self.errors,
        }
    }
}

pub fn compute(t: &Trace, tree: &Tree) -> Stats {
    let selfs = self_time(t, tree);
    let mut by_svc: BTreeMap<&str, Acc> = BTreeMap::new();
    let mut by_op: BTreeMap<(&str, &str), Acc> = BTreeMap::new();
    for i in t.spans() {
        let (d, s, e) = (
            t.duration_ns(i),
            selfs.get(i as usize).copied().unwrap_or(0),
            t.is_error(i),
        );
        by_svc.entry(t.service(i)).or_default().add(d, s, e);
        by_op
            .entry((t.service(i), t.name(i)))
            .or_default()
            .add(d, s, e);
    }
    Stats {
        services: by_svc
            .into_iter()
            .map(|(s, a)| ServiceStat {
                service: s.to_string(),
                stat: a.stat(),
            })
            .collect(),
        operations: by_op
            .into_iter()
            .map(|((s, o), a)| OperationStat {
                service: s.to_string(),
                operation: o.to_string(),
                stat: a.stat(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank() {
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(percentile(&v, 50), 5);
        assert_eq!(percentile(&v, 95), 10);
        assert_eq!(percentile(&[7], 95), 7);
        assert_eq!(percentile(&[], 50), 0);
    }
}
