//! Sortable tables (the trace list, the statistics): what a click on a column header does, and
//! how the header says the order to screen readers. One rule for every table.

/// The order after clicking column `clicked` of a table sorted by `current` (column, descending):
/// the same column flips direction; another column starts in its natural direction.
pub fn after_click<K: PartialEq>(
    current: (K, bool),
    clicked: K,
    descending_by_default: bool,
) -> (K, bool) {
    match current {
        (column, descending) if column == clicked => (column, !descending),
        _ => (clicked, descending_by_default),
    }
}

/// The `aria-sort` value of column `column` in a table sorted by `current`.
pub fn aria_sort<K: PartialEq>(current: &(K, bool), column: &K) -> &'static str {
    match current {
        (c, true) if c == column => "descending",
        (c, false) if c == column => "ascending",
        _ => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_flips_the_same_column_and_starts_another_in_its_direction() {
        assert_eq!(after_click(("a", true), "a", true), ("a", false));
        assert_eq!(after_click(("a", false), "a", true), ("a", true));
        assert_eq!(after_click(("a", false), "b", true), ("b", true));
        assert_eq!(after_click(("a", true), "b", false), ("b", false));
        assert_eq!(aria_sort(&("a", true), &"a"), "descending");
        assert_eq!(aria_sort(&("a", false), &"a"), "ascending");
        assert_eq!(aria_sort(&("a", false), &"b"), "none");
    }
}
