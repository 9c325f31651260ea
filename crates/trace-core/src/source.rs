//! Where a trace's details are read from once it is imported.
//!
//! Import keeps byte ranges (a span's tags, logs, events…) and decodes them only when someone
//! asks for a span's details. Those ranges index the bytes the trace was read from: the
//! buffer import parsed (in memory), or, in the browser's worker, the user's own file read back
//! a block at a time ([`BlockSource`] over a [`BlockReader`]), so the worker need not keep a
//! gigabyte file once it has parsed it.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex};

/// Bytes read by range. Implementations never panic on a range past the end: they return
/// `None`.
pub trait Source: fmt::Debug + Send + Sync {
    /// The length in bytes.
    fn len(&self) -> u64;

    /// `len` bytes from `start`, or `None` when the range does not fit or cannot be read.
    fn read(&self, start: u64, len: usize) -> Option<Cow<'_, [u8]>>;

    /// The bytes as the file holds them, for a copy of the file (a library copy): what
    /// [`Source::read`] gives, without the fix-ups that make ranges decode as import read them.
    fn read_verbatim(&self, start: u64, len: usize) -> Option<Cow<'_, [u8]>> {
        self.read(start, len)
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The buffer import parsed (decompressed, with its byte-order mark and lone surrogates
/// already blanked) is its own source.
impl Source for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }

    fn read(&self, start: u64, len: usize) -> Option<Cow<'_, [u8]>> {
        let start = usize::try_from(start).ok()?;
        self.get(start..start.checked_add(len)?).map(Cow::Borrowed)
    }
}

/// Reads a range of a file, whole (a worker's `FileReaderSync` over a `File.slice`).
pub trait BlockReader: fmt::Debug + Send + Sync {
    fn len(&self) -> u64;
    /// Exactly `len` bytes from `start` (the caller keeps ranges inside the file), or `None`.
    fn read_at(&self, start: u64, len: usize) -> Option<Vec<u8>>;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A file read back in blocks ([`BlockSource::BLOCK`] bytes unless told), the last
/// [`BlockSource::KEPT`] kept. One span's details cost one small read (a worker's read of a
/// `File` slice has a fixed cost of a few ms, and grows with its size); reading on from where
/// the last read ended (a search index or an export reading every span in file order) reads
/// [`BlockSource::READ_AHEAD`] blocks at a time. Bytes are fixed up as import fixed the buffer
/// it parsed (the byte-order mark blanked, lone surrogate escapes replaced) so every kept range
/// decodes the same as it did at import.
#[derive(Debug)]
pub struct BlockSource<R> {
    reader: R,
    block: u64,
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    /// Most recently used last.
    blocks: Vec<Block>,
    /// Where the last read from the reader ended.
    last_read_end: Option<u64>,
}

#[derive(Debug)]
struct Block {
    start: u64,
    bytes: Arc<Vec<u8>>,
}

impl<R: BlockReader> BlockSource<R> {
    /// 64 KiB: the details of ~100 typical spans, read in about a millisecond in a worker.
    pub const BLOCK: u64 = 64 << 10;
    /// Blocks read at once when reading on from the last read.
    pub const READ_AHEAD: u64 = 16;
    pub const KEPT: usize = 48;

    pub fn new(reader: R) -> Self {
        Self::with_block(reader, Self::BLOCK)
    }

    /// Reads blocks of `block` bytes (at least 1).
    pub fn with_block(reader: R, block: u64) -> Self {
        BlockSource {
            reader,
            block: block.max(1),
            kept: Mutex::new(Kept::default()),
        }
    }

    /// The block that starts at `start`, found among the kept ones or read now (with the
    /// blocks after it when reading on from the last read).
    fn block(&self, start: u64) -> Option<Arc<Vec<u8>>> {
        let mut kept = self.kept.lock().ok()?;
        if let Some(k) = kept.blocks.iter().position(|b| b.start == start) {
            let block = kept.blocks.remove(k);
            let bytes = Arc::clone(&block.bytes);
            kept.blocks.push(block);
            return Some(bytes);
        }
        let blocks = if kept.last_read_end == Some(start) {
            Self::READ_AHEAD
        } else {
            1
        };
        let len = (self.block * blocks).min(self.reader.len().checked_sub(start)?);
        let read = self.reader.read_at(start, usize::try_from(len).ok()?)?;
        kept.last_read_end = Some(start + len);
        let mut first = None;
        for (k, piece) in read.chunks(self.block as usize).enumerate() {
            let bytes = Arc::new(piece.to_vec());
            first.get_or_insert_with(|| Arc::clone(&bytes));
            kept.blocks.push(Block {
                start: start + k as u64 * self.block,
                bytes,
            });
        }
        let over = kept.blocks.len().saturating_sub(Self::KEPT);
        kept.blocks.drain(..over);
        first
    }
}

/// UTF-8's byte-order mark, which import reads as three spaces.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

impl<R: BlockReader> BlockSource<R> {
    /// Blanks what `out` (read from `start`) holds of a byte-order mark at the file's start.
    fn blank_byte_order_mark(&self, out: &mut [u8], start: u64) {
        let first = self
            .reader
            .read_at(0, BOM.len().min(self.reader.len() as usize));
        if first.as_deref() != Some(&BOM[..]) {
            return;
        }
        let covered = (BOM.len() as u64 - start) as usize;
        for b in out.iter_mut().take(covered) {
            *b = b' ';
        }
    }
}

impl<R: BlockReader> Source for BlockSource<R> {
    fn len(&self) -> u64 {
        self.reader.len()
    }

    fn read(&self, start: u64, len: usize) -> Option<Cow<'_, [u8]>> {
        let end = start.checked_add(len as u64)?;
        if end > self.reader.len() {
            return None;
        }
        let mut out = Vec::with_capacity(len);
        let mut at = start;
        while at < end {
            let block_start = at - at % self.block;
            let block = self.block(block_start)?;
            let from = usize::try_from(at - block_start).ok()?;
            let to = usize::try_from((end - block_start).min(block.len() as u64)).ok()?;
            if to <= from {
                return None;
            }
            out.extend_from_slice(block.get(from..to)?);
            at = block_start + to as u64;
        }
        if start < BOM.len() as u64 {
            self.blank_byte_order_mark(&mut out, start);
        }
        crate::import::replace_lone_surrogates(&mut out);
        Some(Cow::Owned(out))
    }

    /// Straight from the file, past the kept blocks (a copy reads each range once).
    fn read_verbatim(&self, start: u64, len: usize) -> Option<Cow<'_, [u8]>> {
        let end = start.checked_add(len as u64)?;
        (end <= self.reader.len())
            .then(|| self.reader.read_at(start, len))
            .flatten()
            .map(Cow::Owned)
    }
}
