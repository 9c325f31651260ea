//! Import of a file read a chunk at a time, so that a file larger than memory can open: the
//! bytes are parsed as they arrive and let go of; what a trace keeps of them are byte ranges
//! into the file, read back later (`crate::source`).
//!
//! Only the common layout of the format whose files get that big is read this way: Jaeger JSON
//! with its spans as records (`jaeger::stream`). Everything else — other formats, gzip, JSON
//! Lines, unusual key orders, and every error — answers [`ReadWhole`], and the caller imports
//! the file whole with [`super::import_owned`], which reads every case and names every error.
//! Both give the same traces (tested on every Jaeger fixture, fed in pieces of every size).

pub use super::jaeger::span_scan::{guess_span_start, ScanEnd, ScannedSpans, SpanScan};
use super::jaeger::stream::Walk;
use super::{detect, gzip, replace_lone_surrogates_before, Format, Import};
use crate::builder::ImportBuilder;
use crate::source::Source;
use std::sync::Arc;

/// The file cannot be read a chunk at a time: import it whole instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadWhole;

/// The bytes of a file not parsed yet, as they are fed a chunk at a time.
#[derive(Default)]
pub(crate) struct ChunkBuffer {
    buf: Vec<u8>,
    /// Where `buf` starts in the file.
    base: u64,
    /// `buf[..fixed]` has had its lone surrogate escapes replaced (as `import` does to the
    /// whole file before parsing).
    fixed: usize,
    pub lone_surrogates: usize,
    /// Where in the file the escapes were being looked for when the first lone one was found:
    /// text before it is as the file wrote it.
    pub first_lone_surrogate_after: Option<u64>,
}

/// A surrogate pair escape, `\ud83d\ude00`: a lone one is only known once the bytes after it are.
const PAIR_ESCAPE: usize = 12;

impl ChunkBuffer {
    /// A buffer for the file from byte `base` on.
    pub fn starting_at(base: u64) -> Self {
        ChunkBuffer {
            base,
            ..Self::default()
        }
    }

    /// Appends `len` bytes that `fill` writes.
    pub fn push(&mut self, len: usize, fill: impl FnOnce(&mut [u8])) {
        let from = self.buf.len();
        self.buf.resize(from + len, 0);
        fill(&mut self.buf[from..]);
    }

    /// Where the buffer starts in the file, and where it ends.
    pub fn base(&self) -> u64 {
        self.base
    }

    pub fn end(&self) -> u64 {
        self.base + self.buf.len() as u64
    }

    pub fn bytes_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    pub fn rest(&self) -> &[u8] {
        &self.buf
    }

    /// Replaces the lone surrogate escapes in what can be parsed now (a surrogate escape at
    /// the end is left for the next chunk unless `eof`).
    pub fn settle(&mut self, eof: bool) {
        let limit = if eof {
            self.buf.len()
        } else {
            self.buf.len().saturating_sub(PAIR_ESCAPE)
        };
        let from = self.fixed;
        let (replaced, fixed) = replace_lone_surrogates_before(&mut self.buf, from, limit);
        if replaced > 0 && self.first_lone_surrogate_after.is_none() {
            self.first_lone_surrogate_after = Some(self.base + from as u64);
        }
        self.lone_surrogates += replaced;
        self.fixed = fixed.max(self.fixed);
    }

    /// The text [`ChunkBuffer::settle`] made ready (a character cut at the end is left for
    /// the next chunk).
    pub fn text(&self) -> Result<&str, ReadWhole> {
        utf8_prefix(&self.buf[..self.fixed.min(self.buf.len())])
    }

    /// Lets go of the first `n` bytes, which were parsed.
    pub fn consume(&mut self, n: usize) {
        self.buf.drain(..n);
        self.base += n as u64;
        self.fixed -= n;
    }

    /// Lets go of everything and goes on from byte `at` of the file.
    pub fn skip_to(&mut self, at: u64) {
        self.buf.clear();
        self.base = at;
        self.fixed = 0;
    }
}

/// An import fed a chunk at a time with [`StreamImport::feed`].
pub struct StreamImport {
    input: ChunkBuffer,
    /// The format was checked (on the first `detect_after` bytes, or the whole file if shorter).
    detected: bool,
    detect_after: usize,
    walk: Walk,
    /// The walk takes no token that starts at one of these offsets (other workers parse from
    /// there on), in order.
    stops: Vec<u64>,
    /// Helpers whose spans were added.
    spliced: u32,
    builder: ImportBuilder<'static>,
}

impl Default for StreamImport {
    fn default() -> Self {
        StreamImport {
            input: ChunkBuffer::default(),
            detected: false,
            detect_after: Self::DETECT_BYTES,
            walk: Walk::default(),
            stops: Vec::new(),
            spliced: 0,
            builder: ImportBuilder::streaming(),
        }
    }
}

impl StreamImport {
    /// Bytes needed to recognise the format (detection reads the first 64 KiB of the document).
    pub const DETECT_BYTES: usize = 1 << 20;

    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the format on the first `bytes` instead of [`StreamImport::DETECT_BYTES`] (the
    /// tests feed small files in small pieces; detection reads the keys near the start).
    pub fn detecting_after(bytes: usize) -> Self {
        StreamImport {
            detect_after: bytes,
            ..Self::default()
        }
    }

    /// Parses what `chunk` completes.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ReadWhole> {
        self.feed_with(chunk.len(), |room| room.copy_from_slice(chunk))
    }

