//! The worker's transferred byte buffers, read where they are: each column of a trace view
//! is copied from the JS buffer straight into its `Vec` by a typed-array copy, instead of the
//! whole buffer being copied into wasm memory first and converted from bytes after (at a
//! million spans: 48 MB, ~80 ms of the page's main thread, and 48 bytes a span of peak memory).

use js_sys::{BigUint64Array, Uint16Array, Uint32Array, Uint8Array};
use viewer_session::wire::WireSource;

/// A `Uint8Array` from the worker as a [`WireSource`]. `wire`'s reader checks every position
/// against the length before it asks, and its wide columns start aligned to their element size;
/// one that would not (never, from our own worker) is read byte by byte instead of throwing.
pub struct JsBytes(pub Uint8Array);

impl JsBytes {
    /// The typed-array view's byte offset in the underlying buffer for position `at`, when it
    /// is a multiple of `size` (what a typed array over the buffer requires).
    fn aligned(&self, at: usize, size: usize) -> Option<u32> {
        let offset = self.0.byte_offset() as usize + at;
        offset.is_multiple_of(size).then_some(offset as u32)
    }

    /// `n * size` bytes at `at`, in wasm memory.
    fn bytes(&self, at: usize, n: usize, size: usize) -> Vec<u8> {
        let mut out = vec![0; n * size];
        self.read(at, &mut out);
        out
    }
}

impl WireSource for JsBytes {
    fn byte_len(&self) -> usize {
        self.0.length() as usize
    }

    fn read(&self, at: usize, out: &mut [u8]) {
        let end = at + out.len();
        self.0.subarray(at as u32, end as u32).copy_to(out);
    }

    fn u16s(&self, at: usize, n: usize) -> Vec<u16> {
        let Some(offset) = self.aligned(at, 2) else {
            return self.bytes(at, n, 2).as_slice().u16s(0, n);
        };
        let mut out = vec![0; n];
        Uint16Array::new_with_byte_offset_and_length(&self.0.buffer(), offset, n as u32)
            .copy_to(&mut out);
        out
    }

    fn u32s(&self, at: usize, n: usize) -> Vec<u32> {
        let Some(offset) = self.aligned(at, 4) else {
            return self.bytes(at, n, 4).as_slice().u32s(0, n);
        };
        let mut out = vec![0; n];
        Uint32Array::new_with_byte_offset_and_length(&self.0.buffer(), offset, n as u32)
            .copy_to(&mut out);
        out
    }

    fn u64s(&self, at: usize, n: usize) -> Vec<u64> {
        let Some(offset) = self.aligned(at, 8) else {
            return self.bytes(at, n, 8).as_slice().u64s(0, n);
        };
        let mut out = vec![0; n];
        BigUint64Array::new_with_byte_offset_and_length(&self.0.buffer(), offset, n as u32)
            .copy_to(&mut out);
        out
    }
}
