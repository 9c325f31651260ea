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

    pub fn helper_starts(&self) -> &[u64] {
        &self.starts
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

/// Where `helpers` helper workers should start in a file of `size` bytes, as byte offsets to
/// look for a span start at or after: the importing worker also adds every helper's spans,
/// so it takes a smaller share (`own_share`, measured in `tracecheck bench`).
pub fn helper_targets(size: u64, helpers: usize, own_share: f64) -> Vec<u64> {
    if helpers == 0 {
        return Vec::new();
    }
    let own = own_share.clamp(0.0, 1.0);
    let each = (1.0 - own) / helpers as f64;
    (0..helpers)
        .map(|k| ((own + each * k as f64) * size as f64) as u64)
        .collect()
}
