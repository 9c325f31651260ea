//! Warnings of one trace or one file, bounded: every warning is counted, but only the first
//! [`Warnings::KEPT_PER_KIND`] of each kind keep their text. A file of two million empty spans
//! gives eight million warnings; formatting and keeping them all took 1.7 GB. What a person
//! reads is the count and the first examples of each kind.

use std::ops::Deref;

use crate::model::{Warning, WarningKind};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    kept: Vec<Warning>,
    /// Warnings per kind, kept or not, in the order kinds first occurred.
    counts: Vec<(WarningKind, u64)>,
}

impl Warnings {
    /// Warnings of one kind that keep their text.
    pub const KEPT_PER_KIND: u64 = 1000;

    pub fn new() -> Self {
        Self::default()
    }

    /// Counts `w`, and keeps it while its kind has room.
    pub fn push(&mut self, w: Warning) {
        if self.count_one(w.kind) <= Self::KEPT_PER_KIND {
            self.kept.push(w);
        }
    }

    /// Counts a warning of `kind`; `make` builds (formats) it only when it is kept.
    pub fn push_with(&mut self, kind: WarningKind, make: impl FnOnce() -> Warning) {
        if self.count_one(kind) <= Self::KEPT_PER_KIND {
            self.kept.push(make());
        }
    }

    /// Adds one to `kind`'s count and returns the new count.
    fn count_one(&mut self, kind: WarningKind) -> u64 {
        // A dozen kinds at most: a scan beats a map.
        match self.counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.counts.push((kind, 1));
                1
            }
        }
    }

    /// Warnings per kind, kept or not.
    pub fn counts(&self) -> &[(WarningKind, u64)] {
        &self.counts
    }

    /// All warnings, kept or not.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// The warnings that kept their text, in the order they were found.
    pub fn kept(&self) -> &[Warning] {
        &self.kept
    }
}

/// Reads see the kept warnings, as a slice.
impl Deref for Warnings {
    type Target = [Warning];
    fn deref(&self) -> &[Warning] {
        &self.kept
    }
}

impl<'a> IntoIterator for &'a Warnings {
    type Item = &'a Warning;
    type IntoIter = std::slice::Iter<'a, Warning>;
    fn into_iter(self) -> Self::IntoIter {
        self.kept.iter()
    }
}

impl Extend<Warning> for Warnings {
    fn extend<I: IntoIterator<Item = Warning>>(&mut self, iter: I) {
        for w in iter {
            self.push(w);
        }
    }
}

impl FromIterator<Warning> for Warnings {
    fn from_iter<I: IntoIterator<Item = Warning>>(iter: I) -> Self {
        let mut w = Warnings::new();
        w.extend(iter);
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_warning_counts_and_the_first_of_each_kind_keep_their_text() {
        let mut w = Warnings::new();
        let mut formatted = 0;
        for i in 0..Warnings::KEPT_PER_KIND + 500 {
            w.push_with(WarningKind::Orphan, || {
                formatted += 1;
                Warning::new(WarningKind::Orphan, format!("orphan {i}"))
            });
        }
        w.push(Warning::new(WarningKind::Cycle, "cycle"));
        assert_eq!(
            formatted,
            Warnings::KEPT_PER_KIND,
            "past the limit nothing is formatted"
        );
        assert_eq!(w.len() as u64, Warnings::KEPT_PER_KIND + 1);
        assert_eq!(w.total(), Warnings::KEPT_PER_KIND + 501);
        assert_eq!(
            w.counts(),
            [
                (WarningKind::Orphan, Warnings::KEPT_PER_KIND + 500),
                (WarningKind::Cycle, 1)
            ]
        );
        assert_eq!(w[0].message, "orphan 0");
        assert_eq!(w.last().map(|x| x.kind), Some(WarningKind::Cycle));
    }
}
