//! The open trace's drawing columns, sent from the worker to the page as one byte buffer
//! (little-endian, versioned) instead of JSON: a million spans decode in milliseconds and the
//! page never holds a JSON document of the trace.

use crate::warning_groups::WarningGroup;

/// Bits of `ViewData::flags`.
pub mod flag {
    pub const ERROR: u8 = 1;
    /// The span's parent is not in the file: shown as a root.
    pub const ORPHAN: u8 = 2;
    /// Moved by clock-skew correction.
    pub const SKEW_ADJUSTED: u8 = 4;
    /// On the critical path.
    pub const CRITICAL: u8 = 8;
    /// The span has warnings of its own.
    pub const WARNED: u8 = 16;
    /// Clock skew was detected at this span (a server outside its client) but not corrected.
    pub const SKEW_DETECTED: u8 = 32;
}

pub use trace_core::NO_PARENT;

/// What the page needs to draw one trace: one entry per span in every column, indexed by span
/// index, plus the tree in preorder (children by start time).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViewData {
    /// Index of this trace in the trace list.
    pub trace: u32,
    pub trace_id: String,
    /// Interned names and services.
    pub strings: Vec<String>,
    /// Start relative to the trace start, ns.
    pub start: Vec<u64>,
    pub dur: Vec<u64>,
    pub self_time: Vec<u64>,
    /// Parent span index or `NO_PARENT`.
    pub parent: Vec<u32>,
    /// Into `strings`.
    pub name: Vec<u32>,
    /// Into `strings`.
    pub service: Vec<u32>,
    /// trace-core `SpanKind` as a small number: 0 unspecified, 1 internal, 2 server, 3 client,
    /// 4 producer, 5 consumer.
    pub kind: Vec<u8>,
    /// `flag::*` bits.
    pub flags: Vec<u8>,
    /// The tree in preorder: span indices, their depth, and the size of their subtree
    /// (including themselves): `trace_core::Tree::preorder_columns`, which
    /// `viewer_core::rows::TreeRows::from_preorder` takes.
    pub order: Vec<u32>,
    pub depth: Vec<u16>,
    pub subtree_len: Vec<u32>,
    /// Service string ids sorted by service name.
    pub services: Vec<u32>,
    /// The minimap's span density over `0..duration_ns` (`viewer_core::minimap::bins`),
    /// made here so the page never walks every span to draw it.
    pub minimap: Vec<u16>,
    pub duration_ns: u64,
    pub start_unix_ns: i64,
    /// The trace's warnings by kind, bounded (data-quality panel).
    pub warnings: Vec<WarningGroup>,
    /// Whether skew correction is applied in this view.
    pub skew_corrected: bool,
}

/// Why a byte buffer is not a valid `ViewData` or `MatchData`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// The buffer does not start with the expected magic bytes.
    BadMagic,
    /// A version this build does not read (page and worker from different builds).
    Version(u16),
    /// The buffer ends before `what` is complete.
    Truncated { what: &'static str, offset: usize },
    /// A length or value that cannot be right (e.g. more entries than bytes left).
    Corrupt { what: &'static str, offset: usize },
    /// Bytes left over after the last field.
    Trailing { offset: usize },
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::BadMagic => f.write_str("not a trace view buffer (bad magic)"),
            WireError::Version(v) => write!(f, "unsupported buffer version {v}"),
            WireError::Truncated { what, offset } => {
                write!(f, "buffer truncated in {what} at byte {offset}")
            }
            WireError::Corrupt { what, offset } => write!(f, "corrupt {what} at byte {offset}"),
            WireError::Trailing { offset } => write!(f, "unexpected bytes after byte {offset}"),
        }
    }
}

impl std::error::Error for WireError {}

const VIEW_MAGIC: &[u8; 4] = b"TVVD";
const MATCH_MAGIC: &[u8; 4] = b"TVMD";
const ORDER_MAGIC: &[u8; 4] = b"TVSO";
const FLAME_MAGIC: &[u8; 4] = b"TVFG";
/// Bumped on any layout change: page and worker are built together, but a cached old worker
/// must fail loudly rather than misread columns.
// 2: warnings grouped by kind. 3: every u16/u32/u64 column starts at a multiple of its
// element size (zero padding), so the page copies each straight out of the transferred buffer.
const VERSION: u16 = 4;

