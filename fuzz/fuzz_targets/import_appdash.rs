//! The Appdash importer on arbitrary bytes, and everything done with what it returns.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trace_core::{import_as, Format};

fuzz_target!(|data: &[u8]| {
    trace_fuzz::exercise(import_as(data.to_vec(), Format::Appdash));
});
