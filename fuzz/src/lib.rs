//! What every importer target does with a result: everything the viewer would do with it, so a
//! panic anywhere downstream of an import (lazy details, tree, analysis, share links) is found,
//! not only one in the parser.

use trace_core::packed;
use trace_core::scope::Scope;
use trace_core::{critical_path, self_time, skew, stats, Import, ImportError, Trace, Tree};

/// Spans whose details are decoded per trace, at most (details are the slow part).
const MAX_DETAILS: u32 = 2_000;
/// Share links are packed up to this many characters.
const LINK_LIMIT: usize = 200_000;

pub fn exercise(result: Result<Import, ImportError>) {
    let Ok(import) = result else {
        return;
    };
    for t in &import.traces {
        exercise_trace(t);
    }
}

pub fn exercise_trace(t: &Trace) {
    let tree = Tree::build(t);
    for i in t.spans().take(MAX_DETAILS as usize) {
        let _ = t.span_details(i);
    }
    let _ = self_time(t, &tree);
    let _ = critical_path(t, &tree);
    let _ = stats::compute(t, &tree);
    let mut corrected = t.clone();
    let _ = skew::correct(&mut corrected, &tree);
    // A link to what was imported decodes to a trace of the same size.
    if let Ok(link) = packed::encode(t, &Scope::Whole, LINK_LIMIT) {
        let back = packed::decode(&link.text).expect("a link we wrote decodes");
        assert_eq!(back.len(), link.spans);
    }
}