/// A span count or string count larger than this is corrupt whatever the buffer holds: it keeps
/// `usize` arithmetic far from overflow on wasm32.
const MAX_COUNT: u64 = u32::MAX as u64;

/// Appends little-endian values. Columns are written with one `reserve` and a tight loop that
/// the optimiser turns into a block copy on little-endian targets.
struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn header(magic: &[u8; 4], capacity: usize) -> Writer {
        let mut out = Vec::with_capacity(capacity);
        out.extend_from_slice(magic);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        Writer { out }
    }
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    /// Lengths are u32 on the wire; a longer collection cannot come from a trace (span indices
    /// are u32), so saturating keeps encode total and makes decode report the mismatch.
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }
    /// Zero bytes up to the next multiple of `size`.
    fn align(&mut self, size: usize) {
        let to = self.out.len().next_multiple_of(size);
        self.out.resize(to, 0);
    }
    fn col_u8(&mut self, v: &[u8]) {
        self.out.extend_from_slice(v);
    }
    fn col_u16(&mut self, v: &[u16]) {
        self.align(2);
        self.out.reserve(v.len() * 2);
        for x in v {
            self.out.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn col_u32(&mut self, v: &[u32]) {
        self.align(4);
        self.out.reserve(v.len() * 4);
        for x in v {
            self.out.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn col_u64(&mut self, v: &[u64]) {
        self.align(8);
        self.out.reserve(v.len() * 8);
        for x in v {
            self.out.extend_from_slice(&x.to_le_bytes());
        }
    }
}

/// A buffer the decoders read: bytes in this memory (`[u8]`), or, on the page, the buffer the
/// worker transferred, from which each column is copied straight into its `Vec` (no copy of
/// the whole buffer first). Positions are checked by the reader before any call.
pub trait WireSource {
    /// Bytes in the buffer.
    fn byte_len(&self) -> usize;
    /// Copies the bytes at `at..at + out.len()` into `out`.
    fn read(&self, at: usize, out: &mut [u8]);
    /// `n` little-endian values at `at` (a multiple of 2).
    fn u16s(&self, at: usize, n: usize) -> Vec<u16> {
        let mut b = vec![0; n * 2];
        self.read(at, &mut b);
        b.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect()
    }
    /// `n` little-endian values at `at` (a multiple of 4).
    fn u32s(&self, at: usize, n: usize) -> Vec<u32> {
        let mut b = vec![0; n * 4];
        self.read(at, &mut b);
        b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    }
    /// `n` little-endian values at `at` (a multiple of 8).
    fn u64s(&self, at: usize, n: usize) -> Vec<u64> {
        let mut b = vec![0; n * 8];
        self.read(at, &mut b);
        b.chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect()
    }
}

impl WireSource for [u8] {
    fn byte_len(&self) -> usize {
        <[u8]>::len(self)
    }
    fn read(&self, at: usize, out: &mut [u8]) {
        if let Some(from) = self.get(at..at + out.len()) {
            out.copy_from_slice(from);
        }
    }
}

/// Reads little-endian values, checking every length against the bytes left before
/// allocating, so a corrupt count can never ask for gigabytes.
struct Reader<'a, S: WireSource + ?Sized> {
    src: &'a S,
    pos: usize,
}

impl<'a, S: WireSource + ?Sized> Reader<'a, S> {
    fn header(src: &'a S, magic: &[u8; 4]) -> Result<Reader<'a, S>, WireError> {
        let mut r = Reader { src, pos: 0 };
        let m: [u8; 4] = r.array("header")?;
        if &m != magic {
            return Err(WireError::BadMagic);
        }
        let v = r.u16("header")?;
        if v != VERSION {
            return Err(WireError::Version(v));
        }
        r.u16("header")?;
        Ok(r)
    }
    /// Claims `n` bytes from the current position; returns where they start.
    fn take(&mut self, n: usize, what: &'static str) -> Result<usize, WireError> {
        let at = self.pos;
        let end = at
            .checked_add(n)
            .ok_or(WireError::Corrupt { what, offset: at })?;
        if end > self.src.byte_len() {
            return Err(WireError::Truncated { what, offset: at });
        }
        self.pos = end;
        Ok(at)
    }
    /// Skips the padding before a column of `size`-byte values.
    fn align(&mut self, size: usize, what: &'static str) -> Result<(), WireError> {
        let to = self.pos.next_multiple_of(size);
        self.take(to - self.pos, what).map(|_| ())
    }
    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], WireError> {
        let at = self.take(N, what)?;
        let mut a = [0u8; N];
        self.src.read(at, &mut a);
        Ok(a)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, WireError> {
        Ok(self.array::<1>(what)?[0])
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, WireError> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, WireError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }
    fn u64(&mut self, what: &'static str) -> Result<u64, WireError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }
    fn bool(&mut self, what: &'static str) -> Result<bool, WireError> {
        let at = self.pos;
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(WireError::Corrupt { what, offset: at }),
        }
    }
    /// A count of entries that each take at least `min_size` bytes: checked against what is
    /// left so that `Vec::with_capacity(count)` is always bounded by the buffer size.
    fn count(&mut self, min_size: usize, what: &'static str) -> Result<usize, WireError> {
        let at = self.pos;
        let n = self.u32(what)? as usize;
        let left = self.src.byte_len() - self.pos;
        if n as u64 > MAX_COUNT || n.saturating_mul(min_size.max(1)) > left {
            return Err(WireError::Corrupt { what, offset: at });
        }
        Ok(n)
    }
    fn str(&mut self, what: &'static str) -> Result<String, WireError> {
        let n = self.count(1, what)?;
        let offset = self.pos;
        let bytes = self.col_u8(n, what)?;
        String::from_utf8(bytes).map_err(|_| WireError::Corrupt { what, offset })
    }
    fn opt_str(&mut self, what: &'static str) -> Result<Option<String>, WireError> {
        Ok(if self.bool(what)? {
            Some(self.str(what)?)
        } else {
            None
        })
    }
    fn col_u8(&mut self, n: usize, what: &'static str) -> Result<Vec<u8>, WireError> {
        let at = self.take(n, what)?;
        let mut out = vec![0; n];
        self.src.read(at, &mut out);
        Ok(out)
    }
    fn col_u16(&mut self, n: usize, what: &'static str) -> Result<Vec<u16>, WireError> {
        self.align(2, what)?;
        let at = self.take(n.saturating_mul(2), what)?;
        Ok(self.src.u16s(at, n))
    }
    fn col_u32(&mut self, n: usize, what: &'static str) -> Result<Vec<u32>, WireError> {
        self.align(4, what)?;
        let at = self.take(n.saturating_mul(4), what)?;
        Ok(self.src.u32s(at, n))
    }
    fn col_u64(&mut self, n: usize, what: &'static str) -> Result<Vec<u64>, WireError> {
        self.align(8, what)?;
        let at = self.take(n.saturating_mul(8), what)?;
        Ok(self.src.u64s(at, n))
    }
    fn finish(self) -> Result<(), WireError> {
        if self.pos == self.src.byte_len() {
            Ok(())
        } else {
            Err(WireError::Trailing { offset: self.pos })
        }
    }
}

/// Bytes per span over all span columns (start, dur, self_time: 8; parent, name, service: 4;
/// kind, flags: 1), used to bound the span count before allocating.
const SPAN_BYTES: usize = 3 * 8 + 3 * 4 + 2;
/// Bytes per preorder row (order: 4, depth: 2, subtree_len: 4).
const ROW_BYTES: usize = 4 + 2 + 4;

impl ViewData {
    /// Encodes the view as one little-endian buffer: magic `TVVD`, version, then the fields in
    /// declaration order; each span column is written whole after one span count, so decode is
    /// a handful of bulk copies. Columns shorter than `start` are padded with zeros (and longer
    /// ones cut) so the buffer always has one entry per span in every column.
    pub fn encode(&self) -> Vec<u8> {
        let n = self.start.len();
        let rows = self.order.len();
        let strings: usize = self.strings.iter().map(|s| s.len() + 4).sum();
        let warnings: usize = self
            .warnings
            .iter()
            .flat_map(|g| &g.examples)
            .map(|w| w.kind.len() + w.message.len() + 13)
            .sum::<usize>()
            + self
                .warnings
                .iter()
                .map(|g| g.kind.len() + 16)
                .sum::<usize>();
        let mut w = Writer::header(
            VIEW_MAGIC,
            64 + self.trace_id.len()
                + strings
                + n * SPAN_BYTES
                + rows * ROW_BYTES
                + self.services.len() * 4
                + self.minimap.len() * 2
                + warnings,
        );
        w.u32(self.trace);
        w.str(&self.trace_id);
        w.len(self.strings.len());
        for s in &self.strings {
            w.str(s);
        }
        w.len(n);
        w.col_u64(&self.start);
        w.col_u64(&fit(&self.dur, n));
        w.col_u64(&fit(&self.self_time, n));
        w.col_u32(&fit(&self.parent, n));
        w.col_u32(&fit(&self.name, n));
        w.col_u32(&fit(&self.service, n));
        w.col_u8(&fit(&self.kind, n));
        w.col_u8(&fit(&self.flags, n));
        w.len(rows);
        w.col_u32(&self.order);
        w.col_u16(&fit(&self.depth, rows));
        w.col_u32(&fit(&self.subtree_len, rows));
        w.len(self.services.len());
        w.col_u32(&self.services);
        w.len(self.minimap.len());
        w.col_u16(&self.minimap);
        w.u64(self.duration_ns);
        w.u64(self.start_unix_ns as u64);
        w.len(self.warnings.len());
        for group in &self.warnings {
            w.str(&group.kind);
            w.u64(group.total);
            w.len(group.examples.len());
            for x in &group.examples {
                w.str(&x.kind);
                w.str(&x.message);
                match x.span {
                    None => w.u8(0),
                    Some(s) => {
                        w.u8(1);
                        w.u32(s);
                    }
                }
            }
        }
        w.u8(self.skew_corrected as u8);
        w.out
    }

    /// Decodes a buffer made by [`ViewData::encode`]. Never panics; any truncation, bad magic,
    /// other version, impossible length or trailing byte is an error.
    pub fn decode(buf: &[u8]) -> Result<ViewData, WireError> {
        Self::decode_from(buf)
    }

    /// [`ViewData::decode`] from any [`WireSource`] (the page reads the transferred buffer).
    pub fn decode_from<S: WireSource + ?Sized>(buf: &S) -> Result<ViewData, WireError> {
        let mut r = Reader::header(buf, VIEW_MAGIC)?;
        let trace = r.u32("trace index")?;
        let trace_id = r.str("trace id")?;
        let ns = r.count(4, "string table")?;
        let mut strings = Vec::with_capacity(ns);
        for _ in 0..ns {
            strings.push(r.str("string table")?);
        }
        let n = r.count(SPAN_BYTES, "span columns")?;
        let start = r.col_u64(n, "start column")?;
        let dur = r.col_u64(n, "duration column")?;
        let self_time = r.col_u64(n, "self time column")?;
        let parent = r.col_u32(n, "parent column")?;
        let name = r.col_u32(n, "name column")?;
        let service = r.col_u32(n, "service column")?;
        let kind = r.col_u8(n, "kind column")?;
        let flags = r.col_u8(n, "flags column")?;
        let rows = r.count(ROW_BYTES, "preorder")?;
        let order = r.col_u32(rows, "preorder")?;
        let depth = r.col_u16(rows, "depth column")?;
        let subtree_len = r.col_u32(rows, "subtree column")?;
        let nsv = r.count(4, "services")?;
        let services = r.col_u32(nsv, "services")?;
        let bins = r.count(2, "minimap")?;
        let minimap = r.col_u16(bins, "minimap")?;
        let duration_ns = r.u64("duration")?;
        let start_unix_ns = r.u64("start time")? as i64;
        // A group is at least an empty kind, a total and a count; a warning at least two
        // empty strings and a tag byte.
        let ng = r.count(16, "warning groups")?;
        let mut warnings = Vec::with_capacity(ng);
        for _ in 0..ng {
            let group_kind = r.str("warning group kind")?;
            let total = r.u64("warning total")?;
            let nw = r.count(9, "warnings")?;
            let mut examples = Vec::with_capacity(nw);
            for _ in 0..nw {
                let kind = r.str("warning kind")?;
                let message = r.str("warning message")?;
                let span = if r.bool("warning span")? {
                    Some(r.u32("warning span")?)
                } else {
                    None
                };
                examples.push(crate::protocol::WarningView {
                    kind,
                    message,
                    span,
                });
            }
            warnings.push(WarningGroup {
                kind: group_kind,
                total,
                examples,
            });
        }
        let skew_corrected = r.bool("skew flag")?;
        r.finish()?;
        Ok(ViewData {
            trace,
            trace_id,
            strings,
            start,
            dur,
            self_time,
            parent,
            name,
            service,
            kind,
            flags,
            order,
            depth,
            subtree_len,
            services,
            minimap,
            duration_ns,
            start_unix_ns,
            warnings,
            skew_corrected,
        })
    }

    /// Number of spans.
    pub fn len(&self) -> usize {
        self.start.len()
    }

    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }

    /// The interned string `id`, or "" when out of range.
    pub fn string(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", String::as_str)
    }
}

/// `v` as exactly `n` entries (zero-padded or cut); borrows when it already fits, which is
/// always the case for views built by the session.
fn fit<T: Copy + Default>(v: &[T], n: usize) -> std::borrow::Cow<'_, [T]> {
    if v.len() == n {
        std::borrow::Cow::Borrowed(v)
    } else {
        let mut o: Vec<T> = v.iter().copied().take(n).collect();
        o.resize(n, T::default());
        std::borrow::Cow::Owned(o)
    }
}

/// The spans a filter matched, sent as bytes because a broad filter on a large trace can match
/// a million spans.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MatchData {
    /// The query this answers, so the page can drop answers to superseded keystrokes.
    pub query: String,
    /// Matching span indices, in the view's preorder (top to bottom as drawn), so match
    /// navigation is a walk through this list.
    pub spans: Vec<u32>,
    /// The parse error (with its column) when the query is not valid; `spans` is then empty.
    pub error: Option<String>,
}

