//! The one way a duration is written for people: a number, a space, a unit from
//! [`super::units`] ("850 ns", "1.25 µs", "12.3 ms", "2 m 03 s"). Integer arithmetic
//! throughout, so the same duration always reads the same on every platform.

use super::units::{Unit, DECIMAL_UNITS, HOUR, MINUTE, SECOND};

/// A readable, adaptive duration: about three significant digits in the largest unit that
/// keeps the number at least 1 ("0 ns", "850 ns", "1.25 µs", "12.3 ms", "1.50 s", "2 m 03 s",
/// "1 h 02 m"). Every label in the UI and every message about a duration uses it.
pub fn format_duration(ns: impl Into<i128>) -> String {
    let ns: i128 = ns.into();
    let sign = if ns < 0 { "-" } else { "" };
    format!("{sign}{}", readable(ns.unsigned_abs()))
}

/// The same style with every digit kept ("1.000000001 s", "1.5 ms", "120 ns"): for dumps
/// compared in snapshot tests and messages that point at one exact moment.
pub fn format_duration_exact(ns: impl Into<i128>) -> String {
    let ns: i128 = ns.into();
    let abs = ns.unsigned_abs();
    let unit = Unit::for_magnitude(abs);
    let sign = if ns < 0 { "-" } else { "" };
    let digits = unit.ns.ilog10() as usize;
    let text = fixed(abs, unit, digits);
    let text = match text.split_once(' ') {
        Some((number, symbol)) if number.contains('.') => {
            format!(
                "{} {symbol}",
                number.trim_end_matches('0').trim_end_matches('.')
            )
        }
        _ => text,
    };
    format!("{sign}{text}")
}

/// `ns` in `unit` with exactly `decimals` decimals, cut (not rounded): a ruler's labels, whose
/// decimals come from [`Unit::decimals_for`].
pub fn format_fixed(ns: u64, unit: Unit, decimals: usize) -> String {
    fixed(u128::from(ns), unit, decimals)
}

fn fixed(ns: u128, unit: Unit, decimals: usize) -> String {
    let unit_ns = u128::from(unit.ns);
    let (whole, frac) = (ns / unit_ns, ns % unit_ns);
    let digits = unit.ns.ilog10() as usize;
    let decimals = decimals.min(digits);
    if decimals == 0 {
        return format!("{whole} {}", unit.symbol);
    }
    let frac = format!("{frac:0digits$}");
    format!("{whole}.{} {}", &frac[..decimals], unit.symbol)
}

fn readable(ns: u128) -> String {
    for unit in DECIMAL_UNITS {
        if let Some(text) = three_digits(ns, unit) {
            return text;
        }
    }
    let secs = rounded_div(ns, u128::from(SECOND.ns));
    let per_minute = u128::from(MINUTE.ns / SECOND.ns);
    if secs < u128::from(HOUR.ns / SECOND.ns) {
        format!("{} m {:02} s", secs / per_minute, secs % per_minute)
    } else {
        let mins = rounded_div(secs, per_minute);
        format!("{} h {:02} m", mins / per_minute, mins % per_minute)
    }
}

/// `ns` in `unit` with three significant digits, unless rounding carries it out of the unit
/// (999.96 µs is "1.00 ms", not "1000 µs").
fn three_digits(ns: u128, unit: Unit) -> Option<String> {
    let unit_ns = u128::from(unit.ns);
    if unit == DECIMAL_UNITS[0] {
        return (ns < 1_000).then(|| format!("{ns} {}", unit.symbol));
    }
    let decimals: u32 = if ns < 10 * unit_ns {
        2
    } else if ns < 100 * unit_ns {
        1
    } else {
        0
    };
    let scale = 10u128.pow(decimals);
    let scaled = rounded_div(ns.saturating_mul(scale), unit_ns);
    let limit = if unit == SECOND { 60 } else { 1_000 };
    if scaled >= limit * scale {
        return None;
    }
    let (whole, frac) = (scaled / scale, scaled % scale);
    Some(match decimals {
        0 => format!("{whole} {}", unit.symbol),
        d => format!("{whole}.{frac:0width$} {}", unit.symbol, width = d as usize),
    })
}

/// `a / b` rounded half up.
fn rounded_div(a: u128, b: u128) -> u128 {
    a / b + u128::from(a % b >= b - b / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{MICROSECOND, MILLISECOND};

    #[test]
    fn readable_durations() {
        let cases: [(u64, &str); 13] = [
            (0, "0 ns"),
            (850, "850 ns"),
            (999, "999 ns"),
            (1_000, "1.00 µs"),
            (1_250, "1.25 µs"),
            (12_340, "12.3 µs"),
            (999_999, "1.00 ms"),
            (12_300_000, "12.3 ms"),
            (123_456_789, "123 ms"),
            (1_500_000_000, "1.50 s"),
            (59_999_000_000, "1 m 00 s"),
            (123_000_000_000, "2 m 03 s"),
            (3_720_000_000_000, "1 h 02 m"),
        ];
        for (ns, want) in cases {
            assert_eq!(format_duration(ns), want, "{ns} ns");
        }
        assert_eq!(format_duration(-1_250i64), "-1.25 µs");
        assert_eq!(format_duration(i64::MIN), "-2562047 h 47 m");
        assert_eq!(format_duration(u64::MAX), "5124095 h 35 m");
    }

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(format_duration(1_005u64), "1.01 µs");
        assert_eq!(format_duration(1_004u64), "1.00 µs");
        assert_eq!(format_duration(999_500u64), "1.00 ms");
        assert_eq!(format_duration(999_499u64), "999 µs");
    }

    #[test]
    fn exact_durations_keep_every_digit() {
        assert_eq!(format_duration_exact(120i64), "120 ns");
        assert_eq!(format_duration_exact(1_500_000i64), "1.5 ms");
        assert_eq!(format_duration_exact(2_000i64), "2 µs");
        assert_eq!(format_duration_exact(1_000_000_001i64), "1.000000001 s");
        assert_eq!(format_duration_exact(-3_000i64), "-3 µs");
        assert_eq!(format_duration_exact(0i64), "0 ns");
        assert_eq!(format_duration_exact(90_000_000_000i64), "90 s");
    }

    #[test]
    fn fixed_decimals_are_cut_exactly() {
        assert_eq!(format_fixed(300_000_000, SECOND, 1), "0.3 s");
        assert_eq!(format_fixed(1_250_000, MILLISECOND, 2), "1.25 ms");
        assert_eq!(format_fixed(1_259, MICROSECOND, 2), "1.25 µs");
        assert_eq!(format_fixed(7_000, MICROSECOND, 0), "7 µs");
    }
}
