//! How attribute keys and values read in the detail panel: long dotted keys break only at
//! their dots (never "rpc.grpc.status_co/de"), and string values that hold JSON are shown
//! indented.

/// Values longer than this are shown as they are: indenting a megabyte of JSON on the main
/// thread would stall the page for nothing anyone reads.
pub const MAX_PRETTY_BYTES: usize = 64 * 1024;

/// The key cut after each dot, where a line may break: "rpc.grpc.status_code" gives
/// ["rpc.", "grpc.", "status_code"].
pub fn key_segments(key: &str) -> Vec<&str> {
    key.split_inclusive('.').collect()
}

/// The value indented, when it is a JSON object or array; None for anything else (plain
/// text, numbers, broken JSON, or too long).
pub fn pretty_json(value: &str) -> Option<String> {
    let trimmed = value.trim();
    let looks_like_json = (trimmed.starts_with('{') && trimmed.ends_with('}'))
        || (trimmed.starts_with('[') && trimmed.ends_with(']'));
    if !looks_like_json || trimmed.len() > MAX_PRETTY_BYTES {
        return None;
    }
    let parsed: serde_json::Value = serde_json::from_str(trimmed).ok()?;
    serde_json::to_string_pretty(&parsed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_break_at_dots_only() {
        assert_eq!(
            key_segments("rpc.grpc.status_code"),
            ["rpc.", "grpc.", "status_code"]
        );
        assert_eq!(key_segments("error"), ["error"]);
        assert_eq!(key_segments("a..b."), ["a.", ".", "b."]);
        assert!(key_segments("").is_empty());
    }

    #[test]
    fn json_values_are_indented_and_the_rest_left_alone() {
        assert_eq!(
            pretty_json(r#"{"a":1,"b":[true]}"#).as_deref(),
            Some("{\n  \"a\": 1,\n  \"b\": [\n    true\n  ]\n}")
        );
        assert_eq!(pretty_json(" [1,2] ").as_deref(), Some("[\n  1,\n  2\n]"));
        assert_eq!(pretty_json("{not json}"), None);
        assert_eq!(pretty_json("plain text"), None);
        assert_eq!(pretty_json("42"), None);
        let huge = format!("[{}1]", "1,".repeat(MAX_PRETTY_BYTES));
        assert_eq!(pretty_json(&huge), None);
    }
}
