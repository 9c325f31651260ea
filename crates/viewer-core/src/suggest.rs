//! Suggestions for the search box: what the word at the caret could become. A bare word is
//! completed to a field (`service=`, `duration>`...), an attribute key of the open trace or a
//! service; after `service=` or `name~` come the trace's services or operation names; after
//! `status=` and `kind=` their values. Accepting one rewrites only that word.

use crate::filter::{term_with_op, KINDS, STATUSES};

/// What the open trace offers to complete with.
#[derive(Debug, Clone, Copy, Default)]
pub struct Vocab<'a> {
    pub services: &'a [&'a str],
    pub names: &'a [&'a str],
    /// Attribute keys, most used first.
    pub keys: &'a [&'a str],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The word it puts in place of the one at the caret.
    pub text: String,
    /// What it is: "field", "service", "operation", "attribute", "value".
    pub what: &'static str,
    /// The whole query once accepted.
    pub query: String,
    /// Where the caret goes then (in characters).
    pub caret: usize,
}

/// Fields of the filter language, as they are completed from a bare word.
const FIELDS: [&str; 7] = [
    "service=",
    "caller=",
    "name~",
    "duration>",
    "status=error",
    "kind=server",
    "kind=client",
];

/// At most `limit` suggestions for the word ending at `caret` (a character index).
pub fn suggest(query: &str, caret: usize, vocab: &Vocab, limit: usize) -> Vec<Suggestion> {
    let chars: Vec<char> = query.chars().collect();
    let caret = caret.min(chars.len());
    // Inside a quoted value there is nothing sensible to offer.
    if chars[..caret].iter().filter(|&&c| c == '"').count() % 2 == 1 {
        return Vec::new();
    }
    let start = chars[..caret]
        .iter()
        .rposition(|c| c.is_whitespace())
        .map_or(0, |i| i + 1);
    let word: String = chars[start..caret].iter().collect();
    let (negation, body) = match word.chars().next() {
        Some(c @ ('-' | '!')) => (c.to_string(), word[c.len_utf8()..].to_string()),
        _ => (String::new(), word.clone()),
    };
    if body.is_empty() {
        return Vec::new();
    }
    let words = match split_operator(&body) {
        Some((key, op, value)) => value_words(key, op, value, vocab),
        None => bare_words(&body, vocab),
    };
    let before: String = chars[..start].iter().collect();
    let after: String = chars[caret..].iter().collect();
    words
        .into_iter()
        .filter(|(text, _)| *text != body)
        .take(limit)
        .map(|(text, what)| {
            let text = format!("{negation}{text}");
            let caret = before.chars().count() + text.chars().count();
            Suggestion {
                query: format!("{before}{text}{after}"),
                text,
                what,
                caret,
            }
        })
        .collect()
}

/// `key`, operator and value of a word holding an operator.
fn split_operator(word: &str) -> Option<(&str, &str, &str)> {
    let at = word.find(['=', '~', '<', '>', '!'])?;
    let (key, rest) = word.split_at(at);
    let op_len = match rest.as_bytes() {
        [b'!' | b'<' | b'>', b'=', ..] => 2,
        _ => 1,
    };
    let (op, value) = rest.split_at(op_len);
    Some((key, op, value))
}

/// Completions of a value after `key` and `op`.
fn value_words(key: &str, op: &str, value: &str, vocab: &Vocab) -> Vec<(String, &'static str)> {
    let (pool, what): (Vec<&str>, &'static str) = match key.to_ascii_lowercase().as_str() {
        "service" | "caller" => (vocab.services.to_vec(), "service"),
        "name" => (vocab.names.to_vec(), "operation"),
        "status" => (STATUSES.to_vec(), "value"),
        "kind" => (KINDS.to_vec(), "value"),
        _ => return Vec::new(),
    };
    ranked(&pool, value.trim_start_matches('"'))
        .into_iter()
        .map(|v| (term_with_op(key, op, v), what))
        .collect()
}

/// Completions of a bare word: fields, attribute keys, services.
fn bare_words(word: &str, vocab: &Vocab) -> Vec<(String, &'static str)> {
    // Fields by their start only: "serv" is service=, not kind=server.
    let lower = word.to_lowercase();
    let mut out: Vec<(String, &'static str)> = FIELDS
        .iter()
        .filter(|f| f.starts_with(&lower))
        .map(|f| (f.to_string(), "field"))
        .collect();
    out.extend(
        ranked(vocab.keys, word)
            .into_iter()
            .map(|k| (format!("{k}="), "attribute")),
    );
    out.extend(
        ranked(vocab.services, word)
            .into_iter()
            .map(|s| (term_with_op("service", "=", s), "service")),
    );
    out
}

/// The entries containing `needle` (case-insensitive): those starting with it first, each
/// group in the pool's order.
fn ranked<'a>(pool: &[&'a str], needle: &str) -> Vec<&'a str> {
    let needle = needle.to_lowercase();
    let (mut starts, mut contains) = (Vec::new(), Vec::new());
    for &entry in pool {
        let lower = entry.to_lowercase();
        if lower.starts_with(&needle) {
            starts.push(entry);
        } else if lower.contains(&needle) {
            contains.push(entry);
        }
    }
    starts.extend(contains);
    starts
}

