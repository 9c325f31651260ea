//! Import of a file read a chunk at a time, so that a file larger than memory can open: the
//! bytes are parsed as they arrive and let go of; what a trace keeps of them are byte ranges
//! into the file, read back later (`crate::source`).
//!
//! Only the common layout of the format whose files get that big is read this way: Jaeger JSON
//! with its spans as records (`jaeger::stream`). Everything else — other formats, gzip, JSON
//! Lines, unusual key orders, and every error — answers [`ReadWhole`], and the caller imports
//! the file whole with [`super::import_owned`], which reads every case and names every error.
//! Both give the same traces (tested on every Jaeger fixture, fed in pieces of every size).

use super::jaeger::stream::Walk;
use super::{detect, gzip, replace_lone_surrogates_before, Format, Import};
use crate::builder::ImportBuilder;
use crate::source::Source;
use std::sync::Arc;

/// The file cannot be read a chunk at a time: import it whole instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadWhole;

/// An import fed a chunk at a time with [`StreamImport::feed`].
pub struct StreamImport {
    /// The bytes not parsed yet.
    buf: Vec<u8>,
    /// Where `buf` starts in the file.
    base: u64,
    /// `buf[..fixed]` has had its lone surrogate escapes replaced (as `import` does to the
    /// whole file before parsing).
    fixed: usize,
    lone_surrogates: usize,
    /// The format was checked (on the first `detect_after` bytes, or the whole file if shorter).
    detected: bool,
    detect_after: usize,
    walk: Walk,
    builder: ImportBuilder<'static>,
}

impl Default for StreamImport {
    fn default() -> Self {
        StreamImport {
            buf: Vec::new(),
            base: 0,
            fixed: 0,
            lone_surrogates: 0,
            detected: false,
            detect_after: Self::DETECT_BYTES,
            walk: Walk::default(),
            builder: ImportBuilder::streaming(),
        }
    }
}

/// A surrogate pair escape, `\ud83d\ude00`: a lone one is only known once the bytes after it are.
const PAIR_ESCAPE: usize = 12;

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
        let from = self.buf.len();
        self.buf.resize(from + len, 0);
        fill(&mut self.buf[from..]);
        if self.base + self.buf.len() as u64 >= u64::from(u32::MAX) {
            // Kept ranges are 32-bit offsets.
            return Err(ReadWhole);
        }
        self.parse(false)
    }

    /// Parses the rest and builds the traces, which read their details from `source` (the
    /// file that was fed).
    pub fn finish(mut self, source: Arc<dyn Source>) -> Result<Import, ReadWhole> {
        self.parse(true)?;
        if !self.walk.is_done() || self.buf.iter().any(|b| !b.is_ascii_whitespace()) {
            return Err(ReadWhole);
        }
        let mut b = self.builder;
        if self.lone_surrogates > 0 {
            b.warnings
                .push(super::lone_surrogates_warning(self.lone_surrogates));
        }
        let (traces, warnings) = b.finish(Format::Jaeger, &source);
        Ok(Import {
            format: Format::Jaeger,
            traces,
            warnings,
            parsed_the_input_as_is: true,
        })
    }

    fn parse(&mut self, eof: bool) -> Result<(), ReadWhole> {
        if !self.detected {
            if self.buf.len() < self.detect_after && !eof {
                return Ok(());
            }
            self.detect()?;
        }
        let limit = if eof {
            self.buf.len()
        } else {
            self.buf.len().saturating_sub(PAIR_ESCAPE)
        };
        let (replaced, fixed) = replace_lone_surrogates_before(&mut self.buf, self.fixed, limit);
        self.lone_surrogates += replaced;
        self.fixed = fixed.max(self.fixed);
        let text = utf8_prefix(&self.buf[..self.fixed.min(self.buf.len())])?;
        let consumed = self.walk.advance(text, self.base, eof, &mut self.builder)?;
        self.buf.drain(..consumed);
        self.base += consumed as u64;
        self.fixed -= consumed;
        Ok(())
    }

    /// Jaeger JSON, not compressed: the byte-order mark is blanked as `import` blanks it.
    fn detect(&mut self) -> Result<(), ReadWhole> {
        if gzip::is_gzip(&self.buf) || gzip::other_compression(&self.buf).is_some() {
            return Err(ReadWhole);
        }
        super::blank_byte_order_mark(&mut self.buf);
        match detect(utf8_prefix(&self.buf)?, None) {
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
