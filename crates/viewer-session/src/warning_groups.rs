//! Warnings grouped by kind for the page: a count per kind and the first examples, so what
//! crosses to the page is bounded however many warnings a file produces (a file of a million
//! bad lines gives a million warnings; the page gets one group with a count and its first
//! examples). Examples are built only when kept: messages past the limit are never copied.

use serde::{Deserialize, Serialize};

use crate::protocol::WarningView;

/// Examples kept per kind. The Data quality tab lists them in a virtualised list.
pub const MAX_EXAMPLES_PER_KIND: usize = 1000;

/// All warnings of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarningGroup {
    /// Stable kind name, e.g. "orphan".
    pub kind: String,
    /// How many warnings of this kind there are (at least `examples.len()`).
    pub total: u64,
    /// The first ones, in the order they were found.
    pub examples: Vec<WarningView>,
}

/// Collects warnings into groups, in the order kinds first appear.
#[derive(Debug, Default)]
pub struct WarningGroups {
    groups: Vec<WarningGroup>,
    max_examples: usize,
}

impl WarningGroups {
    pub fn new() -> Self {
        Self::with_limit(MAX_EXAMPLES_PER_KIND)
    }

    pub fn with_limit(max_examples: usize) -> Self {
        WarningGroups {
            groups: Vec::new(),
            max_examples,
        }
    }

    /// Counts one warning of `kind`; `example` builds its view only if it is kept.
    pub fn add(&mut self, kind: &str, example: impl FnOnce() -> WarningView) {
        let max = self.max_examples;
        let group = self.group_mut(kind);
        group.total += 1;
        if group.examples.len() < max {
            group.examples.push(example());
        }
    }

    /// Counts `n` more warnings of `kind` whose text was not kept (trace-core keeps only the
    /// first of each kind).
    pub fn count_more(&mut self, kind: &str, n: u64) {
        if n > 0 {
            self.group_mut(kind).total += n;
        }
    }

    /// The group of `kind`, made when it is the first of its kind.
    fn group_mut(&mut self, kind: &str) -> &mut WarningGroup {
        // Kinds are few (a dozen at most): a linear scan beats hashing here.
        let index = match self.groups.iter().position(|g| g.kind == kind) {
            Some(i) => i,
            None => {
                self.groups.push(WarningGroup {
                    kind: kind.to_string(),
                    total: 0,
                    examples: Vec::new(),
                });
                self.groups.len() - 1
            }
        };
        &mut self.groups[index]
    }

    pub fn add_view(&mut self, w: WarningView) {
        let kind = w.kind.clone();
        self.add(&kind, || w);
    }

    pub fn finish(self) -> Vec<WarningGroup> {
        self.groups
    }
}

/// Total warnings over all groups.
pub fn total(groups: &[WarningGroup]) -> u64 {
    groups.iter().map(|g| g.total).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(kind: &str, n: u32) -> WarningView {
        WarningView {
            kind: kind.into(),
            message: format!("#{n}"),
            span: Some(n),
        }
    }

    #[test]
    fn groups_count_everything_and_keep_the_first_examples() {
        let mut g = WarningGroups::with_limit(2);
        let mut built = 0;
        for n in 0..5 {
            g.add("orphan", || {
                built += 1;
                view("orphan", n)
            });
        }
        g.add_view(view("skipped", 9));
        g.count_more("skipped", 41);
        g.count_more("cycle", 0);
        let groups = g.finish();
        assert_eq!(built, 2, "examples past the limit are never built");
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].kind, "orphan");
        assert_eq!(groups[0].total, 5);
        let kept: Vec<&str> = groups[0]
            .examples
            .iter()
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(kept, ["#0", "#1"]);
        assert_eq!(groups[1].total, 42);
        assert_eq!(groups[1].examples.len(), 1);
        assert_eq!(total(&groups), 47);
    }
}