impl MatchData {
    /// Magic `TVMD`, version, query, optional error, span count and the span column.
    pub fn encode(&self) -> Vec<u8> {
        let err = self.error.as_ref().map_or(0, String::len);
        let mut w = Writer::header(
            MATCH_MAGIC,
            24 + self.query.len() + err + self.spans.len() * 4,
        );
        w.str(&self.query);
        w.opt_str(self.error.as_deref());
        w.len(self.spans.len());
        w.col_u32(&self.spans);
        w.out
    }

    /// Decodes a buffer made by [`MatchData::encode`]; never panics.
    pub fn decode(buf: &[u8]) -> Result<MatchData, WireError> {
        Self::decode_from(buf)
    }

    /// [`MatchData::decode`] from any [`WireSource`] (the page reads the transferred buffer).
    pub fn decode_from<S: WireSource + ?Sized>(buf: &S) -> Result<MatchData, WireError> {
        let mut r = Reader::header(buf, MATCH_MAGIC)?;
        let query = r.str("query")?;
        let error = r.opt_str("error")?;
        let n = r.count(4, "matches")?;
        let spans = r.col_u32(n, "matches")?;
        r.finish()?;
        Ok(MatchData {
            query,
            spans,
            error,
        })
    }
}

/// The open trace's spans in the order of a span-table column (`Request::SortSpans`): a
/// million of them, so bytes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderData {
    /// The column and direction this answers (`TableColumn::as_str`), so the page can drop
    /// answers to a superseded click.
    pub column: String,
    pub descending: bool,
    pub spans: Vec<u32>,
}

