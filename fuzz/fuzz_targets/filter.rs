//! The filter language and the search suggestions on arbitrary text: a filter or an error with
//! a column inside the input, and matching never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;
use viewer_core::filter::{Filter, SpanFields};
use viewer_core::suggest::{suggest, Vocab};

struct Span;

impl SpanFields for Span {
    fn name(&self) -> &str {
        "GET /api/v1/orders"
    }
    fn service(&self) -> &str {
        "api-gateway"
    }
    fn duration_ns(&self) -> u64 {
        1_500_000
    }
    fn is_error(&self) -> bool {
        true
    }
    fn status(&self) -> &str {
        "error"
    }
    fn kind(&self) -> &str {
        "server"
    }
    fn attr(&self, key: &str) -> Option<Cow<'_, str>> {
        (key == "http.status_code").then_some(Cow::Borrowed("503"))
    }
    fn any_attr_value_contains(&self, needle_lowercase: &str) -> bool {
        "503".contains(needle_lowercase)
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Filter::parse(&text) {
        Ok(f) => {
            let _ = f.matches(&Span);
        }
        Err(e) => assert!(e.column >= 1 && e.column <= text.chars().count() + 1, "{e}"),
    }
    let vocab = Vocab {
        services: &["api-gateway", "db"],
        names: &["GET /api/v1/orders"],
        keys: &["http.status_code"],
    };
    let chars = text.chars().count();
    for caret in [0, chars / 2, chars] {
        let _ = suggest(&text, caret, &vocab, 8);
    }
});