    /// [`StreamImport::feed`] with a chunk of `len` bytes that `fill` writes straight into the
    /// buffer (one copy less for bytes that come from elsewhere, such as a JS `ArrayBuffer`).
    pub fn feed_with(&mut self, len: usize, fill: impl FnOnce(&mut [u8])) -> Result<(), ReadWhole> {
        self.input.push(len, fill);
        if self.input.end() >= u64::from(u32::MAX) {
            // Kept ranges are 32-bit offsets.
            return Err(ReadWhole);
        }
        self.parse(false)
    }

    /// Whether the file was recognised as one this import reads (known once the first
    /// [`StreamImport::DETECT_BYTES`] were fed).
    pub fn is_detected(&self) -> bool {
        self.detected
    }

    /// Takes no token that starts at one of `offsets` of the file: other workers parse the
    /// spans from there on ([`SpanScan`]), and [`StreamImport::splice`] adds them.
    pub fn stop_before(&mut self, offsets: &[u64]) {
        self.stops = offsets.to_vec();
        self.stops.sort_unstable();
    }

    /// Adds the spans a [`SpanScan`] started at `offset` read, and goes on where it ended,
    /// if the walk stopped exactly at `offset` before an element of a spans array (true).
    /// Else nothing is added and the walk goes on as if it had not been stopped there (false):
    /// the offset was not where a span starts (it was guessed from a few bytes; this is the
    /// check).
    pub fn splice(&mut self, offset: u64, scan: &ScannedSpans) -> Result<bool, ReadWhole> {
        self.splice_batches(offset, scan.end, [&scan.records])
    }

    /// [`StreamImport::splice`] with the records in the batches the helper sent them in (so
    /// they need not be in this memory all at once).
    pub fn splice_batches<B: AsRef<[u8]>>(
        &mut self,
        offset: u64,
        end: ScanEnd,
        batches: impl IntoIterator<Item = B>,
    ) -> Result<bool, ReadWhole> {
        self.stops.retain(|&stop| stop > offset);
        let stands_there = self.input.base() == offset && self.walk.expects_span();
        if !stands_there || end.spans == 0 {
            return Ok(false);
        }
        for records in batches {
            self.walk.add_scanned(records.as_ref(), &mut self.builder)?;
        }
        self.input.skip_to(end.resume_at);
        self.spliced += 1;
        Ok(true)
    }

    /// Parses the rest and builds the traces, which read their details from `source` (the
    /// file that was fed).
    pub fn finish(mut self, source: Arc<dyn Source>) -> Result<Import, ReadWhole> {
        self.parse(true)?;
        if !self.walk.is_done() || self.input.rest().iter().any(|b| !b.is_ascii_whitespace()) {
            return Err(ReadWhole);
        }
        let mut b = self.builder;
        if self.input.lone_surrogates > 0 {
            b.warnings
                .push(super::lone_surrogates_warning(self.input.lone_surrogates));
        }
        let (traces, warnings) = b.finish(Format::Jaeger, &source);
        Ok(Import {
            parsed_by: 1 + self.spliced,
            format: Format::Jaeger,
            traces,
            warnings,
            parsed_the_input_as_is: true,
        })
    }

    fn parse(&mut self, eof: bool) -> Result<(), ReadWhole> {
        if !self.detected {
            if self.input.rest().len() < self.detect_after && !eof {
                return Ok(());
            }
            self.detect()?;
        }
        let base = self.input.base();
        self.input.settle(eof);
        let text = self.input.text()?;
        let consumed = self.walk.advance(
            text,
            base,
            eof,
            self.stops.first().copied(),
            &mut self.builder,
        )?;
        self.input.consume(consumed);
        Ok(())
    }

    /// Jaeger JSON, not compressed: the byte-order mark is blanked as `import` blanks it.
    fn detect(&mut self) -> Result<(), ReadWhole> {
        let buf = self.input.bytes_mut();
        if gzip::is_gzip(buf) || gzip::other_compression(buf).is_some() {
            return Err(ReadWhole);
        }
        super::blank_byte_order_mark(buf);
        match detect(utf8_prefix(buf)?, None) {
            Ok(Format::Jaeger) => {
                self.detected = true;
                Ok(())
            }
            _ => Err(ReadWhole),
        }
    }
}

/// `bytes` as text, but for a character cut at the end (the rest of it is in the next chunk).
/// Import refuses a file that is not UTF-8 anywhere: so does this.
fn utf8_prefix(bytes: &[u8]) -> Result<&str, ReadWhole> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).map_err(|_| ReadWhole)
        }
        Err(_) => Err(ReadWhole),
    }
}

/// One JSON value read from the buffer: the value and where it ends, or `Partial` when the
/// buffer ends inside it.
pub(crate) enum Piece<T> {
    Whole(T, usize),
    Partial,
}

/// Reads the value that starts at `at` (after whitespace) as `T`. A value that runs to the end
/// of the buffer is `Partial` unless `eof` (or it ends with a closing quote or bracket: "12" may
/// be the start of "123", "{}" is whole).
pub(crate) fn read_value<'a, T: serde::Deserialize<'a>>(
    buf: &'a str,
    at: usize,
    eof: bool,
) -> Result<Piece<T>, ReadWhole> {
    let rest = buf.get(at..).unwrap_or("");
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<T>();
    match values.next() {
        None => Ok(Piece::Partial),
        Some(Ok(v)) => {
            let end = at + values.byte_offset();
            let closed = matches!(
                buf.as_bytes().get(end.wrapping_sub(1)),
                Some(b'"' | b'}' | b']')
            );
            if end >= buf.len() && !eof && !closed {
                Ok(Piece::Partial)
            } else {
                Ok(Piece::Whole(v, end))
            }
        }
        Some(Err(e)) if e.is_eof() && !eof => Ok(Piece::Partial),
        Some(Err(_)) => Err(ReadWhole),
    }
}