impl OrderData {
    /// Magic `TVSO`, version, column, direction, span count and the span column.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::header(ORDER_MAGIC, 24 + self.column.len() + self.spans.len() * 4);
        w.str(&self.column);
        w.u8(u8::from(self.descending));
        w.len(self.spans.len());
        w.col_u32(&self.spans);
        w.out
    }

    /// Decodes a buffer made by [`OrderData::encode`] from any [`WireSource`]; never panics.
    pub fn decode_from<S: WireSource + ?Sized>(buf: &S) -> Result<OrderData, WireError> {
        let mut r = Reader::header(buf, ORDER_MAGIC)?;
        let column = r.str("column")?;
        let descending = r.u8("direction")? != 0;
        let n = r.count(4, "order")?;
        let spans = r.col_u32(n, "order")?;
        r.finish()?;
        Ok(OrderData {
            column,
            descending,
            spans,
        })
    }
}

/// Bytes per frame: parent, depth, service, name, start, total, self time, count.
const FRAME_BYTES: usize = 4 + 2 + 4 + 4 + 8 + 8 + 8 + 4;

impl crate::flame::FlameData {
    /// Magic `TVFG`, version, trace, string table, the frame columns, the span-to-frame column.
    pub fn encode(&self) -> Vec<u8> {
        let n = self.len();
        let strings: usize = self.strings.iter().map(|s| s.len() + 4).sum();
        let mut w = Writer::header(
            FLAME_MAGIC,
            64 + strings + n * FRAME_BYTES + self.span_frame.len() * 4,
        );
        w.u32(self.trace);
        w.len(self.strings.len());
        for s in &self.strings {
            w.str(s);
        }
        w.len(n);
        w.col_u32(&fit(&self.parent, n));
        w.col_u16(&fit(&self.depth, n));
        w.col_u32(&fit(&self.service, n));
        w.col_u32(&fit(&self.name, n));
        w.col_u64(&fit(&self.start, n));
        w.col_u64(&fit(&self.total, n));
        w.col_u64(&fit(&self.self_time, n));
        w.col_u32(&fit(&self.count, n));
        w.len(self.span_frame.len());
        w.col_u32(&self.span_frame);
        w.out
    }

