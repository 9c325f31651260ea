//! Parallel parsing of one big Jaeger file: the order in which the importing worker reads it.
//!
//! The importing worker feeds its [`StreamImport`](super::StreamImport) from the start of the
//! file. Helper workers each parse a later part of it with a [`SpanScan`](super::SpanScan),
//! starting where a span object seems to start ([`guess_span_start`](super::guess_span_start)).
//! The importing worker reads up to the first helper's start, adds what that helper parsed
//! ([`StreamImport::splice`](super::StreamImport::splice), which checks the guess), reads on
//! from where the helper's last span ends up to the next helper's start, and so on. Spans are
//! added in file order through the same code as a file read alone, so the traces are the same.
//!
//! A [`ReadPlan`] says what to do next; it holds no bytes, so it is tested natively with the
//! same loop the browser's worker runs.

/// What the importing worker does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadStep {
    /// Read `from..to` of the file and feed it.
    Read { from: u64, to: u64 },
    /// Splice what helper `helper` parsed from byte `at` on.
    Splice { helper: usize, at: u64 },
    /// The whole file was fed.
    Done,
}

/// The reads and splices that import a file of `size` bytes in slices of at most `chunk`.
#[derive(Debug)]
pub struct ReadPlan {
    size: u64,
    chunk: u64,
    /// How far the file was asked for.
    read_to: u64,
    /// Where the helpers start, in order, and how many were spliced (or given up).
    starts: Vec<u64>,
    next_helper: usize,
}

/// Bytes read past a helper's start before splicing: the walk needs the text just after a
/// token to take it (a surrogate pair escape is 12 bytes).
const PAST_START: u64 = 64;

impl ReadPlan {
    pub fn new(size: u64, chunk: u64) -> Self {
        ReadPlan {
            size,
            chunk: chunk.max(1),
            read_to: 0,
            starts: Vec::new(),
            next_helper: 0,
        }
    }

    /// Helpers parse from each of `starts` (increasing) on.
    pub fn with_helpers_at(&mut self, starts: &[u64]) {
        self.starts = starts.to_vec();
        self.next_helper = 0;
    }

    /// The next step. A read is taken as asked (call again for the step after it).
    pub fn next_step(&mut self) -> ReadStep {
        let until = match self.starts.get(self.next_helper) {
            Some(&start) if self.read_to >= (start + PAST_START).min(self.size) => {
                return ReadStep::Splice {
                    helper: self.next_helper,
                    at: start,
                };
            }
            Some(&start) => (start + PAST_START).min(self.size),
            None if self.read_to >= self.size => return ReadStep::Done,
            None => self.size,
        };
        let from = self.read_to;
        let to = until.min(from + self.chunk);
        self.read_to = to;
        ReadStep::Read { from, to }
    }

    /// The last splice was done: the file is read on from `resume_at` when it added the
    /// helper's spans, or from where the reading was when it did not.
    pub fn spliced(&mut self, resume_at: Option<u64>) {
        self.next_helper += 1;
        if let Some(at) = resume_at {
            self.read_to = at;
        }
    }
}

/// What adding a helper's spans costs the importing worker, as a share of what parsing them
/// costs the helper: 0.1 in the browser (a 612 MB trace: 548k spans parsed by a helper in
/// 3.4 s, added in 0.32 s), 0.2 natively (`tracecheck bench`), where parsing is faster.
pub const SPLICE_COST: f64 = 0.1;

/// The share of the file the importing worker parses itself so that it and `workers - 1`
/// helpers finish together: its own part plus adding the helpers' spans (`cost` of parsing
/// them) takes as long as one helper's part.
pub fn own_share(workers: usize, cost: f64) -> f64 {
    let helpers = workers.saturating_sub(1);
    if helpers == 0 {
        return 1.0;
    }
    let each = 1.0 / helpers as f64;
    ((each - cost) / (1.0 - cost + each)).clamp(0.0, 1.0)
}

/// How much faster `workers` workers parse than one, on as many free cores, when adding a
/// helper's spans costs `cost` of parsing them (reading the file and memory bandwidth aside).
pub fn expected_speed_up(workers: usize, cost: f64) -> f64 {
    let own = own_share(workers, cost);
    1.0 / (own + cost * (1.0 - own)).max(f64::EPSILON)
}

/// Where `helpers` helper workers should start in a file of `size` bytes (offsets to look for
/// a span start at or after), the importing worker keeping [`own_share`] of it.
pub fn helper_targets(size: u64, helpers: usize) -> Vec<u64> {
    let own = own_share(helpers + 1, SPLICE_COST);
    let each = (1.0 - own) / helpers.max(1) as f64;
    (0..helpers)
        .map(|k| ((own + each * k as f64) * size as f64) as u64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shares_finish_together() {
        for workers in 2..=8 {
            for cost in [0.1, 0.3] {
                let own = own_share(workers, cost);
                let helper_part = (1.0 - own) / (workers - 1) as f64;
                let importer = own + cost * (1.0 - own);
                assert!((importer - helper_part).abs() < 1e-9 || own == 0.0);
            }
        }
        assert_eq!(own_share(1, 0.3), 1.0);
        // Two workers, adding at 0.3 of parsing: 0.41 of the file parsed by the importer,
        // 1.7 times as fast as one.
        assert!((own_share(2, 0.3) - 0.7 / 1.7).abs() < 1e-9);
        assert!((expected_speed_up(2, 0.3) - 1.7).abs() < 1e-9);
        // With many helpers the importer only adds their spans: 1 / cost at most.
        assert!((expected_speed_up(64, 0.3) - 1.0 / 0.3).abs() < 1e-9);
    }

    #[test]
    fn a_plan_reads_up_to_each_helper_then_where_it_ended() {
        let mut plan = ReadPlan::new(1000, 300);
        plan.with_helpers_at(&[400, 700]);
        assert_eq!(plan.next_step(), ReadStep::Read { from: 0, to: 300 });
        assert_eq!(plan.next_step(), ReadStep::Read { from: 300, to: 464 });
        assert_eq!(plan.next_step(), ReadStep::Splice { helper: 0, at: 400 });
        plan.spliced(Some(650));
        assert_eq!(plan.next_step(), ReadStep::Read { from: 650, to: 764 });
        assert_eq!(plan.next_step(), ReadStep::Splice { helper: 1, at: 700 });
        // Not spliced: the reading goes on from where it was.
        plan.spliced(None);
        assert_eq!(
            plan.next_step(),
            ReadStep::Read {
                from: 764,
                to: 1000
            }
        );
        assert_eq!(plan.next_step(), ReadStep::Done);
    }
}