/// The suggestion an arrow key points at next: down from nothing is the first, up from nothing
/// the last, and both wrap around. `count` is at least one.
pub fn step_active(active: Option<usize>, count: usize, down: bool) -> usize {
    let count = count.max(1);
    match (active, down) {
        (None, true) => 0,
        (None, false) => count - 1,
        (Some(i), true) => (i + 1) % count,
        (Some(i), false) => (i + count - 1) % count,
    }
}

/// What the search help needs to know of the open trace to write examples that find spans.
#[derive(Debug, Clone, Default)]
pub struct TraceFacts<'a> {
    pub root_service: &'a str,
    pub root_name: &'a str,
    /// Services in the order they first appear.
    pub services: &'a [&'a str],
    pub duration_ns: u64,
    pub has_errors: bool,
}

/// Filters that match spans of this trace, to show in the search help: each one finds at
/// least the root span or, for `status=error`, the failed ones.
pub fn examples(facts: &TraceFacts) -> Vec<String> {
    let mut out = Vec::new();
    if !facts.root_service.is_empty() {
        out.push(term_with_op("service", "=", facts.root_service));
    }
    if !facts.root_name.is_empty() {
        out.push(term_with_op("name", "~", facts.root_name));
    }
    // The root lasts the whole trace, so a tenth of it finds at least the root.
    out.push(format!("duration>{}", whole_unit(facts.duration_ns / 10)));
    if facts.has_errors {
        out.push("status=error".to_string());
    }
    if let [a, b, ..] = facts.services {
        out.push(format!(
            "{} OR {}",
            term_with_op("service", "=", a),
            term_with_op("service", "=", b)
        ));
    }
    out
}

/// A duration rounded down to a whole number of the largest unit that fits, as the filter
/// reads it ("12ms").
fn whole_unit(ns: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1_000_000_000, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
        (1, "ns"),
    ];
    let (size, unit) = UNITS
        .into_iter()
        .find(|(size, _)| ns >= *size)
        .unwrap_or((1, "ns"));
    format!("{}{unit}", ns / size)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOCAB: Vocab = Vocab {
        services: &["api-gateway", "frontend", "payment"],
        names: &["GET /cart", "POST /api/v1/orders"],
        keys: &["http.status_code", "http.method", "db.system"],
    };

    fn texts(query: &str) -> Vec<String> {
        suggest(query, query.chars().count(), &VOCAB, 8)
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn a_bare_word_becomes_a_field_a_key_or_a_service() {
        assert_eq!(texts("serv"), ["service="]);
        assert_eq!(texts("http"), ["http.status_code=", "http.method="]);
        assert_eq!(texts("api"), ["service=api-gateway"]);
        assert_eq!(texts("dur"), ["duration>"]);
        assert!(texts("").is_empty());
    }

    #[test]
    fn values_come_from_the_trace() {
        assert_eq!(texts("service=pay"), ["service=payment"]);
        // Contains matches after prefix matches; `~` is kept.
        assert_eq!(
            texts("service~a"),
            ["service~api-gateway", "service~payment"]
        );
        assert_eq!(texts("name~orders"), ["name~\"POST /api/v1/orders\""]);
        assert_eq!(texts("status=e"), ["status=error", "status=unset"]);
        assert_eq!(texts("kind=co"), ["kind=consumer"]);
        assert!(
            texts("http.method=G").is_empty(),
            "no values known for attributes"
        );
    }

    #[test]
    fn only_the_word_at_the_caret_changes() {
        let s = suggest("status=error serv duration>1ms", 17, &VOCAB, 8);
        assert_eq!(s[0].query, "status=error service= duration>1ms");
        assert_eq!(s[0].caret, 21);
        // Negation stays.
        assert_eq!(texts("-service=fro"), ["-service=frontend"]);
        // Inside quotes: nothing.
        assert!(texts("name=\"GET /ca").is_empty());
        // Already complete: not offered again.
        assert!(texts("service=payment").is_empty());
    }

    #[test]
    fn examples_parse_and_name_the_trace() {
        let facts = TraceFacts {
            root_service: "frontend",
            root_name: "GET /checkout",
            services: &["frontend", "api gateway"],
            duration_ns: 2_360_000_000,
            has_errors: true,
        };
        let ex = examples(&facts);
        assert_eq!(
            ex,
            [
                "service=frontend",
                "name~\"GET /checkout\"",
                "duration>236ms",
                "status=error",
                "service=frontend OR service=\"api gateway\"",
            ]
        );
        for e in &ex {
            assert!(crate::filter::Filter::parse(e).is_ok(), "{e}");
        }
        assert_eq!(whole_unit(999), "999ns");
        assert_eq!(whole_unit(0), "0ns");
        assert_eq!(whole_unit(1_500), "1us");
    }

    #[test]
    fn arrows_walk_the_suggestions_and_wrap() {
        assert_eq!(step_active(None, 3, true), 0);
        assert_eq!(step_active(None, 3, false), 2);
        assert_eq!(step_active(Some(2), 3, true), 0);
        assert_eq!(step_active(Some(0), 3, false), 2);
        assert_eq!(step_active(Some(1), 3, true), 2);
        assert_eq!(step_active(None, 0, true), 0, "no panic on an empty list");
    }
}
