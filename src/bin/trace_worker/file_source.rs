//! The user's files, read back by range after import: a trace's details are decoded from the
//! `File` (which stays valid while the page holds it) instead of from a copy of its bytes in
//! this worker's memory.

use js_sys::Uint8Array;
use std::cell::RefCell;
use std::sync::Arc;
use trace_core::source::{BlockReader, BlockSource, Source};
use web_sys::{Blob, FileReaderSync};

thread_local! {
    /// The blobs that sources refer to by position. JS objects cannot live in a `Source`
    /// (sources are `Send`, shared with the session's traces); this worker has one thread.
    static BLOBS: RefCell<Vec<Blob>> = const { RefCell::new(Vec::new()) };
    static READER: Option<FileReaderSync> = FileReaderSync::new().ok();
}

/// A blob of this worker, by its position in `BLOBS`.
#[derive(Debug)]
struct BlobRange {
    slot: usize,
    len: u64,
}

impl BlockReader for BlobRange {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, start: u64, len: usize) -> Option<Vec<u8>> {
        let end = start as f64 + len as f64;
        let slice = BLOBS
            .with(|b| b.borrow().get(self.slot).cloned())?
            .slice_with_f64_and_f64(start as f64, end)
            .ok()?;
        let bytes = READER.with(|r| r.as_ref()?.read_as_array_buffer(&slice).ok())?;
        let bytes = Uint8Array::new(&bytes);
        (bytes.length() as usize == len).then(|| bytes.to_vec())
    }
}

/// `blob` as a source of details, read a block at a time.
pub fn read_back(blob: &Blob) -> Arc<dyn Source> {
    let slot = BLOBS.with(|b| {
        let mut b = b.borrow_mut();
        b.push(blob.clone());
        b.len() - 1
    });
    let len = blob.size() as u64;
    Arc::new(BlockSource::new(BlobRange { slot, len }))
}
