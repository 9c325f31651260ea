//! A fixed-size bitset over span indices: collapse state, filter matches, "keep" marks.
//!
//! One bit per span keeps a million-span trace's state in 125 KB, cheap to clone into a
//! reactive signal and to compare; `Vec<bool>` would be 8x larger and a `HashSet` far more.

/// A set of `u32` indices in `0..len`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BitSet {
    words: Vec<u64>,
    len: usize,
}

impl BitSet {
    /// An empty set able to hold indices `0..len`.
    pub fn new(len: usize) -> Self {
        BitSet {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// The capacity (number of indices), not the number of members.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the set cannot hold any index.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Membership; indices outside `0..len` are never members.
    pub fn contains(&self, i: u32) -> bool {
        let i = i as usize;
        i < self.len && self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// Adds or removes `i`; indices outside `0..len` are ignored (stale ids from an old trace
    /// must not panic the UI).
    pub fn set(&mut self, i: u32, on: bool) {
        let i = i as usize;
        if i >= self.len {
            return;
        }
        let bit = 1u64 << (i % 64);
        if on {
            self.words[i / 64] |= bit;
        } else {
            self.words[i / 64] &= !bit;
        }
    }

    /// Flips `i` and returns its new membership.
    pub fn toggle(&mut self, i: u32) -> bool {
        let now = !self.contains(i);
        self.set(i, now);
        self.contains(i)
    }

    /// Removes every member.
    pub fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }

    /// Number of members.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Members in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros();
                w &= w - 1;
                Some((wi * 64) as u32 + b)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_contains_toggle_count_iter() {
        let mut s = BitSet::new(130);
        assert_eq!(s.len(), 130);
        assert!(!s.contains(5));
        s.set(5, true);
        s.set(64, true);
        s.set(129, true);
        assert!(s.contains(5) && s.contains(64) && s.contains(129));
        assert_eq!(s.count(), 3);
        assert_eq!(s.iter().collect::<Vec<_>>(), [5, 64, 129]);
        assert!(!s.toggle(5));
        assert!(s.toggle(6));
        assert_eq!(s.iter().collect::<Vec<_>>(), [6, 64, 129]);
        s.clear();
        assert_eq!(s.count(), 0);
    }

    #[test]
    fn out_of_range_is_ignored() {
        let mut s = BitSet::new(10);
        s.set(10, true);
        s.set(u32::MAX, true);
        assert!(!s.contains(10));
        assert!(!s.toggle(1000));
        assert_eq!(s.count(), 0);
        assert!(BitSet::new(0).is_empty());
    }
}