    /// Decodes a buffer made by [`FlameData::encode`](crate::flame::FlameData::encode) from any
    /// [`WireSource`]; never panics.
    pub fn decode_from<S: WireSource + ?Sized>(
        buf: &S,
    ) -> Result<crate::flame::FlameData, WireError> {
        let mut r = Reader::header(buf, FLAME_MAGIC)?;
        let trace = r.u32("trace")?;
        let ns = r.count(4, "flame strings")?;
        let mut strings = Vec::with_capacity(ns);
        for _ in 0..ns {
            strings.push(r.str("flame strings")?);
        }
        let n = r.count(FRAME_BYTES, "frames")?;
        let parent = r.col_u32(n, "frame parents")?;
        let depth = r.col_u16(n, "frame depths")?;
        let service = r.col_u32(n, "frame services")?;
        let name = r.col_u32(n, "frame names")?;
        let start = r.col_u64(n, "frame starts")?;
        let total = r.col_u64(n, "frame totals")?;
        let self_time = r.col_u64(n, "frame self times")?;
        let count = r.col_u32(n, "frame counts")?;
        let spans = r.count(4, "span frames")?;
        let span_frame = r.col_u32(spans, "span frames")?;
        r.finish()?;
        Ok(crate::flame::FlameData {
            trace,
            strings,
            parent,
            depth,
            service,
            name,
            start,
            total,
            self_time,
            count,
            span_frame,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::WarningView;

    fn sample() -> ViewData {
        ViewData {
            trace: 3,
            trace_id: "abc123".into(),
            strings: vec!["GET /".into(), "frontend".into(), "ünïcode".into()],
            start: vec![0, 10, 500],
            dur: vec![1_000, 400, 300],
            self_time: vec![300, 400, 300],
            parent: vec![NO_PARENT, 0, 0],
            name: vec![0, 0, 2],
            service: vec![1, 1, 1],
            kind: vec![2, 3, 0],
            flags: vec![flag::CRITICAL, flag::ERROR | flag::WARNED, 0],
            order: vec![0, 1, 2],
            depth: vec![0, 1, 1],
            subtree_len: vec![3, 1, 1],
            services: vec![1],
            duration_ns: 1_000,
            start_unix_ns: -5,
            warnings: vec![
                WarningGroup {
                    kind: "orphan".into(),
                    total: 7,
                    examples: vec![WarningView {
                        kind: "orphan".into(),
                        message: "parent missing".into(),
                        span: Some(1),
                    }],
                },
                WarningGroup {
                    kind: "skipped".into(),
                    total: 1,
                    examples: vec![WarningView {
                        kind: "skipped".into(),
                        message: String::new(),
                        span: None,
                    }],
                },
            ],
            skew_corrected: true,
            minimap: vec![0, 7, u16::MAX],
        }
    }

    #[test]
    fn view_round_trip() {
        let v = sample();
        let b = v.encode();
        assert_eq!(&b[..4], b"TVVD");
        assert_eq!(ViewData::decode(&b), Ok(v));
        let empty = ViewData::default();
        assert_eq!(ViewData::decode(&empty.encode()), Ok(empty));
    }

    #[test]
    fn view_every_truncation_is_an_error() {
        let b = sample().encode();
        for k in 0..b.len() {
            assert!(ViewData::decode(&b[..k]).is_err(), "prefix {k} decoded");
        }
        let mut long = b.clone();
        long.push(0);
        assert_eq!(
            ViewData::decode(&long),
            Err(WireError::Trailing { offset: b.len() })
        );
    }

    #[test]
    fn view_corrupt_lengths_are_errors_not_allocations() {
        let b = sample().encode();
        // Overwrite every 4-byte window with a huge count: whatever field it hits, decode
        // must fail (or, for plain values, succeed) without panicking or allocating wildly.
        for at in 0..b.len().saturating_sub(4) {
            let mut c = b.clone();
            c[at..at + 4].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
            let _ = ViewData::decode(&c);
        }
        // The span count specifically (after header 8, trace 4, id 4+6, strings 4+(4+5)+(4+8)+(4+9), "ünïcode" being 9 bytes).
        let span_count_at = 8 + 4 + 10 + 4 + 9 + 12 + 13;
        assert_eq!(&b[span_count_at..span_count_at + 4], &3u32.to_le_bytes());
        let mut c = b.clone();
        c[span_count_at..span_count_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            ViewData::decode(&c),
            Err(WireError::Corrupt {
                what: "span columns",
                ..
            })
        ));
    }

    #[test]
    fn view_bad_header() {
        let mut b = sample().encode();
        b[0] = b'X';
        assert_eq!(ViewData::decode(&b), Err(WireError::BadMagic));
        let mut b = sample().encode();
        b[4] = 9;
        assert_eq!(ViewData::decode(&b), Err(WireError::Version(9)));
        assert_eq!(
            ViewData::decode(&MatchData::default().encode()),
            Err(WireError::BadMagic)
        );
    }

    #[test]
    fn view_bad_utf8_and_bool() {
        let b = sample().encode();
        // The trace id's first byte.
        let mut c = b.clone();
        c[16] = 0xFF;
        assert!(matches!(
            ViewData::decode(&c),
            Err(WireError::Corrupt {
                what: "trace id",
                ..
            })
        ));
        let mut c = b.clone();
        let last = c.len() - 1;
        c[last] = 2;
        assert!(matches!(
            ViewData::decode(&c),
            Err(WireError::Corrupt {
                what: "skew flag",
                ..
            })
        ));
    }

    /// A source that insists on what the page's typed-array copies need: every column of
    /// `size`-byte values starts at a multiple of `size`.
    struct Aligned<'a>(&'a [u8], std::cell::Cell<usize>);

    impl WireSource for Aligned<'_> {
        fn byte_len(&self) -> usize {
            self.0.len()
        }
        fn read(&self, at: usize, out: &mut [u8]) {
            self.0.read(at, out)
        }
        fn u16s(&self, at: usize, n: usize) -> Vec<u16> {
            assert_eq!(at % 2, 0, "u16 column at {at}");
            self.1.set(self.1.get() + 1);
            self.0.u16s(at, n)
        }
        fn u32s(&self, at: usize, n: usize) -> Vec<u32> {
            assert_eq!(at % 4, 0, "u32 column at {at}");
            self.1.set(self.1.get() + 1);
            self.0.u32s(at, n)
        }
        fn u64s(&self, at: usize, n: usize) -> Vec<u64> {
            assert_eq!(at % 8, 0, "u64 column at {at}");
            self.1.set(self.1.get() + 1);
            self.0.u64s(at, n)
        }
    }

