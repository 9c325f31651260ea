//! The attribute keys of the open trace, for the search box's suggestions. Reading keys means
//! decoding span details, so at most `MAX_SPANS` spans spread evenly over the trace are read:
//! a million-span trace answers as fast as a twenty-thousand-span one, and a key used by many
//! spans is found either way.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use trace_core::Trace;

/// Spans whose details are read, at most.
pub const MAX_SPANS: u32 = 20_000;
/// Keys returned, at most (the most used first).
pub const MAX_KEYS: usize = 400;

/// An attribute key and how many of the read spans have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyUse {
    pub key: String,
    pub spans: u32,
}

/// What the search box can suggest beyond services and names (which the page has).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Vocabulary {
    /// Span and resource attribute keys, most used first, then by name.
    pub keys: Vec<KeyUse>,
    /// How many spans were read (all of them when `sampled` is false).
    pub spans_read: u32,
    pub sampled: bool,
}

pub fn vocabulary(t: &Trace) -> Vocabulary {
    let n = t.len();
    let step = n.div_ceil(MAX_SPANS).max(1);
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut read = 0u32;
    for i in (0..n).step_by(step as usize) {
        let d = t.span_details(i);
        for kv in d.attributes.iter().chain(&d.resource) {
            match counts.get_mut(kv.key.as_str()) {
                Some(c) => *c += 1,
                None => {
                    counts.insert(kv.key.to_string(), 1);
                }
            }
        }
        read += 1;
    }
    let mut keys: Vec<KeyUse> = counts
        .into_iter()
        .map(|(key, spans)| KeyUse { key, spans })
        .collect();
    keys.sort_by(|a, b| b.spans.cmp(&a.spans).then_with(|| a.key.cmp(&b.key)));
    keys.truncate(MAX_KEYS);
    Vocabulary {
        keys,
        spans_read: read,
        sampled: step > 1,
    }
}
