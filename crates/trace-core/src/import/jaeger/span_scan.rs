//! Part of a Jaeger `spans` array parsed by a helper worker while the importing worker parses
//! the file before it (parallel parsing of one big trace, whose spans are one array).
//!
//! The scan starts at a byte where a span object seems to start (found by looking at a few
//! bytes: `}`, `,`, `{`) and parses span objects until one starts at or after its end, the
//! array closes, or anything else comes; each span becomes a [`record`](super::record). The
//! importing worker checks the guess: it adds the records only if its own walk stops exactly
//! at the scan's start, before an element of a spans array ([`crate::StreamImport::splice`]).
//! Any doubt ends the scan early; the importing worker parses the rest itself.

use super::record::{encode, SpanRecord};
use super::stream::skip_whitespace;
use super::WireSpan;
use crate::builder::Window;
use crate::import::lenient::Obj;
use crate::import::stream::{read_value, ChunkBuffer, Piece};

/// A helper's parse of the span objects from one byte of a file on.
pub struct SpanScan {
    input: ChunkBuffer,
    /// No span that starts at or after this is parsed.
    end: u64,
    /// The last token read was a whole span (a `,` or `]` comes next), not a `,`.
    after_span: bool,
    records: Vec<u8>,
    /// Spans read, and where the last whole one ends.
    end_so_far: ScanEnd,
    done: bool,
}

/// What a scan read: its records and how it ended.
pub struct ScannedSpans {
    pub records: Vec<u8>,
    pub end: ScanEnd,
}

/// How a scan ended: how many spans it read, and where the last one ends (the importing
/// worker goes on from there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScanEnd {
    pub spans: u64,
    pub resume_at: u64,
}

impl ScanEnd {
    /// A scan that read nothing (or failed): nothing to splice.
    pub const NOTHING: ScanEnd = ScanEnd {
        spans: 0,
        resume_at: 0,
    };
}

impl SpanScan {
    /// A scan of the span objects that start in `start..end` of the file; it is fed the file
    /// from `start` on.
    pub fn new(start: u64, end: u64) -> Self {
        SpanScan {
            input: ChunkBuffer::starting_at(start),
            end,
            after_span: false,
            records: Vec::new(),
            end_so_far: ScanEnd {
                spans: 0,
                resume_at: start,
            },
            done: false,
        }
    }

    /// Parses what `chunk` completes. `eof`: the file ends after it.
    pub fn feed(&mut self, chunk: &[u8], eof: bool) {
        self.feed_with(chunk.len(), eof, |room| room.copy_from_slice(chunk));
    }

    /// [`SpanScan::feed`] with a chunk that `fill` writes straight into the buffer.
    pub fn feed_with(&mut self, len: usize, eof: bool, fill: impl FnOnce(&mut [u8])) {
        if self.done {
            return;
        }
        self.input.push(len, fill);
        let base = self.input.base();
        self.input.settle(eof);
        let clean_until = self.input.first_lone_surrogate_after;
        let consumed = match self.input.text() {
            Ok(text) => walk(
                text,
                base,
                eof,
                clean_until,
                &mut Walked {
                    records: &mut self.records,
                    end_so_far: &mut self.end_so_far,
                    after_span: &mut self.after_span,
                    end: self.end,
                    done: &mut self.done,
                },
            ),
            Err(_) => {
                self.done = true;
                0
            }
        };
        self.input.consume(consumed);
        if eof || self.input.end() >= u64::from(u32::MAX) {
            self.done = true;
        }
    }

    /// The scan has ended: it reads nothing more.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The records made since the last call, to send on while the scan goes on.
    pub fn take_records(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.records)
    }

    /// How many spans were read, and where the last one ends.
    pub fn end(&self) -> ScanEnd {
        self.end_so_far
    }

    /// Everything the scan read (the records not taken before included).
    pub fn finish(mut self) -> ScannedSpans {
        ScannedSpans {
            records: self.take_records(),
            end: self.end_so_far,
        }
    }
}

/// The scan's state a walk over one chunk updates.
struct Walked<'s> {
    records: &'s mut Vec<u8>,
    end_so_far: &'s mut ScanEnd,
    after_span: &'s mut bool,
    end: u64,
    done: &'s mut bool,
}

/// Reads spans from `text` (at byte `base` of the file); returns the bytes consumed. A span
/// that reaches past `clean_until` is not taken: its text had a lone surrogate replaced, and
/// the importing worker counts those itself.
fn walk(text: &str, base: u64, eof: bool, clean_until: Option<u64>, w: &mut Walked) -> usize {
    let window = Window::new(text.as_bytes(), base);
    let mut refs = Vec::new();
    let mut pos = 0;
    loop {
        let at = skip_whitespace(text.as_bytes(), pos);
        let Some(&c) = text.as_bytes().get(at) else {
            return pos;
        };
        if *w.after_span {
            if c != b',' {
                // `]` (or anything else): the importing worker reads on from here.
                *w.done = true;
                return pos;
            }
            *w.after_span = false;
            pos = at + 1;
            continue;
        }
        if base + at as u64 >= w.end || c != b'{' {
            *w.done = true;
            return pos;
        }
        let end = match read_value::<Obj<WireSpan>>(text, at, eof) {
            // A span without an id is left to the importing worker: it may be no span at all
            // (a trace object, when the guess fell between traces).
            Ok(Piece::Whole(Obj::Obj(span), _)) if span.span_id.is_none() => {
                *w.done = true;
                return pos;
            }
            Ok(Piece::Whole(Obj::Obj(span), end)) => {
                let past_clean = clean_until.is_some_and(|at| base + end as u64 > at);
                if past_clean {
                    *w.done = true;
                    return pos;
                }
                encode(&SpanRecord::of(&span, &window, &mut refs), w.records);
                end
            }
            Ok(Piece::Partial) => return pos,
            Ok(Piece::Whole(Obj::Other, _)) | Err(_) => {
                *w.done = true;
                return pos;
            }
        };
        w.end_so_far.spans += 1;
        w.end_so_far.resume_at = base + end as u64;
        *w.after_span = true;
        pos = end;
    }
}

/// Where a span object seems to start at or after `from` in `bytes` (a piece of the file
/// read at byte `offset`): a `{` after `}` and `,`, whose first key is one a span has and a
/// tag, log or process has not. Only a guess (those bytes may also be in a string, or between
/// references); [`crate::StreamImport::splice`] checks it.
pub fn guess_span_start(bytes: &[u8], offset: u64) -> Option<u64> {
    const SPAN_KEYS: [&[u8]; 7] = [
        b"\"traceID\"",
        b"\"spanID\"",
        b"\"operationName\"",
        b"\"flags\"",
        b"\"startTime\"",
        b"\"duration\"",
        b"\"processID\"",
    ];
    let mut at = 0;
    while let Some(k) = bytes[at..].iter().position(|&b| b == b',') {
        let comma = at + k;
        at = comma + 1;
        let before = bytes[..comma]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace());
        let open = skip_whitespace(bytes, comma + 1);
        if before != Some(&b'}') || bytes.get(open) != Some(&b'{') {
            continue;
        }
        let key = &bytes[skip_whitespace(bytes, open + 1)..];
        if SPAN_KEYS.iter().any(|k| key.starts_with(k)) {
            return Some(offset + open as u64);
        }
    }
    None
}
