//! Format detection, gzip (bounded decompression) and whichever importer is chosen.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    trace_fuzz::exercise(trace_core::import_owned(data.to_vec(), None));
});