    #[test]
    fn columns_are_aligned_for_typed_array_copies() {
        for id in ["", "a", "abc", "abcdefg"] {
            let mut v = sample();
            v.trace_id = id.into();
            let b = v.encode();
            let src = Aligned(&b, std::cell::Cell::new(0));
            assert_eq!(ViewData::decode_from(&src), Ok(v));
            assert_eq!(
                src.1.get(),
                11,
                "every wide column went through a typed copy"
            );
            let m = MatchData {
                query: id.into(),
                spans: vec![3, 1],
                error: None,
            };
            let b = m.encode();
            assert_eq!(
                MatchData::decode_from(&Aligned(&b, Default::default())),
                Ok(m)
            );
        }
    }

    #[test]
    fn short_columns_are_padded() {
        let mut v = sample();
        v.flags.pop();
        let d = ViewData::decode(&v.encode()).expect("decodes");
        assert_eq!(d.flags, vec![flag::CRITICAL, flag::ERROR | flag::WARNED, 0]);
    }

    #[test]
    fn pseudo_random_bytes_never_panic() {
        let good = sample().encode();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for round in 0..2_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut c = good.clone();
            let at = (x as usize) % c.len();
            c[at] = (x >> 32) as u8;
            if round % 3 == 0 {
                c.truncate((x >> 40) as usize % (c.len() + 1));
            }
            let _ = ViewData::decode(&c);
            let _ = MatchData::decode(&c);
        }
    }

    #[test]
    fn matches_round_trip_and_truncation() {
        let m = MatchData {
            query: "status=error".into(),
            spans: vec![4, 1, 9],
            error: None,
        };
        let b = m.encode();
        assert_eq!(MatchData::decode(&b), Ok(m));
        for k in 0..b.len() {
            assert!(MatchData::decode(&b[..k]).is_err(), "prefix {k} decoded");
        }
        let e = MatchData {
            query: "duration>1xs".into(),
            spans: vec![],
            error: Some("bad unit at column 10".into()),
        };
        assert_eq!(MatchData::decode(&e.encode()), Ok(e));
        let mut c = b.clone();
        // The span count sits right after header (8), query (4+12) and error tag (1).
        c[25..29].copy_from_slice(&0x4000_0000u32.to_le_bytes());
        assert!(matches!(
            MatchData::decode(&c),
            Err(WireError::Corrupt {
                what: "matches",
                ..
            })
        ));
    }

    #[test]
    fn an_order_round_trips_and_damage_is_an_error() {
        let order = OrderData {
            column: "self_time".into(),
            descending: true,
            spans: vec![2, 0, 1],
        };
        let bytes = order.encode();
        assert_eq!(OrderData::decode_from(bytes.as_slice()), Ok(order));
        for cut in 0..bytes.len() {
            assert!(
                OrderData::decode_from(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_flame_graph_round_trips_and_damage_is_an_error() {
        let flame = crate::flame::FlameData {
            trace: 2,
            strings: vec!["frontend".into(), "GET /".into(), "ünï".into()],
            parent: vec![crate::flame::NO_FRAME, 0],
            depth: vec![0, 1],
            service: vec![0, 0],
            name: vec![1, 2],
            start: vec![0, 0],
            total: vec![100, 60],
            self_time: vec![40, 60],
            count: vec![1, 3],
            span_frame: vec![0, 1, 1, 1],
        };
        let bytes = flame.encode();
        assert_eq!(
            crate::flame::FlameData::decode_from(bytes.as_slice()),
            Ok(flame)
        );
        for cut in 0..bytes.len() {
            assert!(
                crate::flame::FlameData::decode_from(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }
}
