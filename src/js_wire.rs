//! The worker's transferred byte buffers, read where they are: each column of a trace view
//! is copied from the JS buffer straight into its `Vec` by a typed-array copy, instead of the
//! whole buffer being copied into wasm memory first and converted from bytes after (at a
//! million spans: 48 MB, ~80 ms of the page's main thread, and 48 bytes a span of peak memory).

use js_sys::{BigUint64Array, Uint16Array, Uint32Array, Uint8Array};
use viewer_session::wire::WireSource;
use wasm_bindgen::JsValue;

/// A `Uint8Array` from the worker as a [`WireSource`]. `wire`'s reader checks every position
/// against the length before it asks, and its wide columns start aligned to their element size;
/// one that would not (never, from our own worker) is read byte by byte instead of throwing.
pub struct JsBytes(pub Uint8Array);

impl JsBytes {
    /// `n` values of `size` bytes at `at`: one typed-array copy (`typed` views the buffer at a
    /// byte offset and copies into the slice) when the offset is a multiple of `size`, else
    /// the bytes converted by `[u8]`'s own reader.
    fn column<T: Copy + Default>(
        &self,
        at: usize,
        n: usize,
        size: usize,
        typed: impl FnOnce(&JsValue, u32, u32, &mut [T]),
        from_bytes: impl FnOnce(&[u8]) -> Vec<T>,
    ) -> Vec<T> {
        let offset = self.0.byte_offset() as usize + at;
        if !offset.is_multiple_of(size) {
            let mut bytes = vec![0; n * size];
            self.read(at, &mut bytes);
            return from_bytes(&bytes);
        }
        let mut out = vec![T::default(); n];
        typed(&self.0.buffer(), offset as u32, n as u32, &mut out);
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
        let typed = |buffer: &JsValue, offset, len, out: &mut [u16]| {
            Uint16Array::new_with_byte_offset_and_length(buffer, offset, len).copy_to(out)
        };
        self.column(at, n, 2, typed, |b| b.u16s(0, n))
    }

    fn u32s(&self, at: usize, n: usize) -> Vec<u32> {
        let typed = |buffer: &JsValue, offset, len, out: &mut [u32]| {
            Uint32Array::new_with_byte_offset_and_length(buffer, offset, len).copy_to(out)
        };
        self.column(at, n, 4, typed, |b| b.u32s(0, n))
    }

    fn u64s(&self, at: usize, n: usize) -> Vec<u64> {
        let typed = |buffer: &JsValue, offset, len, out: &mut [u64]| {
            BigUint64Array::new_with_byte_offset_and_length(buffer, offset, len).copy_to(out)
        };
        self.column(at, n, 8, typed, |b| b.u64s(0, n))
    }
}
