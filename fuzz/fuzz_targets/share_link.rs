//! The share-link decoder on arbitrary text: a trace or an error, and a decoded trace survives
//! everything the viewer does with it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(t) = trace_core::packed::decode(&text) {
        trace_fuzz::exercise_trace(&t);
    }
});
