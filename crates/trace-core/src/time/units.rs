//! The one table of time units: what durations are shown in and what people may type.

/// A unit of time: its length in nanoseconds and the symbol it is written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub ns: u64,
    pub symbol: &'static str,
}

pub const NANOSECOND: Unit = Unit {
    ns: 1,
    symbol: "ns",
};
pub const MICROSECOND: Unit = Unit {
    ns: 1_000,
    symbol: "µs",
};
pub const MILLISECOND: Unit = Unit {
    ns: 1_000_000,
    symbol: "ms",
};
pub const SECOND: Unit = Unit {
    ns: 1_000_000_000,
    symbol: "s",
};
pub const MINUTE: Unit = Unit {
    ns: 60 * SECOND.ns,
    symbol: "m",
};
pub const HOUR: Unit = Unit {
    ns: 60 * MINUTE.ns,
    symbol: "h",
};

/// The decimal units a duration is shown in, smallest first (minutes and hours are written as
/// "2 m 03 s", see `format`).
pub(crate) const DECIMAL_UNITS: [Unit; 4] = [NANOSECOND, MICROSECOND, MILLISECOND, SECOND];

/// What a person may type after a number (the search box's `duration>10ms`), and its unit.
const SPELLINGS: [(&str, Unit); 9] = [
    ("ns", NANOSECOND),
    ("us", MICROSECOND),
    ("µs", MICROSECOND),
    ("μs", MICROSECOND), // Greek mu, which some keyboards type instead of the micro sign
    ("ms", MILLISECOND),
    ("s", SECOND),
    ("m", MINUTE),
    ("min", MINUTE),
    ("h", HOUR),
];

impl Unit {
    /// The largest decimal unit (ns, µs, ms, s) not larger than `magnitude_ns`: the unit a
    /// duration or a ruler reaching that far is written in.
    pub fn for_magnitude(magnitude_ns: u128) -> Unit {
        DECIMAL_UNITS
            .iter()
            .rev()
            .copied()
            .find(|u| magnitude_ns >= u128::from(u.ns))
            .unwrap_or(NANOSECOND)
    }

    /// The unit a person wrote (`"ms"`, `"us"`, `"min"` ...), if it is one.
    pub fn parse(text: &str) -> Option<Unit> {
        SPELLINGS
            .iter()
            .find(|(spelling, _)| *spelling == text)
            .map(|(_, unit)| *unit)
    }

    /// The decimal places that make a multiple of `ns` exact in this unit (integer arithmetic,
    /// so a ruler never reads "0.30000000000000004 s").
    pub fn decimals_for(self, ns: u64) -> usize {
        let mut decimals = 0;
        let mut step = self.ns;
        while step > 1 && !ns.is_multiple_of(step) {
            step /= 10;
            decimals += 1;
        }
        decimals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magnitude_picks_the_largest_unit_not_above_it() {
        assert_eq!(Unit::for_magnitude(0), NANOSECOND);
        assert_eq!(Unit::for_magnitude(999), NANOSECOND);
        assert_eq!(Unit::for_magnitude(1_000), MICROSECOND);
        assert_eq!(Unit::for_magnitude(2_500_000), MILLISECOND);
        assert_eq!(Unit::for_magnitude(u128::MAX), SECOND);
    }

    #[test]
    fn typed_units_are_read() {
        assert_eq!(Unit::parse("us"), Some(MICROSECOND));
        assert_eq!(Unit::parse("μs"), Some(MICROSECOND));
        assert_eq!(Unit::parse("min"), Some(MINUTE));
        assert_eq!(Unit::parse("h").map(|u| u.ns), Some(3_600_000_000_000));
        assert_eq!(Unit::parse("sec"), None);
        assert_eq!(Unit::parse(""), None);
    }

    #[test]
    fn decimals_make_steps_exact() {
        assert_eq!(SECOND.decimals_for(2_000_000_000), 0);
        assert_eq!(SECOND.decimals_for(500_000_000), 1);
        assert_eq!(MILLISECOND.decimals_for(250_000), 2);
        assert_eq!(MICROSECOND.decimals_for(1), 3);
    }
}
