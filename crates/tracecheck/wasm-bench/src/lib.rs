//! WebAssembly benchmark exports: the host copies a file into `alloc_input`'s buffer, calls `parse`
//! and reads `peak_bytes` (heap high-water mark since `reset_peak`, including the input buffer).
#![allow(unsafe_code)] // a counting GlobalAlloc and #[no_mangle] exports need it; nothing else does.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static BASE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only adds bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

static INPUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Allocates the input buffer of `len` bytes and returns its address in linear memory.
#[no_mangle]
pub extern "C" fn alloc_input(len: usize) -> *mut u8 {
    let mut v = INPUT.lock().unwrap_or_else(|e| e.into_inner());
    *v = vec![0u8; len];
    v.as_mut_ptr()
}

/// Imports the buffer (taking ownership, as the UI's worker does) and returns the span count,
/// or -1 when the input is rejected.
#[no_mangle]
pub extern "C" fn parse() -> i64 {
    let bytes = std::mem::take(&mut *INPUT.lock().unwrap_or_else(|e| e.into_inner()));
    match trace_core::import_owned(bytes, None) {
        Ok(imp) => imp.traces.iter().map(|t| t.len() as i64).sum(),
        Err(_) => -1,
    }
}

/// Imports the buffer as the UI's worker imports a dropped Jaeger file: fed 8 MB at a time to a
/// `StreamImport` (the buffer stands in for the file, so the peak includes it). Returns the span
/// count, -1 when the input is rejected, -2 when it has to be read whole.
#[no_mangle]
pub extern "C" fn parse_streamed() -> i64 {
    let bytes = std::mem::take(&mut *INPUT.lock().unwrap_or_else(|e| e.into_inner()));
    let mut stream = trace_core::StreamImport::new();
    if bytes.chunks(8 << 20).try_for_each(|c| stream.feed(c)).is_err() {
        return -2;
    }
    let source: std::sync::Arc<dyn trace_core::source::Source> = std::sync::Arc::new(bytes);
    match stream.finish(source) {
        Ok(imp) => imp.traces.iter().map(|t| t.len() as i64).sum(),
        Err(_) => -2,
    }
}

#[no_mangle]
pub extern "C" fn reset_peak() {
    let now = LIVE.load(Ordering::Relaxed);
    BASE.store(now, Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
}

/// Peak heap bytes above the level at `reset_peak`.
#[no_mangle]
pub extern "C" fn peak_bytes() -> usize {
    PEAK.load(Ordering::Relaxed) - BASE.load(Ordering::Relaxed)
}
